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
        private readonly ConcurrentDictionary<string, Lazy<ResolvedCredentials>> _credentials =
            new ConcurrentDictionary<string, Lazy<ResolvedCredentials>>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Lazy<ResolvedRegion>> _chainRegions =
            new ConcurrentDictionary<string, Lazy<ResolvedRegion>>(StringComparer.Ordinal);

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

        public IAmazonSecurityTokenService CreateSts(MediaTarget target) =>
            new AmazonSecurityTokenServiceClient(Credentials(target).Credentials, StsConfig(target));

        private AmazonSecurityTokenServiceConfig StsConfig(MediaTarget target)
        {
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
            return config;
        }

        public string DescribeCredentialSource(MediaTarget target) => Credentials(target).Source;

        public RoleSession DescribeRole(MediaTarget target) => Credentials(target).Role?.Current;

        /// <summary>How many sessions the role of <paramref name="target"/> has had in this run (0 without -RoleArn).</summary>
        public int RoleSessions(MediaTarget target) => Credentials(target).Role?.Sessions ?? 0;

        public ResolvedRegion ResolveRegion(MediaTarget target) =>
            !string.IsNullOrEmpty(target.Region)
                ? new ResolvedRegion(target.Region, target.RegionSource ?? "-Region")
                : _chainRegions.GetOrAdd(target.ProfileName ?? "", profile => new Lazy<ResolvedRegion>(() => RegionFromChain(profile, Environment.GetEnvironmentVariable))).Value;

        /// <summary>
        /// Resolved once per distinct source in this run: an assumed role is one STS call per run (then renewals),
        /// not one per client. Plain explicit keys are not worth caching.
        /// </summary>
        private ResolvedCredentials Credentials(MediaTarget target)
        {
            var role = target.Role;
            if (target.HasExplicitKeys && role == null) return CredentialResolver.Resolve(target, () => StsConfig(target));
            var key = target.HasExplicitKeys ? "keys:" + target.AccessKeyId
                : string.IsNullOrEmpty(target.ProfileName) ? "chain" : "profile:" + target.ProfileName;
            if (role != null)
                key += $"|role:{role.RoleArn}|{role.SessionName}|{role.ExternalId}|{role.DurationSeconds}|{(role.UsesWebIdentity ? role.WebIdentityToken.GetHashCode() : 0)}|{target.EndpointUrl}";
            return _credentials.GetOrAdd(key, _ => new Lazy<ResolvedCredentials>(() => CredentialResolver.Resolve(target, () => StsConfig(target), UtcNow))).Value;
        }

        /// <summary>The clock role sessions renew by; tests move it instead of waiting.</summary>
        internal Func<DateTime> UtcNow { get; set; }

        /// <summary>
        /// The chain the aws CLI and boto3 use: AWS_REGION, AWS_DEFAULT_REGION (the SDK for .NET ignores it), the
        /// profile's region (-ProfileName, else AWS_PROFILE, else default), then the SDK's own chain (instance metadata).
        /// </summary>
        internal static ResolvedRegion RegionFromChain(string profileName, Func<string, string> environment)
        {
            foreach (var variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
            {
                var value = environment(variable);
                if (!string.IsNullOrWhiteSpace(value)) return new ResolvedRegion(value.Trim(), variable);
            }
            var profile = !string.IsNullOrEmpty(profileName) ? profileName : environment("AWS_PROFILE");
            if (string.IsNullOrEmpty(profile)) profile = "default";
            try
            {
                if (new Amazon.Runtime.CredentialManagement.CredentialProfileStoreChain().TryGetProfile(profile, out var stored) && stored.Region != null)
                    return new ResolvedRegion(stored.Region.SystemName, $"profile '{profile}' in the shared config file");
            }
            catch (Exception)
            {
                // An unreadable config file: the SDK chain below reports the same region or none.
            }
            try
            {
                var fromChain = FallbackRegionFactory.GetRegionEndpoint();
                if (fromChain != null) return new ResolvedRegion(fromChain.SystemName, "SDK default chain (instance metadata)");
            }
            catch (Exception)
            {
                // No region anywhere in the chain: fall through to the documented default.
            }
            return new ResolvedRegion("us-east-1", "default (no -Region, AWS_S3_REGION_NAME, AWS_REGION, AWS_DEFAULT_REGION or profile region)");
        }
    }
}
