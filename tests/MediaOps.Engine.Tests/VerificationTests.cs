using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3.Model;
using Xunit;
using MediaOps.Aws;
using MediaOps.Integrity;
using MediaOps.Runs;
using MediaOps.Targets;
using MediaOps.Verification;

namespace MediaOps.Engine.Tests
{
    public class DjangoNamesTests
    {
        // Expected values produced by django-storages 1.13 (S3Boto3Storage._normalize_name(clean_name(name)), location "media");
        // the Pester Django tests re-check them against the installed package.
        [Theory]
        [InlineData("uploads/a.jpg", "media/uploads/a.jpg")]
        [InlineData("a/../b.txt", "media/b.txt")]
        [InlineData("./x", "media/x")]
        [InlineData("a//b", "media/a/b")]
        [InlineData("a\\b", "media/a/b")]
        [InlineData("dir/", "media/dir/")]
        [InlineData("", "media/")]
        [InlineData(".", "media/")]
        [InlineData("a/./b/../c", "media/a/c")]
        [InlineData("/abs", null)]
        [InlineData("../x", null)]
        [InlineData("//x", null)]
        [InlineData("a/../../x", null)]
        [InlineData("..\\x", null)]
        public void MirrorsDjangoStorages(string name, string expected) =>
            Assert.Equal(expected, DjangoNames.TryKeyFor("media/", name));

        [Theory]
        [InlineData("/abs.txt", "abs.txt")]
        [InlineData("../x", "x")]
        [InlineData("a/b", "a/b")]
        public void EmptyLocationStripsLeadingSlashesLikeSafeJoin(string name, string expected) =>
            Assert.Equal(expected, DjangoNames.TryKeyFor("", name));

        [Fact]
        public void KeyForRefusesEscapesWithInvalidArgument()
        {
            var ex = Assert.Throws<MediaOpsException>(() => DjangoNames.KeyFor("media/", "../etc/passwd"));
            Assert.Equal("MediaOps.SuspiciousName", ex.ErrorId);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
        }

        // The local MD5 equals the ETag in every case: only a single-part, non-KMS ETag may prove the content the same.
        [Theory]
        [InlineData("5d41402abc4b2a76b9719d911017c592", null, true)]
        [InlineData("5d41402abc4b2a76b9719d911017c592-3", null, false)]
        [InlineData("5d41402abc4b2a76b9719d911017c592", "aws:kms", false)]
        [InlineData("", null, false)]
        public async Task OnlySinglePartNonKmsETagsAreMd5(string etag, string sse, bool expected)
        {
            var remote = ObjectDigest.FromHeaders("media/a", 5, etag, sse == null ? null : new Amazon.S3.ServerSideEncryptionMethod(sse), null, null);
            var verdict = await ContentComparer.DecideAsync(remote, () => Task.FromResult("5d41402abc4b2a76b9719d911017c592"), () => Task.FromResult<bool?>(null));
            Assert.Equal(expected, verdict.IsSame);
            Assert.Equal(expected, verdict.Basis == VerdictBasis.ETagMd5);
        }
    }

    public class OrderedWorkQueueTests
    {
        [Fact]
        public async Task Results_come_back_in_input_order_with_bounded_concurrency()
        {
            const int Concurrency = 8;
            var running = 0;
            var peak = 0;
            // The first items wait until Concurrency of them run at once: proves the bound is reached, never passed.
            var allStarted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var results = new List<int>();
            var queue = new OrderedWorkQueue<int>(Concurrency, Concurrency * 4, results.Add);
            for (var i = 0; i < 200; i++)
            {
                var item = i;
                await queue.EnqueueAsync(async () =>
                {
                    var now = Interlocked.Increment(ref running);
                    InterlockedMax(ref peak, now);
                    if (now == Concurrency) allStarted.TrySetResult(true);
                    await allStarted.Task;
                    // Later items finish first: the queue must put them back in order.
                    await Task.Yield();
                    if (item % 3 == 0) await Task.Yield();
                    Interlocked.Decrement(ref running);
                    return item;
                }, CancellationToken.None);
            }
            await queue.DrainAsync();
            Assert.Equal(Enumerable.Range(0, 200), results);
            Assert.Equal(Concurrency, peak);
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }

    [Collection("moto")]
    public class SmokeTesterTests
    {
        private readonly MotoServer _moto;
        public SmokeTesterTests(MotoServer moto) => _moto = moto;

        [Fact]
        public async Task CancelledAfterUploadStillRemovesTheProbe()
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
