using System.Management.Automation;
using System.Net;
using System.Security;
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
        [ArgumentCompleter(typeof(ProfileNameCompleter))]
        public string ProfileName { get; set; }

        /// <summary>User name = access key id, password = secret access key.</summary>
        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        /// <summary>A role to assume with the base credentials (or with -WebIdentityToken); its keys renew before they expire.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string RoleArn { get; set; }

        /// <summary>The external id the role's trust policy requires (sts:ExternalId).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ExternalId { get; set; }

        /// <summary>Shows in CloudTrail and the assumed-role ARN; default MediaOps-&lt;user name&gt;.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string RoleSessionName { get; set; }

        /// <summary>Session length asked of STS; AWS accepts 900 up to the role's maximum (default 3600).</summary>
        [Parameter]
        [ValidateRange(1, 43200)]
        public int DurationSeconds { get; set; }

        /// <summary>An OIDC token (e.g. from an Azure managed identity): AssumeRoleWithWebIdentity, no AWS secret needed.</summary>
        [Parameter]
        [ValidateNotNull]
        public SecureString WebIdentityToken { get; set; }

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
            options.Role = WholeCall(RoleRequested);
            var target = ResolveTarget(options, requireBucket);
            ErrorTarget = target.BucketName == null ? "credentials" : target.Uri;
            ErrorBucket = target.BucketName;
            return WholeCall(() =>
            {
                var region = Clients.ResolveRegion(target);
                WriteVerbose($"MediaOps: region '{region.Name}' from {region.Source}");
                WriteVerbose("MediaOps: credentials from " + Clients.DescribeCredentialSource(target));
                if (Clients.DescribeRole(target) is RoleSession session)
                    WriteVerbose($"MediaOps: assumed {session.AssumedRoleArn} until {session.ExpirationUtc:u} (renewed before it expires)");
                return target;
            });
        }

        /// <summary>The role parameters as one request; the others without -RoleArn are a mistake worth stopping for.</summary>
        private RoleRequest RoleRequested()
        {
            var bound = MyInvocation.BoundParameters;
            if (string.IsNullOrEmpty(RoleArn))
            {
                foreach (var name in new[] { nameof(ExternalId), nameof(RoleSessionName), nameof(DurationSeconds), nameof(WebIdentityToken) })
                    if (bound.ContainsKey(name))
                        throw new MediaOpsException("RoleArnMissing", FailureKind.InvalidArgument,
                            $"-{name} applies to an assumed role: add -RoleArn with the ARN of the role to assume.");
                return null;
            }
            var token = WebIdentityToken == null ? null : new NetworkCredential(string.Empty, WebIdentityToken).Password;
            if (WebIdentityToken != null && string.IsNullOrWhiteSpace(token))
                throw new MediaOpsException("WebIdentityTokenEmpty", FailureKind.InvalidArgument,
                    "-WebIdentityToken is empty. Pass the OIDC token the identity provider issued (e.g. the managed identity's access token) as a SecureString.");
            return new RoleRequest(RoleArn, RoleSessionName, ExternalId, bound.ContainsKey(nameof(DurationSeconds)) ? DurationSeconds : (int?)null, token?.Trim());
        }
    }
}
