using System;
using System.IO;
using System.Net;
using Amazon.S3;
using Xunit;
using MediaOps.Errors;

namespace MediaOps.Engine.Tests
{
    public class S3ErrorTranslatorTests
    {
        [Fact]
        public void An_sdk_exception_that_escaped_the_engine_gets_a_MediaOps_error_id()
        {
            var escaped = new AggregateException(new AmazonS3Exception("The specified bucket does not exist") { ErrorCode = "NoSuchBucket", StatusCode = HttpStatusCode.NotFound });
            var translated = Assert.IsType<MediaOpsException>(S3ErrorTranslator.TranslateEscaped(escaped, "media-bucket"));
            Assert.Equal("MediaOps.BucketNotFound", translated.ErrorId);
            Assert.Equal(FailureKind.NotFound, translated.Kind);
            Assert.Contains("media-bucket", translated.Message);
        }

        [Fact]
        public void A_local_failure_is_left_for_the_cmdlet_mapping_not_taken_for_a_network_error()
        {
            var local = new IOException("No space left on device");
            Assert.Same(local, S3ErrorTranslator.TranslateEscaped(local, "media-bucket"));
        }
    }
}
