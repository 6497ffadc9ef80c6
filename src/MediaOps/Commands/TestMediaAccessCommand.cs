using System.Management.Automation;
using MediaOps.Iam;
using MediaOps.Infrastructure;

namespace MediaOps.Commands
{
    /// <summary>
    /// Proves least privilege live: the credentials can list, write, read and delete inside the prefix and
    /// nothing more. SupportsShouldProcess because it writes and deletes (its own, uniquely named) probe
    /// objects: under -WhatIf only the read-only probes run.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "MediaAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(CheckResult))]
    public sealed class TestMediaAccessCommand : MediaTargetCmdlet
    {
        /// <summary>The bucket to work on; plain names from the pipeline are checked one record at a time.</summary>
        [Parameter(Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Bucket")]
        [ValidateNotNullOrEmpty]
        public override string BucketName { get => base.BucketName; set => base.BucketName = value; }

        /// <summary>Also probe s3:PutBucketPolicy on an -EndpointUrl server (only for servers known to reject malformed policies).</summary>
        [Parameter]
        public SwitchParameter ProbePolicyWriteOnEndpoint { get; set; }

        /// <summary>Also prove the reads point-in-time recovery needs (New-MediaIamPolicy -IncludeVersions).</summary>
        [Parameter]
        public SwitchParameter IncludeVersions { get; set; }

        /// <summary>Each bucket is its own item: one that cannot be probed does not stop the others.</summary>
        protected override bool RecordIsOneItem => true;

        protected override void OnRecord()
        {
            var target = ResolveTarget();
            var options = new AccessProbeOptions
            {
                WriteProbes = ShouldProcess(target.Uri, "Write, read back and delete uniquely named probe objects (inside the prefix and next to it)"),
                PolicyWriteProbeOnCustomEndpoint = ProbePolicyWriteOnEndpoint,
                IncludeVersions = IncludeVersions,
            };
            options.PolicyWriteProbe = (target.IsCustomEndpoint && !ProbePolicyWriteOnEndpoint)
                || ShouldProcess(target.Uri, "Send a deliberately malformed bucket policy to test s3:PutBucketPolicy (S3 rejects it; the policy is not changed)");
            Await(ct => new AccessProber(Clients).ProbeAsync(target, options, Observer<CheckResult>(WriteObject), ct));
        }
    }
}
