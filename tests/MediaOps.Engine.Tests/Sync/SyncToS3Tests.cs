using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3.Model;
using Xunit;
using MediaOps.Aws;
using MediaOps.Integrity;
using MediaOps.Local;
using MediaOps.Sync;
using MediaOps.Targets;
using MediaOps.Transfer;

namespace MediaOps.Engine.Tests
{
    [Collection("moto")]
    public class SyncToS3Tests
    {
        private readonly MotoServer _moto;
        public SyncToS3Tests(MotoServer moto) => _moto = moto;

        private static MediaSync Engine => new MediaSync(new AwsClientFactory());

        [Fact]
        public async Task Uploads_awkward_names_as_raw_keys_with_python_content_types_then_noop()
        {
            using var tree = new TempTree(TempTree.AwkwardFiles());
            using var bucket = new S3TestBucket(_moto);
            var observer = new RecordingObserver<SyncItem>();
            var first = await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root }, observer, CancellationToken.None);

            var expected = TempTree.AwkwardFiles().Keys.Select(k => "media/" + k).OrderBy(k => k, KeyOrder.Instance).ToList();
            Assert.Equal(expected, await bucket.KeysAsync());
            Assert.Equal(expected, observer.Rows.Select(i => i.Key)); // reported in key order
            Assert.Equal(expected.Count, first.Transferred);
            Assert.Equal(0, first.Failed);
            Assert.Empty(observer.Errors);

            foreach (var rel in TempTree.AwkwardFiles().Keys)
            {
                var head = await bucket.S3.GetObjectMetadataAsync(bucket.Name, "media/" + rel);
                var (type, encoding) = PythonMimeTypes.Guess(rel);
                Assert.Equal(type ?? "application/octet-stream", head.Headers.ContentType);
                Assert.Equal(encoding, head.Headers.ContentEncoding);
                Assert.Equal(TempTree.AwkwardFiles()[rel], await bucket.GetAsync("media/" + rel));
            }
            var acl = await bucket.S3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket.Name, Key = "media/a-b" });
            Assert.Single(acl.Grants); // owner only: no ACL was ever set

            var again = await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(0, again.Transferred);
            Assert.Equal(0, again.Planned);
            Assert.Equal(expected.Count, again.Skipped);
        }

        [Fact]
        public async Task Only_changed_files_go_and_whatif_writes_nothing()
        {
            using var tree = new TempTree(TempTree.AwkwardFiles());
            using var bucket = new S3TestBucket(_moto);
            var plan = await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root, WhatIf = true }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.True(plan.WhatIf);
            Assert.Equal(TempTree.AwkwardFiles().Count, plan.Planned);
            Assert.Equal(0, plan.Transferred);
            Assert.Empty(await bucket.KeysAsync());

            await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            tree.Write("a/b", "slash, changed and longer");
            var touched = Path.Combine(tree.Root, "a-b");
            File.SetLastWriteTimeUtc(touched, DateTime.UtcNow.AddMinutes(5)); // same size, newer
            var observer = new RecordingObserver<SyncItem>();
            var result = await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root }, observer, CancellationToken.None);
            Assert.Equal(new[] { "media/a-b", "media/a/b" }, observer.Rows.Select(i => i.Key));
            Assert.Equal(2, result.Transferred);
            Assert.Equal(TempTree.Bytes("slash, changed and longer"), await bucket.GetAsync("media/a/b"));

            // -Checksum looks at content: the touched file has the same bytes, so nothing goes.
            File.SetLastWriteTimeUtc(touched, DateTime.UtcNow.AddMinutes(10));
            var byContent = await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root, Checksum = true }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(0, byContent.Transferred);
        }

        [Fact]
        public async Task Delete_only_inside_the_prefix_capped_by_max_delete()
        {
            using var tree = new TempTree(TempTree.AwkwardFiles());
            using var bucket = new S3TestBucket(_moto);
            await bucket.PutAsync("mediax/keep.txt", "sibling prefix");
            await bucket.PutAsync("other/keep.txt", "outside");
            await bucket.PutAsync("media/folder/", ""); // directory marker: never a file, never deleted
            await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            File.Delete(Path.Combine(tree.Root, "a-b"));
            File.Delete(Path.Combine(tree.Root, "empty.bin"));

            var dry = new RecordingObserver<SyncItem>();
            var plan = await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root, Delete = true, WhatIf = true }, dry, CancellationToken.None);
            Assert.Equal(2, plan.Planned);
            Assert.Equal(new[] { "media/a-b", "media/empty.bin" }, dry.Rows.Where(i => i.Action == SyncAction.Delete).Select(i => i.Key));
            Assert.Equal(0, dry.Confirmations);

            var capped = new RecordingObserver<SyncItem>();
            var refused = await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root, Delete = true, MaxDelete = 1 }, capped, CancellationToken.None);
            Assert.Equal(0, refused.Deleted);
            var error = Assert.IsType<MediaOpsException>(Assert.Single(capped.Errors).Error);
            Assert.Equal("MediaOps.MaxDeleteExceeded", error.ErrorId);
            Assert.Contains("media/a-b", await bucket.KeysAsync());

            var declined = new RecordingObserver<SyncItem> { AllowDelete = false };
            Assert.Equal(0, (await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root, Delete = true }, declined, CancellationToken.None)).Deleted);
            Assert.Equal(1, declined.Confirmations);

            var done = await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root, Delete = true }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(2, done.Deleted);
            var keys = await bucket.KeysAsync();
            Assert.DoesNotContain("media/a-b", keys);
            Assert.DoesNotContain("media/empty.bin", keys);
            Assert.Contains("mediax/keep.txt", keys);
            Assert.Contains("other/keep.txt", keys);
            Assert.Contains("media/folder/", keys);
        }

        [Fact]
        public async Task Multipart_upload_reads_once_and_its_etag_proves_content_both_ways()
        {
            using var tree = new TempTree();
            var data = new byte[13 * 1024 * 1024 + 17];
            new Random(3).NextBytes(data);
            tree.Write("video/clip.mp4", data);
            using var bucket = new S3TestBucket(_moto);
            var settings = new TransferSettings { MultipartThreshold = 5 * TransferSettings.MiB, PartSize = 5 * TransferSettings.MiB };
            var result = await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root, Transfer = settings }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(1, result.Transferred);
            var head = await bucket.S3.GetObjectMetadataAsync(bucket.Name, "media/video/clip.mp4");
            Assert.Equal("video/mp4", head.Headers.ContentType);
            // No whole-file MD5 up front: the proof is the ETag moto computed from the parts it stored.
            Assert.Null(head.Metadata["md5chksum"]);
            var local = Path.Combine(tree.Root, "video", "clip.mp4");
            Assert.Equal(head.ETag.Trim('"'), await MultipartETag.OfFileAsync(local, 5 * TransferSettings.MiB, CancellationToken.None));
            Assert.EndsWith("-3", head.ETag.Trim('"'));
            Assert.Equal(data, await bucket.GetAsync("media/video/clip.mp4"));
            Assert.Empty(await bucket.MultipartUploadsAsync());

            var diffs = new System.Collections.Generic.List<MediaDifference>();
            await Engine.CompareAsync(bucket.Target, new SyncOptions { Path = tree.Root, Checksum = true, IncludeEqual = true, Transfer = settings }, new RecordingObserver<MediaDifference>(diffs.Add), CancellationToken.None);
            Assert.Equal(DifferenceState.Same, Assert.Single(diffs).State);

            // One byte of the second part changes, size and (older) mtime do not: only -Checksum sees it,
            // also with default settings (8 MiB first guess), where the ETag's part count picks 5 MiB.
            data[6 * 1024 * 1024] ^= 0xFF;
            File.WriteAllBytes(local, data);
            File.SetLastWriteTimeUtc(local, DateTime.UtcNow.AddDays(-1));
            diffs.Clear();
            await Engine.CompareAsync(bucket.Target, new SyncOptions { Path = tree.Root, IncludeEqual = true }, new RecordingObserver<MediaDifference>(diffs.Add), CancellationToken.None);
            Assert.Equal(DifferenceState.Same, Assert.Single(diffs).State);
            diffs.Clear();
            await Engine.CompareAsync(bucket.Target, new SyncOptions { Path = tree.Root, Checksum = true }, new RecordingObserver<MediaDifference>(diffs.Add), CancellationToken.None);
            Assert.Contains("multipart ETag", Assert.Single(diffs).Reason);
        }

        [Fact]
        public async Task Flexible_checksum_mode_declares_crc32_and_sends_it_with_every_part()
        {
            using var tree = new TempTree();
            var data = new byte[11 * 1024 * 1024];
            new Random(5).NextBytes(data);
            tree.Write("big.bin", data);
            using var bucket = new S3TestBucket(_moto);
            // What AWS endpoints get by default (S3ChecksumPolicy): the SDK's flexible checksums.
            var config = new Amazon.S3.AmazonS3Config
            {
                ServiceURL = _moto.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
                RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_SUPPORTED,
            };
            using var s3 = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials("AKIAMEDIAOPSTEST0001", "test-secret"), config);
            var settings = new TransferSettings { MultipartThreshold = 5 * TransferSettings.MiB, PartSize = 5 * TransferSettings.MiB };
            var uploader = new S3Uploader(s3, bucket.Name, settings);
            var file = new LocalWalker(tree.Root).Walk().Single();
            Assert.Equal(data.Length, await uploader.UploadAsync(file, "media/big.bin", null, CancellationToken.None));

            var attributes = await s3.GetObjectAttributesAsync(new GetObjectAttributesRequest
            {
                BucketName = bucket.Name, Key = "media/big.bin",
                ObjectAttributes = new System.Collections.Generic.List<Amazon.S3.ObjectAttributes> { Amazon.S3.ObjectAttributes.Checksum },
            });
            // Without the declaration moto (like S3) would give the object a CRC64NVME, not a CRC32.
            Assert.False(string.IsNullOrEmpty(attributes.Checksum?.ChecksumCRC32));
            Assert.Null(attributes.Checksum?.ChecksumCRC64NVME);
            Assert.Equal(data, await bucket.GetAsync("media/big.bin"));
            Assert.Equal((await s3.GetObjectMetadataAsync(bucket.Name, "media/big.bin")).ETag.Trim('"'),
                await MultipartETag.OfFileAsync(file.FullName, 5 * TransferSettings.MiB, CancellationToken.None));
        }

        [Fact]
        public async Task Cancel_mid_multipart_aborts_and_a_rerun_cleans_leftovers_of_a_killed_run()
        {
            using var tree = new TempTree();
            // 12 parts uploaded one at a time; the front door holds the upload back after 2 MiB, so the cancel
            // lands mid-upload however fast or loaded the machine (a progress tick, as before, can miss it).
            var data = new byte[60 * 1024 * 1024];
            new Random(5).NextBytes(data);
            tree.Write("big.bin", data);
            using var bucket = new S3TestBucket(_moto);

            // A killed run leaves an incomplete upload of the same key behind.
            var leftover = await bucket.S3.InitiateMultipartUploadAsync(bucket.Name, "media/big.bin");
            await bucket.S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket.Name, Key = "media/big.bin", UploadId = leftover.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[5 * 1024 * 1024]) });
            Assert.Single(await bucket.MultipartUploadsAsync());

            var settings = new TransferSettings { Concurrency = 1, MultipartThreshold = 5 * TransferSettings.MiB, PartSize = 5 * TransferSettings.MiB };
            using var cts = new CancellationTokenSource();
            // Cancel once 2 MiB of a part went out and the rest is held back: mid-upload at any machine load.
            using (var front = new FlakyFrontDoor(_moto.Endpoint, failFirst: 0, stallRequestAfter: 2 * 1024 * 1024))
            {
                var target = MediaTarget.Resolve(new MediaTargetOptions
                {
                    BucketName = bucket.Name, Prefix = "media", EndpointUrl = front.Endpoint, Region = "us-east-1",
                    AccessKeyId = "AKIAMEDIAOPSTEST0001", SecretAccessKey = "test-secret",
                }, _ => null);
                var uploading = Engine.SyncToS3Async(target, new SyncOptions { Path = tree.Root, Transfer = settings }, new RecordingObserver<SyncItem>(), cts.Token);
                await Task.WhenAny(front.Stalled, uploading);
                Assert.True(front.Stalled.IsCompleted, "the upload ended before the front door held it back");
                cts.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => uploading);
            }
            Assert.Empty(await bucket.MultipartUploadsAsync()); // ours aborted on cancel, the leftover before we started
            Assert.Empty(await bucket.KeysAsync());

            var rerun = await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root, Transfer = settings }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(1, rerun.Transferred);
            Assert.Equal(data, await bucket.GetAsync("media/big.bin"));
            Assert.Empty(await bucket.MultipartUploadsAsync());
        }

        [Fact]
        public async Task Listing_over_several_pages_merges_correctly()
        {
            using var tree = new TempTree();
            for (var i = 0; i < 2300; i++) tree.Write($"d{i % 7}/f-{i:D5}.txt", i.ToString());
            tree.Write("d3-x", "sorts before the d3/ folder");
            tree.Write("d30", "sorts after the d3/ folder");
            using var bucket = new S3TestBucket(_moto);
            var first = await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root, Concurrency = 32 }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(2302, first.Transferred);
            var diffs = new System.Collections.Generic.List<MediaDifference>();
            await Engine.CompareAsync(bucket.Target, new SyncOptions { Path = tree.Root }, new RecordingObserver<MediaDifference>(diffs.Add), CancellationToken.None);
            Assert.Empty(diffs);
            File.Delete(Path.Combine(tree.Root, "d3", "f-02299.txt"));
            tree.Write("d0/new.txt", "new");
            await Engine.CompareAsync(bucket.Target, new SyncOptions { Path = tree.Root }, new RecordingObserver<MediaDifference>(diffs.Add), CancellationToken.None);
            Assert.Equal(new[] { ("media/d0/new.txt", DifferenceState.OnlyLocal), ("media/d3/f-02299.txt", DifferenceState.OnlyRemote) },
                diffs.Select(d => (d.Key, d.State)));
        }

        [Fact]
        public async Task Retries_of_the_sdk_are_counted_in_the_result()
        {
            using var tree = new TempTree();
            for (var i = 0; i < 5; i++) tree.Write($"f{i}.txt", "x" + i);
            using var bucket = new S3TestBucket(_moto);
            using var flaky = new FlakyFrontDoor(_moto.Endpoint, failFirst: 3);
            var target = MediaTarget.Resolve(new MediaTargetOptions
            {
                BucketName = bucket.Name, Prefix = "media", EndpointUrl = flaky.Endpoint, Region = "us-east-1",
                AccessKeyId = "AKIAMEDIAOPSTEST0001", SecretAccessKey = "test-secret",
            }, _ => null);
            var result = await Engine.SyncToS3Async(target, new SyncOptions { Path = tree.Root, Concurrency = 1 }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(5, result.Transferred);
            Assert.Equal(0, result.Failed);
            Assert.Equal(3, flaky.Failed);
            Assert.True(result.Retries >= 3, $"Retries = {result.Retries}");
            Assert.Equal(5, (await bucket.KeysAsync()).Count);
        }
    }
}