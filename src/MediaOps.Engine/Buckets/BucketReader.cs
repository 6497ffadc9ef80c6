using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Targets;

namespace MediaOps.Buckets
{
    /// <summary>
    /// Reads a bucket's configuration into a <see cref="BucketState"/>. A read that is denied, not
    /// implemented or not configured becomes data; only failures that stop everything (credentials,
    /// wrong region, unreachable endpoint) are thrown.
    /// </summary>
    internal sealed class BucketReader
    {
        // The IAM action each read needs: the name a Skipped row gives the user to add.
        public const string PermHeadBucket = "s3:ListBucket";
        public const string PermLocation = "s3:GetBucketLocation";
        public const string PermVersioning = "s3:GetBucketVersioning";
        public const string PermEncryption = "s3:GetEncryptionConfiguration";
        public const string PermPublicAccessBlock = "s3:GetBucketPublicAccessBlock";
        public const string PermOwnership = "s3:GetBucketOwnershipControls";
        public const string PermPolicy = "s3:GetBucketPolicy";
        public const string PermLifecycle = "s3:GetLifecycleConfiguration";
        public const string PermInventory = "s3:GetInventoryConfiguration";

        private readonly IAmazonS3 _s3;
        private readonly MediaTarget _target;

        public BucketReader(IAmazonS3 s3, MediaTarget target)
        {
            _s3 = s3;
            _target = target;
        }

        public async Task<BucketState> ReadAsync(string clientRegion, CancellationToken ct)
        {
            var bucket = _target.BucketName;
            var state = new BucketState { BucketName = bucket, ClientRegion = clientRegion, IsCustomEndpoint = _target.IsCustomEndpoint };
            var headRegion = await ProbeExistenceAsync(state, ct).ConfigureAwait(false);
            if (state.Exists == false)
            {
                state.Region = Observed<string>.Skipped(PermLocation);
                state.Versioning = Observed<string>.Skipped(PermVersioning);
                state.Encryption = Observed<EncryptionSetting>.Skipped(PermEncryption);
                state.PublicAccessBlock = Observed<PublicAccessBlockFlags>.Skipped(PermPublicAccessBlock);
                state.ObjectOwnership = Observed<string>.Skipped(PermOwnership);
                state.Policy = Observed<string>.Skipped(PermPolicy);
                state.Lifecycle = Observed<IReadOnlyList<LifecycleRule>>.Skipped(PermLifecycle);
                state.Inventory = Observed<IReadOnlyList<InventoryConfiguration>>.Skipped(PermInventory);
                return state;
            }

            state.Region = await ReadAsync(PermLocation, null, async () =>
            {
                var r = await _s3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket }, ct).ConfigureAwait(false);
                return NormalizeLocation(r.Location?.Value);
            }).ConfigureAwait(false);
            if (!state.Region.IsRead && !string.IsNullOrEmpty(headRegion))
                state.Region = Observed<string>.Of(headRegion, "s3:ListBucket (x-amz-bucket-region)");

            state.Versioning = await ReadAsync(PermVersioning, null, async () =>
            {
                var r = await _s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }, ct).ConfigureAwait(false);
                var status = r.VersioningConfig?.Status?.Value ?? "";
                return status == "Off" ? "" : status;
            }).ConfigureAwait(false);

            state.Encryption = await ReadAsync(PermEncryption, "ServerSideEncryptionConfigurationNotFoundError", async () =>
            {
                var r = await _s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket }, ct).ConfigureAwait(false);
                var rules = r.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules;
                // As for ownership: S3 answers 404 when unset (the SDK hands that back as an empty answer);
                // radosgw 16 answers 200 with a bucket listing for ?encryption.
                if (rules == null || rules.Count == 0)
                    return r.HttpStatusCode == System.Net.HttpStatusCode.OK ? throw NotAnAnswer("GetBucketEncryption", "default encryption") : (EncryptionSetting)null;
                var rule = rules.FirstOrDefault(x => x.ServerSideEncryptionByDefault != null);
                if (rule == null) return null;
                var d = rule.ServerSideEncryptionByDefault;
                return new EncryptionSetting(d.ServerSideEncryptionAlgorithm?.Value, d.ServerSideEncryptionKeyManagementServiceKeyId, rule.BucketKeyEnabled ?? false);
            }).ConfigureAwait(false);

            state.PublicAccessBlock = await ReadAsync(PermPublicAccessBlock, "NoSuchPublicAccessBlockConfiguration",
                () => PublicAccessBlockReader.ReadAsync(_s3, _target, ct)).ConfigureAwait(false);

            state.ObjectOwnership = await ReadAsync(PermOwnership, "OwnershipControlsNotFoundError", async () =>
            {
                var r = await _s3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket }, ct).ConfigureAwait(false);
                // S3 answers 404 when nothing is set (the SDK hands that back as an empty answer); a 200 without
                // a rule is not an answer to this call (Ceph radosgw 16 ignores ?ownershipControls and lists the bucket).
                var value = r.OwnershipControls?.Rules?.FirstOrDefault()?.ObjectOwnership?.Value;
                if (value == null && r.HttpStatusCode == System.Net.HttpStatusCode.OK) throw NotAnAnswer("GetBucketOwnershipControls", "ObjectOwnership");
                return value;
            }).ConfigureAwait(false);

            state.Policy = await ReadPolicyAsync(ct).ConfigureAwait(false);

            state.Lifecycle = await ReadAsync<IReadOnlyList<LifecycleRule>>(PermLifecycle, "NoSuchLifecycleConfiguration", async () =>
            {
                var r = await _s3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = bucket }, ct).ConfigureAwait(false);
                var rules = r.Configuration?.Rules;
                return rules == null || rules.Count == 0 ? null : rules;
            }).ConfigureAwait(false);

            state.Inventory = await ReadAsync<IReadOnlyList<InventoryConfiguration>>(PermInventory, null, async () =>
            {
                var all = new List<InventoryConfiguration>();
                string token = null;
                do
                {
                    var r = await _s3.ListBucketInventoryConfigurationsAsync(new ListBucketInventoryConfigurationsRequest { BucketName = bucket, ContinuationToken = token }, ct).ConfigureAwait(false);
                    if (r.InventoryConfigurationList != null) all.AddRange(r.InventoryConfigurationList);
                    token = r.IsTruncated == true ? r.NextToken : null;
                } while (token != null);
                // Each configuration is read again by id: moto 5.2's list answer names every optional field "Field"
                // (its list path skips the parsing its get path does). A bucket has one or two, so the cost is small.
                var read = new List<InventoryConfiguration>(all.Count);
                foreach (var c in all)
                {
                    var one = await _s3.GetBucketInventoryConfigurationAsync(new GetBucketInventoryConfigurationRequest { BucketName = bucket, InventoryId = c.InventoryId }, ct).ConfigureAwait(false);
                    read.Add(one.InventoryConfiguration ?? c);
                }
                if (read.Count == 0) await ProbeInventoryAnswerAsync(bucket, ct).ConfigureAwait(false);
                return read.Count == 0 ? null : read;
            }).ConfigureAwait(false);
            return state;
        }

        /// <summary>
        /// GetBucketPolicy. The SDK hands some error answers back as the policy text (an XML error
        /// document with a 404/403 status) instead of throwing, so the status and code are checked here.
        /// </summary>
        private async Task<Observed<string>> ReadPolicyAsync(CancellationToken ct)
        {
            string errorBody = null;
            int status = 0;
            var observed = await ReadAsync(PermPolicy, "NoSuchBucketPolicy", async () =>
            {
                var r = await _s3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = _target.BucketName }, ct).ConfigureAwait(false);
                status = (int)r.HttpStatusCode;
                var text = r.Policy;
                if ((status != 0 && (status < 200 || status > 299)) || (text != null && text.TrimStart().StartsWith("<", StringComparison.Ordinal)))
                {
                    errorBody = text ?? "";
                    return null;
                }
                return string.IsNullOrWhiteSpace(text) ? null : text;
            }).ConfigureAwait(false);
            if (errorBody == null) return observed;
            var code = System.Text.RegularExpressions.Regex.Match(errorBody, "<Code>([^<]+)</Code>").Groups[1].Value;
            if (code == "NoSuchBucketPolicy" || (status == 404 && code.Length == 0)) return Observed<string>.Missing(PermPolicy);
            if (status == 403 || code == "AccessDenied") return Observed<string>.Denied(PermPolicy);
            if (status == 501 || code == "NotImplemented") return Observed<string>.Unsupported(PermPolicy);
            return Observed<string>.Failure(PermPolicy, $"S3 answered {status} {code} to GetBucketPolicy for s3://{_target.BucketName}.");
        }

        /// <summary>HeadBucket, then (when denied) a one-key listing of the prefix that least-privilege roles may do. Returns x-amz-bucket-region.</summary>
        private async Task<string> ProbeExistenceAsync(BucketState state, CancellationToken ct)
        {
            var bucket = _target.BucketName;
            try
            {
                var head = await _s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, ct).ConfigureAwait(false);
                state.Exists = true;
                state.ExistenceNote = "HeadBucket succeeded";
                return head.BucketRegion;
            }
            catch (Exception ex) when (S3ErrorTranslator.IsNotFound(ex))
            {
                state.Exists = false;
                state.ExistenceNote = "HeadBucket answered 404";
                return null;
            }
            catch (Exception ex) when (S3ErrorTranslator.IsAccessDenied(ex))
            {
                // 403 on HEAD: the bucket may exist and this identity may only list its prefix.
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw S3ErrorTranslator.Translate(ex, bucket, operation: "s3:ListBucket (HeadBucket)");
            }

            try
            {
                await _s3.ListObjectsV2Async(Sync.RemoteLister.Request(bucket, _target.Prefix, 1), ct).ConfigureAwait(false);
                state.Exists = true;
                state.ExistenceNote = $"HeadBucket was denied, listing '{_target.Prefix}' succeeded";
            }
            catch (Exception ex) when (S3ErrorTranslator.IsNotFound(ex))
            {
                state.Exists = false;
                state.ExistenceNote = "ListObjectsV2 answered NoSuchBucket";
            }
            catch (Exception ex) when (S3ErrorTranslator.IsAccessDenied(ex))
            {
                state.Exists = null;
                state.ExistenceNote = $"HeadBucket and a listing of '{_target.Prefix}' were both denied";
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw S3ErrorTranslator.Translate(ex, bucket, operation: "s3:ListBucket (ListObjectsV2)");
            }
            return null;
        }

        /// <summary>One config read: value, NotConfigured, Denied, NotSupported or Failed. Stop-everything failures are thrown.</summary>
        private async Task<Observed<T>> ReadAsync<T>(string permission, string notConfiguredCode, Func<Task<T>> read) where T : class
        {
            try
            {
                var value = await read().ConfigureAwait(false);
                return value == null ? Observed<T>.Missing(permission) : Observed<T>.Of(value, permission);
            }
            catch (Exception ex) when (notConfiguredCode != null && S3ErrorTranslator.ErrorCode(ex) == notConfiguredCode)
            {
                return Observed<T>.Missing(permission);
            }
            catch (Exception ex) when (S3ErrorTranslator.IsAccessDenied(ex))
            {
                return Observed<T>.Denied(permission);
            }
            catch (Exception ex) when (S3ErrorTranslator.IsNotImplemented(ex))
            {
                return Observed<T>.Unsupported(permission);
            }
            catch (UnreadableAnswerException ex)
            {
                return Observed<T>.Unsupported(permission, ex.Message);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                var translated = S3ErrorTranslator.Translate(ex, _target.BucketName, operation: permission);
                // Credentials, region and an unreachable endpoint stop every read alike; a 5xx on one read is that row's Error.
                if (translated is MediaOpsException m && (IsFatal(m.Kind) || (m.Kind == FailureKind.Connection && m.HttpStatus == null))) throw translated;
                return Observed<T>.Failure(permission, translated.Message);
            }
        }

        /// <summary>
        /// An empty inventory list is what S3 answers for a bucket without one, and also what the SDK makes of
        /// Ceph radosgw 16's answer (it ignores ?inventory and lists the bucket). A GET of one id tells them apart:
        /// S3 answers 404 (NoSuchConfiguration), radosgw 200 with a bucket listing, which is no configuration.
        /// </summary>
        private async Task ProbeInventoryAnswerAsync(string bucket, CancellationToken ct)
        {
            GetBucketInventoryConfigurationResponse probe;
            try
            {
                probe = await _s3.GetBucketInventoryConfigurationAsync(new GetBucketInventoryConfigurationRequest { BucketName = bucket, InventoryId = BucketBaseline.InventoryId }, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (S3ErrorTranslator.IsNotFound(ex) && S3ErrorTranslator.ErrorCode(ex) != "NoSuchBucket")
            {
                return; // none configured
            }
            if (probe.InventoryConfiguration?.InventoryId == null && probe.HttpStatusCode == System.Net.HttpStatusCode.OK)
                throw NotAnAnswer("GetBucketInventoryConfiguration", "InventoryConfiguration");
        }

        private static UnreadableAnswerException NotAnAnswer(string call, string setting) =>
            new UnreadableAnswerException($"This endpoint answered {call} with 200 but no {setting} in it (Ceph radosgw 16 ignores the call and lists the bucket instead), so it does not support the setting.");

        private static bool IsFatal(FailureKind kind) =>
            kind == FailureKind.Authentication || kind == FailureKind.NoCredentials || kind == FailureKind.WrongRegion;

        /// <summary>GetBucketLocation's LocationConstraint as a region name: empty/US → us-east-1, EU → eu-west-1.</summary>
        public static string NormalizeLocation(string location)
        {
            if (string.IsNullOrEmpty(location) || location == "US") return "us-east-1";
            if (location == "EU") return "eu-west-1";
            return location;
        }
    }
}
