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

namespace MediaOps.Engine.Tests
{
    [Collection("moto")]
    public class SyncFromS3Tests
    {
        private readonly MotoServer _moto;
        public SyncFromS3Tests(MotoServer moto) => _moto = moto;

        private static MediaSync Engine => new MediaSync(new AwsClientFactory());

        private static string[] FilesUnder(string root) =>
            Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => f.Substring(root.Length + 1).Replace('\\', '/')).OrderBy(f => f, StringComparer.Ordinal).ToArray();

        [Fact]
        public async Task Restore_into_an_empty_folder_is_byte_identical_with_mtimes_then_noop()
        {
            using var source = new TempTree(TempTree.AwkwardFiles());
            using var bucket = new S3TestBucket(_moto);
            await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = source.Root }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            using var restore = new TempTree();
            var target = Path.Combine(restore.Root, "not-yet-there");

            var plan = await Engine.SyncFromS3Async(bucket.Target, new SyncOptions { Path = target, WhatIf = true, CreateMissingFolder = true }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(TempTree.AwkwardFiles().Count, plan.Planned);
            Assert.False(Directory.Exists(target)); // -WhatIf writes nothing, not even the folder

            var result = await Engine.SyncFromS3Async(bucket.Target, new SyncOptions { Path = target, CreateMissingFolder = true }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(TempTree.AwkwardFiles().Count, result.Transferred);
            Assert.Equal(FilesUnder(source.Root), FilesUnder(target));
            var objects = (await bucket.ListAsync()).ToDictionary(o => o.Key);
            foreach (var rel in TempTree.AwkwardFiles().Keys)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(source.Root, rel)), File.ReadAllBytes(Path.Combine(target, rel)));
                Assert.Equal(ContentComparer.Seconds(objects["media/" + rel].LastModified.Value.ToUniversalTime()),
                    ContentComparer.Seconds(File.GetLastWriteTimeUtc(Path.Combine(target, rel))));
            }
            var again = await Engine.SyncFromS3Async(bucket.Target, new SyncOptions { Path = target, CreateMissingFolder = true }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(0, again.Transferred);
            Assert.Equal(TempTree.AwkwardFiles().Count, again.Skipped);

            // The source folder after the upload: objects are newer but identical, so nothing is downloaded.
            var back = await Engine.SyncFromS3Async(bucket.Target, new SyncOptions { Path = source.Root }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(0, back.Transferred);
        }

        [Fact]
        public async Task A_multipart_object_of_an_unusual_part_size_is_verified_by_its_first_part_size()
        {
            // 6 MiB parts: none of the usual sizes gives this ETag, so the size comes from HEAD ?partNumber=1.
            var data = new byte[13 * 1024 * 1024 + 17];
            new Random(11).NextBytes(data);
            using var bucket = new S3TestBucket(_moto);
            var key = "media/v/odd.bin";
            var upload = await bucket.S3.InitiateMultipartUploadAsync(bucket.Name, key);
            var complete = new CompleteMultipartUploadRequest { BucketName = bucket.Name, Key = key, UploadId = upload.UploadId };
            const int partSize = 6 * 1024 * 1024;
            for (int offset = 0, number = 1; offset < data.Length; offset += partSize, number++)
            {
                var part = await bucket.S3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket.Name, Key = key, UploadId = upload.UploadId, PartNumber = number,
                    InputStream = new MemoryStream(data, offset, Math.Min(partSize, data.Length - offset)),
                });
                complete.AddPartETags(new PartETag(number, part.ETag));
            }
            await bucket.S3.CompleteMultipartUploadAsync(complete);
            Assert.EndsWith("-3\"", (await bucket.S3.GetObjectMetadataAsync(bucket.Name, key)).ETag);

            using var restore = new TempTree();
            var result = await Engine.SyncFromS3Async(bucket.Target, new SyncOptions { Path = restore.Root }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            Assert.Equal(1, result.Transferred);
            Assert.Equal(0, result.Failed);
            var local = Path.Combine(restore.Root, "v", "odd.bin");
            Assert.Equal(data, File.ReadAllBytes(local));

            var diffs = new System.Collections.Generic.List<MediaDifference>();
            await Engine.CompareAsync(bucket.Target, new SyncOptions { Path = restore.Root, Checksum = true, IncludeEqual = true }, new RecordingObserver<MediaDifference>(diffs.Add), CancellationToken.None);
            Assert.Equal(DifferenceState.Same, Assert.Single(diffs).State);
            data[partSize + 5] ^= 0x01;
            File.WriteAllBytes(local, data);
            diffs.Clear();
            await Engine.CompareAsync(bucket.Target, new SyncOptions { Path = restore.Root, Checksum = true }, new RecordingObserver<MediaDifference>(diffs.Add), CancellationToken.None);
            Assert.Contains("multipart ETag", Assert.Single(diffs).Reason);
        }

        [Fact]
        public async Task Hostile_keys_are_refused_one_error_each_and_nothing_lands_outside()
        {
            using var bucket = new S3TestBucket(_moto);
            var hostile = new[] { "media/../escaped.txt", "media//tmp/abs.txt", "media/a\\..\\..\\b.txt", "media/C:/x.txt", "media/x/../../up.txt" };
            foreach (var key in hostile) await bucket.PutAsync(key, "evil");
            await bucket.PutAsync("media/ok.txt", "fine");
            await bucket.PutAsync("media/folder/", "");
            using var outer = new TempTree();
            var target = Path.Combine(outer.Root, "restore");

            var observer = new RecordingObserver<SyncItem>();
            var result = await Engine.SyncFromS3Async(bucket.Target, new SyncOptions { Path = target, CreateMissingFolder = true }, observer, CancellationToken.None);
            Assert.Equal(1, result.Transferred);
            Assert.Equal(hostile.Length, result.Failed);
            Assert.Equal(hostile.Length, observer.Errors.Count);
            Assert.All(observer.Errors, e => Assert.Equal("MediaOps.UnsafeKey", ((MediaOpsException)e.Error).ErrorId));
            Assert.Equal(hostile.OrderBy(k => k, KeyOrder.Instance), observer.Rows.Where(i => i.Status == SyncItemStatus.Failed).Select(i => i.Key));
            Assert.Equal(new[] { "restore/ok.txt" }, FilesUnder(outer.Root));
            Assert.False(File.Exists("/tmp/abs.txt") && File.ReadAllText("/tmp/abs.txt") == "evil");
        }

        [Fact]
        public async Task Since_restores_only_post_cutover_objects_and_same_size_overwrites()
        {
            using var source = new TempTree();
            source.Write("old.txt", "before cutover");
            source.Write("avatar.png", "AAAA");
            using var bucket = new S3TestBucket(_moto);
            await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = source.Root }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            // The cutover is the server's next second after the upload: read from its clock, never slept for.
            var uploaded = await VersionedBucket.ServerNowAsync(bucket);
            await VersionedBucket.WaitForServerSecondAfterAsync(bucket, uploaded);
            var cutover = uploaded.AddSeconds(1);
            await bucket.PutAsync("media/new.txt", "after cutover");
            await bucket.PutAsync("media/avatar.png", "BBBB"); // same size, replaced by the app after cutover

            var observer = new RecordingObserver<SyncItem>();
            var result = await Engine.SyncFromS3Async(bucket.Target, new SyncOptions { Path = source.Root, SinceUtc = cutover }, observer, CancellationToken.None);
            Assert.Equal(new[] { "media/avatar.png", "media/new.txt" }, observer.Rows.Select(i => i.Key));
            Assert.Equal(2, result.Transferred);
            Assert.Equal("BBBB", File.ReadAllText(Path.Combine(source.Root, "avatar.png")));
            Assert.Equal("before cutover", File.ReadAllText(Path.Combine(source.Root, "old.txt")));
        }

        [Fact]
        public async Task Another_runs_temp_files_are_never_uploaded_nor_removed_and_look_alike_user_files_are_plain_files()
        {
            using var tree = new TempTree();
            tree.Write("photo.jpg", "x");
            var partial = "sub/" + LocalWalker.NewTempFileName();   // a killed (or running) restore's partial download
            tree.Write(partial, "partial");
            tree.Write("sub/.mediaops-notes.tmp", "a user's file that only looks like ours");
            using var bucket = new S3TestBucket(_moto);
            var up = new RecordingObserver<SyncItem>();
            await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = tree.Root }, up, CancellationToken.None);
            Assert.Equal(new[] { "media/photo.jpg", "media/sub/.mediaops-notes.tmp" }, await bucket.KeysAsync());
            Assert.Contains(up.Warnings, w => w.Contains(partial) && w.Contains("not uploaded"));

            var down = new RecordingObserver<SyncItem>();
            await Engine.SyncFromS3Async(bucket.Target, new SyncOptions { Path = tree.Root }, down, CancellationToken.None);
            Assert.Equal(new[] { "photo.jpg", "sub/.mediaops-notes.tmp", partial }.OrderBy(p => p, StringComparer.Ordinal), FilesUnder(tree.Root).OrderBy(p => p, StringComparer.Ordinal));
            Assert.Contains(down.Warnings, w => w.Contains(partial) && w.Contains("left alone"));
        }

        [Fact]
        public async Task Cancel_mid_download_leaves_no_partial_or_temp_file()
        {
            using var source = new TempTree();
            var data = new byte[24 * 1024 * 1024];
            new Random(9).NextBytes(data);
            source.Write("big.bin", data);
            using var bucket = new S3TestBucket(_moto);
            await Engine.SyncToS3Async(bucket.Target, new SyncOptions { Path = source.Root }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            using var restore = new TempTree();
            using var cts = new CancellationTokenSource();
            var observer = new RecordingObserver<SyncItem>();
            // Cancel once 1 MiB of the object's 24 arrived and the rest is held back: mid-download at any machine load.
            using (var front = new FlakyFrontDoor(_moto.Endpoint, failFirst: 0, stallResponseAfter: 1024 * 1024))
            {
                var target = MediaTarget.Resolve(new MediaTargetOptions
                {
                    BucketName = bucket.Name, Prefix = "media", EndpointUrl = front.Endpoint, Region = "us-east-1",
                    AccessKeyId = "AKIAMEDIAOPSTEST0001", SecretAccessKey = "test-secret",
                }, _ => null);
                var restoring = Engine.SyncFromS3Async(target, new SyncOptions { Path = restore.Root }, observer, cts.Token);
                await Task.WhenAny(front.Stalled, restoring);
                Assert.True(front.Stalled.IsCompleted, "the download ended before the front door held it back");
                cts.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => restoring);
            }
            Assert.Empty(FilesUnder(restore.Root));

            var rerun = await Engine.SyncFromS3Async(bucket.Target, new SyncOptions { Path = restore.Root }, observer, CancellationToken.None);
            Assert.Equal(1, rerun.Transferred);
            Assert.Equal(data, File.ReadAllBytes(Path.Combine(restore.Root, "big.bin")));
            var last = observer.Progresses.Last();
            Assert.True(last.Completed);
            Assert.Equal(100, last.PercentComplete);
        }
    }
}