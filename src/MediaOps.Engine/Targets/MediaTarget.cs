using System;
using System.Collections.Generic;

namespace MediaOps.Targets
{
    /// <summary>
    /// A resolved bucket + prefix + connection settings. Values come from explicit options first,
    /// then django-storages' own environment variables, so a runbook run with the app's
    /// environment needs no parameters.
    /// </summary>
    public sealed class MediaTarget
    {
        public const string DefaultPrefix = "media/";
        public const string EnvBucket = "AWS_STORAGE_BUCKET_NAME";
        public const string EnvLocation = "AWS_LOCATION";
        public const string EnvRegion = "AWS_S3_REGION_NAME";
        public const string EnvEndpoint = "AWS_S3_ENDPOINT_URL";

        private readonly List<string> _notes = new List<string>();

        private MediaTarget() { }

        public string BucketName { get; private set; }
        /// <summary>Normalised: no leading '/', exactly one trailing '/', or empty for the whole bucket.</summary>
        public string Prefix { get; private set; }
        /// <summary>Region named by parameter or environment; null means "ask the SDK chain".</summary>
        public string Region { get; private set; }

        /// <summary>Where <see cref="Region"/> came from (-Region or AWS_S3_REGION_NAME); the client factory names it once, with the chain's answer otherwise.</summary>
        public string RegionSource { get; private set; }
        public string EndpointUrl { get; private set; }
        public string ProfileName { get; private set; }
        internal string AccessKeyId { get; private set; }
        internal string SecretAccessKey { get; private set; }
        internal string SessionToken { get; private set; }
        /// <summary>The role the credentials assume (-RoleArn); null when the base credentials are used as they are.</summary>
        public RoleRequest Role { get; private set; }
        public bool HasExplicitKeys => !string.IsNullOrEmpty(AccessKeyId);
        /// <summary>True when talking to an S3-compatible endpoint rather than AWS itself.</summary>
        public bool IsCustomEndpoint => !string.IsNullOrEmpty(EndpointUrl);

        /// <summary>Where each value came from, for verbose output. Never contains a secret.</summary>
        public IReadOnlyList<string> Notes => _notes;

        /// <summary><c>s3://bucket/prefix/</c></summary>
        public string Uri => $"s3://{BucketName}/{Prefix}";

        public override string ToString() => Uri;

        /// <summary>
        /// The key django-storages uses for a FileField name: <c>&lt;prefix&gt;&lt;name&gt;</c> after its own cleaning
        /// (see <see cref="DjangoNames"/>). Throws InvalidArgument (MediaOps.SuspiciousName) for a name that leaves the prefix.
        /// </summary>
        public string KeyFor(string djangoName) => DjangoNames.KeyFor(Prefix, djangoName);

        /// <summary>The Django name for a key under the prefix, or null when the key is outside it.</summary>
        public string NameFor(string key) =>
            key != null && key.StartsWith(Prefix, StringComparison.Ordinal) ? key.Substring(Prefix.Length) : null;

        /// <summary>Resolve options against the environment. Throws InvalidArgument for a bad bucket name or endpoint.</summary>
        public static MediaTarget Resolve(MediaTargetOptions options, Func<string, string> environment = null, bool requireBucket = true)
        {
            options = options ?? new MediaTargetOptions();
            environment = environment ?? Environment.GetEnvironmentVariable;
            var t = new MediaTarget();

            t.BucketName = Pick(t, "bucket", options.BucketName, "-BucketName", environment(EnvBucket), EnvBucket, null);
            if (string.IsNullOrEmpty(t.BucketName))
            {
                if (requireBucket)
                    throw new MediaOpsException("BucketNameMissing", FailureKind.InvalidArgument,
                        $"No bucket given. Pass -BucketName or set {EnvBucket} (the same variable django-storages reads).");
            }
            else
            {
                var problem = BucketNameRules.Check(t.BucketName);
                if (problem != null)
                    throw new MediaOpsException("InvalidBucketName", FailureKind.InvalidArgument,
                        $"'{t.BucketName}' is not a valid S3 bucket name: {problem}.", t.BucketName);
            }

            var prefix = options.Prefix;
            if (prefix != null) t._notes.Add($"prefix '{prefix}' from -Prefix");
            else if (environment(EnvLocation) is string loc)
            {
                prefix = loc;
                t._notes.Add($"prefix '{loc}' from {EnvLocation}");
            }
            else
            {
                prefix = DefaultPrefix;
                t._notes.Add($"prefix '{DefaultPrefix}' (default; set -Prefix or {EnvLocation} to change)");
            }
            t.Prefix = NormalizePrefix(prefix);

            // The region is named in verbose once, by the client factory, which also knows the chain's answer.
            t.Region = !string.IsNullOrEmpty(options.Region) ? options.Region : NullIfEmpty(environment(EnvRegion));
            t.RegionSource = t.Region == null ? null : !string.IsNullOrEmpty(options.Region) ? "-Region" : EnvRegion;
            t.EndpointUrl = Pick(t, "endpoint", options.EndpointUrl, "-EndpointUrl", environment(EnvEndpoint), EnvEndpoint, null);
            if (t.EndpointUrl != null)
            {
                if (!System.Uri.TryCreate(t.EndpointUrl, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
                    throw new MediaOpsException("InvalidEndpointUrl", FailureKind.InvalidArgument,
                        $"'{t.EndpointUrl}' is not an http(s) URL. Pass -EndpointUrl like https://s3.example.com or http://127.0.0.1:9000.");
                t.EndpointUrl = t.EndpointUrl.TrimEnd('/');
            }
            t.ProfileName = string.IsNullOrEmpty(options.ProfileName) ? null : options.ProfileName;
            if (!string.IsNullOrEmpty(options.AccessKeyId))
            {
                if (string.IsNullOrEmpty(options.SecretAccessKey))
                    throw new MediaOpsException("SecretMissing", FailureKind.InvalidArgument,
                        "-Credential has an access key id but no secret. Use Get-Credential with the access key id as user name and the secret as password.");
                t.AccessKeyId = options.AccessKeyId.Trim();
                t.SecretAccessKey = options.SecretAccessKey;
                t.SessionToken = string.IsNullOrEmpty(options.SessionToken) ? null : options.SessionToken;
            }
            if (options.Role != null)
            {
                options.Role.Validate();
                if (options.Role.UsesWebIdentity && (t.HasExplicitKeys || t.ProfileName != null))
                    throw new MediaOpsException("WebIdentityWithCredentials", FailureKind.InvalidArgument,
                        "-WebIdentityToken is the only credential a web identity role needs. Drop -Credential/-ProfileName, or drop -WebIdentityToken to assume the role with them.");
                t.Role = options.Role;
                t._notes.Add($"assuming {options.Role.Describe()} as session '{options.Role.SessionName}'");
            }
            return t;
        }

        /// <summary>No leading '/', exactly one trailing '/'; empty stays empty (whole bucket).</summary>
        public static string NormalizePrefix(string prefix)
        {
            if (string.IsNullOrEmpty(prefix)) return "";
            var p = prefix.Replace('\\', '/').Trim('/');
            return p.Length == 0 ? "" : p + "/";
        }

        private static string NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;

        private static string Pick(MediaTarget t, string what, string explicitValue, string explicitName, string envValue, string envName, string fallback)
        {
            if (!string.IsNullOrEmpty(explicitValue))
            {
                t._notes.Add($"{what} '{explicitValue}' from {explicitName}");
                return explicitValue;
            }
            if (!string.IsNullOrEmpty(envValue))
            {
                t._notes.Add($"{what} '{envValue}' from {envName}");
                return envValue;
            }
            return fallback;
        }
    }
}
