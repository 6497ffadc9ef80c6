using System;
using System.Text;
using Xunit;
using MediaOps.Integrity;

namespace MediaOps.Engine.Tests
{
    public class Crc32Tests
    {
        // The textbook bitwise CRC-32, one byte at a time: the reference the table version must equal.
        private static uint Bitwise(byte[] data, int offset, int count)
        {
            var crc = 0xFFFFFFFFu;
            for (var i = offset; i < offset + count; i++)
            {
                crc ^= data[i];
                for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
            return ~crc;
        }

        [Fact]
        public void Matches_the_check_value_and_the_base64_s3_expects()
        {
            var check = Encoding.ASCII.GetBytes("123456789");
            Assert.Equal(0xCBF43926u, Crc32.Compute(check, 0, check.Length));
            Assert.Equal(Convert.ToBase64String(new byte[] { 0xCB, 0xF4, 0x39, 0x26 }), Crc32.Base64(check, 0, check.Length));
            Assert.Equal(0u, Crc32.Compute(check, 3, 0));
        }

        [Theory]
        [InlineData(0, 1)]
        [InlineData(1, 7)]
        [InlineData(3, 8)]
        [InlineData(5, 9)]
        [InlineData(0, 4096)]
        [InlineData(7, 100_003)]
        public void Equals_the_bitwise_reference_at_any_offset_and_length(int offset, int count)
        {
            var data = new byte[offset + count + 5];
            new Random(offset * 31 + count).NextBytes(data);
            Assert.Equal(Bitwise(data, offset, count), Crc32.Compute(data, offset, count));
        }

        [Fact]
        public void Refuses_a_range_outside_the_buffer()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => Crc32.Compute(new byte[4], 2, 3));
        }
    }
}
