using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Integrity;

namespace MediaOps.Transfer
{
    /// <summary>
    /// Sync-MediaToS3 -UpdateMetadata: gives an object whose content is already right the headers of
    /// <see cref="ObjectParameters"/> without sending its bytes again, by copying it onto itself (CopyObject,
    /// MetadataDirective REPLACE). Content type and encoding, MediaOps's MD5 metadata and an SSE-KMS key are carried
    /// over; the copy is made only if the object is still the one that was looked at (x-amz-copy-source-if-match).
    /// Comparing needs one HEAD per object, which is why it happens only when asked for.
    /// </summary>
    internal sealed class MetadataUpdater
    {
        /// <summary>CopyObject's limit; a larger object must be uploaded again to change its headers.</summary>
        public const long MaxSingleCopy = 5L * 1024 * 1024 * 1024;
        private readonly IAmazonS3 _s3;
        private readonly string _bucket;
        private readonly ObjectParameters _parameters;

        public MetadataUpdater(IAmazonS3 s3, string bucket, ObjectParameters parameters)
        {
            _s3 = s3;
            _bucket = bucket;
            _parameters = parameters ?? ObjectParameters.Parse(null);
        }

        public sealed class Check
        {
            internal Check(GetObjectMetadataResponse head, IReadOnlyList<string> differences)
            {
                Head = head;
                Differences = differences;
            }

            internal GetObjectMetadataResponse Head { get; }
            /// <summary>The parameter names (as boto3 names them) whose value differs; empty when the object looks alike.</summary>
            public IReadOnlyList<string> Differences { get; }
        }

        /// <summary>One HEAD: how the object's headers differ from the parameters; null when the object is gone.</summary>
        public async Task<Check> CheckAsync(string key, CancellationToken ct)
        {
            try
            {
                var head = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, ct).ConfigureAwait(false);
                return new Check(head, _parameters.Differences(head));
            }
            catch (Exception ex) when (S3ErrorTranslator.IsNotFound(ex) && S3ErrorTranslator.ErrorCode(ex) != "NoSuchBucket")
            {
                return null;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw S3ErrorTranslator.Translate(ex, _bucket, key, "s3:GetObject (HEAD)");
            }
        }

        /// <summary>Replaces the object's headers with the parameters, server-side.</summary>
        public async Task UpdateAsync(string key, Check check, CancellationToken ct)
        {
            var head = check.Head;
            if (head.ContentLength > MaxSingleCopy)
                throw new MediaOpsException("MetadataUpdateTooLarge", FailureKind.InvalidArgument,
                    $"'{key}' is larger than 5 GiB, the most S3 copies in one request, so its headers were not changed. Touch the local file (it is then uploaded again with the new headers) or change them with the aws CLI.", key);
            var copy = new CopyObjectRequest
            {
                SourceBucket = _bucket,
                SourceKey = key,
                DestinationBucket = _bucket,
                DestinationKey = key,
                MetadataDirective = S3MetadataDirective.REPLACE,
                ETagToMatch = head.ETag,
                ContentType = head.Headers.ContentType,
                StorageClass = _parameters.StorageClassOrNull,
            };
            if (!string.IsNullOrEmpty(head.Headers.ContentEncoding)) copy.Headers.ContentEncoding = head.Headers.ContentEncoding;
            if (head.ServerSideEncryptionMethod == ServerSideEncryptionMethod.AWSKMS)
            {
                // Without it the copy would take the bucket's default, which may be another key or SSE-S3.
                copy.ServerSideEncryptionMethod = head.ServerSideEncryptionMethod;
                copy.ServerSideEncryptionKeyManagementServiceKeyId = head.ServerSideEncryptionKeyManagementServiceKeyId;
            }
            _parameters.ApplyTo(copy.Headers, copy.Metadata);
            var md5 = head.Metadata[ObjectDigest.Md5MetadataName];
            if (!string.IsNullOrEmpty(md5)) copy.Metadata[ObjectDigest.Md5MetadataName] = md5;
            try
            {
                await _s3.CopyObjectAsync(copy, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) && S3ErrorTranslator.ErrorCode(ex) == "PreconditionFailed")
            {
                throw new MediaOpsException("ObjectChanged", FailureKind.Conflict,
                    $"'{key}' was replaced while its headers were being updated (the app wrote it?); it was left as it is now. Run the sync again.", key, ex);
            }
        }
    }
}
