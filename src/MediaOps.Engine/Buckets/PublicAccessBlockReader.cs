using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Targets;

namespace MediaOps.Buckets
{
    /// <summary>
    /// Reads a bucket's Block Public Access flags. The SDK only reads an answer whose root element is
    /// PublicAccessBlockConfiguration; Ceph radosgw 16 answers BlockPublicAccessBlockConfiguration, which
    /// the SDK turns into "no flags". Taking that for "not configured" would be a false Fail, so an
    /// answer without a single flag from an S3-compatible endpoint is reported as unreadable instead.
    /// </summary>
    internal static class PublicAccessBlockReader
    {
        /// <summary>The flags, or null when the bucket has none. Throws <see cref="UnreadableAnswerException"/> when the answer holds no flags.</summary>
        public static async Task<PublicAccessBlockFlags> ReadAsync(IAmazonS3 s3, MediaTarget target, CancellationToken ct)
        {
            var r = await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = target.BucketName }, ct).ConfigureAwait(false);
            var c = r.PublicAccessBlockConfiguration;
            var anyFlag = c != null && (c.BlockPublicAcls.HasValue || c.IgnorePublicAcls.HasValue || c.BlockPublicPolicy.HasValue || c.RestrictPublicBuckets.HasValue);
            if (anyFlag)
                return new PublicAccessBlockFlags(c.BlockPublicAcls ?? false, c.IgnorePublicAcls ?? false, c.BlockPublicPolicy ?? false, c.RestrictPublicBuckets ?? false);
            if (!target.IsCustomEndpoint || r.HttpStatusCode != System.Net.HttpStatusCode.OK) return null;
            throw new UnreadableAnswerException(
                "This endpoint answered GetPublicAccessBlock with 200 but in a form the AWS SDK does not read (Ceph radosgw 16 names the root element " +
                "BlockPublicAccessBlockConfiguration), so the flags cannot be verified here; `aws s3api get-public-access-block` shows them.");
        }
    }

    /// <summary>A 200 answer that does not hold what the call asks for: the setting cannot be read.</summary>
    internal sealed class UnreadableAnswerException : Exception
    {
        public UnreadableAnswerException(string message) : base(message) { }
    }
}
