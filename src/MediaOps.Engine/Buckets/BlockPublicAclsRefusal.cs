using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Targets;

namespace MediaOps.Buckets
{
    /// <summary>
    /// Ceph radosgw 16 refuses every PutObject with 403 AccessDenied while the bucket's BlockPublicAcls
    /// flag is on, even one that carries no ACL (a radosgw bug); multipart uploads are not affected.
    /// Blaming the credentials for that sends the user the wrong way. So when an S3-compatible endpoint
    /// refuses a PutObject, MediaOps checks once per run whether this identity may start a multipart
    /// upload on the same key (the same s3:PutObject permission; the upload is aborted at once): if it
    /// may, the credentials are not the cause and the error says so, pointing at the flag.
    /// </summary>
    internal sealed class BlockPublicAclsRefusal
    {
        private readonly IAmazonS3 _s3;
        private readonly MediaTarget _target;
        private Task<bool> _flagOn;

        public BlockPublicAclsRefusal(IAmazonS3 s3, MediaTarget target)
        {
            _s3 = s3;
            _target = target;
        }

        /// <summary>Runs a PutObject-based upload; a refusal the flag explains is rethrown as that explanation.</summary>
        public async Task<T> RunAsync<T>(Func<Task<T>> upload, string key, CancellationToken ct)
        {
            try
            {
                return await upload().ConfigureAwait(false);
            }
            catch (Exception ex) when (_target.IsCustomEndpoint && IsRefusal(ex))
            {
                var explained = await ExplainAsync(ex, key, ct).ConfigureAwait(false);
                if (explained == null) throw;
                throw explained;
            }
        }

        /// <summary>The explanation of a 403 on PutObject, or null when the flag is off, unreadable, or this is AWS.</summary>
        public async Task<MediaOpsException> ExplainAsync(Exception error, string key, CancellationToken ct)
        {
            if (!_target.IsCustomEndpoint || !IsRefusal(error)) return null;
            bool on;
            try { on = await LazyInitializer.EnsureInitialized(ref _flagOn, () => FlagOnAsync(key, ct)).ConfigureAwait(false); }
            catch (Exception) when (!ct.IsCancellationRequested) { return null; }
            if (!on) return null;
            var bucket = _target.BucketName;
            return new MediaOpsException("PutRefusedByBlockPublicAcls", FailureKind.PermissionDenied,
                $"s3://{bucket}/{key} was refused ({S3ErrorTranslator.StatusCode(error)} {S3ErrorTranslator.ErrorCode(error)}), yet the same credentials may start a multipart upload there: they are not the cause. " +
                "Ceph radosgw refuses every PutObject while the bucket's Block Public Access flag BlockPublicAcls is on, even without an ACL. " +
                $"Turn BlockPublicAcls off for this bucket (e.g. aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration " +
                "BlockPublicAcls=false,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true) and run again; see docs/s3-compatible.md.",
                $"s3://{bucket}/{key}", error) { ServiceErrorCode = S3ErrorTranslator.ErrorCode(error), HttpStatus = S3ErrorTranslator.StatusCode(error) };
        }

        // radosgw refuses with 403 AccessDenied, and under some bucket states with 405 MethodNotAllowed.
        private static bool IsRefusal(Exception ex) =>
            S3ErrorTranslator.IsAccessDenied(ex) || (S3ErrorTranslator.StatusCode(ex) == 405 && S3ErrorTranslator.ErrorCode(ex) == "MethodNotAllowed");

        private async Task<bool> FlagOnAsync(string key, CancellationToken ct)
        {
            // Flags the SDK can read decide; radosgw's answer it cannot read, so the upload permission is probed.
            try
            {
                var flags = await PublicAccessBlockReader.ReadAsync(_s3, _target, ct).ConfigureAwait(false);
                if (flags == null || !flags.BlockPublicAcls) return false;
            }
            catch (Exception ex) when (ex is UnreadableAnswerException || ex is AmazonS3Exception)
            {
                // radosgw's answer the SDK cannot read, or a refusal (radosgw has also answered 405 here): the upload probe decides.
            }
            var start = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _target.BucketName, Key = key }, ct).ConfigureAwait(false);
            await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _target.BucketName, Key = key, UploadId = start.UploadId }, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
    }
}
