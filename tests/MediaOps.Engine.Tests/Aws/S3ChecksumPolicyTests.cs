using Amazon.Runtime;
using Amazon.S3;
using Xunit;
using MediaOps.Aws;
using MediaOps.Targets;

namespace MediaOps.Engine.Tests
{
    public class S3ChecksumPolicyTests
    {
        [Theory]
        [InlineData(null, true)]
        [InlineData("https://s3.eu-west-1.amazonaws.com", true)]
        [InlineData("https://s3-fips.us-east-1.amazonaws.com", true)]
        [InlineData("https://bucket.vpce-0a1b2c3d.s3.us-east-1.vpce.amazonaws.com", true)]
        [InlineData("https://s3.cn-north-1.amazonaws.com.cn", true)]
        [InlineData("http://127.0.0.1:9000", false)]
        [InlineData("https://s3.wasabisys.com", false)]
        [InlineData("https://amazonaws.com.example.net", false)]
        [InlineData("https://notamazonaws.com", false)]
        public void Only_AWS_hosts_count_as_AWS(string endpoint, bool expected) =>
            Assert.Equal(expected, S3ChecksumPolicy.IsAwsEndpoint(endpoint));

        [Fact]
        public void S3_compatible_endpoints_send_and_validate_flexible_checksums_only_when_required()
        {
            var config = new AmazonS3Config();
            S3ChecksumPolicy.Apply(config, "http://127.0.0.1:9000", _ => null);
            Assert.Equal(RequestChecksumCalculation.WHEN_REQUIRED, config.RequestChecksumCalculation);
            Assert.Equal(ResponseChecksumValidation.WHEN_REQUIRED, config.ResponseChecksumValidation);
        }

        [Fact]
        public void AWS_keeps_the_SDK_default_of_checksums_on_every_upload_and_download()
        {
            var config = new AmazonS3Config();
            S3ChecksumPolicy.Apply(config, "https://s3.eu-west-1.amazonaws.com", _ => null);
            Assert.Equal(RequestChecksumCalculation.WHEN_SUPPORTED, config.RequestChecksumCalculation);
            Assert.Equal(ResponseChecksumValidation.WHEN_SUPPORTED, config.ResponseChecksumValidation);
        }

        [Fact]
        public void The_standard_AWS_setting_wins_over_the_policy()
        {
            var config = new AmazonS3Config();
            var reason = S3ChecksumPolicy.Apply(config, "http://127.0.0.1:9000",
                name => name == S3ChecksumPolicy.RequestSetting ? "when_supported" : null);
            Assert.NotEqual(RequestChecksumCalculation.WHEN_REQUIRED, config.RequestChecksumCalculation);
            Assert.Equal(ResponseChecksumValidation.WHEN_REQUIRED, config.ResponseChecksumValidation);
            Assert.Contains(S3ChecksumPolicy.RequestSetting, reason);
        }

        [Fact]
        public void The_factory_applies_the_policy()
        {
            var target = MediaTarget.Resolve(new MediaTargetOptions
            {
                BucketName = "policy-test", EndpointUrl = "http://127.0.0.1:9", Region = "us-east-1",
                AccessKeyId = "AKIAMEDIAOPSTEST0001", SecretAccessKey = "test-secret",
            }, _ => null);
            using var s3 = (AmazonS3Client)new AwsClientFactory().CreateS3(target);
            var config = (AmazonS3Config)s3.Config;
            Assert.Equal(RequestChecksumCalculation.WHEN_REQUIRED, config.RequestChecksumCalculation);
            Assert.True(config.ForcePathStyle);
        }
    }
}
