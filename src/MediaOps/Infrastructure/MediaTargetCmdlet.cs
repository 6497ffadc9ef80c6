using System.Management.Automation;
using System.Net;
using MediaOps.Aws;
using MediaOps.Targets;

namespace MediaOps.Infrastructure
{
    /// <summary>
    /// Base of every cmdlet that talks to S3: the location parameters plus the credentials of DESIGN.md,
    /// and the one client factory of the run, which resolves credentials and region once for all its clients.
    /// </summary>
    public abstract class MediaTargetCmdlet : MediaLocationCmdlet
    {
        private IAwsClientFactory _clients;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ProfileName { get; set; }

        /// <summary>User name = access key id, password = secret access key.</summary>
        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        /// <summary>Clients for the engine: one factory per cmdlet run.</summary>
        protected IAwsClientFactory Clients => _clients ?? (_clients = new AwsClientFactory());

        /// <summary>
        /// Resolve the target, its region and credentials (once: the engine's clients reuse them), or end the call
        /// with an InvalidArgument/Authentication error. Writes where each value came from to verbose.
        /// </summary>
        protected MediaTarget ResolveTarget(bool requireBucket = true)
        {
            ErrorTarget = BucketName;
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
                options.SecretAccessKey = new NetworkCredential(string.Empty, Credential.Password).Password;
            }
            var target = ResolveTarget(options, requireBucket);
            ErrorTarget = target.BucketName == null ? "credentials" : target.Uri;
            ErrorBucket = target.BucketName;
            return WholeCall(() =>
            {
                var region = Clients.ResolveRegion(target);
                WriteVerbose($"MediaOps: region '{region.Name}' from {region.Source}");
                WriteVerbose("MediaOps: credentials from " + Clients.DescribeCredentialSource(target));
                return target;
            });
        }
    }
}
