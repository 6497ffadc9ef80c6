using System;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Amazon.SecurityToken;
using MediaOps.Errors;
using MediaOps.Targets;

namespace MediaOps.Aws
{
    /// <summary>
    /// Builds S3/STS clients for a <see cref="MediaTarget"/>: explicit keys, then a named profile,
    /// then the SDK's default chain (env, profile, SSO, web identity, container, instance role).
    /// </summary>
    public sealed class AwsClientFactory : IAwsClientFactory
    {
        public static readonly AwsClientFactory Default = new AwsClientFactory();

        /// <summary>Connections kept per server; sized for parallel transfers.</summary>
        public int MaxConnectionsPerServer { get; set; } = 64;

        /// <summary>Retries the SDK makes for throttling, 5xx and dropped connections.</summary>
        public int MaxErrorRetry { get; set; } = 8;

        public IAmazonS3 CreateS3(MediaTarget target, string regionOverride = null)
        {
            var creds = Snapshot(ResolveCredentials(target, out _));
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

        /// <summary>
        /// Keys from environment variables are re-read from the environment on every request (a
        /// measurable share of a small upload's CPU); a client of one run can use them as read once.
        /// Refreshing credentials (SSO, roles, instance profile) stay as they are.
        /// </summary>
        private static AWSCredentials Snapshot(AWSCredentials creds)
        {
            if (!(creds is EnvironmentVariablesAWSCredentials)) return creds;
            var keys = creds.GetCredentials();
            return keys.UseToken
                ? (AWSCredentials)new SessionAWSCredentials(keys.AccessKey, keys.SecretKey, keys.Token)
                : new BasicAWSCredentials(keys.AccessKey, keys.SecretKey);
        }

        public IAmazonSecurityTokenService CreateSts(MediaTarget target)
        {
            var creds = ResolveCredentials(target, out _);
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

        public string DescribeCredentialSource(MediaTarget target)
        {
            ResolveCredentials(target, out var source);
            return source;
        }

        public ResolvedRegion ResolveRegion(MediaTarget target)
        {
            if (!string.IsNullOrEmpty(target.Region))
                return new ResolvedRegion(target.Region, "parameter or AWS_S3_REGION_NAME");
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

        internal AWSCredentials ResolveCredentials(MediaTarget target, out string source)
        {
            if (target.HasExplicitKeys)
            {
                source = "the -Credential parameter" + (target.SessionToken != null ? " (with session token)" : "");
                return target.SessionToken != null
                    ? (AWSCredentials)new SessionAWSCredentials(target.AccessKeyId, target.SecretAccessKey, target.SessionToken)
                    : new BasicAWSCredentials(target.AccessKeyId, target.SecretAccessKey);
            }
            if (!string.IsNullOrEmpty(target.ProfileName))
            {
                var chain = new CredentialProfileStoreChain();
                if (chain.TryGetAWSCredentials(target.ProfileName, out var profileCreds))
                {
                    source = $"profile '{target.ProfileName}' (-ProfileName)";
                    return profileCreds;
                }
                throw new MediaOpsException("ProfileNotFound", FailureKind.NoCredentials,
                    $"Profile '{target.ProfileName}' was not found in the shared credentials or config file. Run 'aws configure --profile {target.ProfileName}' or pass another -ProfileName.");
            }
            AWSCredentials creds;
            try
            {
                creds = DefaultAWSCredentialsIdentityResolver.GetCredentials();
            }
            catch (Exception ex)
            {
                throw S3ErrorTranslator.NoCredentials(ex);
            }
            if (creds == null) throw S3ErrorTranslator.NoCredentials();
            source = DescribeChainCredentials(creds);
            return creds;
        }

        private static string DescribeChainCredentials(AWSCredentials creds)
        {
            var name = creds.GetType().Name;
            if (name.IndexOf("Environment", StringComparison.Ordinal) >= 0 ||
                (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")) && (creds is BasicAWSCredentials || creds is SessionAWSCredentials)))
                return "environment variables (AWS_ACCESS_KEY_ID)";
            if (name.IndexOf("WebIdentity", StringComparison.Ordinal) >= 0) return "web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)";
            if (name.IndexOf("SSO", StringComparison.Ordinal) >= 0) return "AWS SSO / IAM Identity Center profile";
            if (name.IndexOf("ECS", StringComparison.OrdinalIgnoreCase) >= 0 || name.IndexOf("Container", StringComparison.Ordinal) >= 0) return "container credentials (ECS/EKS task role)";
            if (name.IndexOf("InstanceProfile", StringComparison.Ordinal) >= 0 || name.IndexOf("DefaultInstance", StringComparison.Ordinal) >= 0) return "EC2 instance role (instance metadata)";
            if (name.IndexOf("AssumeRole", StringComparison.Ordinal) >= 0) return "assumed role from a profile";
            var profile = Environment.GetEnvironmentVariable("AWS_PROFILE");
            return $"shared profile '{(string.IsNullOrEmpty(profile) ? "default" : profile)}'";
        }
    }
}
