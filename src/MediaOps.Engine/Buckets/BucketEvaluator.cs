using System;
using System.Collections.Generic;
using System.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Targets;

namespace MediaOps.Buckets
{
    /// <summary>
    /// Turns a <see cref="BucketState"/> into Test-MediaBucket's rows, always in the same order.
    /// Pure: no S3 calls, so every rule is unit-tested on hand-made states.
    /// </summary>
    public static class BucketEvaluator
    {
        public static readonly IReadOnlyList<string> CheckNames = new[]
        {
            "BucketExists", "Region", "Versioning", "DefaultEncryption", "PublicAccessBlock",
            "ObjectOwnership", "BucketPolicy", "SecureTransport", "Prefix", "NoncurrentVersionLifecycle",
            "Inventory",
        };

        public static IReadOnlyList<CheckResult> Evaluate(BucketState state, string prefix, BucketCheckOptions options)
        {
            options = options ?? new BucketCheckOptions();
            var ctx = new Context(state, prefix ?? "", options);
            return new[]
            {
                ctx.BucketExists(), ctx.Region(), ctx.Versioning(), ctx.DefaultEncryption(), ctx.PublicAccessBlock(),
                ctx.ObjectOwnership(), ctx.BucketPolicy(), ctx.SecureTransport(), ctx.Prefix(), ctx.NoncurrentVersionLifecycle(),
                ctx.Inventory(),
            };
        }

        private sealed class Context
        {
            private readonly BucketState _s;
            private readonly string _prefix;
            private readonly BucketCheckOptions _o;
            private readonly string _uri;
            private readonly bool _public;
            private PolicyDocument _policy;
            private string _policyProblem;

            public Context(BucketState state, string prefix, BucketCheckOptions options)
            {
                _s = state;
                _prefix = prefix;
                _o = options;
                _uri = $"s3://{state.BucketName}/{prefix}";
                _public = options.AccessModel == AccessModel.Public;
                if (state.Policy != null && state.Policy.IsRead)
                {
                    try { _policy = PolicyDocument.Parse(state.Policy.Value); }
                    catch (FormatException ex) { _policyProblem = ex.Message; }
                }
                else if (state.Policy != null && state.Policy.Outcome == ReadOutcome.NotConfigured) _policy = PolicyDocument.Empty;
            }

            private CheckResult Row(string check, CheckStatus status, string expected, string actual, string message) =>
                new CheckResult(_uri, check, status, expected, actual, message);

            /// <summary>The row for a setting that could not be read: Skipped (denied, unsupported, no bucket) or Error.</summary>
            private CheckResult Unread<T>(string check, string expected, Observed<T> o)
            {
                switch (o.Outcome)
                {
                    case ReadOutcome.Denied:
                        return Row(check, CheckStatus.Skipped, expected, $"access denied ({o.Permission})",
                            $"The credentials in use lack {o.Permission}, so this setting could not be read. That is expected for a least-privilege app role; run Test-MediaBucket as an administrator or auditor to verify it.");
                    case ReadOutcome.NotSupported:
                        return Row(check, CheckStatus.Skipped, expected, "not supported by this endpoint",
                            (o.Error != null ? o.Error + " " : $"This S3-compatible endpoint does not implement the call behind {o.Permission}; ") +
                            "Check the setting in the provider's own console or documentation (see docs/s3-compatible.md).");
                    case ReadOutcome.Failed:
                        return Row(check, CheckStatus.Error, expected, "read failed", o.Error);
                    default:
                        return Row(check, CheckStatus.Skipped, expected, "not checked", SkipReason());
                }
            }

            private string SkipReason() => _s.Exists == false
                ? $"Bucket '{_s.BucketName}' does not exist, so there is nothing to check. Create it with Initialize-MediaBucket."
                : "Not checked.";

            private string AwsDefaultNote(string what) => _s.IsCustomEndpoint
                ? $" AWS has applied {what} to every new bucket since 2023 and would report it here; this endpoint (moto or another S3-compatible server) reports the bucket as unconfigured."
                : $" AWS applies {what} to new buckets since 2023, so this bucket was created earlier or the setting was removed.";

            public CheckResult BucketExists()
            {
                if (_s.Exists == true)
                    return Row("BucketExists", CheckStatus.Pass, "exists", "exists", $"Bucket found ({_s.ExistenceNote}).");
                if (_s.Exists == false)
                    return Row("BucketExists", CheckStatus.Fail, "exists", "missing",
                        $"Bucket '{_s.BucketName}' does not exist. Check -BucketName (or AWS_STORAGE_BUCKET_NAME), or create it with Initialize-MediaBucket.");
                return Row("BucketExists", CheckStatus.Skipped, "exists", $"access denied ({BucketReader.PermHeadBucket})",
                    $"Could not tell whether the bucket exists: {_s.ExistenceNote}. The credentials lack {BucketReader.PermHeadBucket} on the bucket and on '{_prefix}'.");
            }

            public CheckResult Region()
            {
                var expected = string.IsNullOrEmpty(_o.ExpectedRegion) ? (_s.RedirectedFromRegion ?? _s.ClientRegion) : _o.ExpectedRegion;
                if (_s.RedirectedFromRegion != null)
                {
                    var real = _s.Region != null && _s.Region.IsRead ? _s.Region.Value : _s.ClientRegion;
                    return Row("Region", CheckStatus.Fail, expected, real,
                        $"Requests signed for '{_s.RedirectedFromRegion}' were redirected: the bucket is in '{real}'. Pass -Region {real} (or set AWS_S3_REGION_NAME={real}) so the app and MediaOps talk to the right region; the other rows were read from '{real}'.");
                }
                if (_s.Region == null || !_s.Region.IsRead) return Unread("Region", expected, _s.Region ?? Observed<string>.Skipped(BucketReader.PermLocation));
                var actual = _s.Region.Value;
                if (_s.IsCustomEndpoint && string.IsNullOrEmpty(_o.ExpectedRegion) && !BucketState.IsAwsRegionName(actual))
                    return Row("Region", CheckStatus.Skipped, expected, actual,
                        $"This S3-compatible endpoint names its location '{actual}' (Ceph radosgw: the zone group), not an AWS region, and accepts requests signed for '{expected}'. Pass -ExpectedRegion to require a name.");
                if (string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                    return Row("Region", CheckStatus.Pass, expected, actual, $"The bucket is in '{actual}'.");
                var hint = string.IsNullOrEmpty(_o.ExpectedRegion)
                    ? $"Requests use '{expected}'. Set AWS_S3_REGION_NAME={actual} (or pass -Region {actual}) so signed URLs and uploads go to the bucket's own region."
                    : $"Expected '{expected}'. Use a bucket in '{expected}', or change -ExpectedRegion and AWS_S3_REGION_NAME to '{actual}'.";
                return Row("Region", CheckStatus.Fail, expected, actual, $"The bucket is in '{actual}'. {hint}");
            }

            public CheckResult Versioning()
            {
                var o = _s.Versioning;
                if (o == null || !o.IsKnown) return Unread("Versioning", "Enabled", o ?? Observed<string>.Skipped(BucketReader.PermVersioning));
                var status = o.IsRead && !string.IsNullOrEmpty(o.Value) ? o.Value : "Off";
                if (status == "Enabled")
                    return Row("Versioning", CheckStatus.Pass, "Enabled", status, "Overwritten or deleted media can be recovered from earlier versions.");
                return Row("Versioning", CheckStatus.Fail, "Enabled", status,
                    "Without versioning an overwrite or delete (a bug, a bad sync -Delete) loses the file for good. Enable it with Initialize-MediaBucket.");
            }

            public CheckResult DefaultEncryption()
            {
                var o = _s.Encryption;
                const string expected = "AES256 or aws:kms";
                if (o == null || !o.IsKnown) return Unread("DefaultEncryption", expected, o ?? Observed<EncryptionSetting>.Skipped(BucketReader.PermEncryption));
                if (o.Outcome == ReadOutcome.NotConfigured || o.Value?.Algorithm == null)
                    return Row("DefaultEncryption", CheckStatus.Fail, expected, "none",
                        "No default encryption configuration." + AwsDefaultNote("SSE-S3 (AES256) default encryption") +
                        " Set it explicitly with Initialize-MediaBucket (or -KmsKeyId for SSE-KMS).");
                var e = o.Value;
                var actual = e.IsKms ? $"{e.Algorithm} ({e.KmsKeyId ?? "aws/s3 key"}{(e.BucketKeyEnabled ? ", bucket key" : "")})" : e.Algorithm;
                var message = e.IsKms && !e.BucketKeyEnabled
                    ? "SSE-KMS without an S3 Bucket Key: every object read and write is a KMS request (cost, throttling). Initialize-MediaBucket -KmsKeyId turns the bucket key on."
                    : "New objects are encrypted at rest by default.";
                return Row("DefaultEncryption", CheckStatus.Pass, expected, actual, message);
            }

            public CheckResult PublicAccessBlock()
            {
                var o = _s.PublicAccessBlock;
                var want = _public ? PublicAccessBlockFlags.AclsOnly : PublicAccessBlockFlags.AllOn;
                var expected = _public ? "ACL flags on, policy flags off" : "all four on";
                if (o == null || !o.IsKnown) return Unread("PublicAccessBlock", expected, o ?? Observed<PublicAccessBlockFlags>.Skipped(BucketReader.PermPublicAccessBlock));
                if (o.Outcome == ReadOutcome.NotConfigured)
                    return Row("PublicAccessBlock", CheckStatus.Fail, expected, "none",
                        "The bucket has no Block Public Access configuration, so a public ACL or policy would take effect." +
                        AwsDefaultNote("all four Block Public Access settings") + " (An account-level setting may still apply.) Run Initialize-MediaBucket" + (_public ? " -AccessModel Public." : "."));
                var f = o.Value;
                var actual = $"{Flag(f.BlockPublicAcls)}{Flag(f.IgnorePublicAcls)}{Flag(f.BlockPublicPolicy)}{Flag(f.RestrictPublicBuckets)} (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets)";
                if (f.SameAs(want))
                    return Row("PublicAccessBlock", CheckStatus.Pass, expected, actual,
                        _public ? "ACLs stay blocked; the bucket policy may grant public read on the prefix." : "Nothing in this bucket can be made public by an ACL or a policy.");
                if (_public && f.BlockPublicAcls && f.IgnorePublicAcls)
                    return Row("PublicAccessBlock", CheckStatus.Fail, expected, actual,
                        "BlockPublicPolicy/RestrictPublicBuckets are on, so the public-read policy the Public model needs is refused or ignored: media URLs will answer 403. Run Initialize-MediaBucket -AccessModel Public, or use -AccessModel Private with signed URLs.");
                var off = new List<string>();
                if (!f.BlockPublicAcls) off.Add("BlockPublicAcls");
                if (!f.IgnorePublicAcls) off.Add("IgnorePublicAcls");
                if (!_public && !f.BlockPublicPolicy) off.Add("BlockPublicPolicy");
                if (!_public && !f.RestrictPublicBuckets) off.Add("RestrictPublicBuckets");
                return Row("PublicAccessBlock", CheckStatus.Fail, expected, actual,
                    $"{string.Join(", ", off)} {(off.Count == 1 ? "is" : "are")} off, so objects can be made public{(_public ? " through ACLs" : "")}. Run Initialize-MediaBucket{(_public ? " -AccessModel Public" : "")} to turn {(off.Count == 1 ? "it" : "them")} on.");
            }

            private static string Flag(bool on) => on ? "1" : "0";

            public CheckResult ObjectOwnership()
            {
                var o = _s.ObjectOwnership;
                if (o == null || !o.IsKnown) return Unread("ObjectOwnership", "BucketOwnerEnforced", o ?? Observed<string>.Skipped(BucketReader.PermOwnership));
                if (o.Outcome == ReadOutcome.NotConfigured)
                    return Row("ObjectOwnership", CheckStatus.Fail, "BucketOwnerEnforced", "none",
                        "No ownership controls: ACLs are active and uploads could carry public or foreign-owner ACLs." +
                        AwsDefaultNote("BucketOwnerEnforced (ACLs disabled)") + " Run Initialize-MediaBucket.");
                if (o.Value == "BucketOwnerEnforced")
                    return Row("ObjectOwnership", CheckStatus.Pass, "BucketOwnerEnforced", o.Value, "ACLs are disabled; the bucket owner owns every object.");
                return Row("ObjectOwnership", CheckStatus.Fail, "BucketOwnerEnforced", o.Value,
                    "ACLs are still in effect. Use BucketOwnerEnforced (Initialize-MediaBucket) and keep AWS_DEFAULT_ACL = None in Django.");
            }

            public CheckResult BucketPolicy()
            {
                var expected = _public ? $"public s3:GetObject on {_prefix}* only" : "no public grant";
                if (_policyProblem != null)
                    return Row("BucketPolicy", CheckStatus.Error, expected, "unreadable policy", _policyProblem);
                if (_policy == null) return Unread("BucketPolicy", expected, _s.Policy ?? Observed<string>.Skipped(BucketReader.PermPolicy));
                var grants = PolicyAnalyzer.PublicGrants(_policy, _s.BucketName, _prefix);
                var writes = grants.Where(g => g.GrantsMoreThanRead).ToList();
                if (writes.Count > 0)
                    return Row("BucketPolicy", CheckStatus.Fail, expected, $"public write/list in {Labels(writes)}",
                        $"Statement {Labels(writes)} lets anyone on the internet do more than read objects (write, delete, list or change the policy). Remove it now.");
                var reads = grants.Where(g => g.GrantsRead).ToList();
                if (!_public)
                {
                    if (reads.Count == 0)
                        return Row("BucketPolicy", CheckStatus.Pass, expected, _policy.Statements.Count == 0 ? "no policy" : $"{_policy.Statements.Count} statement(s), none public",
                            "No statement grants anonymous read.");
                    return Row("BucketPolicy", CheckStatus.Fail, expected, $"public read in {Labels(reads)}",
                        $"Statement {Labels(reads)} grants Principal \"*\" read without a condition that limits it (aws:SourceVpce, aws:SourceIp, aws:PrincipalOrgID...). In the Private model media is served through signed URLs: remove the statement, or use -AccessModel Public on purpose.");
                }
                var wide = reads.Where(g => !g.ScopedToPrefix).ToList();
                if (wide.Count > 0)
                    return Row("BucketPolicy", CheckStatus.Fail, expected, $"public read beyond {_prefix}* in {Labels(wide)}",
                        $"Statement {Labels(wide)} makes objects outside '{_prefix}' public. Limit the Resource to arn:aws:s3:::{_s.BucketName}/{_prefix}* (Initialize-MediaBucket -AccessModel Public writes exactly that).");
                if (reads.Count == 0)
                    return Row("BucketPolicy", CheckStatus.Fail, expected, "no public read",
                        $"The Public model needs a statement granting s3:GetObject on arn:aws:s3:::{_s.BucketName}/{_prefix}* to Principal \"*\"; without it public media URLs answer 403. Run Initialize-MediaBucket -AccessModel Public.");
                return Row("BucketPolicy", CheckStatus.Pass, expected, $"public read on {_prefix}* ({Labels(reads)})",
                    "Anonymous read is limited to the media prefix.");
            }

            private static string Labels(IEnumerable<PolicyAnalyzer.PublicGrant> grants) => string.Join(", ", grants.Select(g => g.Statement.Label));

            public CheckResult SecureTransport()
            {
                const string expected = "Deny when aws:SecureTransport is false";
                if (_policyProblem != null)
                    return Row("SecureTransport", CheckStatus.Error, expected, "unreadable policy", _policyProblem);
                if (_policy == null) return Unread("SecureTransport", expected, _s.Policy ?? Observed<string>.Skipped(BucketReader.PermPolicy));
                var deny = PolicyAnalyzer.SecureTransportDeny(_policy, _s.BucketName, _prefix);
                if (deny != null)
                    return Row("SecureTransport", CheckStatus.Pass, expected, $"denied by {deny.Label}", "Plain-HTTP requests are refused.");
                return Row("SecureTransport", CheckStatus.Warning, expected, "no such statement",
                    "Nothing refuses plain-HTTP requests. Add the statement with Initialize-MediaBucket -RequireTls (it is merged into the existing policy).");
            }

            public CheckResult Prefix()
            {
                var media = _prefix;
                var stat = _o.StaticPrefix == null ? null : MediaTarget.NormalizePrefix(_o.StaticPrefix);
                if (stat != null && (media.StartsWith(stat, StringComparison.Ordinal) || stat.StartsWith(media, StringComparison.Ordinal)))
                    return Row("Prefix", CheckStatus.Fail, "media and static prefixes apart", $"media '{media}', static '{stat}'",
                        $"The media prefix '{media}' and the static prefix '{stat}' overlap: collectstatic or a sync -Delete of one would touch the other's files, and their access rules mix. Give each its own prefix (e.g. media/ and static/).");
                if (media.Length == 0)
                    return Row("Prefix", CheckStatus.Warning, "a dedicated prefix such as media/", "(whole bucket)",
                        "Media is stored at the bucket root, so the app's IAM policy, lifecycle rules and public grants cannot be scoped to media alone. Set AWS_LOCATION (django-storages' location), e.g. 'media'.");
                return Row("Prefix", CheckStatus.Pass, "a dedicated prefix such as media/", media,
                    stat == null ? $"Media lives under '{media}'." : $"Media under '{media}', static under '{stat}': kept apart.");
            }

            /// <summary>A Warning, never a Fail: an inventory only matters at 10^6+ objects, where a LIST takes hours.</summary>
            public CheckResult Inventory()
            {
                const string expected = "a CSV S3 Inventory report of the prefix with Size, LastModifiedDate, ETag";
                var o = _s.Inventory;
                if (o == null || !o.IsKnown) return Unread("Inventory", expected, o ?? Observed<IReadOnlyList<InventoryConfiguration>>.Skipped(BucketReader.PermInventory));
                var usable = UsableInventory(o.IsRead ? o.Value : new List<InventoryConfiguration>(), _prefix, out var why);
                if (usable != null)
                {
                    var d = usable.Destination?.S3BucketDestination;
                    var bucket = d?.BucketName ?? "";
                    bucket = bucket.StartsWith("arn:", StringComparison.Ordinal) ? bucket.Substring(bucket.LastIndexOf(':') + 1) : bucket;
                    return Row("Inventory", CheckStatus.Pass, expected, $"'{usable.InventoryId}': {usable.Schedule?.Frequency?.Value} CSV to s3://{bucket}/{(d?.Prefix ?? "").Trim('/')}",
                        "Pass the newest report's manifest.json to -Inventory (Test-MediaObject, Compare-MediaStore, Sync-MediaToS3) instead of listing the prefix.");
                }
                return Row("Inventory", CheckStatus.Warning, expected, why,
                    "Without an S3 Inventory report, checking 10^6+ objects means a LIST of the prefix (1,000 keys a request, one after the other: hours) or a HEAD per name. " +
                    "Configure one with Initialize-MediaBucket -Inventory Daily (see docs/scale.md).");
            }

            public CheckResult NoncurrentVersionLifecycle()
            {
                var expected = $"noncurrent-version expiration covering {(_prefix.Length == 0 ? "the bucket" : _prefix)}";
                var v = _s.Versioning;
                if (v != null && v.IsKnown && (!v.IsRead || string.IsNullOrEmpty(v.Value)))
                    return Row("NoncurrentVersionLifecycle", CheckStatus.Skipped, expected, "versioning off",
                        "Versioning is off, so there are no noncurrent versions to expire (see the Versioning row).");
                var l = _s.Lifecycle;
                if (l == null || !l.IsKnown) return Unread("NoncurrentVersionLifecycle", expected, l ?? Observed<IReadOnlyList<LifecycleRule>>.Skipped(BucketReader.PermLifecycle));
                var rule = CoveringNoncurrentRule(l.IsRead ? l.Value : null, _prefix);
                if (rule != null)
                    return Row("NoncurrentVersionLifecycle", CheckStatus.Pass, expected,
                        $"rule '{rule.Id}': {rule.NoncurrentVersionExpiration.NoncurrentDays} days", "Old versions are expired, so versioning does not grow storage without bound.");
                return Row("NoncurrentVersionLifecycle", CheckStatus.Warning, expected, "no such rule",
                    "Every overwrite or delete keeps the previous version, billed as storage forever: the bucket grows with each re-upload. Add a rule with Initialize-MediaBucket -NoncurrentVersionExpirationDays 30 (merged with existing rules).");
            }
        }

        /// <summary>An enabled rule that expires noncurrent versions for every key under the prefix (no tag or size filter).</summary>
        /// <summary>
        /// The first enabled CSV inventory configuration whose filter covers <paramref name="prefix"/> and whose fields make
        /// it a listing (Size, LastModifiedDate, ETag), or null with <paramref name="why"/> saying what is missing.
        /// </summary>
        public static InventoryConfiguration UsableInventory(IEnumerable<InventoryConfiguration> configurations, string prefix, out string why)
        {
            var all = configurations?.ToList() ?? new List<InventoryConfiguration>();
            why = "none configured";
            foreach (var c in all)
            {
                var filter = (c.InventoryFilter?.InventoryFilterPredicate as InventoryPrefixPredicate)?.Prefix ?? "";
                var fields = new HashSet<string>((c.InventoryOptionalFields ?? new List<InventoryOptionalField>()).Select(f => f?.Value ?? ""), StringComparer.Ordinal);
                var format = c.Destination?.S3BucketDestination?.InventoryFormat?.Value;
                if (c.IsEnabled != true) why = $"'{c.InventoryId}' is disabled";
                else if (!(prefix ?? "").StartsWith(filter, StringComparison.Ordinal)) why = $"'{c.InventoryId}' covers '{filter}' only";
                else if (format != null && format != "CSV") why = $"'{c.InventoryId}' is {format}; MediaOps reads CSV";
                else if (!fields.Contains("Size") || !fields.Contains("LastModifiedDate") || !fields.Contains("ETag")) why = $"'{c.InventoryId}' lacks Size, LastModifiedDate or ETag";
                else return c;
            }
            return null;
        }

        public static LifecycleRule CoveringNoncurrentRule(IEnumerable<LifecycleRule> rules, string prefix)
        {
            if (rules == null) return null;
            foreach (var r in rules)
            {
                if (r.Status?.Value != "Enabled") continue;
                if (r.NoncurrentVersionExpiration?.NoncurrentDays == null || r.NoncurrentVersionExpiration.NoncurrentDays <= 0) continue;
                var rulePrefix = RulePrefix(r, out var narrowed);
                if (narrowed || rulePrefix == null) continue;
                if (prefix.StartsWith(rulePrefix, StringComparison.Ordinal)) return r;
            }
            return null;
        }

        /// <summary>The key prefix a rule applies to; <paramref name="narrowed"/> when tags or sizes limit it further.</summary>
        public static string RulePrefix(LifecycleRule r, out bool narrowed)
        {
#pragma warning disable CS0618 // rules written by older clients carry the rule-level Prefix instead of a Filter
            var legacyPrefix = r.Prefix;
#pragma warning restore CS0618
            narrowed = false;
            var f = r.Filter;
            if (f == null) return legacyPrefix ?? "";
            if (f.Tag != null || f.ObjectSizeGreaterThan != null || f.ObjectSizeLessThan != null) narrowed = true;
            if (f.And != null)
            {
                if ((f.And.Tags != null && f.And.Tags.Count > 0) || f.And.ObjectSizeGreaterThan != null || f.And.ObjectSizeLessThan != null) narrowed = true;
                return f.And.Prefix ?? "";
            }
            if (f.LifecycleFilterPredicate is LifecyclePrefixPredicate pp) return pp.Prefix ?? "";
            if (f.LifecycleFilterPredicate != null && !(f.LifecycleFilterPredicate is LifecyclePrefixPredicate)) narrowed = true;
            return f.Prefix ?? legacyPrefix ?? "";
        }
    }
}
