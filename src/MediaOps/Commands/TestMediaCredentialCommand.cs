using System.Management.Automation;
using MediaOps.Credentials;
using MediaOps.Infrastructure;

namespace MediaOps.Commands
{
    /// <summary>Who am I: identity, root or not, long-lived key or role, and where the credentials came from.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "MediaCredential")]
    [OutputType(typeof(CheckResult))]
    public sealed class TestMediaCredentialCommand : MediaTargetCmdlet
    {
        /// <summary>Per record: each piped object (e.g. one with a BucketName) is checked, not only the last.</summary>
        protected override void OnRecord()
        {
            var target = ResolveTarget(requireBucket: false);
            Await(ct => new CredentialInspector(Clients).InspectAsync(target, Observer<CheckResult>(WriteObject), ct));
        }
    }
}
