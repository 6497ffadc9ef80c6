using System;
using System.Management.Automation;
using System.Net;
using MediaOps.Aws;
using MediaOps.Targets;

namespace MediaOps.Infrastructure
{
    /// <summary>
    /// Base of every cmdlet that talks to S3: the target parameters of DESIGN.md with
    /// django-storages' environment variables as defaults.
    /// </summary>
    public abstract class MediaTargetCmdlet : MediaCmdlet
    {
        /// <summary>Bucket; defaults to $env:AWS_STORAGE_BUCKET_NAME.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Bucket")]
        [ValidateNotNullOrEmpty]
        public string BucketName { get; set; }

        /// <summary>Key prefix; defaults to $env:AWS_LOCATION, else 'media'.</summary>
        [Parameter]
        [Alias("KeyPrefix", "Location")]
        [AllowEmptyString]
        public string Prefix { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Region { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string EndpointUrl { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ProfileName { get; set; }

        /// <summary>User name = access key id, password = secret access key.</summary>
        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        /// <summary>Clients for the engine; one per cmdlet run.</summary>
        protected IAwsClientFactory Clients => AwsClientFactory.Default;

        /// <summary>Resolve the target or stop the call with an InvalidArgument/Authentication error. Writes where values came from to verbose.</summary>
        protected MediaTarget ResolveTarget(bool requireBucket = true)
        {
            MediaTarget target;
            try
            {
                var options = new MediaTargetOptions
                {
                    BucketName = BucketName,
                    Prefix = Prefix,
                    Region = Region,
                    EndpointUrl = EndpointUrl,
                    ProfileName = ProfileName,
                };
                if (Credential != null)
                {
                    options.AccessKeyId = Credential.UserName;
                    options.SecretAccessKey = SecretText(Credential);
                }
                target = MediaTarget.Resolve(options, null, requireBucket);
            }
            catch (MediaOpsException ex)
            {
                ThrowMediaError(ex, BucketName);
                throw; // unreachable: ThrowTerminatingError always throws
            }

            foreach (var note in target.Notes) WriteVerbose("MediaOps: " + note);
            try
            {
                var region = Clients.ResolveRegion(target);
                WriteVerbose($"MediaOps: region '{region.Name}' from {region.Source}");
                WriteVerbose("MediaOps: credentials from " + Clients.DescribeCredentialSource(target));
            }
            catch (MediaOpsException ex)
            {
                ThrowMediaError(ex, target.Uri);
            }
            return target;
        }

        private static string SecretText(PSCredential credential) =>
            new NetworkCredential(string.Empty, credential.Password).Password;
    }
}
