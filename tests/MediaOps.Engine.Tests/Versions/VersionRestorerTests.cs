using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3.Model;
using Xunit;
using MediaOps.Aws;
using MediaOps.Versions;

namespace MediaOps.Engine.Tests
{
    [Collection("moto")]
    public class VersionRestorerTests
    {
        private const long MiB = 1024 * 1024;
        private readonly MotoServer _moto;
        public VersionRestorerTests(MotoServer moto) => _moto = moto;

        private static VersionRestorer Engine => new VersionRestorer(new AwsClientFactory());

        private static byte[] Bytes(long length, int seed)
        {
            var b = new byte[length];
            new Random(seed).NextBytes(b);
            return b;
        }

        private static async Task<string> UploadInPartsAsync(S3TestBucket bucket, string key, byte[] body, long partSize, string contentType)
        {
            var upload = await bucket.S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket.Name, Key = key, ContentType = contentType });
            var parts = new List<PartETag>();
            for (int n = 1, offset = 0; offset < body.Length; n++, offset += (int)partSize)
            {
                var size = (int)Math.Min(partSize, body.Length - offset);
                var part = await bucket.S3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket.Name, Key = key, UploadId = upload.UploadId, PartNumber = n,
                    InputStream = new System.IO.MemoryStream(body, offset, size), PartSize = size,
                });
                parts.Add(new PartETag(n, part.ETag));
            }
            var done = await bucket.S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket.Name, Key = key, UploadId = upload.UploadId, PartETags = parts });
            return done.ETag.Trim('"');
        }

        [Fact]
        public async Task A_version_uploaded_in_parts_comes_back_by_part_copy_with_its_etag_and_content_type()
        {
            using var bucket = VersionedBucket.Create(_moto);
            var original = Bytes(11 * MiB, 1);
            var etag = await UploadInPartsAsync(bucket, "media/big.png", original, 5 * MiB, "image/png");
            Assert.EndsWith("-3", etag);
            var t = await VersionedBucket.ServerNowAsync(bucket);
            await VersionedBucket.WaitForServerSecondAfterAsync(bucket, t);
            await VersionedBucket.PutAsync(bucket, "media/big.png", "truncated by a bug", "text/plain");

            var result = await Engine.RestoreAsync(bucket.Target, new RestoreOptions { AsOfUtc = t }, new RecordingObserver<SyncItem>(), CancellationToken.None);

            Assert.Equal(1, result.Transferred);
            Assert.Equal(0, result.Failed);
            var head = await bucket.S3.GetObjectMetadataAsync(bucket.Name, "media/big.png");
            Assert.Equal(etag, head.ETag.Trim('"'));
            Assert.Equal("image/png", head.Headers.ContentType);
            Assert.Equal(original, await bucket.GetAsync("media/big.png"));
            Assert.Empty(await bucket.MultipartUploadsAsync());
            // Same ETag: the next plan sees the key restored.
            var again = await Engine.RestoreAsync(bucket.Target, new RestoreOptions { AsOfUtc = t }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(0, again.Transferred);
            Assert.Equal(1, again.Skipped);
        }

        [Fact]
        public async Task A_multipart_version_under_a_newer_single_part_object_is_checked_against_its_own_parts()
        {
            // 6 MiB parts are none of the usual sizes, so the proof needs the version's own first part (HEAD
            // ?partNumber=1&versionId=…); the current object's answer (one small part) proves nothing about it.
            using var bucket = VersionedBucket.Create(_moto);
            var original = Bytes(13 * MiB, 3);
            var etag = await UploadInPartsAsync(bucket, "media/big.bin", original, 6 * MiB, "application/octet-stream");
            Assert.EndsWith("-3", etag);
            Assert.DoesNotContain(6 * MiB, MediaOps.Integrity.MultipartETag.CandidatePartSizes(original.Length, 3, new MediaOps.Transfer.TransferSettings()));
            var t = await VersionedBucket.ServerNowAsync(bucket);
            await VersionedBucket.WaitForServerSecondAfterAsync(bucket, t);
            await VersionedBucket.PutAsync(bucket, "media/big.bin", "truncated by a bug", "text/plain");
            using var folder = new TempTree();
            var sync = new MediaOps.Sync.MediaSync(new AwsClientFactory());

            var first = await sync.SyncFromS3Async(bucket.Target, new MediaOps.Sync.SyncOptions { Path = folder.Root, AsOfUtc = t }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(1, first.Transferred);
            Assert.Equal(original, System.IO.File.ReadAllBytes(System.IO.Path.Combine(folder.Root, "big.bin")));

            // -Checksum compares the file with the version at T: the same bytes, so nothing is downloaded again.
            var again = await sync.SyncFromS3Async(bucket.Target, new MediaOps.Sync.SyncOptions { Path = folder.Root, AsOfUtc = t, Checksum = true }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(0, again.Transferred);
            Assert.Equal(1, again.Skipped);
            Assert.Equal(0, again.Failed);
        }

        [Fact]
        public async Task Above_the_copy_limit_a_single_part_version_is_copied_in_parts_with_its_headers()
        {
            using var bucket = VersionedBucket.Create(_moto);
            var original = Bytes(6 * MiB, 2);
            await bucket.S3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket.Name, Key = "media/video.mp4", InputStream = new System.IO.MemoryStream(original),
                ContentType = "video/mp4", Headers = { ContentEncoding = "identity", CacheControl = "max-age=60" }, Metadata = { ["origin"] = "camera" },
            });
            var t = await VersionedBucket.ServerNowAsync(bucket);
            await VersionedBucket.WaitForServerSecondAfterAsync(bucket, t);
            await bucket.S3.DeleteObjectAsync(bucket.Name, "media/video.mp4");

            var result = await Engine.RestoreAsync(bucket.Target, new RestoreOptions { AsOfUtc = t, MultipartCopyThreshold = 5 * MiB }, new RecordingObserver<SyncItem>(), CancellationToken.None);

            Assert.Equal(1, result.Transferred);
            var head = await bucket.S3.GetObjectMetadataAsync(bucket.Name, "media/video.mp4");
            Assert.Equal("video/mp4", head.Headers.ContentType);
            Assert.Equal("identity", head.Headers.ContentEncoding);
            Assert.Equal("max-age=60", head.Headers.CacheControl);
            Assert.Equal("camera", head.Metadata["origin"]);
            Assert.Equal(original, await bucket.GetAsync("media/video.mp4"));
            Assert.Empty(await bucket.MultipartUploadsAsync());
        }

        [Fact]
        public async Task An_interrupted_restore_run_again_converges_with_one_restore_version_per_key()
        {
            using var bucket = VersionedBucket.Create(_moto);
            const int keys = 40;
            for (var i = 0; i < keys; i++) await VersionedBucket.PutAsync(bucket, $"media/k{i:D2}.txt", $"good {i}");
            var t = await VersionedBucket.ServerNowAsync(bucket);
            await VersionedBucket.WaitForServerSecondAfterAsync(bucket, t);
            for (var i = 0; i < keys; i++) await VersionedBucket.PutAsync(bucket, $"media/k{i:D2}.txt", $"bad {i}!");
            var before = await VersionedBucket.AllVersionsAsync(bucket);

            using var stop = new CancellationTokenSource();
            var interrupted = new RecordingObserver<SyncItem>(row => { if (row.Status == SyncItemStatus.Done) stop.Cancel(); });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                Engine.RestoreAsync(bucket.Target, new RestoreOptions { AsOfUtc = t, Concurrency = 2 }, interrupted, stop.Token));
            var midway = await VersionedBucket.AllVersionsAsync(bucket);
            Assert.InRange(midway.Count - before.Count, 1, keys - 1); // stopped partway

            var rerun = await Engine.RestoreAsync(bucket.Target, new RestoreOptions { AsOfUtc = t }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(0, rerun.Failed);
            Assert.Equal(keys - (midway.Count - before.Count), rerun.Transferred);
            var after = await VersionedBucket.AllVersionsAsync(bucket);
            Assert.Equal(before.Count + keys, after.Count); // exactly one restore version per key, nothing done twice
            for (var i = 0; i < keys; i++)
                Assert.Equal($"good {i}", System.Text.Encoding.UTF8.GetString(await bucket.GetAsync($"media/k{i:D2}.txt")));
            Assert.Empty(await bucket.MultipartUploadsAsync());
        }

        [Fact]
        public async Task Names_and_exclude_limit_the_restore_and_a_refused_confirmation_changes_nothing()
        {
            using var bucket = VersionedBucket.Create(_moto);
            foreach (var n in new[] { "a.txt", "b.txt", "c.log" }) await VersionedBucket.PutAsync(bucket, "media/" + n, "v1 " + n);
            var t = await VersionedBucket.ServerNowAsync(bucket);
            await VersionedBucket.WaitForServerSecondAfterAsync(bucket, t);
            foreach (var n in new[] { "a.txt", "b.txt", "c.log" }) await VersionedBucket.PutAsync(bucket, "media/" + n, "v2 " + n);
            var before = await VersionedBucket.AllVersionsAsync(bucket);

            var refused = new RecordingObserver<SyncItem> { AllowDelete = false };
            var none = await Engine.RestoreAsync(bucket.Target, new RestoreOptions { AsOfUtc = t }, refused, CancellationToken.None);
            Assert.Equal(1, refused.Confirmations);
            Assert.Equal(0, none.Transferred);
            Assert.Equal(before.Count, (await VersionedBucket.AllVersionsAsync(bucket)).Count);

            var observer = new RecordingObserver<SyncItem>();
            var some = await Engine.RestoreAsync(bucket.Target, new RestoreOptions { AsOfUtc = t, Names = new[] { "a.txt", "c.log", "missing.txt" }, Exclude = new[] { "*.log" } }, observer, CancellationToken.None);
            Assert.Equal(1, some.Transferred);
            Assert.Equal("media/a.txt", observer.Rows.Single().Key);
            Assert.Equal(SyncAction.Restore, observer.Rows.Single().Action);
            Assert.Contains("overwritten", observer.Rows.Single().Reason);
            Assert.Equal("v1 a.txt", System.Text.Encoding.UTF8.GetString(await bucket.GetAsync("media/a.txt")));
            Assert.Equal("v2 b.txt", System.Text.Encoding.UTF8.GetString(await bucket.GetAsync("media/b.txt")));
            Assert.Equal("v2 c.log", System.Text.Encoding.UTF8.GetString(await bucket.GetAsync("media/c.log")));
        }
    }
}
