using System;
using System.Collections.Concurrent;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;
using MediaOps.Targets;

namespace MediaOps.Aws
{
    /// <summary>
    /// Builds S3/STS clients for a <see cref="MediaTarget"/>. One factory serves one cmdlet run: it resolves
    /// each target's credentials (<see cref="CredentialResolver"/>) and region once and every client of the
    /// run reuses them (a chain lookup can mean a metadata-service call; an assumed role, an STS call).
    /// A new run gets a new factory, so it sees a changed environment.
    /// </summary>
    public sealed class AwsClientFactory : IAwsClientFactory
    {
        private readonly ConcurrentDictionary<string, Lazy<(AWSCredentials Credentials, string Source)>> _credentials =
            new ConcurrentDictionary<string, Lazy<(AWSCredentials, string)>>(StringComparer.Ordinal);
        private readonly Lazy<ResolvedRegion> _chainRegion = new Lazy<ResolvedRegion>(RegionFromChain);

        /// <summary>Connections kept per server; sized for parallel transfers.</summary>
        public int MaxConnectionsPerServer { get; set; } = 64;

        /// <summary>Retries the SDK makes for throttling, 5xx and dropped connections.</summary>
        public int MaxErrorRetry { get; set; } = 8;

        public IAmazonS3 CreateS3(MediaTarget target, string regionOverride = null)
        {
            var creds = Credentials(target).Credentials;
            var region = regionOverride ?? ResolveRegion(target).Name;
            var config = new AmazonS3Config
            {
                MaxErrorRetry = MaxErrorRetry,
                RetryMode = RequestRetryMode.Standard,
                MaxConnectionsPerServer = MaxConnectionsPerServer,
                // The SDK evaluates the S3 endpoint rules on every request; the answer rarely changes.
                EndpointProvider = new CachingEndpointProvider(new Amazon.S3.Internal.AmazonS3EndpointProvider()),
            };
            if (target.IsCustomEndpoint)
            {
                config.ServiceURL = target.EndpointUrl;
                config.ForcePathStyle = true;
                config.AuthenticationRegion = region;
            }
            else
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            }
            S3ChecksumPolicy.Apply(config, target.EndpointUrl, Environment.GetEnvironmentVariable);
            return new AmazonS3Client(creds, config);
        }

        public IAmazonSecurityTokenService CreateSts(MediaTarget target)
        {
            var creds = Credentials(target).Credentials;
            var region = ResolveRegion(target).Name;
            var config = new AmazonSecurityTokenServiceConfig { MaxErrorRetry = 3 };
            if (target.IsCustomEndpoint)
            {
                // S3-compatible servers (moto, MinIO) serve STS on the same endpoint.
                config.ServiceURL = target.EndpointUrl;
                config.AuthenticationRegion = region;
            }
            else
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            }
            return new AmazonSecurityTokenServiceClient(creds, config);
        }

        public string DescribeCredentialSource(MediaTarget target) => Credentials(target).Source;

        public ResolvedRegion ResolveRegion(MediaTarget target) =>
            !string.IsNullOrEmpty(target.Region)
                ? new ResolvedRegion(target.Region, "parameter or AWS_S3_REGION_NAME")
                : _chainRegion.Value;

        /// <summary>Resolved once per distinct source in this run (explicit keys are not worth caching and hold the secret).</summary>
        private (AWSCredentials Credentials, string Source) Credentials(MediaTarget target)
        {
            if (target.HasExplicitKeys) return CredentialResolver.Resolve(target);
            var key = string.IsNullOrEmpty(target.ProfileName) ? "chain" : "profile:" + target.ProfileName;
            return _credentials.GetOrAdd(key, _ => new Lazy<(AWSCredentials, string)>(() => CredentialResolver.Resolve(target))).Value;
        }

        private static ResolvedRegion RegionFromChain()
        {
            try
            {
                var fromChain = FallbackRegionFactory.GetRegionEndpoint();
                if (fromChain != null) return new ResolvedRegion(fromChain.SystemName, "SDK default chain (AWS_REGION, AWS_DEFAULT_REGION, profile, instance metadata)");
            }
            catch (Exception)
            {
                // No region anywhere in the chain: fall through to the documented default.
            }
            return new ResolvedRegion("us-east-1", "default (no -Region, AWS_S3_REGION_NAME or SDK region found)");
        }
    }
}
