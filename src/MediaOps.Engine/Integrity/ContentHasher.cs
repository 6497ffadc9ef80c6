using System;
using System.Buffers;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace MediaOps.Integrity
{
    /// <summary>MD5 of local files and byte buffers, in the forms S3 uses (hex ETag, base64 Content-MD5).</summary>
    internal static class ContentHasher
    {
        public static byte[] Md5(byte[] buffer, int offset, int count)
        {
            using (var md5 = MD5.Create()) return md5.ComputeHash(buffer, offset, count);
        }

        public static async Task<byte[]> Md5OfFileAsync(string path, CancellationToken ct)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
            try
            {
                using (var md5 = MD5.Create())
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan))
                {
                    int read;
                    while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false)) > 0)
                        md5.TransformBlock(buffer, 0, read, null, 0);
                    md5.TransformFinalBlock(buffer, 0, 0);
                    return md5.Hash;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public static string Hex(byte[] hash)
        {
            var c = new char[hash.Length * 2];
            for (var i = 0; i < hash.Length; i++)
            {
                c[2 * i] = "0123456789abcdef"[hash[i] >> 4];
                c[2 * i + 1] = "0123456789abcdef"[hash[i] & 15];
            }
            return new string(c);
        }

        public static string Base64(byte[] hash) => Convert.ToBase64String(hash);
    }
}
