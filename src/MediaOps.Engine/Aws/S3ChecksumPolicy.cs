using System;
using Amazon.Runtime;
using Amazon.S3;

namespace MediaOps.Aws
{
    /// <summary>
    /// Chooses the SDK's flexible-checksum mode per endpoint. On AWS the SDK default stays
    /// (WHEN_SUPPORTED: a CRC32 with every upload, checksums of downloads validated). On any other
    /// endpoint the SDK only sends a checksum when an operation requires one and validates responses
    /// only then: S3-compatible servers (older MinIO and Ceph RGW, Wasabi, B2, R2, GCS interop) reject
    /// or mangle aws-chunked bodies with checksum trailers and CRC headers they do not know. Integrity
    /// there comes from the engine itself: Content-MD5 on every PutObject/UploadPart (which every
    /// S3-compatible server checks) and an MD5 check of every download. The standard settings
    /// AWS_REQUEST_CHECKSUM_CALCULATION / AWS_RESPONSE_CHECKSUM_VALIDATION, when set, win.
    /// </summary>
    public static class S3ChecksumPolicy
    {
        public const string RequestSetting = "AWS_REQUEST_CHECKSUM_CALCULATION";
        public const string ResponseSetting = "AWS_RESPONSE_CHECKSUM_VALIDATION";

        /// <summary>True for no endpoint (the regional AWS one) and for explicit *.amazonaws.com(.cn) endpoints (FIPS, VPC, dual-stack).</summary>
        public static bool IsAwsEndpoint(string endpointUrl)
        {
            if (string.IsNullOrEmpty(endpointUrl)) return true;
            if (!Uri.TryCreate(endpointUrl, UriKind.Absolute, out var uri)) return false;
            var host = uri.Host.ToLowerInvariant();
            return host == "amazonaws.com" || host.EndsWith(".amazonaws.com", StringComparison.Ordinal)
                || host.EndsWith(".amazonaws.com.cn", StringComparison.Ordinal);
        }

        /// <summary>Sets the checksum mode of <paramref name="config"/> for <paramref name="endpointUrl"/>; returns a one-line reason.</summary>
        public static string Apply(AmazonS3Config config, string endpointUrl, Func<string, string> environment)
        {
            if (IsAwsEndpoint(endpointUrl)) return "AWS endpoint: SDK default flexible checksums (CRC32 on uploads, validated downloads) plus Content-MD5";
            var overridden = false;
            if (string.IsNullOrEmpty(environment(RequestSetting))) config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            else overridden = true;
            if (string.IsNullOrEmpty(environment(ResponseSetting))) config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
            else overridden = true;
            return overridden
                ? $"S3-compatible endpoint: checksum mode from {RequestSetting}/{ResponseSetting}; Content-MD5 on every upload"
                : "S3-compatible endpoint: flexible checksums only when required; Content-MD5 on every upload, MD5 check of downloads";
        }
    }
}
