using System.Linq;
using System.Threading;
using Xunit;
using MediaOps.Aws;
using MediaOps.Credentials;
using MediaOps.Targets;

namespace MediaOps.Engine.Tests
{
    [Collection("moto")]
    public class CredentialInspectorTests
    {
        private readonly MotoServer _moto;
        public CredentialInspectorTests(MotoServer moto) => _moto = moto;

        [Theory]
        [InlineData("arn:aws:iam::123456789012:root", CredentialInspector.PrincipalKind.Root)]
        [InlineData("arn:aws:iam::123456789012:user/app", CredentialInspector.PrincipalKind.User)]
        [InlineData("arn:aws:sts::123456789012:assumed-role/app/i-1", CredentialInspector.PrincipalKind.AssumedRole)]
        [InlineData("arn:aws-cn:iam::123456789012:root", CredentialInspector.PrincipalKind.Root)]
        [InlineData("arn:aws:sts::123456789012:user/moto", CredentialInspector.PrincipalKind.User)]
        [InlineData("arn:aws:iam::123456789012:user/division/app", CredentialInspector.PrincipalKind.User)]
        [InlineData("arn:aws:sts::123456789012:federated-user/bob", CredentialInspector.PrincipalKind.FederatedUser)]
        [InlineData("arn:aws:iam::123456789012:role/app", CredentialInspector.PrincipalKind.Unknown)]
        [InlineData("not-an-arn", CredentialInspector.PrincipalKind.Unknown)]
        public void Arns_are_classified(string arn, CredentialInspector.PrincipalKind expected) =>
            Assert.Equal(expected, CredentialInspector.ClassifyArn(arn));

        [Fact]
        public async System.Threading.Tasks.Task Inspects_explicit_keys_against_moto_sts()
        {
            var rows = await Recorded.Rows<CheckResult>(o => new CredentialInspector(new AwsClientFactory())
                .InspectAsync(_moto.Target(null), o, CancellationToken.None));
            Assert.Equal(new[] { "CredentialSource", "Identity", "NotRoot", "CredentialType" }, rows.Select(r => r.Check));
            Assert.Contains("-Credential", rows[0].Actual);
            Assert.Equal(CheckStatus.Pass, rows[1].Status);
            // moto's identity for keys it does not know (arn:aws:sts::...:user/moto) is a long-lived user key.
            Assert.Equal(CheckStatus.Pass, rows[2].Status);
            Assert.Equal(CheckStatus.Warning, rows[3].Status);
            Assert.Equal("long-lived access key of an IAM user", rows[3].Actual);
        }

        [Fact]
        public async System.Threading.Tasks.Task Root_credentials_fail_NotRoot()
        {
            // moto never answers GetCallerIdentity with a root ARN; the proxy gives moto's answer the ARN AWS returns for root keys.
            using var proxy = new Buckets.S3QuirkProxy(_moto.Endpoint)
            {
                RewriteResponse = body => System.Text.RegularExpressions.Regex.Replace(body, "<Arn>[^<]*</Arn>", "<Arn>arn:aws:iam::123456789012:root</Arn>"),
            };
            var target = MediaTarget.Resolve(new MediaTargetOptions
            {
                EndpointUrl = proxy.Endpoint, Region = "us-east-1", AccessKeyId = "AKIAMEDIAOPSTEST0001", SecretAccessKey = "s",
            }, _ => null, requireBucket: false);
            var rows = await Recorded.Rows<CheckResult>(o => new CredentialInspector(new AwsClientFactory()).InspectAsync(target, o, CancellationToken.None));
            var notRoot = rows.Single(r => r.Check == "NotRoot");
            Assert.Equal(CheckStatus.Fail, notRoot.Status);
            Assert.Equal("arn:aws:iam::123456789012:root", notRoot.Actual);
            Assert.Contains("root", notRoot.Message);
            Assert.Equal("long-lived access key of the root user", rows.Single(r => r.Check == "CredentialType").Actual);
        }

        [Fact]
        public async System.Threading.Tasks.Task Assumed_role_credentials_pass_CredentialType()
        {
            using var sts = new AwsClientFactory().CreateSts(_moto.Target(null));
            var assumed = await sts.AssumeRoleAsync(new Amazon.SecurityToken.Model.AssumeRoleRequest
            {
                RoleArn = "arn:aws:iam::123456789012:role/mediaops-app", RoleSessionName = "xunit",
            });
            var target = MediaTarget.Resolve(new MediaTargetOptions
            {
                EndpointUrl = _moto.Endpoint, Region = "us-east-1",
                AccessKeyId = assumed.Credentials.AccessKeyId, SecretAccessKey = assumed.Credentials.SecretAccessKey, SessionToken = assumed.Credentials.SessionToken,
            }, _ => null, requireBucket: false);
            var rows = await Recorded.Rows<CheckResult>(o => new CredentialInspector(new AwsClientFactory()).InspectAsync(target, o, CancellationToken.None));
            Assert.StartsWith("arn:aws:sts::123456789012:assumed-role/mediaops-app/xunit", rows.Single(r => r.Check == "Identity").Actual);
            Assert.Equal(CheckStatus.Pass, rows.Single(r => r.Check == "CredentialType").Status);
            Assert.Contains("session token", rows.Single(r => r.Check == "CredentialSource").Actual);
        }
    }
}
