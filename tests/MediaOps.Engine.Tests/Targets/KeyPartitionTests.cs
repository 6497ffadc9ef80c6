using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Xunit;
using MediaOps.Targets;

namespace MediaOps.Engine.Tests
{
    public class KeyPartitionTests
    {
        [Fact]
        public void Every_name_falls_in_exactly_one_slice_by_the_documented_hash()
        {
            var names = Enumerable.Range(0, 5000).Select(i => $"uploads/{i % 37}/file {i}.jpg").Concat(TempTree.AwkwardFiles().Keys).ToList();
            var slices = Enumerable.Range(1, 4).Select(k => new KeyPartition(k, 4)).ToList();
            foreach (var name in names)
            {
                Assert.Equal(1, slices.Count(s => s.Owns(name)));
                // The documented rule, computed independently: first 8 bytes of SHA-256(UTF-8 name), big-endian, mod n, plus 1.
                var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
                var expected = (int)(BitConverter.ToUInt64(hash.Take(8).Reverse().ToArray(), 0) % 4) + 1;
                Assert.True(slices[expected - 1].Owns(name), name);
            }
            // Not a degenerate split: each of the four slices gets roughly a quarter.
            foreach (var s in slices) Assert.InRange(names.Count(s.Owns), 1100, 1450);
        }

        [Theory]
        [InlineData("0/4")]
        [InlineData("5/4")]
        [InlineData("2-4")]
        [InlineData("a/b")]
        public void Bad_slices_are_refused_with_an_example(string text)
        {
            var ex = Assert.Throws<MediaOpsException>(() => KeyPartition.Parse(text));
            Assert.Equal("MediaOps.InvalidPartition", ex.ErrorId);
            Assert.Contains("2/4", ex.Message);
        }

        [Fact]
        public void Parse_round_trips()
        {
            Assert.Equal("3/8", KeyPartition.Parse(" 3/8 ").ToString());
            Assert.Null(KeyPartition.Parse(""));
        }
    }
}
