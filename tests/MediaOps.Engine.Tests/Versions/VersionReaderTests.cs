using System;
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
    public class VersionReaderTests
    {
        private readonly MotoServer _moto;
        public VersionReaderTests(MotoServer moto) => _moto = moto;

        [Fact]
        public async Task Lists_every_version_and_marker_newest_first_across_pages_of_two()
        {
            using var bucket = VersionedBucket.Create(_moto);
            await VersionedBucket.PutAsync(bucket, "media/a.txt", "a1");
            await VersionedBucket.PutAsync(bucket, "media/b.txt", "b1");
            await VersionedBucket.PutAsync(bucket, "other/x.txt", "outside the prefix");
            await VersionedBucket.PutAsync(bucket, "media/dir/", "");
            var first = await VersionedBucket.ServerNowAsync(bucket);
            await VersionedBucket.WaitForServerSecondAfterAsync(bucket, first);
            await VersionedBucket.PutAsync(bucket, "media/a.txt", "a2-longer");
            await bucket.S3.DeleteObjectAsync(bucket.Name, "media/b.txt");
            await VersionedBucket.PutAsync(bucket, "media/a.txt", "a3");

            var observer = new RecordingObserver<MediaVersion>();
            var rows = await new VersionReader(new AwsClientFactory()).ListAsync(bucket.Target, null,
                new VersionQuery { IncludeDeleteMarkers = true, PageSize = 2 }, observer, CancellationToken.None);

            Assert.Equal(5, rows);
            Assert.Equal(new[] { "a.txt", "a.txt", "a.txt", "b.txt", "b.txt" }, observer.Rows.Select(r => r.Name));
            var a = observer.Rows.Take(3).ToList();
            Assert.True(a[0].IsLatest);
            Assert.Equal(2, a[0].Length);
            Assert.Equal(9, a[1].Length);
            Assert.Equal(2, a[2].Length);
            Assert.False(a[1].IsLatest || a[2].IsLatest);
            Assert.True(a[0].LastModifiedUtc > first);
            Assert.True(a[2].LastModifiedUtc <= first);
            var sdk = await VersionedBucket.AllVersionsAsync(bucket);
            Assert.Equal(sdk.Where(v => v.Key == "media/a.txt").Select(v => v.VersionId).OrderBy(x => x), a.Select(v => v.VersionId).OrderBy(x => x));
            Assert.Equal(sdk.Single(v => v.Key == "media/a.txt" && v.IsLatest == true).VersionId, a[0].VersionId);
            var b = observer.Rows.Skip(3).ToList();
            Assert.True(b[0].IsDeleteMarker && b[0].IsLatest && b[0].ETag == null);
            Assert.False(b[1].IsDeleteMarker);
            Assert.Equal("STANDARD", b[1].StorageClass);
            Assert.Equal("media/b.txt", b[1].Key);
        }

        [Fact]
        public async Task Since_and_until_split_the_history_at_a_server_second_and_markers_are_opt_in()
        {
            using var bucket = VersionedBucket.Create(_moto);
            await VersionedBucket.PutAsync(bucket, "media/k.txt", "old");
            var t = await VersionedBucket.ServerNowAsync(bucket);
            await VersionedBucket.WaitForServerSecondAfterAsync(bucket, t);
            await VersionedBucket.PutAsync(bucket, "media/k.txt", "new!");
            await bucket.S3.DeleteObjectAsync(bucket.Name, "media/k.txt");
            var reader = new VersionReader(new AwsClientFactory());

            var until = new RecordingObserver<MediaVersion>();
            await reader.ListAsync(bucket.Target, "k.txt", new VersionQuery { UntilUtc = t }, until, CancellationToken.None);
            var since = new RecordingObserver<MediaVersion>();
            await reader.ListAsync(bucket.Target, "k.txt", new VersionQuery { SinceUtc = t, IncludeDeleteMarkers = true }, since, CancellationToken.None);
            var versionsOnly = new RecordingObserver<MediaVersion>();
            await reader.ListAsync(bucket.Target, "k.txt", new VersionQuery(), versionsOnly, CancellationToken.None);

            Assert.Equal(new long[] { 3 }, until.Rows.Select(r => r.Length));
            Assert.Equal(new[] { true, false }, since.Rows.Select(r => r.IsDeleteMarker));
            Assert.Equal(new long[] { 4, 3 }, versionsOnly.Rows.Select(r => r.Length));
        }

        [Fact]
        public async Task One_name_lists_only_that_key_not_its_longer_neighbours()
        {
            using var bucket = VersionedBucket.Create(_moto);
            await VersionedBucket.PutAsync(bucket, "media/a.txt", "1");
            await VersionedBucket.PutAsync(bucket, "media/a.txt.bak", "2");
            var observer = new RecordingObserver<MediaVersion>();
            var rows = await new VersionReader(new AwsClientFactory()).ListAsync(bucket.Target, "a.txt", new VersionQuery(), observer, CancellationToken.None);
            Assert.Equal(1, rows);
            Assert.Equal("media/a.txt", observer.Rows.Single().Key);
        }
    }
}
