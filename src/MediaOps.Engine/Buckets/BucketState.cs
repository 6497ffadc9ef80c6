using System.Collections.Generic;
using Amazon.S3.Model;

namespace MediaOps.Buckets
{
    /// <summary>How one configuration read went.</summary>
    public enum ReadOutcome
    {
        /// <summary>The setting was read; <see cref="Observed{T}.Value"/> holds it.</summary>
        Read,
        /// <summary>The bucket has no such configuration (S3 answered "not found" for it).</summary>
        NotConfigured,
        /// <summary>AccessDenied: <see cref="Observed{T}.Permission"/> names what was missing.</summary>
        Denied,
        /// <summary>The endpoint does not implement the call (MinIO, R2, other S3-compatible servers).</summary>
        NotSupported,
        /// <summary>Any other failure; <see cref="Observed{T}.Error"/> says what happened.</summary>
        Failed,
        /// <summary>Not read because an earlier answer made it pointless (e.g. the bucket is missing).</summary>
        NotRead,
    }

    /// <summary>The answer to one configuration read, including why there is no value.</summary>
    public sealed class Observed<T>
    {
        private Observed(ReadOutcome outcome, T value, string permission, string error)
        {
            Outcome = outcome;
            Value = value;
            Permission = permission;
            Error = error;
        }

        public ReadOutcome Outcome { get; }
        public T Value { get; }
        /// <summary>The IAM action the read needs, e.g. s3:GetBucketVersioning.</summary>
        public string Permission { get; }
        public string Error { get; }
        public bool IsRead => Outcome == ReadOutcome.Read;
        /// <summary>Read or known to be unconfigured: the state is known.</summary>
        public bool IsKnown => Outcome == ReadOutcome.Read || Outcome == ReadOutcome.NotConfigured;

        public static Observed<T> Of(T value, string permission) => new Observed<T>(ReadOutcome.Read, value, permission, null);
        public static Observed<T> Missing(string permission) => new Observed<T>(ReadOutcome.NotConfigured, default, permission, null);
        public static Observed<T> Denied(string permission) => new Observed<T>(ReadOutcome.Denied, default, permission, null);
        /// <summary>Not implemented by the endpoint; <paramref name="reason"/> says how that showed (kept in <see cref="Error"/>).</summary>
        public static Observed<T> Unsupported(string permission, string reason = null) => new Observed<T>(ReadOutcome.NotSupported, default, permission, reason);
        public static Observed<T> Failure(string permission, string error) => new Observed<T>(ReadOutcome.Failed, default, permission, error);
        public static Observed<T> Skipped(string permission) => new Observed<T>(ReadOutcome.NotRead, default, permission, null);
    }

    public sealed class EncryptionSetting
    {
        public EncryptionSetting(string algorithm, string kmsKeyId, bool bucketKeyEnabled)
        {
            Algorithm = algorithm;
            KmsKeyId = kmsKeyId;
            BucketKeyEnabled = bucketKeyEnabled;
        }

        /// <summary>AES256, aws:kms or aws:kms:dsse.</summary>
        public string Algorithm { get; }
        public string KmsKeyId { get; }
        public bool BucketKeyEnabled { get; }
        public bool IsKms => Algorithm != null && Algorithm.StartsWith("aws:kms", System.StringComparison.Ordinal);
    }

    public sealed class PublicAccessBlockFlags
    {
        public PublicAccessBlockFlags(bool blockPublicAcls, bool ignorePublicAcls, bool blockPublicPolicy, bool restrictPublicBuckets)
        {
            BlockPublicAcls = blockPublicAcls;
            IgnorePublicAcls = ignorePublicAcls;
            BlockPublicPolicy = blockPublicPolicy;
            RestrictPublicBuckets = restrictPublicBuckets;
        }

        public bool BlockPublicAcls { get; }
        public bool IgnorePublicAcls { get; }
        public bool BlockPublicPolicy { get; }
        public bool RestrictPublicBuckets { get; }

        public static PublicAccessBlockFlags AllOn { get; } = new PublicAccessBlockFlags(true, true, true, true);
        /// <summary>The public media model: ACLs stay blocked, a public policy is allowed.</summary>
        public static PublicAccessBlockFlags AclsOnly { get; } = new PublicAccessBlockFlags(true, true, false, false);

        public bool SameAs(PublicAccessBlockFlags o) => o != null && BlockPublicAcls == o.BlockPublicAcls && IgnorePublicAcls == o.IgnorePublicAcls
                                                        && BlockPublicPolicy == o.BlockPublicPolicy && RestrictPublicBuckets == o.RestrictPublicBuckets;

        public override string ToString() =>
            $"BlockPublicAcls={BlockPublicAcls}, IgnorePublicAcls={IgnorePublicAcls}, BlockPublicPolicy={BlockPublicPolicy}, RestrictPublicBuckets={RestrictPublicBuckets}";
    }

    /// <summary>Everything Test-MediaBucket and Initialize-MediaBucket need to know about a bucket, read once.</summary>
    public sealed class BucketState
    {
        public string BucketName { get; internal set; }
        /// <summary>True/false when known; null when HeadBucket could not tell (e.g. denied and no other proof).</summary>
        public bool? Exists { get; internal set; }
        /// <summary>How existence was established (for the BucketExists row).</summary>
        public string ExistenceNote { get; internal set; }
        /// <summary>The region the requests were signed for.</summary>
        public string ClientRegion { get; internal set; }
        /// <summary>Set when the first request was redirected: the region the bucket really lives in.</summary>
        public string RedirectedFromRegion { get; internal set; }
        public bool IsCustomEndpoint { get; internal set; }

        /// <summary>
        /// Whether a location reads as an AWS region (us-east-1, eu-west-1, us-gov-west-1). S3-compatible
        /// servers answer their own names there: Ceph radosgw its zone group, "default" out of the box.
        /// </summary>
        public static bool IsAwsRegionName(string location) =>
            location != null && System.Text.RegularExpressions.Regex.IsMatch(location, "^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$");

        /// <summary>The bucket's region, normalised (us-east-1 for an empty LocationConstraint, eu-west-1 for EU).</summary>
        public Observed<string> Region { get; internal set; }
        /// <summary>Enabled, Suspended, or empty when versioning was never turned on.</summary>
        public Observed<string> Versioning { get; internal set; }
        public Observed<EncryptionSetting> Encryption { get; internal set; }
        public Observed<PublicAccessBlockFlags> PublicAccessBlock { get; internal set; }
        public Observed<string> ObjectOwnership { get; internal set; }
        /// <summary>The policy JSON as stored.</summary>
        public Observed<string> Policy { get; internal set; }
        public Observed<IReadOnlyList<LifecycleRule>> Lifecycle { get; internal set; }
        /// <summary>The S3 Inventory configurations (ListBucketInventoryConfigurations); NotConfigured when there are none.</summary>
        public Observed<IReadOnlyList<InventoryConfiguration>> Inventory { get; internal set; }
    }
}
