using System.Collections.Generic;
using Xunit;
using MediaOps.Targets;

namespace MediaOps.Engine.Tests
{
    public class TargetTests
    {
        private static Dictionary<string, string> Env(params (string k, string v)[] pairs)
        {
            var d = new Dictionary<string, string>();
            foreach (var (k, v) in pairs) d[k] = v;
            return d;
        }

        [Theory]
        [InlineData("media", "media/")]
        [InlineData("/media/", "media/")]
        [InlineData("media//", "media/")]
        [InlineData("a/b", "a/b/")]
        [InlineData("", "")]
        [InlineData("/", "")]
        public void Prefix_is_normalised_to_one_trailing_slash(string given, string expected) =>
            Assert.Equal(expected, MediaTarget.NormalizePrefix(given));

        [Fact]
        public void Django_environment_variables_are_the_defaults()
        {
            var env = Env(("AWS_STORAGE_BUCKET_NAME", "myapp-prod-media"), ("AWS_LOCATION", "uploads"), ("AWS_S3_REGION_NAME", "eu-west-1"));
            var t = MediaTarget.Resolve(new MediaTargetOptions(), k => env.TryGetValue(k, out var v) ? v : null);
            Assert.Equal("myapp-prod-media", t.BucketName);
            Assert.Equal("uploads/", t.Prefix);
            Assert.Equal("eu-west-1", t.Region);
            Assert.Equal("uploads/a/b.jpg", t.KeyFor("a/b.jpg"));
            Assert.Equal("s3://myapp-prod-media/uploads/", t.Uri);
        }

        [Fact]
        public void Explicit_values_win_and_prefix_defaults_to_media()
        {
            var env = Env(("AWS_STORAGE_BUCKET_NAME", "other-bucket"));
            var t = MediaTarget.Resolve(new MediaTargetOptions { BucketName = "mine-1" }, k => env.TryGetValue(k, out var v) ? v : null);
            Assert.Equal("mine-1", t.BucketName);
            Assert.Equal("media/", t.Prefix);
        }

        [Theory]
        [InlineData("UPPER")]
        [InlineData("ab")]
        [InlineData("has_underscore")]
        [InlineData("192.168.1.1")]
        [InlineData("two..dots")]
        [InlineData("-leading")]
        public void Invalid_bucket_names_are_refused_before_any_request(string name)
        {
            var ex = Assert.Throws<MediaOpsException>(() => MediaTarget.Resolve(new MediaTargetOptions { BucketName = name }, _ => null));
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
            Assert.Equal("MediaOps.InvalidBucketName", ex.ErrorId);
        }

        [Fact]
        public void Notes_never_contain_the_secret()
        {
            var t = MediaTarget.Resolve(new MediaTargetOptions { BucketName = "b-1x", AccessKeyId = "AKIA1", SecretAccessKey = "s3cr3t-value" }, _ => null);
            Assert.DoesNotContain(t.Notes, n => n.Contains("s3cr3t-value"));
        }
    }
}
