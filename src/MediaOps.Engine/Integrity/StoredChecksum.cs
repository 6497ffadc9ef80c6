using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using MediaOps.Transfer;

namespace MediaOps.Integrity
{
    /// <summary>
    /// A checksum S3 stored with an object at upload (x-amz-checksum-crc32, -crc32c, -sha1, -sha256, -crc64nvme), which a
    /// GET or HEAD returns only when asked (x-amz-checksum-mode: ENABLED). Unlike the ETag it does not depend on the
    /// encryption, so it proves the bytes of an SSE-KMS object too. Of the whole object (FULL_OBJECT), or of a multipart
    /// upload's parts (COMPOSITE: the checksum of the parts' binary checksums, "value-N"; some servers, moto among them,
    /// leave out the "-N", so a multipart object's checksum counts as composite unless the server says FULL_OBJECT).
    /// </summary>
    public sealed class StoredChecksum
    {
        /// <summary>The request header that asks for the stored checksum.</summary>
        public const string ModeHeader = "x-amz-checksum-mode";

        /// <summary>
        /// Asks a GET for the stored checksum with a plain header. The SDK still checks a whole-object checksum itself as the
        /// body ends (its failure becomes the same IntegrityCheckFailed); the verdict of <see cref="ContentComparer"/> also
        /// covers what it skips: checksums of the parts, and local files (Test-MediaObject, -Checksum).
        /// </summary>
        internal static void Ask(Amazon.S3.Model.GetObjectRequest request) =>
            ((Amazon.Runtime.Internal.IAmazonWebServiceRequest)request).AddBeforeRequestHandler((sender, args) =>
            {
                if (args is Amazon.Runtime.WebServiceRequestEventArgs web) web.Headers[ModeHeader] = "ENABLED";
            });

        private StoredChecksum(string algorithm, string value, int parts)
        {
            Algorithm = algorithm;
            Value = value;
            Parts = parts;
        }

        /// <summary>CRC32, CRC32C, SHA1, SHA256 or CRC64NVME.</summary>
        public string Algorithm { get; }
        /// <summary>Base64, without a "-N" suffix.</summary>
        public string Value { get; }
        /// <summary>0 for a checksum of the whole object; else the part count of a composite checksum.</summary>
        public int Parts { get; }

        /// <summary>True when MediaOps can compute this algorithm (CRC64NVME it cannot yet: such an object is CannotTell).</summary>
        public bool CanCompute => Algorithm != "CRC64NVME";

        public override string ToString() => Parts > 0 ? $"{Algorithm} {Value}-{Parts} (of the parts)" : $"{Algorithm} {Value}";

        /// <summary>The first checksum present in a GET/HEAD answer, or null. <paramref name="multipartParts"/>: the ETag's part count.</summary>
        internal static StoredChecksum From(string crc32, string crc32c, string sha1, string sha256, string crc64nvme, ChecksumType type, int multipartParts)
        {
            var found = new[] { ("CRC32", crc32), ("CRC32C", crc32c), ("SHA256", sha256), ("SHA1", sha1), ("CRC64NVME", crc64nvme) };
            foreach (var (algorithm, raw) in found)
            {
                if (string.IsNullOrEmpty(raw)) continue;
                var value = raw.Trim();
                var parts = 0;
                var dash = value.LastIndexOf('-');
                if (dash > 0 && int.TryParse(value.Substring(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
                {
                    parts = n;
                    value = value.Substring(0, dash);
                }
                else if (type?.Value != "FULL_OBJECT" && multipartParts > 0) parts = multipartParts;
                return new StoredChecksum(algorithm, value, parts);
            }
            return null;
        }

        /// <summary>Computes this checksum over bytes fed in order, cut into parts of <paramref name="partSize"/> bytes when composite.</summary>
        internal Builder NewBuilder(long partSize = 0) => new Builder(Algorithm, Parts > 0 ? partSize : 0);

        /// <summary>
        /// Whether the file holds the object's bytes by this checksum: true or false, or null when it cannot be told (an
        /// algorithm MediaOps does not compute, or a composite checksum no usual part size reproduces).
        /// </summary>
        /// <param name="firstPartLength">The object's own first part length (HEAD ?partNumber=1), asked only when no usual part size matches.</param>
        internal async Task<bool?> MatchesFileAsync(string path, long length, TransferSettings settings, Func<Task<long>> firstPartLength, CancellationToken ct)
        {
            if (!CanCompute) return null;
            if (Parts <= 1) return await OfFileAsync(path, Parts == 0 ? 0 : Math.Max(length, 1), ct).ConfigureAwait(false) == Value;
            var tried = new HashSet<long>();
            foreach (var size in MultipartETag.CandidatePartSizes(length, Parts, settings))
            {
                tried.Add(size);
                if (await OfFileAsync(path, size, ct).ConfigureAwait(false) == Value) return true;
            }
            // No usual size gives it: the object's own part size decides (different bytes, or an unusual size).
            var first = await firstPartLength().ConfigureAwait(false);
            if (first <= 0 || !MultipartETag.Splits(length, first, Parts)) return null;
            if (tried.Contains(first)) return false;
            return await OfFileAsync(path, first, ct).ConfigureAwait(false) == Value;
        }

        private async Task<string> OfFileAsync(string path, long partSize, CancellationToken ct)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
            try
            {
                using (var builder = NewBuilder(partSize))
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
                {
                    int read;
                    while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false)) > 0)
                        builder.Append(buffer, 0, read);
                    return builder.Finish();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>One algorithm over a byte stream; with a part size, the checksum of the parts' checksums.</summary>
        internal sealed class Builder : IDisposable
        {
            private readonly string _algorithm;
            private readonly long _partSize;
            private readonly Digest _part;
            private readonly Digest _whole;
            private long _inPart;
            private int _count;

            public Builder(string algorithm, long partSize)
            {
                _algorithm = algorithm;
                _partSize = partSize;
                _part = new Digest(algorithm);
                if (partSize > 0) _whole = new Digest(algorithm);
            }

            public void Append(byte[] buffer, int offset, int count)
            {
                while (count > 0)
                {
                    var take = _partSize > 0 ? (int)Math.Min(count, _partSize - _inPart) : count;
                    _part.Append(buffer, offset, take);
                    _inPart += take;
                    offset += take;
                    count -= take;
                    if (_partSize > 0 && _inPart == _partSize) ClosePart();
                }
            }

            /// <summary>Base64, as S3 gives it (without "-N").</summary>
            public string Finish()
            {
                if (_partSize == 0) return Convert.ToBase64String(_part.Finish());
                if (_inPart > 0 || _count == 0) ClosePart();
                return Convert.ToBase64String(_whole.Finish());
            }

            private void ClosePart()
            {
                var digest = _part.Finish();
                _whole.Append(digest, 0, digest.Length);
                _part.Reset();
                _inPart = 0;
                _count++;
            }

            public void Dispose()
            {
                _part.Dispose();
                _whole?.Dispose();
            }
        }

        /// <summary>One running digest: a hash algorithm, or a CRC kept as its running value.</summary>
        private sealed class Digest : IDisposable
        {
            private readonly string _algorithm;
            private HashAlgorithm _hash;
            private uint _crc;

            public Digest(string algorithm)
            {
                _algorithm = algorithm;
                Reset();
            }

            public void Reset()
            {
                _hash?.Dispose();
                _hash = _algorithm == "SHA256" ? SHA256.Create() : _algorithm == "SHA1" ? (HashAlgorithm)SHA1.Create() : null;
                _crc = 0;
            }

            public void Append(byte[] buffer, int offset, int count)
            {
                if (_hash != null) _hash.TransformBlock(buffer, offset, count, null, 0);
                else if (_algorithm == "CRC32") _crc = Crc32.Append(_crc, buffer, offset, count);
                else _crc = Crc32C.Append(_crc, buffer, offset, count);
            }

            public byte[] Finish()
            {
                if (_hash == null) return new[] { (byte)(_crc >> 24), (byte)(_crc >> 16), (byte)(_crc >> 8), (byte)_crc };
                _hash.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
                return _hash.Hash;
            }

            public void Dispose() => _hash?.Dispose();
        }
    }

    /// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), S3's x-amz-checksum-crc32c; a byte at a time (checks only).</summary>
    internal static class Crc32C
    {
        private static readonly uint[] Table = BuildTable();

        /// <summary>Continues the CRC <paramref name="crc"/> (0 to start) over the bytes.</summary>
        public static uint Append(uint crc, byte[] buffer, int offset, int count)
        {
            var c = ~crc;
            for (var i = offset; i < offset + count; i++) c = Table[(c ^ buffer[i]) & 0xFF] ^ (c >> 8);
            return ~c;
        }

        private static uint[] BuildTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                var c = n;
                for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
                table[n] = c;
            }
            return table;
        }
    }
}
