using System;
using System.Collections.Generic;
using System.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Targets;

namespace MediaOps.Buckets
{
    /// <summary>
    /// Compares a bucket's current state with the baseline and lists the changes needed, each with
    /// the text ShouldProcess shows. Pure: nothing is sent to S3 here.
    /// </summary>
    public static class BucketPlanner
    {
        /// <summary>
        /// What the baseline asked for will do to this caller: a TLS-only policy denies every request over plain HTTP,
        /// so -RequireTls with an http:// endpoint locks this very connection (and any app using it) out of the bucket.
        /// </summary>
        private static IReadOnlyList<string> Cautions(MediaTarget target, BucketBaseline baseline)
        {
            if (!baseline.RequireTls || !target.IsCustomEndpoint || !target.EndpointUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                return Array.Empty<string>();
            return new[]
            {
                $"-RequireTls with the plain-HTTP endpoint '{target.EndpointUrl}': the bucket policy's TLS-only statement (aws:SecureTransport false → Deny) " +
                "denies every request made over HTTP, so syncs, checks and the app through this endpoint will get AccessDenied. Use an https:// endpoint, or leave -RequireTls out for a server only reachable over HTTP.",
            };
        }

        public static BucketPlan Plan(MediaTarget target, BucketState state, string region, BucketBaseline baseline)
        {
            baseline = baseline ?? new BucketBaseline();
            var changes = new List<BucketChange>();
            var notes = new List<string>();
            var bucket = target.BucketName;
            var prefix = target.Prefix;
            var creating = state.Exists == false;
            if (baseline.AccessModel == AccessModel.Public && string.IsNullOrEmpty(prefix))
                throw new MediaOpsException("PublicBucketRoot", FailureKind.InvalidArgument,
                    "-AccessModel Public with an empty prefix would make every object in the bucket public. Pass -Prefix (or set AWS_LOCATION), e.g. 'media'.", bucket);

            if (creating)
                changes.Add(new BucketChange(BucketChangeKind.CreateBucket, $"Create bucket in {region}",
                    $"Create bucket '{bucket}' in {region}{(region == "us-east-1" ? "" : " (LocationConstraint " + region + ")")}.") { Region = region });
            if (state.RedirectedFromRegion != null)
                notes.Add($"The bucket is in '{region}', not '{state.RedirectedFromRegion}': changes go to '{region}'. Set AWS_S3_REGION_NAME={region} for the app.");

            // A new bucket is planned from scratch (moto reports nothing; AWS's defaults are re-applied harmlessly).
            Observed<T> Current<T>(Observed<T> o) => creating ? Observed<T>.Missing(o?.Permission) : o;

            // A setting the endpoint does not implement is left alone (a PUT would only answer 400 or 501).
            bool Unsupported<T>(Observed<T> o, string setting)
            {
                if (creating || o == null || o.Outcome != ReadOutcome.NotSupported) return false;
                notes.Add($"{setting} is not supported by this endpoint, so it was left alone. {o.Error}".TrimEnd());
                return true;
            }

            var ownership = Current(state.ObjectOwnership);
            if (!Unsupported(state.ObjectOwnership, "ObjectOwnership") && !(ownership.IsRead && ownership.Value == "BucketOwnerEnforced"))
                changes.Add(new BucketChange(BucketChangeKind.SetObjectOwnership, "Set ObjectOwnership BucketOwnerEnforced",
                    $"Disable ACLs (ObjectOwnership {Describe(ownership, v => v)} → BucketOwnerEnforced): the bucket owner owns every object and no ACL can make one public."));

            var bpaWanted = baseline.AccessModel == AccessModel.Public ? PublicAccessBlockFlags.AclsOnly : PublicAccessBlockFlags.AllOn;
            var bpa = Current(state.PublicAccessBlock);
            if (!Unsupported(state.PublicAccessBlock, "Block Public Access") && !(bpa.IsRead && bpa.Value.SameAs(bpaWanted)))
                changes.Add(new BucketChange(BucketChangeKind.SetPublicAccessBlock, "Set Block Public Access",
                    $"Block Public Access {Describe(bpa, v => v.ToString())} → {bpaWanted}" +
                    (baseline.AccessModel == AccessModel.Public ? " (Public model: ACLs blocked, a public-read policy on the prefix allowed)." : " (Private model: all four on).")) { PublicAccessBlock = bpaWanted });

            var versioning = Current(state.Versioning);
            if (!Unsupported(state.Versioning, "Versioning") && !(versioning.IsRead && versioning.Value == "Enabled"))
                changes.Add(new BucketChange(BucketChangeKind.EnableVersioning, "Enable versioning",
                    $"Versioning {Describe(versioning, v => string.IsNullOrEmpty(v) ? "Off" : v)} → Enabled, so overwritten or deleted media can be recovered."));

            var encryption = Current(state.Encryption);
            if (!Unsupported(state.Encryption, "Default encryption") && !EncryptionSatisfies(encryption, baseline.KmsKeyId))
                changes.Add(new BucketChange(BucketChangeKind.SetDefaultEncryption,
                    baseline.KmsKeyId == null ? "Set default encryption SSE-S3" : "Set default encryption SSE-KMS",
                    $"Default encryption {Describe(encryption, v => v.Algorithm + (v.KmsKeyId != null ? " " + v.KmsKeyId : ""))} → " +
                    (baseline.KmsKeyId == null ? "SSE-S3 (AES256)." : $"SSE-KMS with key {baseline.KmsKeyId} and an S3 Bucket Key.")) { KmsKeyId = baseline.KmsKeyId });

            PlanPolicy(bucket, prefix, Current(state.Policy), baseline, changes, notes);
            if (baseline.NoncurrentVersionExpirationDays.HasValue)
                PlanLifecycle(prefix, Current(state.Lifecycle), baseline.NoncurrentVersionExpirationDays.Value, changes, notes);
            if (baseline.InventoryFrequency != null)
                PlanInventory(target, Current(state.Inventory ?? Observed<IReadOnlyList<InventoryConfiguration>>.Skipped(BucketReader.PermInventory)), baseline, changes, notes);
            return new BucketPlan(target, region, changes, notes) { Cautions = Cautions(target, baseline) };
        }

        private static string Describe<T>(Observed<T> o, Func<T, string> text)
        {
            switch (o.Outcome)
            {
                case ReadOutcome.Read: return text(o.Value);
                case ReadOutcome.NotConfigured: return "none";
                case ReadOutcome.Denied: return $"unknown (no {o.Permission})";
                case ReadOutcome.NotSupported: return "unknown (not supported by this endpoint)";
                default: return "unknown";
            }
        }

        private static bool EncryptionSatisfies(Observed<EncryptionSetting> o, string kmsKeyId)
        {
            if (!o.IsRead || o.Value?.Algorithm == null) return false;
            var e = o.Value;
            // Without -KmsKeyId any default encryption is kept: never downgrade SSE-KMS to SSE-S3.
            if (kmsKeyId == null) return e.Algorithm == "AES256" || e.IsKms;
            return e.IsKms && e.BucketKeyEnabled && e.KmsKeyId != null
                   && (e.KmsKeyId == kmsKeyId || e.KmsKeyId.EndsWith("/" + kmsKeyId, StringComparison.Ordinal));
        }

        private static void PlanPolicy(string bucket, string prefix, Observed<string> current, BucketBaseline baseline, List<BucketChange> changes, List<string> notes)
        {
            var isPublic = baseline.AccessModel == AccessModel.Public;
            if (!current.IsKnown)
            {
                if (isPublic || baseline.RequireTls)
                    notes.Add($"The bucket policy could not be read ({Describe(current, v => v)}), so it was left alone rather than overwritten: " +
                              (isPublic ? "the public-read statement" : "the TLS statement") + " was not added.");
                return;
            }
            PolicyDocument policy;
            try { policy = current.IsRead ? PolicyDocument.Parse(current.Value) : PolicyDocument.Empty; }
            catch (FormatException ex)
            {
                notes.Add("The bucket policy is not valid JSON and was left alone: " + ex.Message);
                return;
            }

            var grants = PolicyAnalyzer.PublicGrants(policy, bucket, prefix);
            // Private: every public grant goes. Public: grants beyond read-on-prefix go.
            var offending = new HashSet<PolicyStatement>(grants.Where(g => !isPublic || g.GrantsMoreThanRead || !g.ScopedToPrefix).Select(g => g.Statement));
            var kept = policy.Statements.Where(s => !offending.Contains(s)).ToList();
            var added = new List<PolicyStatement>();
            if (isPublic && !PolicyAnalyzer.PublicGrants(policy.WithStatements(kept), bucket, prefix).Any(g => g.GrantsRead))
            {
                kept.RemoveAll(s => s.Sid == PolicyAnalyzer.PublicReadSid);
                added.Add(PolicyAnalyzer.PublicReadStatement(bucket, prefix));
            }
            if (baseline.RequireTls && PolicyAnalyzer.SecureTransportDeny(policy, bucket, prefix) == null)
            {
                kept.RemoveAll(s => s.Sid == PolicyAnalyzer.RequireTlsSid);
                added.Add(PolicyAnalyzer.RequireTlsStatement(bucket));
            }
            if (offending.Count == 0 && added.Count == 0) return;

            var parts = new List<string>();
            if (offending.Count > 0) parts.Add($"remove {string.Join(", ", offending.Select(s => s.Label))} (public {(isPublic ? "access beyond read on " + prefix + "*" : "read")})");
            foreach (var s in added)
                parts.Add(s.Sid == PolicyAnalyzer.PublicReadSid ? $"add '{s.Sid}' (anonymous s3:GetObject on {prefix}* only)" : $"add '{s.Sid}' (deny requests without TLS)");
            var final = kept.Concat(added).ToList();
            var keptForeign = final.Count - added.Count;
            changes.Add(new BucketChange(BucketChangeKind.UpdateBucketPolicy, final.Count == 0 ? "Delete bucket policy" : "Update bucket policy",
                $"Bucket policy: {string.Join("; ", parts)}{(keptForeign > 0 ? $"; {keptForeign} other statement(s) kept unchanged" : "")}.")
            {
                PolicyJson = final.Count == 0 ? null : policy.WithStatements(final).ToJson(),
            });
        }

        private static void PlanInventory(MediaTarget target, Observed<IReadOnlyList<InventoryConfiguration>> current, BucketBaseline baseline, List<BucketChange> changes, List<string> notes)
        {
            if (!current.IsKnown)
            {
                notes.Add($"The inventory configuration could not be read ({Describe(current, v => "")}), so none was added.");
                return;
            }
            var frequency = string.Equals(baseline.InventoryFrequency, "Weekly", StringComparison.OrdinalIgnoreCase) ? InventoryFrequency.Weekly : InventoryFrequency.Daily;
            var (destinationBucket, destinationPrefix) = ParseDestination(target.BucketName, baseline.InventoryDestination);
            var existing = current.IsRead ? current.Value : new List<InventoryConfiguration>();
            var usable = BucketEvaluator.UsableInventory(existing, target.Prefix, out _);
            if (usable != null && usable.Schedule?.Frequency == frequency
                && (baseline.InventoryDestination == null || SameDestination(usable, destinationBucket, destinationPrefix))) return;

            var configuration = new InventoryConfiguration
            {
                InventoryId = BucketBaseline.InventoryId,
                IsEnabled = true,
                IncludedObjectVersions = InventoryIncludedObjectVersions.Current,
                Schedule = new InventorySchedule { Frequency = frequency },
                InventoryFilter = new InventoryFilter { InventoryFilterPredicate = new InventoryPrefixPredicate(target.Prefix) },
                InventoryOptionalFields = BucketBaseline.InventoryFields.Select(f => new InventoryOptionalField(f)).ToList(),
                Destination = new InventoryDestination
                {
                    S3BucketDestination = new InventoryS3BucketDestination
                    {
                        BucketName = "arn:aws:s3:::" + destinationBucket,
                        Prefix = destinationPrefix,
                        InventoryFormat = InventoryFormat.CSV,
                    },
                },
            };
            changes.Add(new BucketChange(BucketChangeKind.PutInventoryConfiguration, $"Configure a {frequency} S3 Inventory report",
                $"S3 Inventory '{BucketBaseline.InventoryId}': a {frequency} CSV report of '{target.Prefix}' (current versions; {string.Join(", ", BucketBaseline.InventoryFields)}) " +
                $"to s3://{destinationBucket}/{destinationPrefix}/, for -Inventory at 10^6+ objects instead of hours of LIST.")
            { Inventory = configuration });
            notes.Add($"S3 delivers the report only if the policy of bucket '{destinationBucket}' lets the service principal s3.amazonaws.com s3:PutObject to " +
                $"arn:aws:s3:::{destinationBucket}/{destinationPrefix}/* (conditions aws:SourceArn arn:aws:s3:::{target.BucketName} and aws:SourceAccount); the first report arrives within 48 hours. " +
                "Reading it needs s3:GetObject there, which the app's least-privilege role does not have: see docs/scale.md.");
        }

        /// <summary>s3://bucket[/prefix] → (bucket, prefix without slashes); null → this bucket, "inventory".</summary>
        internal static (string Bucket, string Prefix) ParseDestination(string bucket, string destination)
        {
            if (string.IsNullOrWhiteSpace(destination)) return (bucket, BucketBaseline.DefaultInventoryPrefix);
            if (!destination.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
                throw new MediaOpsException("InvalidInventoryDestination", FailureKind.InvalidArgument,
                    $"-InventoryDestination '{destination}' is not s3://bucket[/prefix], e.g. s3://myapp-inventory/reports.", destination);
            var rest = destination.Substring(5).Trim('/');
            var slash = rest.IndexOf('/');
            var name = slash < 0 ? rest : rest.Substring(0, slash);
            var problem = BucketNameRules.Check(name);
            if (problem != null)
                throw new MediaOpsException("InvalidInventoryDestination", FailureKind.InvalidArgument, $"-InventoryDestination names bucket '{name}': {problem}.", destination);
            var prefix = slash < 0 ? BucketBaseline.DefaultInventoryPrefix : rest.Substring(slash + 1).Trim('/');
            return (name, prefix.Length == 0 ? BucketBaseline.DefaultInventoryPrefix : prefix);
        }

        private static bool SameDestination(InventoryConfiguration c, string bucket, string prefix)
        {
            var d = c.Destination?.S3BucketDestination;
            if (d == null) return false;
            var name = d.BucketName ?? "";
            name = name.StartsWith("arn:", StringComparison.Ordinal) ? name.Substring(name.LastIndexOf(':') + 1) : name;
            return name == bucket && (d.Prefix ?? "").Trim('/') == prefix;
        }

        private static void PlanLifecycle(string prefix, Observed<IReadOnlyList<LifecycleRule>> current, int days, List<BucketChange> changes, List<string> notes)
        {
            if (!current.IsKnown)
            {
                notes.Add($"The lifecycle configuration could not be read ({Describe(current, v => "")}), so it was left alone rather than overwritten.");
                return;
            }
            var rules = current.IsRead ? current.Value.ToList() : new List<LifecycleRule>();
            var covering = BucketEvaluator.CoveringNoncurrentRule(rules, prefix);
            var ours = rules.FirstOrDefault(r => r.Id == BucketBaseline.LifecycleRuleId);
            if (covering != null && covering.NoncurrentVersionExpiration.NoncurrentDays == days && (ours == null || ours == covering)) return;

            var rule = new LifecycleRule
            {
                Id = BucketBaseline.LifecycleRuleId,
                Status = LifecycleRuleStatus.Enabled,
                Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = prefix } },
                NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = days },
            };
            var merged = rules.Where(r => r.Id != BucketBaseline.LifecycleRuleId).Concat(new[] { rule }).ToList();
            var others = merged.Count - 1;
            changes.Add(new BucketChange(BucketChangeKind.UpdateLifecycle, "Set noncurrent-version expiration",
                $"Lifecycle rule '{BucketBaseline.LifecycleRuleId}': expire noncurrent versions under '{prefix}' after {days} days" +
                (ours != null ? $" (was {ours.NoncurrentVersionExpiration?.NoncurrentDays} days)" : "") +
                (others > 0 ? $"; {others} other rule(s) kept unchanged." : "."))
            { LifecycleRules = merged });
        }
    }
}
