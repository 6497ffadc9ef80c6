using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Targets;

namespace MediaOps.Versions
{
    /// <summary>Whether the bucket keeps the history a point-in-time operation needs; refuses with how to turn it on.</summary>
    internal static class BucketVersioning
    {
        /// <summary>Restore-MediaVersion writes: versioning must be Enabled (while suspended, a copy would replace the "null" version for good).</summary>
        public static async Task RequireEnabledAsync(IAmazonS3 s3, MediaTarget target, CancellationToken ct)
        {
            var status = await StatusAsync(s3, target, ct).ConfigureAwait(false);
            if (status == VersionStatus.Enabled) return;
            throw Refusal(target, status, status == VersionStatus.Suspended ? " (and while it is suspended, a copy would replace the 'null' version for good)" : "");
        }

        /// <summary>Sync-MediaFromS3 -AsOf only reads: a bucket that was versioned once (Enabled or Suspended) has history.</summary>
        public static async Task RequireHistoryAsync(IAmazonS3 s3, MediaTarget target, CancellationToken ct)
        {
            var status = await StatusAsync(s3, target, ct).ConfigureAwait(false);
            if (status == VersionStatus.Enabled || status == VersionStatus.Suspended) return;
            throw Refusal(target, status, "");
        }

        private static async Task<VersionStatus> StatusAsync(IAmazonS3 s3, MediaTarget target, CancellationToken ct)
        {
            try
            {
                var response = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = target.BucketName }, ct).ConfigureAwait(false);
                return response.VersioningConfig?.Status ?? VersionStatus.Off;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw S3ErrorTranslator.Translate(ex, target.BucketName, null, "s3:GetBucketVersioning");
            }
        }

        private static MediaOpsException Refusal(MediaTarget target, VersionStatus status, string detail)
        {
            var state = status == VersionStatus.Suspended ? "suspended" : "not enabled";
            return new MediaOpsException("BucketNotVersioned", FailureKind.InvalidState,
                $"Versioning is {state} on bucket '{target.BucketName}', so S3 keeps no history to go back to{detail}. " +
                $"Enable it with Initialize-MediaBucket -BucketName {target.BucketName} (or aws s3api put-bucket-versioning --bucket {target.BucketName} --versioning-configuration Status=Enabled); " +
                "changes made from then on can be recovered.", target.BucketName);
        }
    }
}
