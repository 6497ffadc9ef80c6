using System;
using Amazon.S3;

namespace MediaOps.Integrity
{
    /// <summary>What an object's ETag says about its bytes, which depends on how it was written and encrypted.</summary>
    internal static class ETagRules
    {
        /// <summary>
        /// True when the ETag (quotes allowed) has the shape of a plain MD5, as a single-part upload's has.
        /// A multipart ETag ("…-N") never is one; an SSE-KMS ETag has the shape but not the value.
        /// </summary>
        public static bool IsPlainMd5(string etag)
        {
            if (etag == null) return false;
            var value = etag.Trim('"');
            return value.Length == 32 && value.IndexOf('-') < 0;
        }

        /// <summary>SSE-KMS and DSSE-KMS: the ETag is not an MD5 of the content, single-part or not.</summary>
        public static bool IsKms(ServerSideEncryptionMethod method) =>
            method != null && method.Value != null && method.Value.StartsWith("aws:kms", StringComparison.Ordinal);
    }
}
