using System;
using Amazon;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Targets;

namespace MediaOps.Urls
{
    /// <summary>
    /// The URL django-storages' <c>S3Boto3Storage.url(name)</c> hands out: a SigV4 presigned GET
    /// (AWS_QUERYSTRING_AUTH = True, AWS_QUERYSTRING_EXPIRE default 3600 s), or the same URL without the
    /// signing parameters for public media (AWS_QUERYSTRING_AUTH = False). Path-style for custom endpoints,
    /// as the client factory configures. Signing is local: no request is sent.
    /// </summary>
    public sealed class MediaUrlBuilder : IDisposable
    {
        /// <summary>django-storages' default AWS_QUERYSTRING_EXPIRE.</summary>
        public const int DefaultExpiresInSeconds = 3600;
        /// <summary>SigV4 presigned URLs are valid for at most seven days.</summary>
        public const int MaxExpiresInSeconds = 604800;

        private readonly IAmazonS3 _s3;
        private readonly MediaTarget _target;
        private readonly Func<DateTime> _utcNow;
        private readonly bool _ownsClient;

        public MediaUrlBuilder(Aws.IAwsClientFactory clients, MediaTarget target)
            : this((clients ?? throw new ArgumentNullException(nameof(clients))).CreateS3(target), target)
        {
            _ownsClient = true;
        }

        internal MediaUrlBuilder(IAmazonS3 s3, MediaTarget target, Func<DateTime> utcNow = null)
        {
            _s3 = s3 ?? throw new ArgumentNullException(nameof(s3));
            _target = target ?? throw new ArgumentNullException(nameof(target));
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        /// <summary>The URL for a Django name. Throws InvalidArgument (MediaOps.SuspiciousName) when django-storages would refuse the name.</summary>
        public MediaUrl For(string name, bool unsigned = false, int expiresInSeconds = DefaultExpiresInSeconds)
        {
            if (expiresInSeconds < 1 || expiresInSeconds > MaxExpiresInSeconds)
                throw new MediaOpsException("InvalidExpiry", FailureKind.InvalidArgument,
                    $"-ExpiresIn {expiresInSeconds} is out of range: a SigV4 presigned URL lives 1 to {MaxExpiresInSeconds} seconds (7 days).");
            var key = _target.KeyFor(name);
            return ForKey(name, key, unsigned, expiresInSeconds);
        }

        /// <summary>The URL for an exact key (the smoke test's probe object).</summary>
        public MediaUrl ForKey(string name, string key, bool unsigned, int expiresInSeconds = DefaultExpiresInSeconds)
        {
            var now = _utcNow();
            var expires = now.AddSeconds(expiresInSeconds);
            var request = new GetPreSignedUrlRequest
            {
                BucketName = _target.BucketName,
                Key = key,
                Verb = HttpVerb.GET,
                Expires = expires,
                // The SDK defaults to https even when the endpoint is http://; follow the endpoint as boto3 does.
                Protocol = _target.IsCustomEndpoint && _target.EndpointUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS,
            };
            string url;
            try
            {
                if (!unsigned) request.Expires = SigningBaseline(request).AddSeconds(expiresInSeconds + ExpiresRoundingMargin);
                url = _s3.GetPreSignedURL(request);
            }
            catch (Exception ex)
            {
                throw S3ErrorTranslator.Translate(ex, _target.BucketName, key, "presign s3:GetObject");
            }
            if (unsigned) url = StripQuery(url);
            return new MediaUrl { Name = name, Key = key, Url = url, ExpiresUtc = unsigned ? (DateTime?)null : expires };
        }

        /// <summary>
        /// The SDK writes X-Amz-Expires as round(Expires - its clock-skew-corrected now), so after any response that
        /// taught it a skew (even the sub-second one of an HTTP Date header) a local Expires gives 3601 for 3600.
        /// Measuring from the same corrected clock, plus a margin that rounds back down, gives exactly -ExpiresIn.
        /// </summary>
        private const double ExpiresRoundingMargin = 0.45;

        private DateTime SigningBaseline(GetPreSignedUrlRequest request)
        {
            var endpoint = _s3.Config.DetermineServiceOperationEndpoint(new Amazon.Runtime.Endpoints.ServiceOperationEndpointParameters(request));
            return Amazon.Runtime.CorrectClockSkew.GetCorrectedUtcNowForEndpoint(endpoint.URL, _s3.Config);
        }

        public void Dispose()
        {
            if (_ownsClient) _s3.Dispose();
        }

        /// <summary>What django-storages' _strip_signing_parameters leaves of a presigned GET without extra parameters.</summary>
        private static string StripQuery(string url)
        {
            var q = url.IndexOf('?');
            return q < 0 ? url : url.Substring(0, q);
        }
    }
}
