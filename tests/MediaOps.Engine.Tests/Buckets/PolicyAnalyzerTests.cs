using System.Linq;
using MediaOps.Buckets;
using Xunit;

namespace MediaOps.Engine.Tests.Buckets
{
    public class PolicyAnalyzerTests
    {
        private const string Bucket = "myapp-prod-media";

        private static PolicyDocument Policy(params string[] statements) =>
            PolicyDocument.Parse("{\"Version\":\"2012-10-17\",\"Statement\":[" + string.Join(",", statements) + "]}");

        private static string Allow(string principal, string action, string resource, string condition = null) =>
            $"{{\"Sid\":\"S\",\"Effect\":\"Allow\",\"Principal\":{principal},\"Action\":{action},\"Resource\":{resource}{(condition == null ? "" : ",\"Condition\":" + condition)}}}";

        [Theory]
        [InlineData("\"*\"", "\"s3:GetObject\"", "\"arn:aws:s3:::myapp-prod-media/*\"")]
        [InlineData("{\"AWS\":\"*\"}", "\"s3:GetObject\"", "\"arn:aws:s3:::myapp-prod-media/*\"")]
        [InlineData("{\"AWS\":[\"*\"]}", "[\"s3:Get*\"]", "[\"arn:aws:s3:::myapp-prod-media/media/*\"]")]
        [InlineData("\"*\"", "\"s3:*\"", "\"*\"")]
        public void Anonymous_read_is_a_public_grant(string principal, string action, string resource)
        {
            var grants = PolicyAnalyzer.PublicGrants(Policy(Allow(principal, action, resource)), Bucket, "media/");
            Assert.Single(grants);
            Assert.True(grants[0].GrantsRead);
        }

        [Theory]
        [InlineData("{\"AWS\":\"arn:aws:iam::123456789012:role/app\"}", "\"s3:GetObject\"", "\"arn:aws:s3:::myapp-prod-media/*\"", null)]
        [InlineData("\"*\"", "\"s3:GetObject\"", "\"arn:aws:s3:::myapp-prod-media/*\"", "{\"StringEquals\":{\"aws:SourceVpce\":\"vpce-1a2b3c4d\"}}")]
        [InlineData("\"*\"", "\"s3:GetObject\"", "\"arn:aws:s3:::myapp-prod-media/*\"", "{\"StringEquals\":{\"aws:PrincipalOrgID\":[\"o-abc123\"]}}")]
        [InlineData("\"*\"", "\"s3:GetObject\"", "\"arn:aws:s3:::myapp-prod-media/*\"", "{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}")]
        [InlineData("\"*\"", "\"s3:GetObject\"", "\"arn:aws:s3:::other-bucket/*\"", null)]
        [InlineData("\"*\"", "\"s3:PutBucketTagging\"", "\"arn:aws:s3:::myapp-prod-media\"", null)]
        public void Named_principals_restricting_conditions_and_other_buckets_are_not_public(string principal, string action, string resource, string condition) =>
            Assert.Empty(PolicyAnalyzer.PublicGrants(Policy(Allow(principal, action, resource, condition)), Bucket, "media/"));

        [Theory]
        [InlineData("{\"StringNotEquals\":{\"aws:SourceVpce\":\"vpce-1\"}}")]
        [InlineData("{\"StringEqualsIfExists\":{\"aws:SourceVpce\":\"vpce-1\"}}")]
        [InlineData("{\"StringLike\":{\"aws:SourceArn\":\"*\"}}")]
        [InlineData("{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}")]
        [InlineData("{\"StringLike\":{\"aws:Referer\":\"https://example.com/*\"}}")]
        [InlineData("{\"Bool\":{\"aws:SecureTransport\":\"true\"}}")]
        public void Conditions_that_anyone_can_meet_do_not_make_a_grant_private(string condition) =>
            Assert.Single(PolicyAnalyzer.PublicGrants(Policy(Allow("\"*\"", "\"s3:GetObject\"", "\"arn:aws:s3:::myapp-prod-media/*\"", condition)), Bucket, "media/"));

        [Theory]
        [InlineData("\"arn:aws:s3:::myapp-prod-media/media/*\"", true)]
        [InlineData("[\"arn:aws:s3:::myapp-prod-media/media/*\",\"arn:aws:s3:::myapp-prod-media/media/thumbs/*\"]", true)]
        [InlineData("\"arn:aws:s3:::myapp-prod-media/*\"", false)]
        [InlineData("\"arn:aws:s3:::myapp-prod-media/med*\"", false)]
        [InlineData("\"arn:aws:s3:::myapp-prod-media*\"", false)]
        [InlineData("\"*\"", false)]
        public void Public_read_is_scoped_only_when_every_resource_is_inside_the_prefix(string resource, bool scoped)
        {
            var g = PolicyAnalyzer.PublicGrants(Policy(Allow("\"*\"", "\"s3:GetObject\"", resource)), Bucket, "media/").Single();
            Assert.Equal(scoped, g.ScopedToPrefix);
            Assert.False(g.GrantsMoreThanRead);
        }

        [Theory]
        [InlineData("\"s3:*\"")]
        [InlineData("[\"s3:GetObject\",\"s3:PutObject\"]")]
        [InlineData("\"s3:Delete*\"")]
        public void Public_write_is_flagged_even_on_the_prefix(string action)
        {
            var g = PolicyAnalyzer.PublicGrants(Policy(Allow("\"*\"", action, "\"arn:aws:s3:::myapp-prod-media/media/*\"")), Bucket, "media/").Single();
            Assert.True(g.GrantsMoreThanRead);
        }

        [Fact]
        public void Not_action_allow_to_everyone_counts_as_public_read()
        {
            var p = Policy("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":\"s3:DeleteObject\",\"Resource\":\"arn:aws:s3:::myapp-prod-media/*\"}");
            var g = PolicyAnalyzer.PublicGrants(p, Bucket, "media/").Single();
            Assert.True(g.GrantsRead);
            Assert.True(g.GrantsMoreThanRead);
        }

        [Fact]
        public void The_generated_statements_are_recognised()
        {
            var p = PolicyDocument.Empty.WithStatements(new[] { PolicyAnalyzer.PublicReadStatement(Bucket, "media/"), PolicyAnalyzer.RequireTlsStatement(Bucket) });
            var reparsed = PolicyDocument.Parse(p.ToJson());
            var g = PolicyAnalyzer.PublicGrants(reparsed, Bucket, "media/").Single();
            Assert.True(g.ScopedToPrefix);
            Assert.NotNull(PolicyAnalyzer.SecureTransportDeny(reparsed, Bucket, "media/"));
        }

        [Theory]
        [InlineData("{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::myapp-prod-media/*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":false}}}", true)]
        [InlineData("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":[\"arn:aws:s3:::myapp-prod-media\",\"arn:aws:s3:::myapp-prod-media/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}", true)]
        [InlineData("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::myapp-prod-media/*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}", false)]
        [InlineData("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::other/*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}", false)]
        [InlineData("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::myapp-prod-media/*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}", false)]
        public void Secure_transport_deny_is_detected(string statement, bool present) =>
            Assert.Equal(present, PolicyAnalyzer.SecureTransportDeny(Policy(statement), Bucket, "media/") != null);

        [Fact]
        public void Merging_keeps_foreign_statements_intact()
        {
            var foreign = "{\"Sid\":\"CloudFront\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudfront.amazonaws.com\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::myapp-prod-media/*\"}";
            var merged = Policy(foreign).WithStatements(Policy(foreign).Statements.Concat(new[] { PolicyAnalyzer.RequireTlsStatement(Bucket) }));
            var json = merged.ToJson();
            var again = PolicyDocument.Parse(json);
            Assert.Equal(2, again.Statements.Count);
            Assert.Equal("CloudFront", again.Statements[0].Sid);
            Assert.Equal(new[] { "cloudfront.amazonaws.com" }, again.Statements[0].Principals);
            Assert.Equal(new[] { "arn:aws:s3:::myapp-prod-media/*" }, again.Statements[0].Resources);
            Assert.Equal(PolicyAnalyzer.RequireTlsSid, again.Statements[1].Sid);
        }

        [Fact]
        public void Invalid_json_is_a_format_error() => Assert.Throws<System.FormatException>(() => PolicyDocument.Parse("{not json"));
    }
}
