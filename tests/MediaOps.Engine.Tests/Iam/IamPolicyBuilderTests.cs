using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Xunit;
using MediaOps.Iam;
using MediaOps.Targets;

namespace MediaOps.Engine.Tests
{
    public class IamPolicyBuilderTests
    {
        private static JsonElement Build(IamPolicyOptions o) => JsonDocument.Parse(IamPolicyBuilder.Build(o)).RootElement;

        private static JsonElement Statement(JsonElement policy, string sid) =>
            policy.GetProperty("Statement").EnumerateArray().Single(s => s.GetProperty("Sid").GetString() == sid);

        private static string[] Actions(JsonElement statement) =>
            statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()).ToArray();

        [Fact]
        public void Default_is_the_reference_runbook_policy()
        {
            var p = Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = "media" });
            Assert.Equal("2012-10-17", p.GetProperty("Version").GetString());
            Assert.Equal(2, p.GetProperty("Statement").GetArrayLength());
            var list = Statement(p, "ListMediaPrefix");
            Assert.Equal(new[] { "s3:ListBucket" }, Actions(list));
            Assert.Equal("arn:aws:s3:::myapp-prod-media", list.GetProperty("Resource").GetString());
            Assert.Equal("media/*", list.GetProperty("Condition").GetProperty("StringLike").GetProperty("s3:prefix")[0].GetString());
            var objects = Statement(p, "MediaObjects");
            Assert.Equal(new[] { "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload" }, Actions(objects));
            Assert.Equal("arn:aws:s3:::myapp-prod-media/media/*", objects.GetProperty("Resource").GetString());
        }

        [Fact]
        public void ReadOnly_grants_list_and_get_only()
        {
            var p = Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = "media/", Access = PolicyAccess.ReadOnly });
            Assert.Equal(new[] { "s3:GetObject" }, Actions(Statement(p, "MediaObjects")));
            Assert.Equal(new[] { "s3:ListBucket" }, Actions(Statement(p, "ListMediaPrefix")));
        }

        [Fact]
        public void Multipart_adds_part_listing_on_objects_and_upload_listing_on_the_bucket()
        {
            var p = Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = "media", IncludeMultipart = true });
            Assert.Contains("s3:ListMultipartUploadParts", Actions(Statement(p, "MediaObjects")));
            var uploads = Statement(p, "ListMediaMultipartUploads");
            Assert.Equal(new[] { "s3:ListBucketMultipartUploads" }, Actions(uploads));
            Assert.Equal("arn:aws:s3:::myapp-prod-media", uploads.GetProperty("Resource").GetString());
        }

        [Fact]
        public void Kms_key_adds_generate_and_decrypt_on_that_key_through_s3_only_in_its_partition()
        {
            const string key = "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
            var p = Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = "media", KmsKeyArn = key });
            var kms = Statement(p, "MediaKmsKey");
            Assert.Equal(new[] { "kms:GenerateDataKey", "kms:Decrypt" }, Actions(kms));
            Assert.Equal(key, kms.GetProperty("Resource").GetString());
            Assert.Equal("s3.us-gov-west-1.amazonaws.com", kms.GetProperty("Condition").GetProperty("StringEquals").GetProperty("kms:ViaService")[0].GetString());
            Assert.Equal("arn:aws-us-gov:s3:::myapp-prod-media/media/*", Statement(p, "MediaObjects").GetProperty("Resource").GetString());

            var readOnly = Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = "media", KmsKeyArn = key, Access = PolicyAccess.ReadOnly });
            Assert.Equal(new[] { "kms:Decrypt" }, Actions(Statement(readOnly, "MediaKmsKey")));
        }

        [Theory]
        [InlineData("aws-cn", "arn:aws-cn:s3:::myapp-prod-media")]
        [InlineData("aws-us-gov", "arn:aws-us-gov:s3:::myapp-prod-media")]
        public void Partition_changes_every_arn(string partition, string bucketArn)
        {
            var p = Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = "media", Partition = partition });
            Assert.Equal(bucketArn, Statement(p, "ListMediaPrefix").GetProperty("Resource").GetString());
            Assert.StartsWith(bucketArn + "/", Statement(p, "MediaObjects").GetProperty("Resource").GetString());
        }

        [Fact]
        public void Policy_wildcards_in_a_prefix_match_literally()
        {
            var p = Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = "a*b?c$d" });
            Assert.Equal("arn:aws:s3:::myapp-prod-media/a${*}b${?}c${$}d/*", Statement(p, "MediaObjects").GetProperty("Resource").GetString());
        }

        public static IEnumerable<object[]> AllShapes()
        {
            foreach (var access in new[] { PolicyAccess.ReadWrite, PolicyAccess.ReadOnly })
            foreach (var multipart in new[] { false, true })
            foreach (var kms in new[] { null, "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd" })
            foreach (var prefix in new[] { "media", "app/uploads/" })
                if (!(multipart && access == PolicyAccess.ReadOnly))
                    yield return new object[] { access, multipart, kms, prefix };
        }

        [Theory]
        [MemberData(nameof(AllShapes))]
        public void Never_a_wildcard_action_nor_a_bucket_wide_object_resource(PolicyAccess access, bool multipart, string kms, string prefix)
        {
            var p = Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = prefix, Access = access, IncludeMultipart = multipart, KmsKeyArn = kms });
            foreach (var s in p.GetProperty("Statement").EnumerateArray())
            {
                Assert.Equal("Allow", s.GetProperty("Effect").GetString());
                Assert.All(Actions(s), a => Assert.DoesNotContain("*", a));
                var resource = s.GetProperty("Resource").GetString();
                Assert.NotEqual("*", resource);
                Assert.NotEqual("arn:aws:s3:::myapp-prod-media/*", resource);
                if (resource.StartsWith("arn:aws:s3:::myapp-prod-media/"))
                    Assert.Equal($"arn:aws:s3:::myapp-prod-media/{MediaTarget.NormalizePrefix(prefix)}*", resource);
            }
        }

        [Fact]
        public void Empty_prefix_is_refused_unless_the_whole_bucket_is_allowed_explicitly()
        {
            var ex = Assert.Throws<MediaOpsException>(() => IamPolicyBuilder.Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = "" }));
            Assert.Equal("MediaOps.PrefixRequired", ex.ErrorId);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
            Assert.Contains("-AllowWholeBucket", ex.Message);

            var p = Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = "/", AllowWholeBucket = true });
            var list = Statement(p, "ListBucket");
            Assert.False(list.TryGetProperty("Condition", out _));
            Assert.Equal("arn:aws:s3:::myapp-prod-media/*", Statement(p, "MediaObjects").GetProperty("Resource").GetString());
        }

        [Theory]
        [InlineData("arn:aws:kms:eu-west-1:123456789012:alias/media", "MediaOps.KmsAliasNotAllowed")]
        [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab", "MediaOps.InvalidKmsKeyArn")]
        public void Bad_kms_key_arns_are_refused_with_the_reason(string arn, string errorId)
        {
            var ex = Assert.Throws<MediaOpsException>(() => IamPolicyBuilder.Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = "media", KmsKeyArn = arn }));
            Assert.Equal(errorId, ex.ErrorId);
        }

        [Fact]
        public void Other_bad_input_is_InvalidArgument()
        {
            Assert.Equal("MediaOps.InvalidBucketName", Assert.Throws<MediaOpsException>(() =>
                IamPolicyBuilder.Build(new IamPolicyOptions { BucketName = "My_Bucket", Prefix = "media" })).ErrorId);
            Assert.Equal("MediaOps.MultipartNeedsWrite", Assert.Throws<MediaOpsException>(() =>
                IamPolicyBuilder.Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = "media", Access = PolicyAccess.ReadOnly, IncludeMultipart = true })).ErrorId);
            Assert.Equal("MediaOps.PartitionMismatch", Assert.Throws<MediaOpsException>(() =>
                IamPolicyBuilder.Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = "media", Partition = "aws", KmsKeyArn = "arn:aws-cn:kms:cn-north-1:123456789012:key/abc" })).ErrorId);
            Assert.Equal("MediaOps.InvalidPartition", Assert.Throws<MediaOpsException>(() =>
                IamPolicyBuilder.Build(new IamPolicyOptions { BucketName = "myapp-prod-media", Prefix = "media", Partition = "aws-eu" })).ErrorId);
        }

        [Theory]
        [InlineData("cn-northwest-1", "aws-cn")]
        [InlineData("us-gov-east-1", "aws-us-gov")]
        [InlineData("eu-central-1", "aws")]
        [InlineData(null, "aws")]
        public void Partition_follows_the_region(string region, string partition) => Assert.Equal(partition, AwsPartition.ForRegion(region));
    }
}
