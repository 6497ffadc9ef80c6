using System;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using MediaOps.Errors;
using MediaOps.Targets;

namespace MediaOps.Aws
{
    /// <summary>
    /// Where a target's credentials come from: explicit keys (-Credential), then a named profile
    /// (-ProfileName), then the SDK's default chain (env, profile, SSO, web identity, container,
    /// instance role). The place for anything that turns base credentials into others (role assumption).
    /// </summary>
    internal static class CredentialResolver
    {
        /// <summary>The credentials and a description of their source (never the secret).</summary>
        public static (AWSCredentials Credentials, string Source) Resolve(MediaTarget target)
        {
            if (target.HasExplicitKeys)
            {
                var source = "the -Credential parameter" + (target.SessionToken != null ? " (with session token)" : "");
                return (target.SessionToken != null
                    ? (AWSCredentials)new SessionAWSCredentials(target.AccessKeyId, target.SecretAccessKey, target.SessionToken)
                    : new BasicAWSCredentials(target.AccessKeyId, target.SecretAccessKey), source);
            }
            if (!string.IsNullOrEmpty(target.ProfileName))
            {
                var chain = new CredentialProfileStoreChain();
                if (chain.TryGetAWSCredentials(target.ProfileName, out var profileCreds))
                    return (profileCreds, $"profile '{target.ProfileName}' (-ProfileName)");
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
            return (Snapshot(creds), DescribeChainCredentials(creds));
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
