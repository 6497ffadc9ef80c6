using System.Collections.Generic;

namespace MediaOps.Local
{
    /// <summary>
    /// S3's listing order: the UTF-8 bytes of the key compared as unsigned bytes. UTF-16 ordinal
    /// order differs from it only for supplementary characters (surrogates) against U+E000–U+FFFF,
    /// so the comparison walks code points instead of allocating byte arrays.
    /// </summary>
    public sealed class KeyOrder : IComparer<string>
    {
        public static readonly KeyOrder Instance = new KeyOrder();

        public int Compare(string x, string y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x == null) return -1;
            if (y == null) return 1;
            var n = x.Length < y.Length ? x.Length : y.Length;
            for (var i = 0; i < n; i++)
            {
                var a = x[i];
                var b = y[i];
                if (a == b) continue;
                // Code points in UTF-8 order: surrogates (U+10000+) sort after everything in the BMP.
                return Weight(a).CompareTo(Weight(b));
            }
            return x.Length.CompareTo(y.Length);
        }

        private static int Weight(char c) => c >= 0xD800 && c <= 0xDFFF ? c + 0x10000 : c;
    }
}
