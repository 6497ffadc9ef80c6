using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3.Model;
using Xunit;
using MediaOps.Aws;
using MediaOps.Verification;

namespace MediaOps.Engine.Tests
{
    [Collection("moto")]
    public class SmokeTesterTests
    {
        private readonly MotoServer _moto;
        public SmokeTesterTests(MotoServer moto) => _moto = moto;

        [Fact]
        public async Task Cancelled_after_the_upload_still_removes_the_probe()
        {
            var bucket = MotoServer.NewBucketName("smk");
            var target = _moto.Target(bucket);
            using (var s3 = new AwsClientFactory().CreateS3(target))
            {
                await s3.PutBucketAsync(bucket);
                using (var cts = new CancellationTokenSource())
                {
                    // Ctrl+C right after the upload row: the finally block must still delete the probe.
                    var rows = new RecordingObserver<CheckResult>(r => { if (r.Check == "Upload") cts.Cancel(); });
                    var key = SmokeTester.NewProbeKey(target);
                    await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                        new SmokeTester(new AwsClientFactory()).RunAsync(target, AccessModel.Private, key, false, rows, cts.Token));
                }
                var left = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
                Assert.Empty(left.S3Objects ?? new List<S3Object>());
            }
        }
    }
}
