using System.Management.Automation;
using MediaOps.Iam;
using MediaOps.Infrastructure;
using MediaOps.Targets;

namespace MediaOps.Commands
{
    /// <summary>The least-privilege IAM policy (JSON) for the media bucket and prefix. Talks to nothing.</summary>
    [Cmdlet(VerbsCommon.New, "MediaIamPolicy")]
    [OutputType(typeof(string))]
    public sealed class NewMediaIamPolicyCommand : MediaCmdlet
    {
        /// <summary>Bucket; defaults to $env:AWS_STORAGE_BUCKET_NAME.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Bucket")]
        [ValidateNotNullOrEmpty]
        public string BucketName { get; set; }

        /// <summary>Key prefix; defaults to $env:AWS_LOCATION, else 'media'.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("KeyPrefix", "Location")]
        [AllowEmptyString]
        public string Prefix { get; set; }

        [Parameter]
        public PolicyAccess Access { get; set; } = PolicyAccess.ReadWrite;

        [Parameter]
        public SwitchParameter IncludeMultipart { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string KmsKeyArn { get; set; }

        [Parameter]
        [ValidateSet(AwsPartition.Aws, AwsPartition.China, AwsPartition.GovCloud)]
        public string Partition { get; set; }

        /// <summary>Only used to pick the partition (cn-* → aws-cn); defaults to $env:AWS_S3_REGION_NAME.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Region { get; set; }

        [Parameter]
        public SwitchParameter AllowWholeBucket { get; set; }

        [Parameter]
        public SwitchParameter Compress { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var target = MediaTarget.Resolve(new MediaTargetOptions { BucketName = BucketName, Prefix = Prefix, Region = Region });
                foreach (var note in target.Notes) WriteVerbose("MediaOps: " + note);
                var partition = Partition;
                if (partition == null && KmsKeyArn == null && target.Region != null)
                {
                    partition = AwsPartition.ForRegion(target.Region);
                    WriteVerbose($"MediaOps: partition '{partition}' from region '{target.Region}'");
                }
                WriteObject(IamPolicyBuilder.Build(new IamPolicyOptions
                {
                    BucketName = target.BucketName,
                    Prefix = target.Prefix,
                    Access = Access,
                    IncludeMultipart = IncludeMultipart,
                    KmsKeyArn = KmsKeyArn,
                    Partition = partition,
                    AllowWholeBucket = AllowWholeBucket,
                    Indented = !Compress,
                }));
            }
            catch (MediaOpsException ex)
            {
                ThrowMediaError(ex, ex.Target ?? BucketName);
            }
        }
    }
}
