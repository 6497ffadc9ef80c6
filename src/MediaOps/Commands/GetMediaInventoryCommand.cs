using System;
using System.Management.Automation;
using MediaOps.Infrastructure;
using MediaOps.Local;
using MediaOps.Targets;

namespace MediaOps.Commands
{
    /// <summary>Audit a local MEDIA_ROOT: one LocalMediaFile per file in key order, or one summary. Talks to nothing.</summary>
    [Cmdlet(VerbsCommon.Get, "MediaInventory")]
    [OutputType(typeof(LocalMediaFile), typeof(MediaInventorySummary))]
    public sealed class GetMediaInventoryCommand : MediaLocationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "MediaRoot")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        public SwitchParameter Summary { get; set; }

        [Parameter]
        public SwitchParameter FollowSymlink { get; set; }

        protected override void OnRecord()
        {
            ErrorTarget = Path;
            // Only the prefix matters here (the Key column); the bucket, region and endpoint are accepted so one splat fits every cmdlet.
            var prefix = Prefix ?? Environment.GetEnvironmentVariable(MediaTarget.EnvLocation) ?? MediaTarget.DefaultPrefix;
            var inventory = new MediaInventory(GetUnresolvedProviderPathFromPSPath(Path), prefix, FollowSymlink);
            WriteVerbose($"MediaOps: auditing '{inventory.Root}' with key prefix '{MediaTarget.NormalizePrefix(prefix)}'");
            var summary = Await(ct => inventory.RunAsync(Observer<LocalMediaFile>(Summary ? (Action<LocalMediaFile>)null : WriteObject), ct));
            if (Summary) WriteObject(summary);
        }
    }
}
