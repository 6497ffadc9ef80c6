using System.Management.Automation;
using MediaOps.Buckets;
using MediaOps.Infrastructure;

namespace MediaOps.Commands
{
    /// <summary>Verifies a media bucket against the secure baseline for the Private or Public access model.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "MediaBucket")]
    [OutputType(typeof(CheckResult))]
    [OutputType(typeof(bool))]
    public sealed class TestMediaBucketCommand : MediaTargetCmdlet
    {
        /// <summary>The bucket to work on; plain names from the pipeline are checked one record at a time.</summary>
        [Parameter(Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Bucket")]
        [ValidateNotNullOrEmpty]
        public override string BucketName { get => base.BucketName; set => base.BucketName = value; }

        private bool _allPassed = true;

        /// <summary>Private (signed URLs only, the default) or Public (anonymous read on the prefix only).</summary>
        [Parameter]
        public AccessModel AccessModel { get; set; } = AccessModel.Private;

        /// <summary>The region the bucket must be in; defaults to the region the requests use.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ExpectedRegion { get; set; }

        /// <summary>Where static files live in the same bucket; must not overlap the media prefix.</summary>
        [Parameter]
        [AllowEmptyString]
        public string StaticPrefix { get; set; }

        /// <summary>Return one bool: $true only when no check is Fail or Error.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <summary>Each bucket is its own item: one that cannot be checked (e.g. wrong region with no way to find the right one) does not stop the others.</summary>
        protected override bool RecordIsOneItem => true;

        protected override void OnRecord()
        {
            var target = ResolveTarget();
            var options = new BucketCheckOptions { AccessModel = AccessModel, ExpectedRegion = ExpectedRegion, StaticPrefix = StaticPrefix };
            Await(ct => new BucketInspector(Clients).InspectAsync(target, options, Observer<CheckResult>(row =>
            {
                if (!row.IsSuccess) _allPassed = false;
                if (!Quiet) WriteObject(row);
            }), ct));
        }

        protected override void OnItemFailed() => _allPassed = false;

        protected override void OnEnd()
        {
            if (Quiet) WriteObject(_allPassed);
        }
    }
}
