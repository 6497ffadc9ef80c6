using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using MediaOps.Transfer;

namespace MediaOps.Integrity
{
    /// <summary>
    /// Checks a download's bytes as they stream in, against what the object's headers offer: the MD5 (a
    /// single-part ETag or the stored md5chksum), the checksum S3 stored with it (CRC32, CRC32C, SHA1, SHA256:
    /// what proves an SSE-KMS object) or the multipart ETag, built with the likeliest part size while streaming. The verdict is <see cref="ContentComparer"/>'s rule, so a download and a compare
    /// never disagree about the same object.
    /// </summary>
    internal sealed class DownloadCheck : IDisposable
    {
        private readonly ObjectDigest _remote;
        private readonly MD5 _md5;
        private readonly MultipartETag.Builder _multipart;
        private readonly StoredChecksum.Builder _checksum;

        /// <param name="remote">From the GET's headers (<see cref="ObjectDigest.FromGet"/>), decided before the body is read.</param>
        public DownloadCheck(ObjectDigest remote, TransferSettings settings)
        {
            _remote = remote;
            // A whole-object checksum is computed as the bytes stream in; one of the parts, from the written file.
            if (remote.StoredChecksum != null && remote.StoredChecksum.CanCompute && remote.StoredChecksum.Parts == 0) _checksum = remote.StoredChecksum.NewBuilder();
            // Hash only what the object can be checked against.
            if (remote.StoredMd5 != null || (remote.ETagLooksLikeMd5 && remote.KeyEncryption == null)) _md5 = MD5.Create();
            else if (remote.KeyEncryption == null && remote.MultipartParts > 0)
            {
                foreach (var size in MultipartETag.CandidatePartSizes(remote.Length, remote.MultipartParts, settings))
                {
                    _multipart = new MultipartETag.Builder(size);
                    break;
                }
            }
        }

        public void Append(byte[] buffer, int offset, int count)
        {
            _md5?.TransformBlock(buffer, offset, count, null, 0);
            _multipart?.Append(buffer, offset, count);
            _checksum?.Append(buffer, offset, count);
        }

        /// <summary>
        /// The verdict once every byte went through <see cref="Append"/>. A multipart object of another part size
        /// is checked again from <paramref name="writtenPath"/> (the file just written, in the page cache).
        /// </summary>
        public Task<ContentVerdict> FinishAsync(ContentComparer comparer, string writtenPath, long length, CancellationToken ct)
        {
            string md5 = null;
            if (_md5 != null)
            {
                _md5.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
                md5 = ContentHasher.Hex(_md5.Hash);
            }
            var streamed = _multipart?.Finish();
            return ContentComparer.DecideAsync(_remote,
                () => Task.FromResult(md5),
                async () => string.Equals(streamed, _remote.ETag, StringComparison.OrdinalIgnoreCase)
                    ? true // proven while streaming
                    : await comparer.MultipartMatchesAsync(_remote, writtenPath, length, ct).ConfigureAwait(false),
                () => _checksum != null
                    ? Task.FromResult<bool?>(_checksum.Finish() == _remote.StoredChecksum.Value)
                    : comparer.StoredChecksumMatchesAsync(_remote, writtenPath, length, ct));
        }

        public void Dispose()
        {
            _md5?.Dispose();
            _multipart?.Dispose();
            _checksum?.Dispose();
        }
    }
}
