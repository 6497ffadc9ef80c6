using System;
using System.Buffers;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Integrity;
using MediaOps.Local;
using MediaOps.Sync;

namespace MediaOps.Transfer
{
    /// <summary>
    /// Restores one object into the folder: streams it to a temp file next to the target, checks the
    /// MD5 when the object has one (its ETag, the md5chksum rclone and single PUTs store, or a multipart
    /// ETag rebuilt from the parts as they stream in), sets the mtime to LastModified and renames into place. A failure
    /// or Ctrl+C deletes the temp file, so no partial file is ever visible under the real name.
    /// </summary>
    internal sealed class S3Downloader
    {
        private readonly IAmazonS3 _s3;
        private readonly string _bucket;
        private readonly string _root;
        private readonly TransferSettings _settings;

        public S3Downloader(IAmazonS3 s3, string bucket, string root, TransferSettings settings)
        {
            _s3 = s3;
            _bucket = bucket;
            _root = root;
            _settings = settings;
        }

        public async Task<long> DownloadAsync(RemoteObject remote, string relativeName, Action<long> onBytes, CancellationToken ct)
        {
            var target = LocalPathGuard.Resolve(_root, remote.Key, relativeName);
            var folder = Path.GetDirectoryName(target);
            Directory.CreateDirectory(folder);
            var temp = Path.Combine(folder, LocalWalker.TempFilePrefix + Guid.NewGuid().ToString("N") + LocalWalker.TempFileSuffix);
            var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
            try
            {
                long total = 0;
                DateTime lastModified;
                using (var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = remote.Key }, ct).ConfigureAwait(false))
                {
                    lastModified = (response.LastModified ?? remote.LastModifiedUtc).ToUniversalTime();
                    // Decided from the headers, before the body: hash only what the object can be checked against.
                    var expectedMd5 = ExpectedMd5(response);
                    var partSize = expectedMd5 == null ? LikelyPartSize(response) : 0;
                    using (var md5 = expectedMd5 != null ? MD5.Create() : null)
                    using (var multipart = partSize > 0 ? new MultipartETag.Builder(partSize) : null)
                    {
                        using (var body = response.ResponseStream)
                        using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
                        {
                            int read;
                            while ((read = await ReadBodyAsync(remote.Key, body, buffer, total, ct).ConfigureAwait(false)) > 0)
                            {
                                md5?.TransformBlock(buffer, 0, read, null, 0);
                                multipart?.Append(buffer, 0, read);
                                await file.WriteAsync(buffer, 0, read, ct).ConfigureAwait(false);
                                total += read;
                                onBytes?.Invoke(read);
                            }
                        }
                        md5?.TransformFinalBlock(buffer, 0, 0);
                        await VerifyAsync(remote.Key, response, expectedMd5, md5?.Hash, multipart?.Finish(), total, temp, ct).ConfigureAwait(false);
                    }
                }
                File.SetLastWriteTimeUtc(temp, lastModified);
                if (File.Exists(target)) File.Replace(temp, target, null);
                else File.Move(temp, target);
                return total;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                TryDelete(temp); // gone after a successful rename; a leftover only after a failure
            }
        }

        private static async Task<int> ReadBodyAsync(string key, Stream body, byte[] buffer, long received, CancellationToken ct)
        {
            try
            {
                return await body.ReadAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false);
            }
            catch (Amazon.Runtime.AmazonClientException ex)
            {
                // The SDK checks the MD5 (or CRC) of some bodies itself as the stream ends; same verdict as ours.
                throw new MediaOpsException("IntegrityCheckFailed", FailureKind.Integrity,
                    $"The bytes received for '{key}' do not match the object's checksum ({ex.Message}) after {received} bytes. Nothing was written; run the restore again.", key, ex);
            }
        }

        /// <summary>The MD5 a single PUT or rclone stored, else a single-part ETag (not under SSE-KMS), else null.</summary>
        private static string ExpectedMd5(GetObjectResponse response)
        {
            var stored = ContentHasher.StoredMd5Hex(response.Metadata?[S3Uploader.Md5MetadataName]);
            if (stored != null) return stored;
            return ETagRules.IsPlainMd5(response.ETag) && !ETagRules.IsKms(response.ServerSideEncryptionMethod) ? response.ETag.Trim('"') : null;
        }

        /// <summary>The most likely part size of a multipart object (checked while streaming), or 0.</summary>
        private long LikelyPartSize(GetObjectResponse response)
        {
            if (ETagRules.IsKms(response.ServerSideEncryptionMethod) || !MultipartETag.TryParse(response.ETag, out var parts)) return 0;
            foreach (var size in MultipartETag.CandidatePartSizes(response.ContentLength, parts, _settings)) return size;
            return 0;
        }

        private async Task VerifyAsync(string key, GetObjectResponse response, string expectedMd5, byte[] md5, string multipartETag, long length, string temp, CancellationToken ct)
        {
            bool same;
            if (expectedMd5 != null) same = string.Equals(expectedMd5, ContentHasher.Hex(md5), StringComparison.OrdinalIgnoreCase);
            else if (ETagRules.IsKms(response.ServerSideEncryptionMethod) || !MultipartETag.TryParse(response.ETag, out _)) return; // nothing to compare with
            else if (multipartETag != null && string.Equals(multipartETag, response.ETag.Trim('"'), StringComparison.OrdinalIgnoreCase)) return; // proven while streaming
            else
            {
                // Another part size, a mismatch, or none of the usual sizes: read the temp file again (page cache),
                // trying the other sizes and then the object's own; a size that cannot be learned proves nothing.
                same = await MultipartETag.MatchesAsync(_s3, _bucket, key, response.ETag, temp, length, _settings, ct).ConfigureAwait(false) ?? true;
            }
            if (!same)
                throw new MediaOpsException("IntegrityCheckFailed", FailureKind.Integrity,
                    $"The {length} bytes received for '{key}' do not match the object's MD5 (or multipart ETag). Nothing was written; run the restore again.", key);
        }

        internal static void TryDelete(string path)
        {
            try { if (File.Exists(path)) File.Delete(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
