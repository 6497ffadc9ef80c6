using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Transfer;

namespace MediaOps.Integrity
{
    /// <summary>
    /// The ETag S3 gives a multipart upload (without SSE-KMS or SSE-C): the MD5 of the parts' binary
    /// MD5s, then "-" and the part count. S3 computes it from the bytes it stored, so recomputing it
    /// from a local file proves the file and the object hold the same bytes, with no checksum the
    /// uploader had to store first. All it needs is the part size: the usual sizes are tried first
    /// (no request), then the object's own first part is asked for (HEAD ?partNumber=1).
    /// </summary>
    internal static class MultipartETag
    {
        private const long MiB = 1024 * 1024;

        /// <summary>True for "hex-N" (quotes allowed) with a 32-digit MD5 and N ≥ 1.</summary>
        public static bool TryParse(string etag, out int parts)
        {
            parts = 0;
            if (string.IsNullOrEmpty(etag)) return false;
            var value = etag.Trim('"');
            var dash = value.IndexOf('-');
            if (dash == 32
                && int.TryParse(value.Substring(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out parts)
                && parts >= 1 && parts <= 10000) return true;
            parts = 0;
            return false;
        }

        /// <summary>
        /// Part sizes that split <paramref name="length"/> bytes into exactly <paramref name="parts"/> parts, most
        /// likely first: MediaOps' own rule, 8 MiB (aws CLI, boto3), the count's own size rounded up to whole MiB
        /// (how tools grow the part size for big files), 5 and 16 MiB (rclone, the .NET TransferUtility).
        /// </summary>
        public static IEnumerable<long> CandidatePartSizes(long length, int parts, TransferSettings settings)
        {
            if (parts == 1)
            {
                yield return Math.Max(length, 1);
                yield break;
            }
            var seen = new HashSet<long>();
            var least = (length + parts - 1) / parts;
            foreach (var size in new[] { settings.PartSizeFor(length), 8 * MiB, (least + MiB - 1) / MiB * MiB, 5 * MiB, 16 * MiB, least })
            {
                if (size > 0 && Splits(length, size, parts) && seen.Add(size)) yield return size;
            }
        }

        /// <summary>True when parts of <paramref name="partSize"/> bytes cut <paramref name="length"/> bytes into <paramref name="parts"/> parts.</summary>
        public static bool Splits(long length, long partSize, int parts) => (length + partSize - 1) / partSize == parts;

        /// <summary>The multipart ETag (lower-case "hex-N", no quotes) of the file cut into parts of <paramref name="partSize"/> bytes.</summary>
        public static async Task<string> OfFileAsync(string path, long partSize, CancellationToken ct)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
            try
            {
                using (var etag = new Builder(partSize))
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
                {
                    int read;
                    while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false)) > 0)
                        etag.Append(buffer, 0, read);
                    return etag.Finish();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>Builds a multipart ETag from bytes fed in order, in chunks of any size (a file read, a download).</summary>
        public sealed class Builder : IDisposable
        {
            private readonly long _partSize;
            private readonly MD5 _whole = MD5.Create();
            private readonly MD5 _part = MD5.Create();
            private long _inPart;
            private int _count;

            public Builder(long partSize)
            {
                if (partSize <= 0) throw new ArgumentOutOfRangeException(nameof(partSize));
                _partSize = partSize;
            }

            public void Append(byte[] buffer, int offset, int count)
            {
                while (count > 0)
                {
                    var take = (int)Math.Min(count, _partSize - _inPart);
                    _part.TransformBlock(buffer, offset, take, null, 0);
                    _inPart += take;
                    offset += take;
                    count -= take;
                    if (_inPart == _partSize) ClosePart();
                }
            }

            /// <summary>Lower-case "hex-N"; an empty input is one empty part, as S3 counts it.</summary>
            public string Finish()
            {
                if (_inPart > 0 || _count == 0) ClosePart();
                _whole.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
                return ContentHasher.Hex(_whole.Hash) + "-" + _count.ToString(CultureInfo.InvariantCulture);
            }

            private void ClosePart()
            {
                _part.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
                var digest = _part.Hash;
                _whole.TransformBlock(digest, 0, digest.Length, null, 0);
                _part.Initialize();
                _inPart = 0;
                _count++;
            }

            public void Dispose()
            {
                _whole.Dispose();
                _part.Dispose();
            }
        }

        /// <summary>
        /// Whether the local file holds the bytes of the object whose multipart ETag is <paramref name="etag"/>:
        /// true when a part size reproduces it, false when the object's own part size does not, and null when
        /// nothing can be said (not a multipart ETag, or a server that will not tell the part size).
        /// Callers rule out SSE-KMS/SSE-C (their ETags are not MD5s). <paramref name="versionId"/>: the version the
        /// ETag is of (null: the current object); its own first part is asked for, not the current object's.
        /// </summary>
        public static async Task<bool?> MatchesAsync(IAmazonS3 s3, string bucket, string key, string versionId, string etag, string localPath, long length, TransferSettings settings, CancellationToken ct)
        {
            if (!TryParse(etag, out var parts)) return null;
            var expected = etag.Trim('"').ToLowerInvariant();
            var tried = new HashSet<long>();
            foreach (var size in CandidatePartSizes(length, parts, settings))
            {
                tried.Add(size);
                if (await OfFileAsync(localPath, size, ct).ConfigureAwait(false) == expected) return true;
            }
            if (parts == 1) return false;

            // None of the usual sizes: the object's first part says which size its uploader used. A server
            // that ignores ?partNumber answers with the whole object, which cuts into no such parts.
            var first = await FirstPartLengthAsync(s3, bucket, key, versionId, ct).ConfigureAwait(false);
            if (first <= 0 || !Splits(length, first, parts)) return null;
            if (tried.Contains(first)) return false;
            return await OfFileAsync(localPath, first, ct).ConfigureAwait(false) == expected;
        }

        /// <summary>The length of part 1 of the version (or current object); also what a restore copies a multipart version in.</summary>
        internal static async Task<long> FirstPartLengthAsync(IAmazonS3 s3, string bucket, string key, string versionId, CancellationToken ct)
        {
            try
            {
                var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key, VersionId = versionId, PartNumber = 1 }, ct).ConfigureAwait(false);
                return head.ContentLength;
            }
            catch (AmazonS3Exception)
            {
                return -1; // a server that does not know partNumber: the content cannot be shown equal
            }
        }
    }
}
