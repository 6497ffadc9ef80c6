using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using MediaOps.Errors;
using MediaOps.Targets;

namespace MediaOps.Aws
{
    /// <summary>Credentials for one target, where they came from (never the secret) and, with -RoleArn, the role they assume.</summary>
    internal sealed class ResolvedCredentials
    {
        public ResolvedCredentials(AWSCredentials credentials, string source, RoleCredentials role = null)
        {
            Credentials = credentials;
            Source = source;
            Role = role;
        }

        public AWSCredentials Credentials { get; }
        public string Source { get; }
        public RoleCredentials Role { get; }
    }

    /// <summary>
    /// Where a target's credentials come from: explicit keys (-Credential), then a named profile
    /// (-ProfileName), then the SDK's default chain (env, profile, SSO, web identity, container,
    /// instance role). With -RoleArn those base credentials assume the role (or, with -WebIdentityToken,
    /// the token does, with no base credentials) and the result renews itself (<see cref="RoleCredentials"/>).
    /// </summary>
    internal static class CredentialResolver
    {
        /// <summary>
        /// The credentials and a description of their source. With a role, the role is assumed here, once,
        /// so a role that cannot be assumed is one MediaOps.RoleNotAssumed error before any work starts.
        /// </summary>
        public static ResolvedCredentials Resolve(MediaTarget target, Func<AmazonSecurityTokenServiceConfig> stsConfig, Func<DateTime> utcNow = null)
        {
            var role = target.Role;
            if (role == null)
            {
                var (credentials, source) = ResolveBase(target);
                return new ResolvedCredentials(credentials, source);
            }

            var baseSource = "no AWS credentials";
            AWSCredentials baseCredentials = null;
            if (!role.UsesWebIdentity) (baseCredentials, baseSource) = ResolveBase(target);
            var assumed = new RoleCredentials(ct => AssumeAsync(role, baseCredentials, baseSource, stsConfig, ct), utcNow);
            try
            {
                assumed.GetCredentials();
            }
            catch (Exception ex)
            {
                throw S3ErrorTranslator.RoleNotAssumed(ex, role, baseSource);
            }
            var described = role.UsesWebIdentity ? role.Describe() : $"{role.Describe()}, assumed with {baseSource}";
            return new ResolvedCredentials(assumed, described, assumed);
        }

        private static async Task<RoleSession> AssumeAsync(RoleRequest role, AWSCredentials baseCredentials, string baseSource,
            Func<AmazonSecurityTokenServiceConfig> stsConfig, CancellationToken cancellationToken)
        {
            try
            {
                // AssumeRoleWithWebIdentity is an unsigned call: the token is the credential.
                using (var sts = new AmazonSecurityTokenServiceClient(baseCredentials ?? new AnonymousAWSCredentials(), stsConfig()))
                {
                    Amazon.SecurityToken.Model.Credentials keys;
                    string arn;
                    if (role.UsesWebIdentity)
                    {
                        var response = await sts.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest
                        {
                            RoleArn = role.RoleArn,
                            RoleSessionName = role.SessionName,
                            WebIdentityToken = role.WebIdentityToken,
                            DurationSeconds = role.DurationSeconds,
                        }, cancellationToken).ConfigureAwait(false);
                        keys = response.Credentials;
                        arn = response.AssumedRoleUser?.Arn;
                    }
                    else
                    {
                        var response = await sts.AssumeRoleAsync(new AssumeRoleRequest
                        {
                            RoleArn = role.RoleArn,
                            RoleSessionName = role.SessionName,
                            ExternalId = role.ExternalId,
                            DurationSeconds = role.DurationSeconds,
                        }, cancellationToken).ConfigureAwait(false);
                        keys = response.Credentials;
                        arn = response.AssumedRoleUser?.Arn;
                    }
                    var expires = keys.Expiration ?? DateTime.UtcNow.AddSeconds(role.DurationSeconds ?? 3600);
                    return new RoleSession(new ImmutableCredentials(keys.AccessKeyId, keys.SecretAccessKey, keys.SessionToken),
                        expires.ToUniversalTime(), arn);
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw S3ErrorTranslator.RoleNotAssumed(ex, role, baseSource);
            }
        }

        private static (AWSCredentials Credentials, string Source) ResolveBase(MediaTarget target)
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
                AWSCredentials profileCreds;
                bool found;
                try
                {
                    found = new CredentialProfileStoreChain().TryGetAWSCredentials(target.ProfileName, out profileCreds);
                }
                catch (Exception ex)
                {
                    throw CredentialLoadError.From(ex, target.ProfileName); // the SDK's text can quote the secret
                }
                if (found) return (profileCreds, $"profile '{target.ProfileName}' (-ProfileName)");
                throw new MediaOpsException("ProfileNotFound", FailureKind.NoCredentials,
                    $"Profile '{target.ProfileName}' was not found in the shared credentials or config file. Run 'aws configure --profile {target.ProfileName}' or pass another -ProfileName.");
            }
            var fromEnvironment = EnvironmentKeys(Environment.GetEnvironmentVariable);
            if (fromEnvironment != null) return (fromEnvironment, "environment variables (AWS_ACCESS_KEY_ID)");
            AWSCredentials creds;
            try
            {
                creds = DefaultAWSCredentialsIdentityResolver.GetCredentials();
            }
            catch (Exception ex)
            {
                // A malformed shared file is named with its line; any other failure of the chain is "none found". Never the SDK's text.
                throw CredentialLoadError.IsFileError(ex) ? CredentialLoadError.From(ex) : S3ErrorTranslator.NoCredentials();
            }
            if (creds == null) throw S3ErrorTranslator.NoCredentials();
            return (Snapshot(creds), DescribeChainCredentials(creds));
        }

        /// <summary>
        /// AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) read without building the SDK's chain (≈ 30 ms of a
        /// fresh process's CPU, paid by every runbook job that passes keys this way), but only where the chain could find
        /// nothing else to prefer: no web-identity role, no AWS_PROFILE, no shared credentials or config file. Null otherwise:
        /// the chain decides, in its own order.
        /// </summary>
        internal static AWSCredentials EnvironmentKeys(Func<string, string> environment, Func<string, bool> fileExists = null)
        {
            var id = environment("AWS_ACCESS_KEY_ID");
            var secret = environment("AWS_SECRET_ACCESS_KEY");
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret)) return null;
            if (!string.IsNullOrEmpty(environment("AWS_PROFILE")) || !string.IsNullOrEmpty(environment("AWS_ROLE_ARN"))
                || !string.IsNullOrEmpty(environment("AWS_WEB_IDENTITY_TOKEN_FILE"))) return null;
            fileExists = fileExists ?? File.Exists;
            var home = environment("HOME") ?? environment("USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var credentialsFile = environment("AWS_SHARED_CREDENTIALS_FILE");
            var configFile = environment("AWS_CONFIG_FILE");
            if (!string.IsNullOrEmpty(credentialsFile) || !string.IsNullOrEmpty(configFile)) return null;
            if (string.IsNullOrEmpty(home) || fileExists(Path.Combine(home, ".aws", "credentials")) || fileExists(Path.Combine(home, ".aws", "config"))) return null;
            var token = environment("AWS_SESSION_TOKEN");
            return string.IsNullOrEmpty(token)
                ? (AWSCredentials)new BasicAWSCredentials(id, secret)
                : new SessionAWSCredentials(id, secret, token);
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
            if (name.IndexOf("WebIdentity", StringComparison.Ordinal) >= 0) return "web identity token (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)";
            if (name.IndexOf("SSO", StringComparison.Ordinal) >= 0) return "AWS SSO / IAM Identity Center profile";
            if (name.IndexOf("ECS", StringComparison.OrdinalIgnoreCase) >= 0 || name.IndexOf("Container", StringComparison.Ordinal) >= 0) return "container credentials (ECS/EKS task role)";
            if (name.IndexOf("InstanceProfile", StringComparison.Ordinal) >= 0 || name.IndexOf("DefaultInstance", StringComparison.Ordinal) >= 0) return "EC2 instance role (instance metadata)";
            if (name.IndexOf("AssumeRole", StringComparison.Ordinal) >= 0) return "assumed role from a profile";
            var profile = Environment.GetEnvironmentVariable("AWS_PROFILE");
            return $"shared profile '{(string.IsNullOrEmpty(profile) ? "default" : profile)}'";
        }
    }
}
