using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MediaOps.Targets
{
    /// <summary>
    /// One slice <c>k/n</c> of the names under a prefix, for n workers that each take one slice (-Partition).
    /// The slice of a name is fixed by this rule and nothing else, so every worker, run and machine agrees:
    /// the first 8 bytes of SHA-256 over the UTF-8 bytes of the Django name (the key without the prefix),
    /// read as a big-endian unsigned 64-bit integer, modulo n, plus 1. Every name falls in exactly one slice.
    /// The name, not the key, is hashed so the same worker keeps the same files whatever prefix or bucket it
    /// writes to; a name django-storages refuses (no key) is hashed as given.
    /// </summary>
    public sealed class KeyPartition
    {
        public const int MaxCount = 65536;

        public KeyPartition(int index, int count)
        {
            if (count < 1 || count > MaxCount || index < 1 || index > count)
                throw new MediaOpsException("InvalidPartition", FailureKind.InvalidArgument,
                    $"-Partition {index}/{count} is not a slice: use k/n with 1 <= k <= n <= {MaxCount}, e.g. 2/4 for the second of four workers.", $"{index}/{count}");
            Index = index;
            Count = count;
        }

        /// <summary>1-based slice number.</summary>
        public int Index { get; }
        public int Count { get; }

        /// <summary>"k/n", as a runbook passes it and as result rows carry it.</summary>
        public override string ToString() => Index.ToString(CultureInfo.InvariantCulture) + "/" + Count.ToString(CultureInfo.InvariantCulture);

        /// <summary>Parses "k/n" (e.g. "2/4"). Null or empty means no partition (null).</summary>
        public static KeyPartition Parse(string text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var parts = text.Split('/');
            if (parts.Length == 2
                && int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var k)
                && int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                return new KeyPartition(k, n);
            throw new MediaOpsException("InvalidPartition", FailureKind.InvalidArgument,
                $"-Partition '{text}' is not k/n: pass e.g. 2/4 for the second of four workers.", text);
        }

        /// <summary>The 1-based slice <paramref name="name"/> falls in among <paramref name="count"/>.</summary>
        public static int SliceOf(string name, int count)
        {
            var sha = _sha ?? (_sha = SHA256.Create());
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(name ?? ""));
            ulong value = 0;
            for (var i = 0; i < 8; i++) value = (value << 8) | hash[i];
            return (int)(value % (ulong)count) + 1;
        }

        // One hasher per thread: SHA256 instances are not thread-safe, and a million names should not make a million.
        [ThreadStatic] private static SHA256 _sha;

        /// <summary>True when this worker owns <paramref name="name"/> (a Django name, the key without the prefix).</summary>
        public bool Owns(string name) => Count == 1 || SliceOf(name, Count) == Index;
    }
}
