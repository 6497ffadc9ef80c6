using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;
using MediaOps.Aws;
using MediaOps.Buckets;
using MediaOps.Targets;

namespace MediaOps.Engine.Tests.Buckets
{
    /// <summary>Initialize-MediaBucket's engine against moto over HTTP.</summary>
    [Collection("moto")]
    public class BucketInitializerTests
    {
        private readonly MotoServer _moto;
        public BucketInitializerTests(MotoServer moto) => _moto = moto;

        private static readonly BucketInitializer Engine = new BucketInitializer(new AwsClientFactory());

        private static async Task<BucketPlan> ApplyAllAsync(MediaTarget t, BucketBaseline b)
        {
            var plan = await Engine.PlanAsync(t, b, CancellationToken.None);
            var result = await Engine.ApplyAsync(plan, plan.Changes, new RecordingObserver<BucketChange>(), CancellationToken.None);
            Assert.Empty(result.Failed);
            return plan;
        }

        private static Task<IReadOnlyList<CheckResult>> Inspect(MediaTarget t, AccessModel model = AccessModel.Private) =>
            Recorded.Rows<CheckResult>(rows => new BucketInspector(new AwsClientFactory()).InspectAsync(t, new BucketCheckOptions { AccessModel = model }, rows, CancellationToken.None));

        [Fact]
        public async Task Creates_a_missing_bucket_in_its_region_and_reaches_the_baseline_then_has_nothing_left_to_do()
        {
            var bucket = MotoServer.NewBucketName("init");
            var target = MediaTarget.Resolve(new MediaTargetOptions
            {
                BucketName = bucket, EndpointUrl = _moto.Endpoint, Region = "eu-west-2", AccessKeyId = "AKIAMEDIAOPSTEST0001", SecretAccessKey = "s",
            }, _ => null);
            var plan = await ApplyAllAsync(target, new BucketBaseline { RequireTls = true, NoncurrentVersionExpirationDays = 30, InventoryFrequency = "Daily" });
            Assert.Equal(BucketChangeKind.CreateBucket, plan.Changes[0].Kind);
            Assert.Equal(BucketChangeKind.PutInventoryConfiguration, plan.Changes.Last().Kind);
            Assert.Contains(plan.Notes, n => n.Contains("s3.amazonaws.com") && n.Contains($"arn:aws:s3:::{bucket}/inventory/*"));

            using var s3 = new AwsClientFactory().CreateS3(target);
            Assert.Equal("eu-west-2", (await s3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket })).Location.Value);
            var rows = await Inspect(target);
            Assert.All(rows, r => Assert.Equal(CheckStatus.Pass, r.Status));
            Assert.Equal($"'mediaops-inventory': Daily CSV to s3://{bucket}/inventory", rows.Single(r => r.Check == "Inventory").Actual);
            Assert.True((await Engine.PlanAsync(target, new BucketBaseline { RequireTls = true, NoncurrentVersionExpirationDays = 30, InventoryFrequency = "Daily" }, CancellationToken.None)).IsCompliant);
            // Weekly is a change of the same configuration (same id), not a second report.
            var weekly = await ApplyAllAsync(target, new BucketBaseline { RequireTls = true, NoncurrentVersionExpirationDays = 30, InventoryFrequency = "Weekly", InventoryDestination = $"s3://{bucket}/reports" });
            Assert.Equal(BucketChangeKind.PutInventoryConfiguration, Assert.Single(weekly.Changes).Kind);
            Assert.Single((await s3.ListBucketInventoryConfigurationsAsync(new ListBucketInventoryConfigurationsRequest { BucketName = bucket })).InventoryConfigurationList);
            var config = (await s3.GetBucketInventoryConfigurationAsync(new GetBucketInventoryConfigurationRequest { BucketName = bucket, InventoryId = "mediaops-inventory" })).InventoryConfiguration;
            Assert.Equal(InventoryFrequency.Weekly, config.Schedule.Frequency);
            Assert.Equal("reports", config.Destination.S3BucketDestination.Prefix);
            Assert.Equal(new[] { "ETag", "EncryptionStatus", "IsMultipartUploaded", "LastModifiedDate", "Size" }, config.InventoryOptionalFields.Select(f => f.Value).OrderBy(f => f, System.StringComparer.Ordinal));
        }

        [Fact]
        public async Task Nothing_is_sent_when_no_change_is_approved()
        {
            var bucket = MotoServer.NewBucketName("none");
            var target = _moto.Target(bucket);
            var plan = await Engine.PlanAsync(target, new BucketBaseline(), CancellationToken.None);
            var result = await Engine.ApplyAsync(plan, new BucketChange[0], new RecordingObserver<BucketChange>(), CancellationToken.None);
            Assert.Empty(result.Applied);
            Assert.Equal(CheckStatus.Fail, (await Inspect(target)).Single(r => r.Check == "BucketExists").Status);
        }

        [Fact]
        public async Task Only_approved_changes_are_applied_and_a_declined_create_applies_nothing()
        {
            var bucket = MotoServer.NewBucketName("part");
            var target = _moto.Target(bucket);
            var plan = await Engine.PlanAsync(target, new BucketBaseline(), CancellationToken.None);
            var withoutCreate = plan.Changes.Where(c => c.Kind != BucketChangeKind.CreateBucket).ToList();
            var observer = new RecordingObserver<BucketChange>();
            var declined = await Engine.ApplyAsync(plan, withoutCreate, observer, CancellationToken.None);
            Assert.Empty(declined.Applied);
            Assert.Equal(withoutCreate.Count, declined.NotApplied.Count);
            Assert.Equal(withoutCreate.Count, observer.Warnings.Count); // each one said, as the cmdlet writes it
            Assert.Empty(observer.Rows);

            var create = plan.Changes.Where(c => c.Kind == BucketChangeKind.CreateBucket || c.Kind == BucketChangeKind.EnableVersioning).ToList();
            await Engine.ApplyAsync(plan, create, new RecordingObserver<BucketChange>(), CancellationToken.None);
            var rows = await Inspect(target);
            Assert.Equal(CheckStatus.Pass, rows.Single(r => r.Check == "Versioning").Status);
            Assert.Equal(CheckStatus.Fail, rows.Single(r => r.Check == "DefaultEncryption").Status);
        }

        [Fact]
        public async Task Public_model_merges_policy_and_lifecycle_with_what_is_already_there()
        {
            var bucket = MotoServer.NewBucketName("pub");
            var target = _moto.Target(bucket);
            using var s3 = new AwsClientFactory().CreateS3(target);
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
            await s3.PutBucketPolicyAsync(new PutBucketPolicyRequest
            {
                BucketName = bucket,
                Policy = "{\"Version\":\"2012-10-17\",\"Statement\":[" +
                         "{\"Sid\":\"Backup\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/backup\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}," +
                         "{\"Sid\":\"Everything\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}]}",
            });
            await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
            {
                BucketName = bucket,
                Configuration = new LifecycleConfiguration
                {
                    Rules = new List<LifecycleRule>
                    {
                        new LifecycleRule
                        {
                            Id = "abort-mpu", Status = LifecycleRuleStatus.Enabled,
                            Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "" } },
                            AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 7 },
                        },
                    },
                },
            });
            Assert.Equal(CheckStatus.Fail, (await Inspect(target, AccessModel.Public)).Single(r => r.Check == "BucketPolicy").Status);

            await ApplyAllAsync(target, new BucketBaseline { AccessModel = AccessModel.Public, RequireTls = true, NoncurrentVersionExpirationDays = 14 });

            var rows = await Inspect(target, AccessModel.Public);
            Assert.All(rows.Where(r => r.Check != "Inventory"), r => Assert.Equal(CheckStatus.Pass, r.Status)); // no -Inventory asked: that row is a Warning
            var policy = PolicyDocument.Parse((await s3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket })).Policy);
            Assert.Equal(new[] { "Backup", PolicyAnalyzer.PublicReadSid, PolicyAnalyzer.RequireTlsSid }, policy.Statements.Select(s => s.Sid));
            var rules = (await s3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = bucket })).Configuration.Rules;
            Assert.Equal(new[] { "abort-mpu", BucketBaseline.LifecycleRuleId }, rules.Select(r => r.Id));
            Assert.Equal(7, rules[0].AbortIncompleteMultipartUpload.DaysAfterInitiation);
            Assert.Equal(14, rules[1].NoncurrentVersionExpiration.NoncurrentDays);
        }

        [Fact]
        public async Task Kms_key_sets_sse_kms_with_a_bucket_key()
        {
            var bucket = MotoServer.NewBucketName("kms");
            var target = _moto.Target(bucket);
            await ApplyAllAsync(target, new BucketBaseline { KmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" });
            var row = (await Inspect(target)).Single(r => r.Check == "DefaultEncryption");
            Assert.Equal(CheckStatus.Pass, row.Status);
            Assert.Contains("aws:kms", row.Actual);
            Assert.Contains("bucket key", row.Actual);
        }
    }
}
