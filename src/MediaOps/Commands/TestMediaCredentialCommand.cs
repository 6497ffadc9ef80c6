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
        protected override void OnEnd()
        {
            var target = ResolveTarget(requireBucket: false);
            Await(ct => new CredentialInspector(Clients).InspectAsync(target, Observer<CheckResult>(WriteObject), ct));
        }
    }
}
