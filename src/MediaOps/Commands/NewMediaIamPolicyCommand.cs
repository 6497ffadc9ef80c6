using System.Management.Automation;
using MediaOps.Iam;
using MediaOps.Infrastructure;

namespace MediaOps.Commands
{
    /// <summary>The least-privilege IAM policy (JSON) for the media bucket and prefix. Talks to nothing.</summary>
    [Cmdlet(VerbsCommon.New, "MediaIamPolicy")]
    [OutputType(typeof(string))]
    public sealed class NewMediaIamPolicyCommand : MediaLocationCmdlet
    {
        [Parameter]
        public PolicyAccess Access { get; set; } = PolicyAccess.ReadWrite;

        [Parameter]
        public SwitchParameter IncludeMultipart { get; set; }

        /// <summary>Add what point-in-time recovery reads: s3:ListBucketVersions (in the prefix), s3:GetBucketVersioning, s3:GetObjectVersion.</summary>
        [Parameter]
        public SwitchParameter IncludeVersions { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string KmsKeyArn { get; set; }

        [Parameter]
        [ValidateSet(AwsPartition.Aws, AwsPartition.China, AwsPartition.GovCloud)]
        public string Partition { get; set; }

        [Parameter]
        public SwitchParameter AllowWholeBucket { get; set; }

        [Parameter]
        public SwitchParameter Compress { get; set; }

        protected override void OnRecord()
        {
            // -Region only picks the partition (cn-* → aws-cn); -EndpointUrl is accepted so one splat fits every cmdlet.
            var target = ResolveLocation();
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
                IncludeVersions = IncludeVersions,
                KmsKeyArn = KmsKeyArn,
                Partition = partition,
                AllowWholeBucket = AllowWholeBucket,
                Indented = !Compress,
            }));
        }
    }
}
