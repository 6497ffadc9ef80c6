using System;
using System.Collections.Generic;
using Amazon.S3.Model;
using MediaOps.Targets;

namespace MediaOps.Buckets
{
    /// <summary>What Initialize-MediaBucket brings a bucket to.</summary>
    public sealed class BucketBaseline
    {
        public AccessModel AccessModel { get; set; } = AccessModel.Private;
        /// <summary>SSE-KMS with this key (and an S3 Bucket Key); null means SSE-S3 (AES256).</summary>
        public string KmsKeyId { get; set; }
        /// <summary>Add a Deny for requests without TLS to the bucket policy.</summary>
        public bool RequireTls { get; set; }
        /// <summary>Expire noncurrent versions under the prefix after this many days; null leaves lifecycle alone.</summary>
        public int? NoncurrentVersionExpirationDays { get; set; }

        /// <summary>The id of the lifecycle rule MediaOps owns (replaced on change, other rules kept).</summary>
        public const string LifecycleRuleId = "MediaOpsNoncurrentVersionExpiration";

        /// <summary>"Daily" or "Weekly": configure an S3 Inventory report of the prefix (-Inventory); null leaves inventory alone.</summary>
        public string InventoryFrequency { get; set; }
        /// <summary>s3://bucket[/prefix] the reports go to (-InventoryDestination); null: this bucket, prefix "inventory".</summary>
        public string InventoryDestination { get; set; }
        public const string InventoryId = "mediaops-inventory";
        public const string DefaultInventoryPrefix = "inventory";
        /// <summary>The optional fields a report needs to be a listing, and what an audit wants beside them.</summary>
        public static readonly IReadOnlyList<string> InventoryFields = new[] { "Size", "LastModifiedDate", "ETag", "IsMultipartUploaded", "EncryptionStatus" };
    }

    public enum BucketChangeKind
    {
        CreateBucket,
        SetObjectOwnership,
        SetPublicAccessBlock,
        EnableVersioning,
        SetDefaultEncryption,
        UpdateBucketPolicy,
        UpdateLifecycle,
        PutInventoryConfiguration,
    }

    /// <summary>One change the planner found necessary; the cmdlet asks ShouldProcess for each.</summary>
    public sealed class BucketChange
    {
        internal BucketChange(BucketChangeKind kind, string action, string description)
        {
            Kind = kind;
            Action = action;
            Description = description;
        }

        public BucketChangeKind Kind { get; }
        /// <summary>Short imperative text for ShouldProcess (e.g. "Enable versioning").</summary>
        public string Action { get; }
        /// <summary>What changes, from what to what, and why.</summary>
        public string Description { get; }

        internal string Region { get; set; }
        internal PublicAccessBlockFlags PublicAccessBlock { get; set; }
        internal string KmsKeyId { get; set; }
        /// <summary>The merged policy to put, or null to delete the policy (nothing left in it).</summary>
        internal string PolicyJson { get; set; }
        internal List<LifecycleRule> LifecycleRules { get; set; }
        internal InventoryConfiguration Inventory { get; set; }

        public override string ToString() => Action;
    }

    /// <summary>The state read before any change and the changes needed to reach the baseline.</summary>
    public sealed class BucketPlan
    {
        internal BucketPlan(MediaTarget target, string region, IReadOnlyList<BucketChange> changes, IReadOnlyList<string> notes)
        {
            Target = target;
            Region = region;
            Changes = changes;
            Notes = notes;
        }

        public MediaTarget Target { get; }
        /// <summary>The region changes are sent to (the bucket's real one when it already exists).</summary>
        public string Region { get; }
        public IReadOnlyList<BucketChange> Changes { get; }
        /// <summary>Things the user should know (state that could not be read, settings left alone).</summary>
        public IReadOnlyList<string> Notes { get; }
        /// <summary>Consequences of the baseline asked for that the user should know, whether or not anything changes (e.g. -RequireTls over plain HTTP).</summary>
        public IReadOnlyList<string> Cautions { get; internal set; } = Array.Empty<string>();
        public bool IsCompliant => Changes.Count == 0;
    }

    /// <summary>What applying the approved changes did.</summary>
    public sealed class BucketApplyResult
    {
        internal BucketApplyResult(IReadOnlyList<BucketChange> applied, IReadOnlyList<KeyValuePair<BucketChange, MediaOpsException>> failed, IReadOnlyList<BucketChange> notApplied)
        {
            Applied = applied;
            Failed = failed;
            NotApplied = notApplied;
        }

        public IReadOnlyList<BucketChange> Applied { get; }
        public IReadOnlyList<KeyValuePair<BucketChange, MediaOpsException>> Failed { get; }
        /// <summary>Approved but not attempted, because the bucket could not be created first.</summary>
        public IReadOnlyList<BucketChange> NotApplied { get; }
    }
}
