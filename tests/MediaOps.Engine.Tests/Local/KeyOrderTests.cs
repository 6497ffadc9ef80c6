using System;
using System.Linq;
using System.Text;
using MediaOps.Local;
using Xunit;

namespace MediaOps.Engine.Tests
{
    public class KeyOrderTests
    {
        private static int Utf8Compare(string a, string b)
        {
            var x = Encoding.UTF8.GetBytes(a);
            var y = Encoding.UTF8.GetBytes(b);
            for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
                if (x[i] != y[i]) return x[i].CompareTo(y[i]);
            return x.Length.CompareTo(y.Length);
        }

        [Fact]
        public void Dash_sorts_before_slash_and_slash_before_zero()
        {
            var keys = new[] { "a0", "a/b", "a-b" };
            Assert.Equal(new[] { "a-b", "a/b", "a0" }, keys.OrderBy(k => k, KeyOrder.Instance));
        }

        [Fact]
        public void Matches_utf8_byte_order_including_surrogates_and_private_use()
        {
            var alphabet = new[] { "a", "-", "/", "0", "é", "日", "\uE000", "\uFFFD", "😀", "𝄞", "Z", " " };
            var random = new Random(7);
            var words = Enumerable.Range(0, 2000)
                .Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(__ => alphabet[random.Next(alphabet.Length)])))
                .ToArray();
            foreach (var a in words.Take(200))
                foreach (var b in words.Skip(200).Take(200))
                    Assert.Equal(Math.Sign(Utf8Compare(a, b)), Math.Sign(KeyOrder.Instance.Compare(a, b)));
            // Plain ordinal (UTF-16) order disagrees for these, which is why KeyOrder exists.
            Assert.True(string.CompareOrdinal("😀", "\uE000") < 0);
            Assert.True(KeyOrder.Instance.Compare("😀", "\uE000") > 0);
        }
    }
}
