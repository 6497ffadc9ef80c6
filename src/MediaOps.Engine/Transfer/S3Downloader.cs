using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Integrity;
using MediaOps.Local;

namespace MediaOps.Transfer
{
    /// <summary>
    /// Restores one object into the folder: streams it to a temp file next to the target, checks the bytes
    /// as they stream in against what the object offers (Integrity's <see cref="DownloadCheck"/>: its MD5 or
    /// its multipart ETag), sets the mtime to LastModified and renames into place. A failure or Ctrl+C
    /// deletes the temp file, so no partial file is ever visible under the real name.
    /// </summary>
    internal sealed class S3Downloader
    {
        private readonly IAmazonS3 _s3;
        private readonly string _bucket;
        private readonly string _root;
        private readonly TransferSettings _settings;
        private readonly ContentComparer _comparer;

        public S3Downloader(IAmazonS3 s3, string bucket, string root, TransferSettings settings)
        {
            _s3 = s3;
            _bucket = bucket;
            _root = root;
            _settings = settings;
            _comparer = new ContentComparer(s3, bucket, settings);
        }

        /// <param name="listedLastModifiedUtc">The listing's LastModified, used when the GET does not say.</param>
        /// <param name="versionId">A version to read instead of the current object (Sync-MediaFromS3 -AsOf).</param>
        public async Task<long> DownloadAsync(string key, DateTime listedLastModifiedUtc, string relativeName, Action<long> onBytes, CancellationToken ct, string versionId = null)
        {
            var target = LocalPathGuard.Resolve(_root, key, relativeName);
            for (var attempt = 1; ; attempt++)
            {
                long received = 0;
                Action<long> counted = n => { received += n; onBytes?.Invoke(n); };
                try
                {
                    return ConfinedFolder.Supported
                        ? await DownloadConfinedAsync(key, versionId, listedLastModifiedUtc, relativeName, counted, ct).ConfigureAwait(false)
                        : await DownloadByPathAsync(key, versionId, listedLastModifiedUtc, target, counted, ct).ConfigureAwait(false);
                }
                catch (TimeoutException ex) when (!ct.IsCancellationRequested)
                {
                    // A server that stalled mid-body: the temp file is gone; start the object again, or give up.
                    onBytes?.Invoke(-received);
                    if (attempt > _settings.StallRetries)
                        throw StallGuard.Stalled(key, $"the download {ex.Message} (after {received} bytes)", attempt, _settings, ex);
                }
                catch (Exception ex) when (LocalFileError.From(ex, key, upload: false) is MediaOpsException local)
                {
                    throw local;
                }
            }
        }

        /// <summary>
        /// The folder is opened name by name without following a link (<see cref="ConfinedFolder"/>) once the object's
        /// answer is there, and the temp file is created, written, timed and renamed relative to that open folder: a
        /// folder swapped for a link before is refused, one swapped after is not followed, so nothing is written
        /// outside the restore folder.
        /// </summary>
        private async Task<long> DownloadConfinedAsync(string key, string versionId, DateTime listedLastModifiedUtc, string relativeName, Action<long> onBytes, CancellationToken ct)
        {
            var slash = relativeName.LastIndexOf('/');
            var name = relativeName.Substring(slash + 1);
            var tempName = LocalWalker.NewTempFileName();
            ConfinedFolder folder = null;
            try
            {
                var total = await ReceiveAsync(key, versionId, listedLastModifiedUtc, () =>
                {
                    folder = ConfinedFolder.Open(Path.GetFullPath(_root), slash < 0 ? "" : relativeName.Substring(0, slash), create: true);
                    return folder.CreateNew(tempName);
                }, () => Path.Combine(folder.HandlePath, tempName), onBytes, ct).ConfigureAwait(false);
                folder.Rename(tempName, name);
                return total;
            }
            finally
            {
                if (folder != null)
                {
                    folder.TryDelete(tempName); // gone after a successful rename; a leftover only after a failure
                    folder.Dispose();
                }
            }
        }

        private async Task<long> DownloadByPathAsync(string key, string versionId, DateTime listedLastModifiedUtc, string target, Action<long> onBytes, CancellationToken ct)
        {
            var folder = Path.GetDirectoryName(target);
            Directory.CreateDirectory(folder);
            var temp = Path.Combine(folder, LocalWalker.NewTempFileName());
            try
            {
                var total = await ReceiveAsync(key, versionId, listedLastModifiedUtc,
                    () => new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None), () => temp, onBytes, ct).ConfigureAwait(false);
                if (File.Exists(target)) File.Replace(temp, target, null);
                else File.Move(temp, target);
                return total;
            }
            finally
            {
                TryDelete(temp); // gone after a successful rename; a leftover only after a failure
            }
        }

        /// <summary>
        /// GETs the object into the file <paramref name="create"/> makes (only once the answer is there), checks it, and sets
        /// its mtime; <paramref name="writtenPath"/> reaches the written file for a second check of an unusual part size.
        /// </summary>
        private async Task<long> ReceiveAsync(string key, string versionId, DateTime listedLastModifiedUtc, Func<FileStream> create, Func<string> writtenPath, Action<long> onBytes, CancellationToken ct)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
            try
            {
                long total = 0;
                var get = new GetObjectRequest { BucketName = _bucket, Key = key, VersionId = versionId };
                StoredChecksum.Ask(get); // the checksum stored with the object proves what its ETag cannot (SSE-KMS)
                using (var response = await _s3.GetObjectAsync(get, ct).ConfigureAwait(false))
                {
                    var lastModified = (response.LastModified ?? listedLastModifiedUtc).ToUniversalTime();
                    // Decided from the headers, before the body: hash only what the object can be checked against.
                    using (var check = new DownloadCheck(ObjectDigest.FromGet(key, response, versionId), _settings))
                    using (var file = create())
                    {
                        using (var body = response.ResponseStream)
                        {
                            int read;
                            while ((read = await ReadBodyAsync(key, body, buffer, total, response, ct).ConfigureAwait(false)) > 0)
                            {
                                check.Append(buffer, 0, read);
                                await file.WriteAsync(buffer, 0, read, ct).ConfigureAwait(false);
                                total += read;
                                onBytes?.Invoke(read);
                            }
                        }
                        await file.FlushAsync(ct).ConfigureAwait(false);
                        // Another part size or none of the usual ones is checked from the written file; a size that cannot be learned proves nothing.
                        var verdict = await check.FinishAsync(_comparer, writtenPath(), total, ct).ConfigureAwait(false);
                        if (verdict.Kind == VerdictKind.Differs)
                            throw new MediaOpsException("IntegrityCheckFailed", FailureKind.Integrity,
                                $"The {total} bytes received for '{key}' do not match the object's {DigestName(verdict.Basis)}. Nothing was written; run the restore again.", key);
                        if (ConfinedFolder.Supported) ConfinedFolder.SetLastWriteTimeUtc(file, lastModified);
                    }
                    if (!ConfinedFolder.Supported) File.SetLastWriteTimeUtc(writtenPath(), lastModified);
                }
                return total;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private static string DigestName(VerdictBasis basis) =>
            basis == VerdictBasis.StoredChecksum ? "checksum stored with it (x-amz-checksum-*)"
            : basis == VerdictBasis.MultipartETag ? "multipart ETag" : "MD5";

        private async Task<int> ReadBodyAsync(string key, Stream body, byte[] buffer, long received, IDisposable response, CancellationToken ct)
        {
            try
            {
                return await StallGuard.ReadAsync(body, buffer, _settings, response, ct).ConfigureAwait(false);
            }
            catch (Amazon.Runtime.AmazonClientException ex)
            {
                // The SDK checks the MD5 (or CRC) of some bodies itself as the stream ends; same verdict as ours.
                throw new MediaOpsException("IntegrityCheckFailed", FailureKind.Integrity,
                    $"The bytes received for '{key}' do not match the object's checksum ({ex.Message}) after {received} bytes. Nothing was written; run the restore again.", key, ex);
            }
        }

        internal static void TryDelete(string path)
        {
            try { if (File.Exists(path)) File.Delete(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
