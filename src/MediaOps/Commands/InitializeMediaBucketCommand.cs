using System.Collections.Generic;
using System.Management.Automation;
using MediaOps.Buckets;
using MediaOps.Infrastructure;

namespace MediaOps.Commands
{
    /// <summary>Creates the media bucket if needed and brings it to the secure baseline, one confirmable change at a time.</summary>
    [Cmdlet(VerbsData.Initialize, "MediaBucket", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CheckResult))]
    public sealed class InitializeMediaBucketCommand : MediaTargetCmdlet
    {
        /// <summary>The bucket to work on; plain names from the pipeline are checked one record at a time.</summary>
        [Parameter(Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Bucket")]
        [ValidateNotNullOrEmpty]
        public override string BucketName { get => base.BucketName; set => base.BucketName = value; }

        /// <summary>Private (default): all four Block Public Access flags on. Public: ACLs blocked and anonymous read on the prefix only.</summary>
        [Parameter]
        public AccessModel AccessModel { get; set; } = AccessModel.Private;

        /// <summary>Default encryption SSE-KMS with this key (id, ARN or alias) and an S3 Bucket Key; SSE-S3 when omitted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string KmsKeyId { get; set; }

        /// <summary>Add a statement that denies requests made without TLS (merged into the existing policy).</summary>
        [Parameter]
        public SwitchParameter RequireTls { get; set; }

        /// <summary>Expire noncurrent object versions under the prefix after this many days (a lifecycle rule merged with existing ones).</summary>
        [Parameter]
        [ValidateRange(1, 36500)]
        public int NoncurrentVersionExpirationDays { get; set; }

        /// <summary>Configure a Daily or Weekly S3 Inventory report of the prefix (CSV; Size, LastModifiedDate, ETag, IsMultipartUploaded, EncryptionStatus).</summary>
        [Parameter]
        [ValidateSet("Daily", "Weekly")]
        public string Inventory { get; set; }

        /// <summary>Where the reports go: s3://bucket[/prefix]. Default: this bucket, prefix 'inventory'.</summary>
        [Parameter]
        [ValidatePattern("^s3://")]
        public string InventoryDestination { get; set; }

        /// <summary>Each bucket is its own item: one that cannot be brought to the baseline does not stop the others.</summary>
        protected override bool RecordIsOneItem => true;

        protected override void OnRecord()
        {
            var target = ResolveTarget();
            var baseline = new BucketBaseline
            {
                AccessModel = AccessModel,
                KmsKeyId = KmsKeyId,
                RequireTls = RequireTls,
                NoncurrentVersionExpirationDays = MyInvocation.BoundParameters.ContainsKey(nameof(NoncurrentVersionExpirationDays)) ? NoncurrentVersionExpirationDays : (int?)null,
                InventoryFrequency = Inventory,
                InventoryDestination = InventoryDestination,
            };
            if (InventoryDestination != null && Inventory == null)
                throw new MediaOpsException("InventoryDestinationWithoutInventory", FailureKind.InvalidArgument,
                    "-InventoryDestination says where reports go: pass -Inventory Daily or -Inventory Weekly with it.", InventoryDestination);
            var engine = new BucketInitializer(Clients);
            var plan = Await(ct => engine.PlanAsync(target, baseline, ct));
            foreach (var caution in plan.Cautions) WriteWarning(caution);
            foreach (var note in plan.Notes) WriteWarning(note);
            // With notes (settings left alone) "compliant" would overstate it; the notes were the warnings above.
            if (plan.IsCompliant && plan.Notes.Count == 0)
            {
                var done = $"{target.Uri} is already compliant with the {AccessModel} baseline: nothing to change.";
                WriteVerbose("MediaOps: " + done);
                WriteInformation(new InformationRecord(done, "MediaOps"));
            }

            var approved = new List<BucketChange>();
            var createDeclined = false;
            foreach (var change in plan.Changes)
            {
                WriteVerbose("MediaOps: change needed: " + change.Description);
                // Without the bucket nothing else can be applied: stop asking once its creation was declined.
                if (createDeclined) continue;
                if (ShouldProcess($"{change.Action} on {target.Uri}: {change.Description}", $"{change.Description} Continue?", change.Action, out var reason))
                    approved.Add(change);
                else if (change.Kind == BucketChangeKind.CreateBucket && reason != ShouldProcessReason.WhatIf)
                    createDeclined = true;
            }

            if (approved.Count > 0)
            {
                // Failed changes are reported as errors and skipped ones as warnings while they happen.
                var result = Await(ct => engine.ApplyAsync(plan, approved, Observer<BucketChange>(null), ct));
                WriteVerbose($"MediaOps: {result.Applied.Count} change(s) applied, {result.Failed.Count} failed.");
            }

            // -WhatIf shows what would change (the "What if:" lines), not the bucket's current state.
            if (IsWhatIf) return;
            var options = new BucketCheckOptions { AccessModel = AccessModel };
            Await(ct => new BucketInspector(Clients).InspectAsync(target, options, Observer<CheckResult>(WriteObject), ct));
        }
    }
}
