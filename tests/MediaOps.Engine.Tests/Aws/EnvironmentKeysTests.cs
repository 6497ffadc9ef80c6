using System.Collections.Generic;
using Amazon.Runtime;
using MediaOps.Aws;
using Xunit;

namespace MediaOps.Engine.Tests
{
    /// <summary>The environment-key shortcut answers only where the SDK's chain could not prefer anything else.</summary>
    public class EnvironmentKeysTests
    {
        private static readonly Dictionary<string, string> Keys = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIAENVKEY0000000001",
            ["AWS_SECRET_ACCESS_KEY"] = "env-secret",
            ["HOME"] = "/home/runbook",
        };

        private static AWSCredentials Resolve(Dictionary<string, string> env, params string[] existingFiles) =>
            CredentialResolver.EnvironmentKeys(name => env.TryGetValue(name, out var v) ? v : null, path => System.Array.IndexOf(existingFiles, path) >= 0);

        private static Dictionary<string, string> With(string name, string value) =>
            new Dictionary<string, string>(Keys) { [name] = value };

        [Fact]
        public void Keys_alone_are_read_as_given()
        {
            var creds = Resolve(Keys).GetCredentials();
            Assert.Equal("AKIAENVKEY0000000001", creds.AccessKey);
            Assert.Equal("env-secret", creds.SecretKey);
            Assert.False(creds.UseToken);
        }

        [Fact]
        public void A_session_token_is_kept()
        {
            var creds = Resolve(With("AWS_SESSION_TOKEN", "tok")).GetCredentials();
            Assert.Equal("tok", creds.Token);
        }

        [Theory]
        [InlineData("AWS_PROFILE", "prod")]
        [InlineData("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r")]
        [InlineData("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token")]
        [InlineData("AWS_SHARED_CREDENTIALS_FILE", "/etc/aws/credentials")]
        [InlineData("AWS_CONFIG_FILE", "/etc/aws/config")]
        public void Anything_the_chain_might_prefer_leaves_the_choice_to_the_chain(string name, string value) =>
            Assert.Null(Resolve(With(name, value)));

        [Theory]
        [InlineData("/home/runbook/.aws/credentials")]
        [InlineData("/home/runbook/.aws/config")]
        public void A_shared_file_in_the_home_folder_leaves_the_choice_to_the_chain(string file) =>
            Assert.Null(Resolve(Keys, file.Replace('/', System.IO.Path.DirectorySeparatorChar)));

        [Fact]
        public void Without_both_keys_the_chain_decides() =>
            Assert.Null(Resolve(With("AWS_SECRET_ACCESS_KEY", "")));
    }
}
