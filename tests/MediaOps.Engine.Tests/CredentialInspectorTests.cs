using System.Linq;
using System.Threading;
using MediaOps.Aws;
using MediaOps.Credentials;
using Xunit;

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
        public void Arns_are_classified(string arn, CredentialInspector.PrincipalKind expected) =>
            Assert.Equal(expected, CredentialInspector.ClassifyArn(arn));

        [Fact]
        public async System.Threading.Tasks.Task Inspects_explicit_keys_against_moto_sts()
        {
            var rows = await new CredentialInspector(AwsClientFactory.Default)
                .InspectAsync(_moto.Target(null), CancellationToken.None);
            Assert.Equal(new[] { "CredentialSource", "Identity", "NotRoot", "CredentialType" }, rows.Select(r => r.Check));
            Assert.Contains("-Credential", rows[0].Actual);
            Assert.Equal(CheckStatus.Pass, rows[1].Status);
        }
    }
}
