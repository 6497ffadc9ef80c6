using System;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using MediaOps.Targets;
using MediaOps.Urls;
using Xunit;

namespace MediaOps.Engine.Tests
{
    /// <summary>AWSConfigs.ManualClockCorrection is process-wide: these tests must not run beside others that sign.</summary>
    [CollectionDefinition(nameof(ClockCorrection), DisableParallelization = true)]
    public class ClockCorrection { }

    [Collection(nameof(ClockCorrection))]
    public class MediaUrlBuilderTests
    {
        [Theory]
        [InlineData(60, -1.7)]
        [InlineData(3600, -0.6)]
        [InlineData(3600, 0.8)]
        [InlineData(604800, -3.2)]
        public void X_Amz_Expires_is_exactly_ExpiresIn_whatever_clock_skew_the_SDK_corrects_for(int expiresIn, double skewSeconds)
        {
            var target = MediaTarget.Resolve(new MediaTargetOptions { BucketName = "media-bucket", Region = "eu-west-1", EndpointUrl = "http://127.0.0.1:9" }, _ => null, true);
            var config = new AmazonS3Config { ServiceURL = target.EndpointUrl, ForcePathStyle = true, AuthenticationRegion = "eu-west-1" };
            var previous = AWSConfigs.ManualClockCorrection;
            AWSConfigs.ManualClockCorrection = TimeSpan.FromSeconds(skewSeconds); // what a response's Date header teaches the SDK
            try
            {
                using (var s3 = new AmazonS3Client(new BasicAWSCredentials("AKIAEXAMPLE", "secret"), config))
                using (var urls = new MediaUrlBuilder(s3, target))
                {
                    var url = urls.For("docs/a.txt", expiresInSeconds: expiresIn).Url;
                    Assert.Contains($"X-Amz-Expires={expiresIn}&", url + "&");
                }
            }
            finally
            {
                AWSConfigs.ManualClockCorrection = previous;
            }
        }
    }
}
