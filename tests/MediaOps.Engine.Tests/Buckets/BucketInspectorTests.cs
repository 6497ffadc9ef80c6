using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;
using MediaOps.Aws;
using MediaOps.Buckets;
using MediaOps.Errors;
using MediaOps.Targets;

namespace MediaOps.Engine.Tests.Buckets
{
    /// <summary>Test-MediaBucket's engine against moto over HTTP (and moto behind <see cref="S3QuirkProxy"/>).</summary>
    [Collection("moto")]
    public class BucketInspectorTests
    {
        private readonly MotoServer _moto;
        public BucketInspectorTests(MotoServer moto) => _moto = moto;

        private static CheckResult Row(IEnumerable<CheckResult> rows, string check) => rows.Single(r => r.Check == check);

        private async Task<string> CreateBucketAsync(string region = "us-east-1", string policy = null)
        {
            var bucket = MotoServer.NewBucketName("insp");
            using var s3 = new AwsClientFactory().CreateS3(_moto.Target(bucket));
            var req = new PutBucketRequest { BucketName = bucket };
            if (region != "us-east-1") req.PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = new BucketLocationConstraint(region) };
            await s3.PutBucketAsync(req);
            if (policy != null) await s3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = policy.Replace("BUCKET", bucket) });
            return bucket;
        }

        private static Task<IReadOnlyList<CheckResult>> Inspect(MediaTarget t, BucketCheckOptions o = null) =>
            Recorded.Rows<CheckResult>(rows => new BucketInspector(new AwsClientFactory()).InspectAsync(t, o ?? new BucketCheckOptions(), rows, CancellationToken.None));

        [Fact]
        public async Task A_raw_moto_bucket_fails_the_baseline_and_says_why_moto_differs_from_aws()
        {
            var bucket = await CreateBucketAsync();
            var rows = await Inspect(_moto.Target(bucket));
            Assert.Equal(BucketEvaluator.CheckNames, rows.Select(r => r.Check));
            Assert.Equal(CheckStatus.Pass, Row(rows, "BucketExists").Status);
            Assert.Equal(CheckStatus.Pass, Row(rows, "Region").Status);
            foreach (var check in new[] { "Versioning", "DefaultEncryption", "PublicAccessBlock", "ObjectOwnership" })
                Assert.Equal(CheckStatus.Fail, Row(rows, check).Status);
            foreach (var check in new[] { "DefaultEncryption", "PublicAccessBlock", "ObjectOwnership" })
                Assert.Contains("AWS has applied", Row(rows, check).Message);
            Assert.Equal(CheckStatus.Pass, Row(rows, "BucketPolicy").Status);
            Assert.Equal(CheckStatus.Warning, Row(rows, "SecureTransport").Status);
            Assert.Equal(CheckStatus.Skipped, Row(rows, "NoncurrentVersionLifecycle").Status);
        }

        [Fact]
        public async Task A_missing_bucket_is_one_fail_row_and_skipped_rows_not_an_exception()
        {
            var rows = await Inspect(_moto.Target(MotoServer.NewBucketName("gone")));
            Assert.Equal(CheckStatus.Fail, Row(rows, "BucketExists").Status);
            Assert.Single(rows, r => r.Status == CheckStatus.Fail);
            Assert.All(rows.Where(r => r.Check != "BucketExists" && r.Check != "Prefix"), r => Assert.Equal(CheckStatus.Skipped, r.Status));
        }

        [Fact]
        public async Task A_bucket_in_another_region_is_a_region_fail_naming_the_real_region()
        {
            var bucket = await CreateBucketAsync("eu-west-2");
            var row = Row(await Inspect(_moto.Target(bucket)), "Region");
            Assert.Equal(CheckStatus.Fail, row.Status);
            Assert.Equal("eu-west-2", row.Actual);
            Assert.Contains("-Region eu-west-2", row.Message);
            var expected = Row(await Inspect(_moto.Target(bucket), new BucketCheckOptions { ExpectedRegion = "eu-west-2" }), "Region");
            Assert.Equal(CheckStatus.Pass, expected.Status);
        }

        [Fact]
        public async Task A_public_read_policy_fails_the_private_model()
        {
            var bucket = await CreateBucketAsync(policy:
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"PublicRead\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::BUCKET/*\"}]}");
            var row = Row(await Inspect(_moto.Target(bucket)), "BucketPolicy");
            Assert.Equal(CheckStatus.Fail, row.Status);
            Assert.Contains("'PublicRead'", row.Message);
            // Public model: the same bucket-wide grant reaches beyond media/ and still fails.
            var pub = Row(await Inspect(_moto.Target(bucket), new BucketCheckOptions { AccessModel = AccessModel.Public }), "BucketPolicy");
            Assert.Equal(CheckStatus.Fail, pub.Status);
            Assert.Contains("outside 'media/'", pub.Message);
        }

        [Fact]
        public async Task A_prefix_scoped_public_read_passes_the_public_model()
        {
            var bucket = await CreateBucketAsync(policy:
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"MediaRead\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":[\"s3:GetObject\"],\"Resource\":[\"arn:aws:s3:::BUCKET/media/*\"]}," +
                "{\"Sid\":\"Tls\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::BUCKET\",\"arn:aws:s3:::BUCKET/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}");
            var rows = await Inspect(_moto.Target(bucket), new BucketCheckOptions { AccessModel = AccessModel.Public });
            Assert.Equal(CheckStatus.Pass, Row(rows, "BucketPolicy").Status);
            Assert.Equal(CheckStatus.Pass, Row(rows, "SecureTransport").Status);
            Assert.Contains("'Tls'", Row(rows, "SecureTransport").Actual);
        }

        // A client in us-east-1 that reaches the bucket through the quirk proxy (AWS-style redirects and errors).
        private static MediaTarget TargetThrough(S3QuirkProxy proxy, string bucket) => MediaTarget.Resolve(new MediaTargetOptions
        {
            BucketName = bucket, EndpointUrl = proxy.Endpoint, Region = "us-east-1",
            AccessKeyId = "AKIAMEDIAOPSTEST0001", SecretAccessKey = "test-secret",
        }, _ => null);

        [Fact]
        public async Task A_redirect_to_the_real_region_is_followed_and_named()
        {
            var bucket = await CreateBucketAsync("eu-west-1");
            using var proxy = new S3QuirkProxy(_moto.Endpoint) { BucketRegion = "eu-west-1" };
            var target = TargetThrough(proxy, bucket);
            var rows = await Inspect(target);
            var region = Row(rows, "Region");
            Assert.Equal(CheckStatus.Fail, region.Status);
            Assert.Equal("eu-west-1", region.Actual);
            Assert.Contains("redirected", region.Message);
            Assert.Contains("-Region eu-west-1", region.Message);
            // The other settings were read from the real region, not reported as errors.
            Assert.Equal(CheckStatus.Fail, Row(rows, "Versioning").Status);
            Assert.DoesNotContain(rows, r => r.Status == CheckStatus.Error);
        }

        [Fact]
        public async Task Authorization_header_malformed_names_the_real_region_in_the_error()
        {
            var bucket = await CreateBucketAsync("eu-west-1");
            using var proxy = new S3QuirkProxy(_moto.Endpoint) { BucketRegion = "eu-west-1" };
            var target = TargetThrough(proxy, bucket);
            using var s3 = new AwsClientFactory().CreateS3(target);
            var ex = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }));
            var translated = Assert.IsType<MediaOpsException>(S3ErrorTranslator.Translate(ex, bucket));
            Assert.Equal(FailureKind.WrongRegion, translated.Kind);
            Assert.Contains("'eu-west-1'", translated.Message);
        }

        [Fact]
        public async Task Not_implemented_subresources_are_skipped_as_not_supported()
        {
            var bucket = await CreateBucketAsync();
            using var proxy = new S3QuirkProxy(_moto.Endpoint);
            proxy.NotImplemented.Add("ownershipControls");
            proxy.NotImplemented.Add("publicAccessBlock");
            var target = TargetThrough(proxy, bucket);
            var rows = await Inspect(target);
            foreach (var check in new[] { "ObjectOwnership", "PublicAccessBlock" })
            {
                Assert.Equal(CheckStatus.Skipped, Row(rows, check).Status);
                Assert.Equal("not supported by this endpoint", Row(rows, check).Actual);
            }
            Assert.Equal(CheckStatus.Fail, Row(rows, "Versioning").Status);
            Assert.Contains(proxy.Seen, s => s.Contains("ownershipControls"));
        }

        [Fact]
        public async Task Bad_credentials_stop_the_whole_check_with_an_authentication_error()
        {
            // moto accepts any key unless IAM is enforced; with IAM on, an unknown key is InvalidAccessKeyId.
            using var iam = MotoServer.StartWithIam(0);
            var target = MediaTarget.Resolve(new MediaTargetOptions
            {
                BucketName = "any-bucket-name", EndpointUrl = iam.Endpoint, Region = "us-east-1",
                AccessKeyId = "AKIAUNKNOWNKEY000001", SecretAccessKey = "nope",
            }, _ => null);
            var ex = await Assert.ThrowsAsync<MediaOpsException>(() => Inspect(target));
            Assert.Equal(FailureKind.Authentication, ex.Kind);
        }
    }
}
