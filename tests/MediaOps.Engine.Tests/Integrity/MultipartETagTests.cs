using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using MediaOps.Integrity;
using MediaOps.Transfer;

namespace MediaOps.Engine.Tests
{
    public class MultipartETagTests
    {
        private const long MiB = 1024 * 1024;

        [Theory]
        [InlineData("\"0123456789abcdef0123456789abcdef-12\"", true, 12)]
        [InlineData("0123456789abcdef0123456789abcdef-1", true, 1)]
        [InlineData("0123456789abcdef0123456789abcdef", false, 0)]
        [InlineData("0123456789abcdef0123456789abcdef-0", false, 0)]
        [InlineData("0123456789abcdef0123456789abcdef-10001", false, 0)]
        [InlineData("0123456789abcdef-3", false, 0)]
        [InlineData("0123456789abcdef0123456789abcdef-x", false, 0)]
        [InlineData("", false, 0)]
        public void Parses_only_md5_dash_count(string etag, bool ok, int parts)
        {
            Assert.Equal(ok, MultipartETag.TryParse(etag, out var n));
            Assert.Equal(parts, n);
        }

        [Fact]
        public void Candidate_sizes_split_into_the_etag_part_count_with_the_likeliest_first()
        {
            var settings = new TransferSettings();
            // 1 GiB in 128 parts: only 8 MiB fits (MediaOps' and aws CLI's default).
            Assert.Equal(new[] { 8 * MiB }, MultipartETag.CandidatePartSizes(1024 * MiB, 128, settings).Where(s => s % MiB == 0));
            // 100 MiB in 20 parts: rclone's 5 MiB; every candidate really gives 20 parts.
            var sizes = MultipartETag.CandidatePartSizes(100 * MiB, 20, settings).ToList();
            Assert.Contains(5 * MiB, sizes);
            Assert.All(sizes, s => Assert.True(MultipartETag.Splits(100 * MiB, s, 20)));
            Assert.Equal(sizes.Count, sizes.Distinct().Count());
            // One part: the part is the file.
            Assert.Equal(new[] { 777L }, MultipartETag.CandidatePartSizes(777, 1, settings));
        }

        [Fact]
        public async Task Computes_the_md5_of_the_part_md5s_with_the_count()
        {
            var data = new byte[2 * 1024 * 1024 + 5];
            new Random(9).NextBytes(data);
            var path = Path.GetTempFileName();
            try
            {
                File.WriteAllBytes(path, data);
                var partSize = 1024 * 1024;
                using var md5 = MD5.Create();
                var digests = Enumerable.Range(0, 3).SelectMany(i => md5.ComputeHash(data, i * partSize, Math.Min(partSize, data.Length - i * partSize))).ToArray();
                var expected = BitConverter.ToString(md5.ComputeHash(digests)).Replace("-", "").ToLowerInvariant() + "-3";
                Assert.Equal(expected, await MultipartETag.OfFileAsync(path, partSize, CancellationToken.None));

                // The builder a download feeds as the body streams in: any chunking gives the same ETag.
                var rng = new Random(4);
                using (var builder = new MultipartETag.Builder(partSize))
                {
                    for (var offset = 0; offset < data.Length;)
                    {
                        var chunk = Math.Min(data.Length - offset, rng.Next(1, 3) == 1 ? rng.Next(1, 9) : rng.Next(partSize - 3, partSize + 300_000));
                        builder.Append(data, offset, chunk);
                        offset += chunk;
                    }
                    Assert.Equal(expected, builder.Finish());
                }

                File.WriteAllBytes(path, Array.Empty<byte>());
                Assert.Equal(BitConverter.ToString(md5.ComputeHash(md5.ComputeHash(Array.Empty<byte>()))).Replace("-", "").ToLowerInvariant() + "-1",
                    await MultipartETag.OfFileAsync(path, 1, CancellationToken.None));
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
