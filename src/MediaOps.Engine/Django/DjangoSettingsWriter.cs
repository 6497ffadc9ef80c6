using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;
using MediaOps.Targets;

namespace MediaOps.Django
{
    /// <summary>
    /// django-storages settings as the reference runbook writes them: media on S3 under the prefix, no ACLs,
    /// no silent overwrites, private (signed URLs) unless the public model is chosen, static files kept
    /// apart. Never contains a credential: the app gets those from its role or a secret store.
    /// </summary>
    public static class DjangoSettingsWriter
    {
        public const string ModernBackend = "storages.backends.s3.S3Storage";
        /// <summary>For Django &lt; 4.2: the backend's long-standing name, valid in every django-storages release (1.14 renamed it, keeping this alias).</summary>
        public const string LegacyBackend = "storages.backends.s3boto3.S3Boto3Storage";

        private static readonly Regex DomainPattern = new Regex(@"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?(/[A-Za-z0-9._~/-]*)?$", RegexOptions.CultureInvariant);

        /// <summary>
        /// boto3's own settings (botocore's config chain reads them when a client is made) that keep checksums to the
        /// operations that require them. Environment variables, not a client_config option: django-storages before
        /// 1.14.4 (Debian's 1.13) rejects client_config, and Django before 4.2 has no STORAGES OPTIONS to put it in,
        /// while every botocore reads these (those before 1.36 have no such checksums and ignore them).
        /// </summary>
        internal static readonly (string Name, string Value)[] ChecksumWhenRequired =
        {
            ("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required"),
            ("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required"),
        };

        private static readonly string[] ChecksumComment =
        {
            "# boto3 1.36+ adds CRC checksums to every upload and checks them on every download by default; many",
            "# S3-compatible servers refuse or mangle those requests (django-storages issues 1482 and 1498). \"when_required\"",
            "# keeps checksums to the operations that need them. Older boto3 ignores these settings.",
        };

        /// <summary>Problems a caller should hear about (not errors): e.g. private media behind a custom domain.</summary>
        public static IReadOnlyList<string> Warnings(DjangoSettingsOptions o)
        {
            var list = new List<string>();
            if (string.IsNullOrEmpty(o.Region))
                list.Add("No region given: the settings leave AWS_S3_REGION_NAME to the environment. Pass -Region (or set AWS_S3_REGION_NAME); a wrong region gives failed requests or bad URLs.");
            if (o.AccessModel == AccessModel.Private && !string.IsNullOrEmpty(o.CustomDomain))
                list.Add("Private media with -CustomDomain: django-storages signs custom-domain URLs only with CloudFront keys (AWS_CLOUDFRONT_KEY_ID and AWS_CLOUDFRONT_KEY); without them the URLs are unsigned and will be refused.");
            if (o.AccessModel == AccessModel.Public)
                list.Add("Public media: URLs are unsigned, so the bucket must allow public read on the prefix (Initialize-MediaBucket -AccessModel Public) and nothing private may be uploaded.");
            return list;
        }

        public static string Write(DjangoSettingsOptions options)
        {
            var o = Validate(options);
            return o.Format == DjangoSettingsFormat.Env ? WriteEnv(o) : WritePython(o);
        }

        private static string WritePython(DjangoSettingsOptions o)
        {
            var py = new StringBuilder();
            var model = o.AccessModel == AccessModel.Private
                ? "Private media: objects stay private and Django hands out signed, expiring URLs."
                : "Public media: unsigned URLs; the bucket policy must allow public read on the prefix only.";
            py.AppendLine($"# django-storages settings for s3://{o.BucketName}/{o.Prefix} (MediaOps New-MediaDjangoSettings).");
            py.AppendLine("# " + model);
            py.AppendLine(o.UsesStoragesSetting
                ? "# Needs django-storages >= 1.14 and boto3 (pip install \"django-storages[s3]\")."
                : "# Needs django-storages and boto3 (pip install \"django-storages[s3]\").");
            py.AppendLine("# No credentials here: use the app's IAM role, or inject AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY");
            py.AppendLine("# from a secret store at deploy time. Values below come from the environment when set.");
            py.AppendLine("import os");
            if (o.HasObjectParameters) py.AppendLine("import json");
            py.AppendLine();
            py.AppendLine($"AWS_STORAGE_BUCKET_NAME = os.environ.get(\"AWS_STORAGE_BUCKET_NAME\", {Py(o.BucketName)})");
            py.AppendLine(string.IsNullOrEmpty(o.Region)
                ? "AWS_S3_REGION_NAME = os.environ.get(\"AWS_S3_REGION_NAME\")  # None: boto3's own region chain"
                : $"AWS_S3_REGION_NAME = os.environ.get(\"AWS_S3_REGION_NAME\", {Py(o.Region)})");
            py.AppendLine($"AWS_LOCATION = os.environ.get(\"AWS_LOCATION\", {Py(o.Location)})");
            if (o.EndpointUrl != null)
            {
                py.AppendLine($"AWS_S3_ENDPOINT_URL = os.environ.get(\"AWS_S3_ENDPOINT_URL\", {Py(o.EndpointUrl)})");
                py.AppendLine("AWS_S3_ADDRESSING_STYLE = \"path\"  # S3-compatible endpoints: path-style, as MediaOps uses");
                foreach (var line in ChecksumComment) py.AppendLine(line);
                foreach (var (name, value) in ChecksumWhenRequired) py.AppendLine($"os.environ.setdefault({Py(name)}, {Py(value)})");
            }
            py.AppendLine("AWS_DEFAULT_ACL = None  # no object ACLs: access is decided by the bucket (BucketOwnerEnforced)");
            py.AppendLine("AWS_S3_FILE_OVERWRITE = False  # a second upload with the same name gets a new name");
            if (o.HasObjectParameters)
            {
                py.AppendLine("# Headers of every saved file; Sync-MediaToS3 -ObjectParameters gave the migrated files the same (JSON in the environment wins).");
                py.AppendLine($"AWS_S3_OBJECT_PARAMETERS = json.loads(os.environ.get(\"AWS_S3_OBJECT_PARAMETERS\", r'{o.ObjectParameters.ToJson()}'))");
            }
            var signed = o.AccessModel == AccessModel.Private ? "True" : "False";
            if (o.CustomDomain != null && o.AccessModel == AccessModel.Private)
            {
                py.AppendLine("# Private media behind a custom domain is signed only with CloudFront keys (names only; the key is a secret).");
                py.AppendLine("AWS_CLOUDFRONT_KEY_ID = os.environ.get(\"AWS_CLOUDFRONT_KEY_ID\")");
                py.AppendLine("AWS_CLOUDFRONT_KEY = os.environ.get(\"AWS_CLOUDFRONT_KEY\")");
            }
            py.AppendLine();

            if (o.UsesStoragesSetting)
            {
                py.AppendLine("STORAGES = {");
                py.AppendLine("    \"default\": {");
                py.AppendLine($"        \"BACKEND\": {Py(ModernBackend)},");
                py.AppendLine("        \"OPTIONS\": {");
                py.AppendLine("            \"bucket_name\": AWS_STORAGE_BUCKET_NAME,");
                py.AppendLine("            \"region_name\": AWS_S3_REGION_NAME,");
                py.AppendLine("            \"default_acl\": AWS_DEFAULT_ACL,");
                py.AppendLine("            \"file_overwrite\": AWS_S3_FILE_OVERWRITE,");
                py.AppendLine("            \"location\": AWS_LOCATION,");
                py.AppendLine($"            \"querystring_auth\": {signed},");
                if (o.HasObjectParameters) py.AppendLine("            \"object_parameters\": AWS_S3_OBJECT_PARAMETERS,");
                if (o.CustomDomain != null) py.AppendLine($"            \"custom_domain\": {Py(o.CustomDomain)},");
                if (o.EndpointUrl != null)
                {
                    py.AppendLine("            \"endpoint_url\": AWS_S3_ENDPOINT_URL,");
                    py.AppendLine("            \"addressing_style\": AWS_S3_ADDRESSING_STYLE,");
                }
                py.AppendLine("        },");
                py.AppendLine("    },");
                py.AppendLine("    # Static files stay apart from media: their own storage, never the media prefix.");
                py.AppendLine("    \"staticfiles\": {");
                py.AppendLine("        \"BACKEND\": \"django.contrib.staticfiles.storage.StaticFilesStorage\",");
                py.AppendLine("    },");
                py.AppendLine("}");
            }
            else
            {
                py.AppendLine($"DEFAULT_FILE_STORAGE = {Py(LegacyBackend)}");
                py.AppendLine($"AWS_QUERYSTRING_AUTH = {signed}");
                if (o.CustomDomain != null) py.AppendLine($"AWS_S3_CUSTOM_DOMAIN = {Py(o.CustomDomain)}");
                py.AppendLine("# STATICFILES_STORAGE is left alone: static files stay apart from media. If they go to S3 too,");
                py.AppendLine("# give them their own storage class with another location (AWS_* above apply to every S3 storage).");
            }
            return py.ToString();
        }

        private static string WriteEnv(DjangoSettingsOptions o)
        {
            var env = new StringBuilder();
            env.AppendLine($"# django-storages environment for s3://{o.BucketName}/{o.Prefix} (MediaOps New-MediaDjangoSettings).");
            env.AppendLine("# Names and non-secret values only. Keep this file out of the repository anyway.");
            env.AppendLine($"AWS_STORAGE_BUCKET_NAME={Env(o.BucketName)}");
            if (!string.IsNullOrEmpty(o.Region)) env.AppendLine($"AWS_S3_REGION_NAME={Env(o.Region)}");
            else env.AppendLine("# AWS_S3_REGION_NAME=   (set the bucket's region)");
            env.AppendLine($"AWS_LOCATION={Env(o.Location)}");
            if (o.EndpointUrl != null)
            {
                env.AppendLine($"AWS_S3_ENDPOINT_URL={Env(o.EndpointUrl)}");
                foreach (var line in ChecksumComment) env.AppendLine(line);
                foreach (var (name, value) in ChecksumWhenRequired) env.AppendLine($"{name}={value}");
            }
            if (o.HasObjectParameters)
            {
                env.AppendLine("# Headers of every saved file, as JSON (New-MediaDjangoSettings' settings.py reads it), the same as Sync-MediaToS3 -ObjectParameters:");
                env.AppendLine($"AWS_S3_OBJECT_PARAMETERS='{o.ObjectParameters.ToJson()}'");
            }
            env.AppendLine("# Credentials: prefer an IAM role (instance profile, ECS task role, EKS web identity) and set none.");
            env.AppendLine("# Otherwise inject these from a secret store at deploy time; never write their values here:");
            env.AppendLine("# AWS_ACCESS_KEY_ID=");
            env.AppendLine("# AWS_SECRET_ACCESS_KEY=");
            if (o.CustomDomain != null && o.AccessModel == AccessModel.Private)
            {
                env.AppendLine("# Signed custom-domain URLs need CloudFront keys, also from the secret store:");
                env.AppendLine("# AWS_CLOUDFRONT_KEY_ID=");
                env.AppendLine("# AWS_CLOUDFRONT_KEY=");
            }
            return env.ToString();
        }

        private static DjangoSettingsOptions Validate(DjangoSettingsOptions options)
        {
            var o = options ?? throw new ArgumentNullException(nameof(options));
            var problem = BucketNameRules.Check(o.BucketName);
            if (problem != null)
                throw new MediaOpsException("InvalidBucketName", FailureKind.InvalidArgument, $"'{o.BucketName}' is not a valid S3 bucket name: {problem}.", o.BucketName);
            foreach (var (name, value) in new[] { ("-Prefix", o.Prefix), ("-Region", o.Region), ("-EndpointUrl", o.EndpointUrl), ("-CustomDomain", o.CustomDomain) })
                if (value != null && Regex.IsMatch(value, @"[\p{Cc}""'\\]"))
                    throw new MediaOpsException("InvalidSettingValue", FailureKind.InvalidArgument,
                        $"{name} contains a control character, quote or backslash, which has no place in a bucket setting. Check the value.");
            if (o.CustomDomain != null && !DomainPattern.IsMatch(o.CustomDomain))
                throw new MediaOpsException("InvalidCustomDomain", FailureKind.InvalidArgument,
                    $"'{o.CustomDomain}' is not a host name. Give the domain only, e.g. media.example.com (django-storages adds https://).");
            return new DjangoSettingsOptions
            {
                BucketName = o.BucketName, Prefix = MediaTarget.NormalizePrefix(o.Prefix), Region = string.IsNullOrEmpty(o.Region) ? null : o.Region,
                EndpointUrl = string.IsNullOrEmpty(o.EndpointUrl) ? null : o.EndpointUrl.TrimEnd('/'), AccessModel = o.AccessModel,
                CustomDomain = string.IsNullOrEmpty(o.CustomDomain) ? null : o.CustomDomain.TrimEnd('/'),
                DjangoVersion = o.DjangoVersion ?? new Version(4, 2), Format = o.Format, ObjectParameters = o.ObjectParameters,
            };
        }

        /// <summary>A Python string literal (values are validated: no quotes, backslashes or control characters).</summary>
        private static string Py(string value) => "\"" + value + "\"";

        /// <summary>
        /// An env-file value, in single quotes when it has any character beyond the plain ones: inside them a shell
        /// (`. file`, set -a), python-dotenv and systemd's EnvironmentFile expand nothing ($VAR, $(…), backticks).
        /// Double quotes would run $(…). A value never holds a single quote (<see cref="Validate"/> refuses quotes).
        /// </summary>
        private static string Env(string value) =>
            Regex.IsMatch(value, @"^[A-Za-z0-9._:/@+-]*$") ? value : "'" + value + "'";
    }
}
