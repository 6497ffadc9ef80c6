using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Integrity;
using MediaOps.Transfer;

namespace MediaOps.Versions
{
    /// <summary>
    /// Puts an old version back on top of its key by a server-side copy: no byte passes through this machine,
    /// and the version's content type, encoding, cache headers and metadata come along (MetadataDirective COPY).
    /// A single CopyObject is limited to 5 GiB; above that, and for any version that was itself uploaded in
    /// parts, the copy is multipart (UploadPartCopy) with the version's own part size, so the restored object
    /// gets the very same ETag and the next plan sees the key restored. A failed multipart copy is aborted.
    /// </summary>
    internal sealed class VersionCopier
    {
        public const long MaxSingleCopy = 5L * 1024 * 1024 * 1024;
        private readonly IAmazonS3 _s3;
        private readonly string _bucket;
        private readonly TransferSettings _settings;

        public VersionCopier(IAmazonS3 s3, string bucket, TransferSettings settings)
        {
            _s3 = s3;
            _bucket = bucket;
            _settings = settings ?? new TransferSettings();
        }

        /// <summary>Above this a copy goes multipart (S3's limit; tests lower it).</summary>
        public long MultipartCopyThreshold { get; set; } = MaxSingleCopy;

        /// <returns>The bytes copied.</returns>
        public async Task<long> CopyAsync(string key, MediaVersion source, CancellationToken ct)
        {
            try
            {
                var multipart = source.Length > MultipartCopyThreshold || MultipartETag.TryParse(source.ETag, out _);
                if (!multipart)
                {
                    await _s3.CopyObjectAsync(new CopyObjectRequest
                    {
                        SourceBucket = _bucket,
                        SourceKey = key,
                        SourceVersionId = source.VersionId,
                        DestinationBucket = _bucket,
                        DestinationKey = key,
                        MetadataDirective = S3MetadataDirective.COPY,
                    }, ct).ConfigureAwait(false);
                }
                else await CopyMultipartAsync(key, source, ct).ConfigureAwait(false);
                return source.Length;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is MediaOpsException))
            {
                if (S3ErrorTranslator.ErrorCode(ex) == "InvalidObjectState")
                    throw new MediaOpsException("VersionArchived", FailureKind.InvalidState,
                        $"Version {source.VersionId} of '{key}' is in {source.StorageClass} and must be restored from the archive first " +
                        $"(aws s3api restore-object --bucket {_bucket} --key '{key}' --version-id {source.VersionId} ...), then run the restore again.", key, ex);
                throw S3ErrorTranslator.Translate(ex, _bucket, key, "s3:GetObjectVersion");
            }
        }

        private async Task CopyMultipartAsync(string key, MediaVersion source, CancellationToken ct)
        {
            // The version's headers, to carry them over (a multipart upload cannot "COPY" metadata).
            var head = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key, VersionId = source.VersionId }, ct).ConfigureAwait(false);
            var partSize = await PartSizeAsync(key, source, ct).ConfigureAwait(false);
            var initiate = new InitiateMultipartUploadRequest
            {
                BucketName = _bucket,
                Key = key,
                ContentType = head.Headers.ContentType,
            };
            if (!string.IsNullOrEmpty(head.Headers.ContentEncoding)) initiate.Headers.ContentEncoding = head.Headers.ContentEncoding;
            if (!string.IsNullOrEmpty(head.Headers.CacheControl)) initiate.Headers.CacheControl = head.Headers.CacheControl;
            if (!string.IsNullOrEmpty(head.Headers.ContentDisposition)) initiate.Headers.ContentDisposition = head.Headers.ContentDisposition;
            foreach (var name in head.Metadata.Keys) initiate.Metadata[name] = head.Metadata[name];
            var upload = await _s3.InitiateMultipartUploadAsync(initiate, ct).ConfigureAwait(false);
            try
            {
                var parts = (int)((source.Length + partSize - 1) / partSize);
                using (var slots = new SemaphoreSlim(_settings.PartsInFlight))
                {
                    var tasks = Enumerable.Range(1, Math.Max(1, parts)).Select(async number =>
                    {
                        await slots.WaitAsync(ct).ConfigureAwait(false);
                        try
                        {
                            var first = (number - 1) * partSize;
                            var last = Math.Min(source.Length, first + partSize) - 1;
                            var part = await _s3.CopyPartAsync(new CopyPartRequest
                            {
                                SourceBucket = _bucket,
                                SourceKey = key,
                                SourceVersionId = source.VersionId,
                                DestinationBucket = _bucket,
                                DestinationKey = key,
                                UploadId = upload.UploadId,
                                PartNumber = number,
                                FirstByte = first,
                                LastByte = last,
                            }, ct).ConfigureAwait(false);
                            return new PartETag(number, part.ETag);
                        }
                        finally { slots.Release(); }
                    }).ToList();
                    var etags = await Task.WhenAll(tasks).ConfigureAwait(false);
                    await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                    {
                        BucketName = _bucket,
                        Key = key,
                        UploadId = upload.UploadId,
                        PartETags = etags.OrderBy(p => p.PartNumber).ToList(),
                    }, ct).ConfigureAwait(false);
                }
            }
            catch (Exception)
            {
                // Never leave an orphaned upload (it is billed and invisible); CancellationToken.None: also after Ctrl+C.
                try { await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = key, UploadId = upload.UploadId }, CancellationToken.None).ConfigureAwait(false); }
                catch (Exception) { /* the copy's own error is the one to report */ }
                throw;
            }
        }

        /// <summary>
        /// A version uploaded in parts is copied in parts of the same size (its first part's length), so the copy's
        /// ETag equals the version's; otherwise the engine's part size for the length (≤ 10,000 parts, ≤ 5 GiB each).
        /// </summary>
        private async Task<long> PartSizeAsync(string key, MediaVersion source, CancellationToken ct)
        {
            if (MultipartETag.TryParse(source.ETag, out var parts) && parts > 1)
            {
                var size = await MultipartETag.FirstPartLengthAsync(_s3, _bucket, key, source.VersionId, ct).ConfigureAwait(false);
                if (size > 0 && MultipartETag.Splits(source.Length, size, parts)) return size; // else a server without part HEADs: fall back
            }
            if (MultipartETag.TryParse(source.ETag, out parts) && parts == 1) return Math.Max(source.Length, 1);
            return Math.Min(MaxSingleCopy, Math.Max(_settings.PartSizeFor(source.Length), 64 * TransferSettings.MiB));
        }
    }
}
