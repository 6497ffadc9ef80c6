using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Aws;
using MediaOps.Errors;
using MediaOps.Runs;
using MediaOps.Targets;

namespace MediaOps.Buckets
{
    /// <summary>
    /// The Initialize-MediaBucket engine: plan from the current state, then apply only the changes the
    /// caller approved (the cmdlet asks ShouldProcess on the pipeline thread in between).
    /// </summary>
    public sealed class BucketInitializer
    {
        private readonly IAwsClientFactory _clients;

        public BucketInitializer(IAwsClientFactory clients) => _clients = clients ?? throw new ArgumentNullException(nameof(clients));

        public async Task<BucketPlan> PlanAsync(MediaTarget target, BucketBaseline baseline, CancellationToken ct)
        {
            var state = await new BucketInspector(_clients).ReadStateAsync(target, ct).ConfigureAwait(false);
            var region = state.RedirectedFromRegion != null && state.Region != null && state.Region.IsRead
                ? state.Region.Value
                : (state.Exists == true && state.Region != null && state.Region.IsRead ? state.Region.Value : state.ClientRegion);
            // An S3-compatible server's own location name (radosgw: "default") is not a region to sign for.
            if (target.IsCustomEndpoint && !BucketState.IsAwsRegionName(region)) region = state.ClientRegion;
            return BucketPlanner.Plan(target, state, region, baseline);
        }

        /// <summary>
        /// Apply the approved changes in plan order; each applied change is a row. A failed change is reported as an
        /// error and the rest go on, unless the bucket itself could not be created (the rest are then warnings).
        /// </summary>
        public async Task<BucketApplyResult> ApplyAsync(BucketPlan plan, IEnumerable<BucketChange> approved, IRunObserver<BucketChange> observer, CancellationToken ct)
        {
            var chosen = new HashSet<BucketChange>(approved ?? Enumerable.Empty<BucketChange>());
            var applied = new List<BucketChange>();
            var failed = new List<KeyValuePair<BucketChange, MediaOpsException>>();
            var notApplied = new List<BucketChange>();
            var bucket = plan.Target.BucketName;
            var create = plan.Changes.FirstOrDefault(c => c.Kind == BucketChangeKind.CreateBucket);
            var bucketMissing = create != null && !chosen.Contains(create);

            using (var s3 = _clients.CreateS3(plan.Target, plan.Region))
            {
                foreach (var change in plan.Changes.Where(chosen.Contains))
                {
                    ct.ThrowIfCancellationRequested();
                    if (bucketMissing)
                    {
                        notApplied.Add(change);
                        observer.Warning($"Not applied because the bucket does not exist: {change.Action}.");
                        continue;
                    }
                    observer.Verbose("applying: " + change.Action);
                    try
                    {
                        await ApplyOneAsync(s3, bucket, plan, change, ct).ConfigureAwait(false);
                        applied.Add(change);
                        observer.Row(change);
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException))
                    {
                        var translated = S3ErrorTranslator.Translate(ex, bucket, operation: Permission(change.Kind)) as MediaOpsException
                                         ?? new MediaOpsException("BucketChangeFailed", FailureKind.Unknown, $"{change.Action} failed: {ex.Message}", bucket, ex);
                        if (translated.Kind == FailureKind.NoCredentials || translated.Kind == FailureKind.Authentication) throw translated;
                        if (NotSupportedHere(plan.Target, change, ex))
                        {
                            // A setting an S3-compatible server does not implement (radosgw: ObjectOwnership, default
                            // encryption answer 400) is not a failure of the run: the check row says Skipped.
                            notApplied.Add(change);
                            observer.Warning($"{change.Action}: this endpoint does not support it ({S3ErrorTranslator.StatusCode(ex)} {S3ErrorTranslator.ErrorCode(ex)}), so it was left alone. See docs/s3-compatible.md.");
                            continue;
                        }
                        if (translated.Kind == FailureKind.PermissionDenied)
                            translated = new MediaOpsException("AccessDenied", FailureKind.PermissionDenied,
                                $"{change.Action} was refused: the credentials in use lack {Permission(change.Kind)} on s3://{bucket}. " +
                                "Initialize-MediaBucket configures the bucket itself: run it with an administrator identity, not the app's least-privilege role.",
                                bucket, ex) { ServiceErrorCode = translated.ServiceErrorCode, HttpStatus = translated.HttpStatus };
                        failed.Add(new KeyValuePair<BucketChange, MediaOpsException>(change, translated));
                        observer.Error(translated, plan.Target.Uri);
                        if (change.Kind == BucketChangeKind.CreateBucket) bucketMissing = true;
                    }
                }
            }
            return new BucketApplyResult(applied, failed, notApplied);
        }

        private static async Task ApplyOneAsync(IAmazonS3 s3, string bucket, BucketPlan plan, BucketChange change, CancellationToken ct)
        {
            switch (change.Kind)
            {
                case BucketChangeKind.CreateBucket:
                    var create = new PutBucketRequest { BucketName = bucket, UseClientRegion = false };
                    if (change.Region != "us-east-1")
                        create.PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = new BucketLocationConstraint(change.Region) };
                    try { await s3.PutBucketAsync(create, ct).ConfigureAwait(false); }
                    catch (AmazonS3Exception ex) when (ex.ErrorCode == "BucketAlreadyOwnedByYou") { /* created meanwhile by us: fine */ }
                    break;
                case BucketChangeKind.SetObjectOwnership:
                    await s3.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
                    {
                        BucketName = bucket,
                        OwnershipControls = new OwnershipControls { Rules = new List<OwnershipControlsRule> { new OwnershipControlsRule { ObjectOwnership = ObjectOwnership.BucketOwnerEnforced } } },
                    }, ct).ConfigureAwait(false);
                    break;
                case BucketChangeKind.SetPublicAccessBlock:
                    var f = change.PublicAccessBlock;
                    await s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
                    {
                        BucketName = bucket,
                        PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
                        {
                            BlockPublicAcls = f.BlockPublicAcls, IgnorePublicAcls = f.IgnorePublicAcls,
                            BlockPublicPolicy = f.BlockPublicPolicy, RestrictPublicBuckets = f.RestrictPublicBuckets,
                        },
                    }, ct).ConfigureAwait(false);
                    break;
                case BucketChangeKind.EnableVersioning:
                    await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
                    {
                        BucketName = bucket,
                        VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
                    }, ct).ConfigureAwait(false);
                    break;
                case BucketChangeKind.SetDefaultEncryption:
                    var byDefault = change.KmsKeyId == null
                        ? new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AES256 }
                        : new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = change.KmsKeyId };
                    await s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
                    {
                        BucketName = bucket,
                        ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
                        {
                            ServerSideEncryptionRules = new List<ServerSideEncryptionRule>
                            {
                                new ServerSideEncryptionRule { ServerSideEncryptionByDefault = byDefault, BucketKeyEnabled = change.KmsKeyId != null },
                            },
                        },
                    }, ct).ConfigureAwait(false);
                    break;
                case BucketChangeKind.UpdateBucketPolicy:
                    if (change.PolicyJson == null)
                        await s3.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = bucket }, ct).ConfigureAwait(false);
                    else
                        await s3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = change.PolicyJson }, ct).ConfigureAwait(false);
                    break;
                case BucketChangeKind.UpdateLifecycle:
                    await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
                    {
                        BucketName = bucket,
                        Configuration = new LifecycleConfiguration { Rules = change.LifecycleRules },
                    }, ct).ConfigureAwait(false);
                    break;
                case BucketChangeKind.PutInventoryConfiguration:
                    await s3.PutBucketInventoryConfigurationAsync(new PutBucketInventoryConfigurationRequest
                    {
                        BucketName = bucket,
                        InventoryId = change.Inventory.InventoryId,
                        InventoryConfiguration = change.Inventory,
                    }, ct).ConfigureAwait(false);
                    break;
                default:
                    throw new InvalidOperationException("Unknown change " + change.Kind);
            }
        }

        private static bool NotSupportedHere(MediaTarget target, BucketChange change, Exception ex)
        {
            if (!target.IsCustomEndpoint || change.Kind == BucketChangeKind.CreateBucket) return false;
            if (S3ErrorTranslator.IsNotImplemented(ex)) return true;
            var settingOnly = change.Kind == BucketChangeKind.SetObjectOwnership || (change.Kind == BucketChangeKind.SetDefaultEncryption && change.KmsKeyId == null);
            return settingOnly && S3ErrorTranslator.StatusCode(ex) == 400 && S3ErrorTranslator.ErrorCode(ex) == "InvalidArgument";
        }

        /// <summary>The IAM action a change needs, for error messages.</summary>
        public static string Permission(BucketChangeKind kind)
        {
            switch (kind)
            {
                case BucketChangeKind.CreateBucket: return "s3:CreateBucket";
                case BucketChangeKind.SetObjectOwnership: return "s3:PutBucketOwnershipControls";
                case BucketChangeKind.SetPublicAccessBlock: return "s3:PutBucketPublicAccessBlock";
                case BucketChangeKind.EnableVersioning: return "s3:PutBucketVersioning";
                case BucketChangeKind.SetDefaultEncryption: return "s3:PutEncryptionConfiguration";
                case BucketChangeKind.UpdateBucketPolicy: return "s3:PutBucketPolicy";
                case BucketChangeKind.UpdateLifecycle: return "s3:PutLifecycleConfiguration";
                case BucketChangeKind.PutInventoryConfiguration: return "s3:PutInventoryConfiguration";
                default: return null;
            }
        }
    }
}
