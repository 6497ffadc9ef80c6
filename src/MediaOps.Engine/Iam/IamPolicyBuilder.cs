using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MediaOps.Targets;

namespace MediaOps.Iam
{
    /// <summary>What to grant; see <see cref="IamPolicyBuilder"/>.</summary>
    public sealed class IamPolicyOptions
    {
        public string BucketName { get; set; }
        /// <summary>Normalised prefix (<c>media/</c>); empty only with <see cref="AllowWholeBucket"/>.</summary>
        public string Prefix { get; set; }
        public PolicyAccess Access { get; set; } = PolicyAccess.ReadWrite;
        public bool IncludeMultipart { get; set; }
        /// <summary>Also the reads point-in-time recovery needs (Get-/Restore-MediaVersion, Sync-MediaFromS3 -AsOf).</summary>
        public bool IncludeVersions { get; set; }
        public string KmsKeyArn { get; set; }
        /// <summary>aws, aws-cn or aws-us-gov; null = the KMS key's partition, else aws.</summary>
        public string Partition { get; set; }
        public bool AllowWholeBucket { get; set; }
        public bool Indented { get; set; } = true;
    }

    /// <summary>
    /// The least-privilege identity policy for one bucket and prefix, in the reference runbook's shape:
    /// s3:ListBucket on the bucket limited by s3:prefix, object actions on <c>bucket/prefix*</c> only.
    /// Deliberately absent: s3:DeleteObjectVersion (on a versioned bucket a delete leaves a delete marker and
    /// history stays recoverable), s3:GetObjectVersion/ListBucketVersions/GetBucketVersioning unless
    /// IncludeVersions (the app reads current objects; only point-in-time recovery reads history),
    /// s3:PutObjectAcl (no ACLs: BucketOwnerEnforced), bucket configuration and ListAllMyBuckets.
    /// </summary>
    public static class IamPolicyBuilder
    {
        public static string Build(IamPolicyOptions options)
        {
            var o = Validate(options);
            var bucketArn = $"arn:{o.Partition}:s3:::{o.BucketName}";
            var objectPattern = EscapeForPolicy(o.Prefix) + "*";
            var readWrite = o.Access == PolicyAccess.ReadWrite;

            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions
            {
                Indented = o.Indented,
                // Policies are not embedded in HTML: keep '+', '<' and non-ASCII readable.
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }))
            {
                json.WriteStartObject();
                json.WriteString("Version", "2012-10-17");
                json.WriteStartArray("Statement");

                // Listing: only keys under the prefix (Sync, Compare, Django's listdir all list with it).
                Statement(json, o.Prefix.Length == 0 ? "ListBucket" : "ListMediaPrefix", new[] { "s3:ListBucket" }, bucketArn,
                    o.Prefix.Length == 0 ? null : ("StringLike", "s3:prefix", objectPattern));

                if (o.IncludeVersions)
                {
                    // Point-in-time recovery lists history under the prefix only, and checks versioning is on.
                    Statement(json, o.Prefix.Length == 0 ? "ListBucketVersions" : "ListMediaVersions", new[] { "s3:ListBucketVersions" }, bucketArn,
                        o.Prefix.Length == 0 ? null : ("StringLike", "s3:prefix", objectPattern));
                    Statement(json, "ReadBucketVersioning", new[] { "s3:GetBucketVersioning" }, bucketArn, null);
                }

                var objectActions = new List<string> { "s3:GetObject" };
                // Reading (and copying back) an old version; never s3:DeleteObjectVersion: restores only add versions.
                if (o.IncludeVersions) objectActions.Add("s3:GetObjectVersion");
                if (readWrite)
                {
                    // AbortMultipartUpload: large uploads are multipart; a failed one must be cleaned up.
                    objectActions.AddRange(new[] { "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload" });
                    if (o.IncludeMultipart) objectActions.Add("s3:ListMultipartUploadParts");
                }
                Statement(json, "MediaObjects", objectActions, $"{bucketArn}/{objectPattern}", null);

                if (readWrite && o.IncludeMultipart)
                    // Bucket-level action without an s3:prefix condition key: it shows in-progress uploads
                    // bucket-wide (key names only). Needed only by tools that resume or sweep uploads.
                    Statement(json, "ListMediaMultipartUploads", new[] { "s3:ListBucketMultipartUploads" }, bucketArn, null);

                if (o.KmsKeyArn != null)
                {
                    var region = AwsPartition.ParseKmsKeyArn(o.KmsKeyArn).Region;
                    // GenerateDataKey to write SSE-KMS objects, Decrypt to read them and to complete
                    // multipart uploads; only through S3 in the key's region (kms:ViaService).
                    var kmsActions = readWrite ? new[] { "kms:GenerateDataKey", "kms:Decrypt" } : new[] { "kms:Decrypt" };
                    Statement(json, "MediaKmsKey", kmsActions, o.KmsKeyArn, ("StringEquals", "kms:ViaService", AwsPartition.S3ServiceName(region)));
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        private static void Statement(Utf8JsonWriter json, string sid, IEnumerable<string> actions, string resource,
            (string Operator, string Key, string Value)? condition)
        {
            json.WriteStartObject();
            json.WriteString("Sid", sid);
            json.WriteString("Effect", "Allow");
            json.WriteStartArray("Action");
            foreach (var a in actions) json.WriteStringValue(a);
            json.WriteEndArray();
            json.WriteString("Resource", resource);
            if (condition is (string op, string key, string value))
            {
                json.WriteStartObject("Condition");
                json.WriteStartObject(op);
                json.WriteStartArray(key);
                json.WriteStringValue(value);
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }

        /// <summary>'*', '?' and '$' are policy syntax; a prefix containing them must match them literally.</summary>
        public static string EscapeForPolicy(string text)
        {
            var sb = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                if (c == '*' || c == '?' || c == '$') sb.Append("${").Append(c).Append('}');
                else sb.Append(c);
            }
            return sb.ToString();
        }

        private static IamPolicyOptions Validate(IamPolicyOptions options)
        {
            var o = options ?? new IamPolicyOptions();
            var problem = BucketNameRules.Check(o.BucketName);
            if (problem != null)
                throw new MediaOpsException("InvalidBucketName", FailureKind.InvalidArgument,
                    $"'{o.BucketName}' is not a valid S3 bucket name: {problem}.", o.BucketName);
            var prefix = MediaTarget.NormalizePrefix(o.Prefix);
            if (prefix.Length == 0 && !o.AllowWholeBucket)
                throw new MediaOpsException("PrefixRequired", FailureKind.InvalidArgument,
                    "An empty prefix grants the app every object in the bucket (static files, backups, anything added later) and listing of all of it. " +
                    "Pass -Prefix (e.g. media), or -AllowWholeBucket if the bucket holds nothing but this app's media.", o.BucketName);
            if (o.IncludeMultipart && o.Access == PolicyAccess.ReadOnly)
                throw new MediaOpsException("MultipartNeedsWrite", FailureKind.InvalidArgument,
                    "-IncludeMultipart adds upload actions, which a -Access ReadOnly policy never uses. Drop -IncludeMultipart or use -Access ReadWrite.");

            string partition = o.Partition;
            if (o.KmsKeyArn != null)
            {
                var keyPartition = AwsPartition.ParseKmsKeyArn(o.KmsKeyArn).Partition;
                if (partition != null && partition != keyPartition)
                    throw new MediaOpsException("PartitionMismatch", FailureKind.InvalidArgument,
                        $"-KmsKeyArn is in partition '{keyPartition}' but -Partition is '{partition}'. The bucket and its key must be in the same partition.", o.KmsKeyArn);
                partition = partition ?? keyPartition;
            }
            partition = partition ?? AwsPartition.Aws;
            if (!AwsPartition.IsKnown(partition))
                throw new MediaOpsException("InvalidPartition", FailureKind.InvalidArgument,
                    $"'{partition}' is not an AWS partition. Use aws, aws-cn or aws-us-gov.");

            return new IamPolicyOptions
            {
                BucketName = o.BucketName, Prefix = prefix, Access = o.Access, IncludeMultipart = o.IncludeMultipart, IncludeVersions = o.IncludeVersions,
                KmsKeyArn = o.KmsKeyArn, Partition = partition, AllowWholeBucket = o.AllowWholeBucket, Indented = o.Indented,
            };
        }
    }
}
