using System.Collections.Generic;
using System.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;
using MediaOps.Buckets;
using MediaOps.Targets;

namespace MediaOps.Engine.Tests.Buckets
{
    /// <summary>The baseline planner on hand-made states (pure logic; applying is tested against moto).</summary>
    public class BucketPlannerTests
    {
        private static readonly MediaTarget Target = MediaTarget.Resolve(new MediaTargetOptions { BucketName = "myapp-prod-media", Prefix = "media" }, _ => null);

        private static BucketState State(string policy = null, bool exists = true) => new BucketState
        {
            BucketName = "myapp-prod-media",
            Exists = exists,
            ClientRegion = "eu-west-1",
            Region = Observed<string>.Of("eu-west-1", "p"),
            Versioning = Observed<string>.Of("Enabled", "p"),
            Encryption = Observed<EncryptionSetting>.Of(new EncryptionSetting("AES256", null, false), "p"),
            PublicAccessBlock = Observed<PublicAccessBlockFlags>.Of(PublicAccessBlockFlags.AllOn, "p"),
            ObjectOwnership = Observed<string>.Of("BucketOwnerEnforced", "p"),
            Policy = policy == null ? Observed<string>.Missing("p") : Observed<string>.Of(policy, "p"),
            Lifecycle = Observed<IReadOnlyList<LifecycleRule>>.Missing("p"),
        };

        private static BucketPlan Plan(BucketState s, BucketBaseline b = null) => BucketPlanner.Plan(Target, s, "eu-west-1", b ?? new BucketBaseline());

        [Fact]
        public void A_compliant_bucket_needs_no_change()
        {
            Assert.True(Plan(State()).IsCompliant);
        }

        [Fact]
        public void Settings_the_endpoint_does_not_implement_are_left_alone_with_a_note()
        {
            var s = State();
            s.ObjectOwnership = Observed<string>.Unsupported("p", "radosgw lists the bucket instead.");
            s.Encryption = Observed<EncryptionSetting>.Unsupported("p");
            var plan = Plan(s);
            Assert.True(plan.IsCompliant);
            Assert.Contains(plan.Notes, n => n.StartsWith("ObjectOwnership is not supported by this endpoint") && n.EndsWith("radosgw lists the bucket instead."));
            Assert.Contains(plan.Notes, n => n.StartsWith("Default encryption is not supported by this endpoint"));
        }

        [Fact]
        public void A_missing_bucket_is_created_first_then_configured_in_dependency_order()
        {
            var kinds = Plan(State(exists: false)).Changes.Select(c => c.Kind).ToList();
            Assert.Equal(new[]
            {
                BucketChangeKind.CreateBucket, BucketChangeKind.SetObjectOwnership, BucketChangeKind.SetPublicAccessBlock,
                BucketChangeKind.EnableVersioning, BucketChangeKind.SetDefaultEncryption,
            }, kinds);
        }

        [Fact]
        public void Existing_kms_encryption_is_not_downgraded_and_a_requested_key_is_enforced()
        {
            var s = State();
            s.Encryption = Observed<EncryptionSetting>.Of(new EncryptionSetting("aws:kms", "arn:aws:kms:eu-west-1:123456789012:key/k1", true), "p");
            Assert.True(Plan(s).IsCompliant);
            Assert.True(Plan(s, new BucketBaseline { KmsKeyId = "k1" }).IsCompliant);
            var other = Plan(s, new BucketBaseline { KmsKeyId = "k2" }).Changes.Single();
            Assert.Equal(BucketChangeKind.SetDefaultEncryption, other.Kind);
            Assert.Contains("k2", other.Description);
        }

        [Fact]
        public void Private_model_removes_public_grants_and_keeps_other_statements()
        {
            var policy = "{\"Version\":\"2012-10-17\",\"Statement\":[" +
                         "{\"Sid\":\"AllRead\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::myapp-prod-media/*\"}," +
                         "{\"Sid\":\"Backup\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/backup\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::myapp-prod-media/*\"}]}";
            var change = Plan(State(policy)).Changes.Single();
            Assert.Equal(BucketChangeKind.UpdateBucketPolicy, change.Kind);
            Assert.Contains("'AllRead'", change.Description);
            var after = PolicyDocument.Parse(change.PolicyJson);
            Assert.Equal(new[] { "Backup" }, after.Statements.Select(s => s.Sid));
        }

        [Fact]
        public void Removing_the_only_statement_deletes_the_policy()
        {
            var policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::myapp-prod-media/*\"}]}";
            var change = Plan(State(policy)).Changes.Single();
            Assert.Null(change.PolicyJson);
            Assert.Equal("Delete bucket policy", change.Action);
        }

        [Fact]
        public void Public_model_relaxes_policy_flags_and_adds_a_prefix_read_statement_once()
        {
            var plan = Plan(State(), new BucketBaseline { AccessModel = AccessModel.Public, RequireTls = true });
            Assert.Equal(new[] { BucketChangeKind.SetPublicAccessBlock, BucketChangeKind.UpdateBucketPolicy }, plan.Changes.Select(c => c.Kind));
            Assert.True(plan.Changes[0].PublicAccessBlock.SameAs(PublicAccessBlockFlags.AclsOnly));
            var policy = plan.Changes[1].PolicyJson;
            var s = State(policy);
            s.PublicAccessBlock = Observed<PublicAccessBlockFlags>.Of(PublicAccessBlockFlags.AclsOnly, "p");
            var rows = BucketEvaluator.Evaluate(s, "media/", new BucketCheckOptions { AccessModel = AccessModel.Public });
            Assert.All(rows.Where(r => r.Check != "Region" && r.Check != "NoncurrentVersionLifecycle" && r.Check != "Inventory"), r => Assert.Equal(CheckStatus.Pass, r.Status));
            Assert.True(Plan(s, new BucketBaseline { AccessModel = AccessModel.Public, RequireTls = true }).IsCompliant);
        }

        [Fact]
        public void Public_model_refuses_to_open_the_whole_bucket()
        {
            var root = MediaTarget.Resolve(new MediaTargetOptions { BucketName = "myapp-prod-media", Prefix = "" }, _ => null);
            var ex = Assert.Throws<MediaOpsException>(() => BucketPlanner.Plan(root, State(), "eu-west-1", new BucketBaseline { AccessModel = AccessModel.Public }));
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
            Assert.Equal("MediaOps.PublicBucketRoot", ex.ErrorId);
        }

        [Fact]
        public void Policy_and_lifecycle_are_never_overwritten_blind()
        {
            var s = State();
            s.Policy = Observed<string>.Denied(BucketReader.PermPolicy);
            s.Lifecycle = Observed<IReadOnlyList<LifecycleRule>>.Denied(BucketReader.PermLifecycle);
            var plan = Plan(s, new BucketBaseline { RequireTls = true, NoncurrentVersionExpirationDays = 30 });
            Assert.True(plan.IsCompliant);
            Assert.Equal(2, plan.Notes.Count);
            Assert.Contains(plan.Notes, n => n.Contains("s3:GetBucketPolicy"));
        }

        [Fact]
        public void Lifecycle_rule_is_merged_with_existing_rules_and_updated_in_place()
        {
            var s = State();
            var other = new LifecycleRule
            {
                Id = "abort-mpu", Status = LifecycleRuleStatus.Enabled,
                Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "" } },
                AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 7 },
            };
            s.Lifecycle = Observed<IReadOnlyList<LifecycleRule>>.Of(new List<LifecycleRule> { other }, "p");
            var change = Plan(s, new BucketBaseline { NoncurrentVersionExpirationDays = 30 }).Changes.Single();
            Assert.Equal(new[] { "abort-mpu", BucketBaseline.LifecycleRuleId }, change.LifecycleRules.Select(r => r.Id));
            s.Lifecycle = Observed<IReadOnlyList<LifecycleRule>>.Of(change.LifecycleRules, "p");
            Assert.True(Plan(s, new BucketBaseline { NoncurrentVersionExpirationDays = 30 }).IsCompliant);
            var longer = Plan(s, new BucketBaseline { NoncurrentVersionExpirationDays = 90 }).Changes.Single();
            Assert.Contains("was 30 days", longer.Description);
            Assert.Equal(2, longer.LifecycleRules.Count);
        }
    }
}
