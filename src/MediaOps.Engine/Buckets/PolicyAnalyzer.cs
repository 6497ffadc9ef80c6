using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace MediaOps.Buckets
{
    /// <summary>
    /// Answers the questions a media bucket's policy raises: who can read anonymously, and where;
    /// who can write anonymously; is plain HTTP denied. Pure logic, no S3 calls.
    /// </summary>
    public static class PolicyAnalyzer
    {
        /// <summary>The object read a public media URL needs.</summary>
        public const string ReadAction = "s3:GetObject";

        // Anything beyond reading objects that a public grant must never include.
        private static readonly string[] SensitiveActions =
        {
            "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl", "s3:RestoreObject",
            "s3:ListBucket", "s3:ListBucketVersions", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:DeleteBucket",
            "s3:PutBucketAcl", "s3:PutBucketPublicAccessBlock", "s3:PutLifecycleConfiguration", "s3:PutEncryptionConfiguration",
        };

        // Condition keys that pin a grant to a known network, account or principal: AWS itself
        // does not count a statement restricted by one of these (with a fixed value) as public.
        private static readonly HashSet<string> RestrictingKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "aws:SourceVpce", "aws:SourceVpc", "aws:SourceIp", "aws:VpcSourceIp", "aws:SourceArn", "aws:SourceAccount",
            "aws:SourceOwner", "aws:SourceOrgID", "aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalArn",
            "aws:userid", "aws:PrincipalServiceName", "s3:DataAccessPointArn", "s3:DataAccessPointAccount",
        };

        /// <summary>A public grant found in a policy, with why it matters.</summary>
        public sealed class PublicGrant
        {
            public PublicGrant(PolicyStatement statement, bool grantsRead, bool grantsMoreThanRead, bool scopedToPrefix)
            {
                Statement = statement;
                GrantsRead = grantsRead;
                GrantsMoreThanRead = grantsMoreThanRead;
                ScopedToPrefix = scopedToPrefix;
            }

            public PolicyStatement Statement { get; }
            public bool GrantsRead { get; }
            /// <summary>Write, delete, list or policy changes: never acceptable for anonymous callers.</summary>
            public bool GrantsMoreThanRead { get; }
            /// <summary>Every resource lies inside <c>arn:aws:s3:::bucket/prefix</c>.</summary>
            public bool ScopedToPrefix { get; }
        }

        /// <summary>Allow statements that reach anonymous callers on this bucket and are not pinned by a restricting condition.</summary>
        public static IReadOnlyList<PublicGrant> PublicGrants(PolicyDocument policy, string bucket, string prefix)
        {
            var grants = new List<PublicGrant>();
            foreach (var s in policy.Statements)
            {
                if (!s.IsAllow || !s.IsPublicPrincipal) continue;
                if (RestrictingCondition(s) != null) continue;
                if (!AppliesToBucket(s, bucket)) continue;
                var read = CoversAction(s, ReadAction);
                var more = SensitiveActions.Any(a => CoversAction(s, a));
                if (!read && !more) continue;
                grants.Add(new PublicGrant(s, read, more, !string.IsNullOrEmpty(prefix) && ScopedTo(s, bucket, prefix)));
            }
            return grants;
        }

        /// <summary>The condition key that keeps a statement from being public, or null when none does.</summary>
        public static string RestrictingCondition(PolicyStatement s)
        {
            foreach (var c in s.Conditions)
            {
                if (!RestrictingKeys.Contains(c.Key)) continue;
                var op = c.Operator;
                var colon = op.IndexOf(':');
                if (colon >= 0) op = op.Substring(colon + 1); // ForAnyValue:/ForAllValues:
                // Negated operators and *IfExists let callers without the key through; Null tests presence only.
                if (op.IndexOf("Not", StringComparison.OrdinalIgnoreCase) >= 0 || op.EndsWith("IfExists", StringComparison.OrdinalIgnoreCase)
                    || op.Equals("Null", StringComparison.OrdinalIgnoreCase))
                    continue;
                if (c.Values.Count == 0 || c.Values.Any(IsOpenValue)) continue;
                return c.Key;
            }
            return null;
        }

        /// <summary>A Deny for everyone on the bucket's objects when aws:SecureTransport is false.</summary>
        public static PolicyStatement SecureTransportDeny(PolicyDocument policy, string bucket, string prefix)
        {
            var sampleKey = $"{prefix}mediaops-sample.jpg";
            foreach (var s in policy.Statements)
            {
                if (!s.IsDeny || !s.Principals.Contains("*") || s.UsesNotPrincipal) continue;
                if (!CoversAction(s, "s3:GetObject") || !CoversAction(s, "s3:PutObject")) continue;
                if (!CoversResource(s, ObjectArn(bucket, sampleKey))) continue;
                var tls = s.Conditions.FirstOrDefault(c =>
                    string.Equals(c.Key, "aws:SecureTransport", StringComparison.OrdinalIgnoreCase)
                    && (c.Operator.Equals("Bool", StringComparison.OrdinalIgnoreCase) || c.Operator.Equals("BoolIfExists", StringComparison.OrdinalIgnoreCase))
                    && c.Values.Any(v => string.Equals(v, "false", StringComparison.OrdinalIgnoreCase)));
                if (tls != null && s.Conditions.Count == 1) return s;
            }
            return null;
        }

        /// <summary>The statement Initialize-MediaBucket -AccessModel Public adds: anonymous s3:GetObject on prefix* only.</summary>
        public static PolicyStatement PublicReadStatement(string bucket, string prefix) => PolicyStatement.Create(
            "{\"Sid\":\"" + PublicReadSid + "\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\"," +
            "\"Resource\":\"" + ObjectArn(bucket, prefix + "*") + "\"}");

        /// <summary>The statement -RequireTls adds: deny every request over plain HTTP.</summary>
        public static PolicyStatement RequireTlsStatement(string bucket) => PolicyStatement.Create(
            "{\"Sid\":\"" + RequireTlsSid + "\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\"," +
            "\"Resource\":[\"" + BucketArn(bucket) + "\",\"" + ObjectArn(bucket, "*") + "\"]," +
            "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}");

        public const string PublicReadSid = "MediaOpsPublicReadMedia";
        public const string RequireTlsSid = "MediaOpsDenyInsecureTransport";

        public static string BucketArn(string bucket) => "arn:aws:s3:::" + bucket;
        public static string ObjectArn(string bucket, string key) => $"arn:aws:s3:::{bucket}/{key}";

        /// <summary>True when a statement's actions include <paramref name="action"/> (wildcards, NotAction).</summary>
        public static bool CoversAction(PolicyStatement s, string action)
        {
            var listed = s.Actions.Any(a => Glob(a, action, ignoreCase: true));
            return s.UsesNotAction ? !listed : listed;
        }

        /// <summary>True when a statement's resources include the ARN (wildcards, NotResource; any partition).</summary>
        public static bool CoversResource(PolicyStatement s, string arn)
        {
            var listed = s.Resources.Any(r => Glob(NormalizePartition(r), arn, ignoreCase: false));
            return s.UsesNotResource ? !listed : listed;
        }

        private static bool AppliesToBucket(PolicyStatement s, string bucket) =>
            s.UsesNotResource || s.Resources.Any(r => NormalizePartition(r) is var n && (Glob(n, BucketArn(bucket), false) || TouchesObjects(n, bucket)));

        // Scoped when the literal part (up to the first wildcard) of every resource that reaches this
        // bucket's objects lies inside bucket/prefix.
        private static bool ScopedTo(PolicyStatement s, string bucket, string prefix)
        {
            if (s.UsesNotResource) return false;
            var objectResources = s.Resources.Select(NormalizePartition).Where(n => TouchesObjects(n, bucket)).ToList();
            var inside = ObjectArn(bucket, prefix);
            return objectResources.Count > 0 && objectResources.All(n => Literal(n).StartsWith(inside, StringComparison.Ordinal));
        }

        private static bool TouchesObjects(string resource, string bucket)
        {
            var root = ObjectArn(bucket, "");
            var literal = Literal(resource);
            var wildcard = literal.Length < resource.Length;
            return literal.StartsWith(root, StringComparison.Ordinal) || (wildcard && root.StartsWith(literal, StringComparison.Ordinal));
        }

        private static string Literal(string resource)
        {
            var wild = resource.IndexOfAny(new[] { '*', '?' });
            return wild < 0 ? resource : resource.Substring(0, wild);
        }

        private static bool IsOpenValue(string v) =>
            v == null || v.IndexOf('*') >= 0 || v == "0.0.0.0/0" || v == "::/0";

        private static string NormalizePartition(string arn) =>
            Regex.Replace(arn ?? "", "^arn:aws(-[a-z]+)*:s3:", "arn:aws:s3:");

        /// <summary>IAM-style wildcard match: '*' any run of characters, '?' one character.</summary>
        public static bool Glob(string pattern, string value, bool ignoreCase)
        {
            if (pattern == null || value == null) return false;
            var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$";
            return Regex.IsMatch(value, regex, (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.Singleline | RegexOptions.CultureInvariant);
        }
    }
}
