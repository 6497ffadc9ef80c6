using System.Collections.Generic;
using System.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Buckets;
using Xunit;

namespace MediaOps.Engine.Tests.Buckets
{
    /// <summary>The check rules on hand-made states (pure logic; the S3 side is tested against moto).</summary>
    public class BucketEvaluatorTests
    {
        private static BucketState Compliant(string policy = null) => new BucketState
        {
            BucketName = "myapp-prod-media",
            Exists = true,
            ExistenceNote = "HeadBucket succeeded",
            ClientRegion = "eu-west-1",
            Region = Observed<string>.Of("eu-west-1", BucketReader.PermLocation),
            Versioning = Observed<string>.Of("Enabled", BucketReader.PermVersioning),
            Encryption = Observed<EncryptionSetting>.Of(new EncryptionSetting("AES256", null, false), BucketReader.PermEncryption),
            PublicAccessBlock = Observed<PublicAccessBlockFlags>.Of(PublicAccessBlockFlags.AllOn, BucketReader.PermPublicAccessBlock),
            ObjectOwnership = Observed<string>.Of("BucketOwnerEnforced", BucketReader.PermOwnership),
            Policy = policy == null ? Observed<string>.Missing(BucketReader.PermPolicy) : Observed<string>.Of(policy, BucketReader.PermPolicy),
            Lifecycle = Observed<IReadOnlyList<LifecycleRule>>.Of(new List<LifecycleRule> { NoncurrentRule("keep-30", "media/", 30) }, BucketReader.PermLifecycle),
        };

        private static LifecycleRule NoncurrentRule(string id, string prefix, int days) => new LifecycleRule
        {
            Id = id,
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = prefix } },
            NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = days },
        };

        private static CheckResult Row(IEnumerable<CheckResult> rows, string check) => rows.Single(r => r.Check == check);

        [Fact]
        public void A_compliant_bucket_has_no_fail_and_rows_come_in_the_documented_order()
        {
            var rows = BucketEvaluator.Evaluate(Compliant(), "media/", null);
            Assert.Equal(BucketEvaluator.CheckNames, rows.Select(r => r.Check));
            Assert.All(rows, r => Assert.True(r.IsSuccess, r.Check + ": " + r.Message));
            Assert.Equal(CheckStatus.Warning, Row(rows, "SecureTransport").Status);
            Assert.Equal(CheckStatus.Pass, Row(rows, "NoncurrentVersionLifecycle").Status);
            Assert.All(rows, r => Assert.Equal("s3://myapp-prod-media/media/", r.Target));
        }

        [Theory]
        [InlineData("media/", "static/", CheckStatus.Pass)]
        [InlineData("media/", "media/static", CheckStatus.Fail)]
        [InlineData("assets/media/", "assets", CheckStatus.Fail)]
        [InlineData("media/", "media", CheckStatus.Fail)]
        [InlineData("", "static", CheckStatus.Fail)]
        [InlineData("", null, CheckStatus.Warning)]
        [InlineData("mediafiles/", "media", CheckStatus.Pass)]
        public void Prefix_warns_when_empty_and_fails_when_static_overlaps(string media, string staticPrefix, CheckStatus expected) =>
            Assert.Equal(expected, Row(BucketEvaluator.Evaluate(Compliant(), media, new BucketCheckOptions { StaticPrefix = staticPrefix }), "Prefix").Status);

        [Theory]
        [InlineData(null, "us-east-1")]
        [InlineData("", "us-east-1")]
        [InlineData("US", "us-east-1")]
        [InlineData("EU", "eu-west-1")]
        [InlineData("ap-southeast-2", "ap-southeast-2")]
        public void Location_constraints_map_to_region_names(string location, string region) =>
            Assert.Equal(region, BucketReader.NormalizeLocation(location));

        [Fact]
        public void Region_compares_with_expected_region_or_the_region_in_use()
        {
            var s = Compliant();
            Assert.Equal(CheckStatus.Pass, Row(BucketEvaluator.Evaluate(s, "media/", null), "Region").Status);
            var mismatch = Row(BucketEvaluator.Evaluate(s, "media/", new BucketCheckOptions { ExpectedRegion = "us-east-1" }), "Region");
            Assert.Equal(CheckStatus.Fail, mismatch.Status);
            Assert.Equal("eu-west-1", mismatch.Actual);
            s.ClientRegion = "us-west-2";
            var inUse = Row(BucketEvaluator.Evaluate(s, "media/", null), "Region");
            Assert.Equal(CheckStatus.Fail, inUse.Status);
            Assert.Contains("AWS_S3_REGION_NAME=eu-west-1", inUse.Message);
        }

        [Fact]
        public void A_location_that_is_no_region_name_on_an_s3_compatible_endpoint_is_skipped_not_failed()
        {
            // radosgw answers its zone group ("default") where AWS answers a region.
            var s = Compliant();
            s.IsCustomEndpoint = true;
            s.Region = Observed<string>.Of("default", BucketReader.PermLocation);
            var row = Row(BucketEvaluator.Evaluate(s, "media/", null), "Region");
            Assert.Equal(CheckStatus.Skipped, row.Status);
            Assert.Equal("default", row.Actual);
            Assert.Equal(CheckStatus.Fail, Row(BucketEvaluator.Evaluate(s, "media/", new BucketCheckOptions { ExpectedRegion = "eu-west-1" }), "Region").Status);
            s.IsCustomEndpoint = false;
            Assert.Equal(CheckStatus.Fail, Row(BucketEvaluator.Evaluate(s, "media/", null), "Region").Status);
            Assert.True(BucketState.IsAwsRegionName("us-gov-west-1"));
            Assert.False(BucketState.IsAwsRegionName("default"));
        }

        [Fact]
        public void An_unreadable_answer_is_a_skipped_row_that_carries_its_reason()
        {
            var s = Compliant();
            s.PublicAccessBlock = Observed<PublicAccessBlockFlags>.Unsupported(BucketReader.PermPublicAccessBlock, "answered in a form the SDK does not read");
            var row = Row(BucketEvaluator.Evaluate(s, "media/", null), "PublicAccessBlock");
            Assert.Equal(CheckStatus.Skipped, row.Status);
            Assert.StartsWith("answered in a form the SDK does not read", row.Message);
        }

        [Fact]
        public void Denied_and_unsupported_reads_are_skipped_rows_naming_the_permission()
        {
            var s = Compliant();
            s.Versioning = Observed<string>.Denied(BucketReader.PermVersioning);
            s.ObjectOwnership = Observed<string>.Unsupported(BucketReader.PermOwnership);
            s.Policy = Observed<string>.Denied(BucketReader.PermPolicy);
            var rows = BucketEvaluator.Evaluate(s, "media/", null);
            Assert.Equal(CheckStatus.Skipped, Row(rows, "Versioning").Status);
            Assert.Contains("s3:GetBucketVersioning", Row(rows, "Versioning").Message);
            Assert.Equal(CheckStatus.Skipped, Row(rows, "ObjectOwnership").Status);
            Assert.Equal("not supported by this endpoint", Row(rows, "ObjectOwnership").Actual);
            Assert.Contains("s3:GetBucketPolicy", Row(rows, "BucketPolicy").Actual);
            Assert.Contains("s3:GetBucketPolicy", Row(rows, "SecureTransport").Actual);
        }

        [Fact]
        public void Noncurrent_lifecycle_warns_when_no_enabled_rule_covers_the_prefix()
        {
            var s = Compliant();
            var other = NoncurrentRule("other", "static/", 30);
            var tagged = NoncurrentRule("tagged", "media/", 30);
            tagged.Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecycleAndOperator { Operands = new List<LifecycleFilterPredicate> { new LifecyclePrefixPredicate { Prefix = "media/" }, new LifecycleTagPredicate { Tag = new Tag { Key = "k", Value = "v" } } } } };
            var disabled = NoncurrentRule("off", "", 30);
            disabled.Status = LifecycleRuleStatus.Disabled;
            s.Lifecycle = Observed<IReadOnlyList<LifecycleRule>>.Of(new List<LifecycleRule> { other, tagged, disabled }, BucketReader.PermLifecycle);
            var row = Row(BucketEvaluator.Evaluate(s, "media/", null), "NoncurrentVersionLifecycle");
            Assert.Equal(CheckStatus.Warning, row.Status);
            Assert.Contains("storage", row.Message);
            s.Lifecycle = Observed<IReadOnlyList<LifecycleRule>>.Of(new List<LifecycleRule> { NoncurrentRule("all", "", 90) }, BucketReader.PermLifecycle);
            Assert.Equal(CheckStatus.Pass, Row(BucketEvaluator.Evaluate(s, "media/", null), "NoncurrentVersionLifecycle").Status);
        }

        [Fact]
        public void Public_model_wants_acl_flags_only_and_a_prefix_scoped_read()
        {
            var scoped = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::myapp-prod-media/media/*\"}]}";
            var s = Compliant(scoped);
            s.PublicAccessBlock = Observed<PublicAccessBlockFlags>.Of(PublicAccessBlockFlags.AclsOnly, BucketReader.PermPublicAccessBlock);
            var pub = new BucketCheckOptions { AccessModel = AccessModel.Public };
            var rows = BucketEvaluator.Evaluate(s, "media/", pub);
            Assert.Equal(CheckStatus.Pass, Row(rows, "PublicAccessBlock").Status);
            Assert.Equal(CheckStatus.Pass, Row(rows, "BucketPolicy").Status);
            // The same bucket judged by the Private model: the public read and the open policy flags fail.
            var priv = BucketEvaluator.Evaluate(s, "media/", null);
            Assert.Equal(CheckStatus.Fail, Row(priv, "PublicAccessBlock").Status);
            Assert.Equal(CheckStatus.Fail, Row(priv, "BucketPolicy").Status);
            // Public model with every BPA flag on: the public policy cannot work.
            s.PublicAccessBlock = Observed<PublicAccessBlockFlags>.Of(PublicAccessBlockFlags.AllOn, BucketReader.PermPublicAccessBlock);
            Assert.Contains("403", Row(BucketEvaluator.Evaluate(s, "media/", pub), "PublicAccessBlock").Message);
        }

        [Fact]
        public void Missing_bucket_fails_once_and_skips_the_rest()
        {
            var s = new BucketState { BucketName = "gone-bucket", Exists = false, ClientRegion = "us-east-1" };
            foreach (var p in new[] { "Region", "Versioning", "Encryption", "PublicAccessBlock", "ObjectOwnership", "Policy", "Lifecycle" })
            {
                var prop = typeof(BucketState).GetProperty(p);
                var skipped = prop.PropertyType.GetMethod("Skipped").Invoke(null, new object[] { "s3:x" });
                prop.SetValue(s, skipped);
            }
            var rows = BucketEvaluator.Evaluate(s, "media/", null);
            Assert.Equal(CheckStatus.Fail, Row(rows, "BucketExists").Status);
            Assert.Single(rows, r => r.Status == CheckStatus.Fail);
            Assert.All(rows.Where(r => r.Check != "BucketExists" && r.Check != "Prefix"), r => Assert.Equal(CheckStatus.Skipped, r.Status));
        }

        [Fact]
        public void Kms_without_bucket_key_passes_with_advice()
        {
            var s = Compliant();
            s.Encryption = Observed<EncryptionSetting>.Of(new EncryptionSetting("aws:kms", "arn:aws:kms:eu-west-1:123456789012:key/abc", false), BucketReader.PermEncryption);
            var row = Row(BucketEvaluator.Evaluate(s, "media/", null), "DefaultEncryption");
            Assert.Equal(CheckStatus.Pass, row.Status);
            Assert.Contains("Bucket Key", row.Message);
        }
    }
}
