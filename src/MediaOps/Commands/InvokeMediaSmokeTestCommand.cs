using System.Management.Automation;
using MediaOps.Infrastructure;
using MediaOps.Verification;

namespace MediaOps.Commands
{
    /// <summary>
    /// The reference runbook's post-cutover smoke test: upload a probe under the prefix, HEAD it, read it back,
    /// open it with a presigned and an unsigned URL, delete it. One CheckResult per step; nothing is left behind.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "MediaSmokeTest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CheckResult))]
    public sealed class InvokeMediaSmokeTestCommand : MediaTargetCmdlet
    {
        /// <summary>The bucket to work on; plain names from the pipeline are checked one record at a time.</summary>
        [Parameter(Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Bucket")]
        [ValidateNotNullOrEmpty]
        public override string BucketName { get => base.BucketName; set => base.BucketName = value; }

        /// <summary>Private: unsigned URLs must be denied. Public: unsigned URLs must open.</summary>
        [Parameter]
        public AccessModel AccessModel { get; set; } = AccessModel.Private;

        /// <summary>Leave the probe object in place (the Delete step is Skipped).</summary>
        [Parameter]
        public SwitchParameter KeepObject { get; set; }

        /// <summary>Each bucket is its own item: one whose smoke test cannot run does not stop the others.</summary>
        protected override bool RecordIsOneItem => true;

        protected override void OnRecord()
        {
            var target = ResolveTarget();
            var probeKey = SmokeTester.NewProbeKey(target);
            var action = KeepObject ? "Upload a smoke-test object and keep it" : "Upload, read and delete a smoke-test object";
            if (!ShouldProcess($"s3://{target.BucketName}/{probeKey}", action)) return;
            Await(ct => new SmokeTester(Clients).RunAsync(target, AccessModel, probeKey, KeepObject, Observer<CheckResult>(WriteObject), ct));
        }
    }
}
