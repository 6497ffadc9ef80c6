using System;
using MediaOps.Aws;
using MediaOps.Targets;
using Xunit;

namespace MediaOps.Engine.Tests
{
    /// <summary>On IAM-enforcing moto: a caller the role's permissions do not cover gets one error that names the role and never the token.</summary>
    public sealed class RoleNotAssumedTests : IDisposable
    {
        private const string Role = "arn:aws:iam::123456789012:role/media-sync";
        private readonly MotoServer _moto = MotoServer.StartIamSetup();
        private readonly MotoIamUser _stranger;

        public RoleNotAssumedTests()
        {
            _stranger = MotoIam.CreateUser(_moto, "stranger", MotoIam.S3FullAccessPolicy); // may not call sts:AssumeRole
            MotoIam.EnableEnforcement(_moto);
        }

        public void Dispose() => _moto.Dispose();

        [Fact]
        public void AccessDenied_names_the_role_the_caller_and_what_to_check()
        {
            var target = MediaTarget.Resolve(new MediaTargetOptions
            {
                EndpointUrl = _moto.Endpoint, Region = "us-east-1", AccessKeyId = _stranger.AccessKeyId, SecretAccessKey = _stranger.SecretAccessKey,
                Role = new RoleRequest(Role, externalId: "ext-42"),
            }, _ => null, requireBucket: false);
            var ex = Assert.Throws<MediaOpsException>(() => new AwsClientFactory().DescribeCredentialSource(target));
            Assert.Equal("MediaOps.RoleNotAssumed", ex.ErrorId);
            Assert.Equal(FailureKind.Authentication, ex.Kind);
            Assert.Equal("AccessDenied", ex.ServiceErrorCode);
            Assert.Contains($"Could not assume role '{Role}' with the -Credential parameter", ex.Message);
            Assert.Contains("trust policy", ex.Message);
            Assert.Contains("sts:ExternalId", ex.Message);
            Assert.Contains("sts:AssumeRole", ex.Message);
            Assert.DoesNotContain(_stranger.SecretAccessKey, ex.ToString());
        }
    }
}
