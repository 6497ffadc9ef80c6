using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3.Model;
using Xunit;
using MediaOps.Aws;
using MediaOps.Local;
using MediaOps.S3Inventory;
using MediaOps.Sync;
using MediaOps.Targets;
using MediaOps.Verification;

namespace MediaOps.Engine.Tests
{
    [Collection("moto")]
    public class InventoryReportTests
    {
        private readonly MotoServer _moto;
        public InventoryReportTests(MotoServer moto) => _moto = moto;

        /// <summary>The source bucket with the awkward names under media/ (and one key outside it), plus a destination bucket.</summary>
        private async Task<(S3TestBucket Source, S3TestBucket Destination)> BucketsAsync()
        {
            var source = new S3TestBucket(_moto);
            var destination = new S3TestBucket(_moto);
            foreach (var kv in TempTree.AwkwardFiles())
                await source.S3.PutObjectAsync(new PutObjectRequest { BucketName = source.Name, Key = "media/" + kv.Key, InputStream = new MemoryStream(kv.Value) });
            await source.PutAsync("static/app.css", "outside the prefix");
            return (source, destination);
        }

        private static async Task<SortedInventory> OpenAsync(S3TestBucket source, string manifest, RecordingObserver<SyncItem> observer = null, int runRows = 3, KeyPartition partition = null) =>
            await InventoryReport.OpenAsync(source.S3, source.Target, new InventoryOptions { Manifest = manifest, RunRows = runRows, Partition = partition },
                observer ?? new RecordingObserver<SyncItem>(), CancellationToken.None);

        [Fact]
        public async Task Report_in_s3_lists_the_prefix_in_S3_order_with_sizes_and_etags_after_a_multi_run_merge()
        {
            var (source, destination) = await BucketsAsync();
            using (source) using (destination)
            {
                var manifest = await new InventoryReportWriter().WriteAsync(source.S3, source.Name, destination.Name);
                var listed = (await source.ListAsync("media/")).ToList();
                using var inventory = await OpenAsync(source, $"s3://{destination.Name}/{manifest}");

                var entries = inventory.InKeyOrder().ToList();
                Assert.Equal(listed.Select(o => o.Key), entries.Select(e => e.Key)); // S3's own order, though the rows came shuffled in 5 runs
                Assert.Equal(listed.Select(o => o.Size ?? 0), entries.Select(e => e.Size));
                Assert.Equal(listed.Select(o => o.ETag.Trim('"')), entries.Select(e => e.ETag));
                Assert.Equal(listed.Count, inventory.Count);
                foreach (var o in listed) Assert.Equal(o.Size, inventory.Find(o.Key)?.Size);
                Assert.Null(inventory.Find("media/not-there.jpg"));
                Assert.Null(inventory.Find("static/app.css")); // outside the prefix: not kept
                Assert.Equal("SSE-S3", inventory.Find("media/a b/c+d%e#f.txt").EncryptionStatus);
            }
        }

        [Fact]
        public async Task Local_copy_of_the_destination_reads_the_same()
        {
            var (source, destination) = await BucketsAsync();
            using (source) using (destination)
            using (var folder = new TempTree())
            {
                var manifest = await new InventoryReportWriter().WriteLocalAsync(source.S3, source.Name, folder.Root);
                using var inventory = await OpenAsync(source, manifest, runRows: 1000);
                Assert.Equal(await source.KeysAsync("media/"), inventory.InKeyOrder().Select(e => e.Key));
            }
        }

        [Fact]
        public async Task Checksum_mismatch_is_refused_before_any_row_is_used()
        {
            var (source, destination) = await BucketsAsync();
            using (source) using (destination)
            {
                // A byte flipped after S3 computed the MD5 (a damaged copy): the gzip stays readable, the checksum does not match.
                var writer = new InventoryReportWriter { AfterChecksum = (i, gz) => i == 1 ? Recompress(gz, s => s.Replace("SSE-S3", "SSE-S4")) : gz };
                var manifest = await writer.WriteAsync(source.S3, source.Name, destination.Name);
                var ex = await Assert.ThrowsAsync<MediaOpsException>(() => OpenAsync(source, $"s3://{destination.Name}/{manifest}"));
                Assert.Equal("MediaOps.InventoryChecksumMismatch", ex.ErrorId);
                Assert.Contains("MD5", ex.Message);
                Assert.Contains("use another report", ex.Message);
            }
        }

        [Fact]
        public async Task Schema_without_etag_and_orc_reports_are_refused_with_what_to_do()
        {
            var (source, destination) = await BucketsAsync();
            using (source) using (destination)
            {
                var noETag = await new InventoryReportWriter { Schema = "Bucket, Key, Size, LastModifiedDate" }.WriteAsync(source.S3, source.Name, destination.Name);
                var ex = await Assert.ThrowsAsync<MediaOpsException>(() => OpenAsync(source, $"s3://{destination.Name}/{noETag}"));
                Assert.Equal("MediaOps.InventorySchemaMismatch", ex.ErrorId);
                Assert.Contains("ETag", ex.Message);

                var orc = await new InventoryReportWriter { FileFormat = "ORC", ConfigId = "orc" }.WriteAsync(source.S3, source.Name, destination.Name);
                var refused = await Assert.ThrowsAsync<MediaOpsException>(() => OpenAsync(source, $"s3://{destination.Name}/{orc}"));
                Assert.Equal("MediaOps.InventoryFormatNotSupported", refused.ErrorId);
                Assert.Equal(FailureKind.NotSupported, refused.Kind);
            }
        }

        [Fact]
        public async Task Missing_data_file_wrong_bucket_and_missing_manifest_say_so()
        {
            var (source, destination) = await BucketsAsync();
            using (source) using (destination)
            {
                var manifest = await new InventoryReportWriter().WriteAsync(source.S3, source.Name, destination.Name);
                var dataKeys = await destination.KeysAsync("inventory/" + source.Name + "/mediaops-daily/data/");
                await destination.S3.DeleteObjectAsync(destination.Name, dataKeys[0]);
                var ex = await Assert.ThrowsAsync<MediaOpsException>(() => OpenAsync(source, $"s3://{destination.Name}/{manifest}"));
                Assert.Equal("MediaOps.InventoryDataFileMissing", ex.ErrorId);
                Assert.Contains(dataKeys[0], ex.Message);

                using var other = new S3TestBucket(_moto);
                var wrong = await Assert.ThrowsAsync<MediaOpsException>(() => OpenAsync(other, $"s3://{destination.Name}/{manifest}"));
                Assert.Equal("MediaOps.InventoryWrongBucket", wrong.ErrorId);

                var none = await Assert.ThrowsAsync<MediaOpsException>(() => OpenAsync(source, $"s3://{destination.Name}/inventory/nope/manifest.json"));
                Assert.Equal("MediaOps.InventoryManifestNotFound", none.ErrorId);
            }
        }

        [Fact]
        public async Task A_stale_report_is_a_warning_naming_its_age_and_a_fresh_one_is_not()
        {
            var (source, destination) = await BucketsAsync();
            using (source) using (destination)
            {
                var stale = await new InventoryReportWriter { CreatedUtc = DateTime.UtcNow.AddDays(-3), ConfigId = "old" }.WriteAsync(source.S3, source.Name, destination.Name);
                var observer = new RecordingObserver<SyncItem>();
                using (await OpenAsync(source, $"s3://{destination.Name}/{stale}", observer)) { }
                var warning = Assert.Single(observer.Warnings);
                Assert.Contains("3 days ago", warning);
                Assert.Contains("-MaxInventoryAge", warning);

                var fresh = await new InventoryReportWriter { ConfigId = "new" }.WriteAsync(source.S3, source.Name, destination.Name);
                var quiet = new RecordingObserver<SyncItem>();
                using (await OpenAsync(source, $"s3://{destination.Name}/{fresh}", quiet)) { }
                Assert.Empty(quiet.Warnings);
            }
        }

        [Fact]
        public async Task Versioned_report_keeps_only_current_objects()
        {
            var (source, destination) = await BucketsAsync();
            using (source) using (destination)
            using (var folder = new TempTree())
            {
                // A report with IncludedObjectVersions=All: old versions and delete markers are rows too.
                var schema = "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag";
                var csv = string.Join("\n",
                    $"\"{source.Name}\",\"media/a.jpg\",\"v2\",\"true\",\"false\",\"5\",\"2026-01-02T00:00:00.000Z\",\"e2\"",
                    $"\"{source.Name}\",\"media/a.jpg\",\"v1\",\"false\",\"false\",\"3\",\"2026-01-01T00:00:00.000Z\",\"e1\"",
                    $"\"{source.Name}\",\"media/gone.jpg\",\"v3\",\"true\",\"true\",\"\",\"2026-01-03T00:00:00.000Z\",\"\"") + "\n";
                var manifest = WriteLocalReport(folder.Root, source.Name, schema, csv);
                using var inventory = await OpenAsync(source, manifest);
                var only = Assert.Single(inventory.InKeyOrder());
                Assert.Equal(("media/a.jpg", 5L, "e2"), (only.Key, only.Size, only.ETag));
            }
        }

        [Fact]
        public async Task With_versions_every_version_and_marker_comes_newest_first_per_key_across_runs_and_blocks()
        {
            using var source = new S3TestBucket(_moto);
            using var folder = new TempTree();
            // 3,000 keys x 3 versions (the newest a delete marker on every 5th key), rows scrambled, sorted in many runs.
            var rows = new List<string>();
            for (var i = 0; i < 3000; i++)
                for (var v = 0; v < 3; v++)
                {
                    var marker = v == 2 && i % 5 == 0;
                    rows.Add($"\"{source.Name}\",\"media/k{i:D4}.jpg\",\"v{i}-{v}\",\"{(v == 2 ? "true" : "false")}\",\"{(marker ? "true" : "false")}\"," +
                             $"\"{(marker ? "" : (100 + v).ToString())}\",\"2026-01-0{v + 1}T00:00:00.{i % 1000:D3}Z\",\"{(marker ? "" : "e" + v)}\"");
                }
            rows.Add(rows[7]); // a row listed twice counts once
            var csv = string.Concat(rows.Select((r, n) => (n, r)).OrderBy(x => (x.n * 7919) % rows.Count).Select(x => x.r + "\n"));
            var manifest = WriteLocalReport(folder.Root, source.Name, "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag", csv);
            using var inventory = await InventoryReport.OpenAsync(source.S3, source.Target,
                new InventoryOptions { Manifest = manifest, RunRows = 700, IncludeVersions = true }, new RecordingObserver<object>(), CancellationToken.None);

            var all = inventory.InKeyOrder().ToList();
            Assert.Equal(9000, all.Count);
            for (var i = 0; i < 3000; i++)
            {
                var expected = new[] { $"v{i}-2", $"v{i}-1", $"v{i}-0" };
                Assert.Equal(expected, all.Skip(3 * i).Take(3).Select(e => e.VersionId));
                Assert.Equal(expected, inventory.EntriesOf($"media/k{i:D4}.jpg").Select(e => e.VersionId)); // from its block, also when the key spans two
                var newest = all[3 * i];
                Assert.True(newest.IsLatest);
                Assert.Equal(i % 5 == 0, newest.IsDeleteMarker);
                Assert.False(all[3 * i + 1].IsLatest);
            }
            Assert.Empty(inventory.EntriesOf("media/k0000.jp"));
        }

        [Fact]
        public async Task A_report_of_current_objects_only_is_refused_for_versions_naming_what_it_lacks()
        {
            using var source = new S3TestBucket(_moto);
            using var folder = new TempTree();
            var manifest = WriteLocalReport(folder.Root, source.Name, "Bucket, Key, Size, LastModifiedDate, ETag", $"\"{source.Name}\",\"media/a.jpg\",\"1\",\"2026-01-01T00:00:00.000Z\",\"e\"\n");
            var refused = await Assert.ThrowsAsync<MediaOpsException>(() => InventoryReport.OpenAsync(source.S3, source.Target,
                new InventoryOptions { Manifest = manifest, IncludeVersions = true }, new RecordingObserver<object>(), CancellationToken.None));
            Assert.Equal("MediaOps.InventoryWithoutVersions", refused.ErrorId);
            Assert.Contains("VersionId, IsLatest, IsDeleteMarker", refused.Message);
            Assert.Contains("IncludedObjectVersions All", refused.Message);
        }

        [Fact]
        public async Task Lookups_across_many_blocks_find_every_key_and_nothing_between()
        {
            using var source = new S3TestBucket(_moto);
            using var folder = new TempTree();
            // 20,000 rows (about 140 blocks of 8 KiB) in a scrambled order, sorted in 7 runs.
            var keys = Enumerable.Range(0, 20000).Select(i => $"media/u/{(i * 7919) % 20000:D5}/{(i % 3 == 0 ? "ü " : "")}f.jpg").ToList();
            var csv = string.Concat(keys.Select((k, i) => $"\"{source.Name}\",\"{InventoryReportWriter.UrlEncode(k)}\",\"{i}\",\"2026-01-01T00:00:00.000Z\",\"e{i}\"\n"));
            var manifest = WriteLocalReport(folder.Root, source.Name, "Bucket, Key, Size, LastModifiedDate, ETag", csv);
            using var inventory = await OpenAsync(source, manifest, runRows: 3000);

            var sorted = keys.OrderBy(k => k, KeyOrder.Instance).ToList();
            Assert.Equal(sorted, inventory.InKeyOrder().Select(e => e.Key));
            for (var i = 0; i < keys.Count; i++)
            {
                var found = inventory.Find(keys[i]);
                Assert.Equal((keys[i], (long)i, "e" + i), (found?.Key, found?.Size ?? -1, found?.ETag));
                Assert.Null(inventory.Find(keys[i] + "x"));
            }
            Assert.Null(inventory.Find("media/"));
            Assert.Null(inventory.Find("media/zzz"));
        }

        [Fact]
        public void Keys_are_decoded_as_S3_encodes_them()
        {
            foreach (var key in TempTree.AwkwardFiles().Keys.Append("1+2 3%.jpg"))
                Assert.Equal(key, InventoryCsv.DecodeKey(InventoryReportWriter.UrlEncode(key)));
            Assert.Equal("a b+c", InventoryCsv.DecodeKey("a+b%2Bc"));
        }

        [Fact]
        public async Task Test_object_answers_listed_names_without_a_head_and_heads_the_rest()
        {
            var (source, destination) = await BucketsAsync();
            using (source) using (destination)
            {
                var manifest = await new InventoryReportWriter().WriteAsync(source.S3, source.Name, destination.Name);
                // After the report: one object is deleted (the report still lists it) and one is written (the report lacks it).
                await source.S3.DeleteObjectAsync(source.Name, "media/a-b");
                await source.PutAsync("media/after.jpg", "written after the inventory");
                var names = new[] { "a-b", "after.jpg", "a b/c+d%e#f.txt", "never.jpg" };

                using var checker = new ObjectChecker(new AwsClientFactory(), source.Target, inventory: new InventoryOptions { Manifest = $"s3://{destination.Name}/{manifest}" });
                var rows = await Recorded.Rows<ObjectCheck>(async o =>
                {
                    var run = await checker.StartAsync(4, o, CancellationToken.None);
                    foreach (var n in names) await run.AddAsync(n, CancellationToken.None);
                    await run.CompleteAsync(CancellationToken.None);
                });
                Assert.Equal(new[] { CheckStatus.Pass, CheckStatus.Pass, CheckStatus.Pass, CheckStatus.Fail }, rows.Select(r => r.Status));
                // a-b is gone, yet it passes: the answer came from the inventory, not from S3.
                Assert.Contains("from the inventory", rows[0].Message);
                Assert.Equal(2, checker.HeadRequests); // after.jpg and never.jpg only
                Assert.Equal(2, checker.AnsweredFromInventory);
                Assert.Equal("AES256", rows[2].ServerSideEncryption);

                using var verifying = new ObjectChecker(new AwsClientFactory(), source.Target, inventory: new InventoryOptions { Manifest = $"s3://{destination.Name}/{manifest}" }, verify: true);
                var verified = await Recorded.Rows<ObjectCheck>(async o =>
                {
                    var run = await verifying.StartAsync(4, o, CancellationToken.None);
                    foreach (var n in names) await run.AddAsync(n, CancellationToken.None);
                    await run.CompleteAsync(CancellationToken.None);
                });
                Assert.Equal(CheckStatus.Fail, verified[0].Status); // -Verify asks S3: a-b is gone
                Assert.Equal(4, verifying.HeadRequests);
            }
        }

        [Fact]
        public async Task Sync_with_inventory_uploads_what_is_missing_and_not_what_was_written_after_the_report()
        {
            using var tree = new TempTree(TempTree.AwkwardFiles());
            using var source = new S3TestBucket(_moto);
            using var destination = new S3TestBucket(_moto);
            var engine = new MediaSync(new AwsClientFactory());
            await engine.SyncToS3Async(source.Target, new SyncOptions { Path = tree.Root }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            var manifest = $"s3://{destination.Name}/" + await new InventoryReportWriter().WriteAsync(source.S3, source.Name, destination.Name);

            // After the report: a new file uploaded by someone else (the cutover window), and a new file not uploaded yet.
            tree.Write("late/by-app.jpg", "the app wrote this after the inventory");
            await engine.SyncToS3Async(source.Target, new SyncOptions { Path = tree.Root }, new RecordingObserver<SyncItem>(), CancellationToken.None);
            tree.Write("late/new.jpg", "not in S3 yet");

            var observer = new RecordingObserver<SyncItem>();
            var result = await engine.SyncToS3Async(source.Target, new SyncOptions { Path = tree.Root, Inventory = new InventoryOptions { Manifest = manifest } }, observer, CancellationToken.None);
            Assert.Equal(new[] { "media/late/new.jpg" }, observer.Rows.Select(r => r.Key));
            Assert.Equal(1, result.Transferred);
            Assert.Equal(TempTree.AwkwardFiles().Count + 1, result.Skipped);
            Assert.Contains(observer.Verbose, v => v.StartsWith("2 name(s) the inventory did not show as uploaded were checked with a HEAD"));

            var diff = await Recorded.Rows<MediaDifference>(o => engine.CompareAsync(source.Target, new SyncOptions { Path = tree.Root, Inventory = new InventoryOptions { Manifest = manifest } }, o, CancellationToken.None));
            Assert.Empty(diff); // both late files exist now, though the inventory lacks them

            var refused = await Assert.ThrowsAsync<MediaOpsException>(() => engine.SyncToS3Async(source.Target,
                new SyncOptions { Path = tree.Root, Delete = true, Inventory = new InventoryOptions { Manifest = manifest } }, new RecordingObserver<SyncItem>(), CancellationToken.None));
            Assert.Equal("MediaOps.DeleteNeedsListing", refused.ErrorId);
        }

        private static string WriteLocalReport(string folder, string bucket, string schema, string csv)
        {
            using var ms = new MemoryStream();
            using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, true)) gz.Write(Encoding.UTF8.GetBytes(csv));
            var bytes = ms.ToArray();
            File.WriteAllBytes(Path.Combine(folder, "d1.csv.gz"), bytes);
            var manifest = Path.Combine(folder, "manifest.json");
            File.WriteAllText(manifest, $"{{\"sourceBucket\":\"{bucket}\",\"destinationBucket\":\"arn:aws:s3:::dest\",\"version\":\"2016-11-30\",\"creationTimestamp\":\"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\"," +
                $"\"fileFormat\":\"CSV\",\"fileSchema\":\"{schema}\",\"files\":[{{\"key\":\"inv/{bucket}/c/data/d1.csv.gz\",\"size\":{bytes.Length},\"MD5checksum\":\"{InventoryReportWriter.Md5Hex(bytes)}\"}}]}}");
            return manifest;
        }

        private static byte[] Recompress(byte[] gz, Func<string, string> change)
        {
            using var input = new System.IO.Compression.GZipStream(new MemoryStream(gz), System.IO.Compression.CompressionMode.Decompress);
            using var reader = new StreamReader(input);
            var text = change(reader.ReadToEnd());
            using var ms = new MemoryStream();
            using (var output = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, true)) output.Write(Encoding.UTF8.GetBytes(text));
            return ms.ToArray();
        }
    }
}
