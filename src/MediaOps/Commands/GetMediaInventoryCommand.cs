using System;
using System.Management.Automation;
using MediaOps.Infrastructure;
using MediaOps.Local;
using MediaOps.Targets;

namespace MediaOps.Commands
{
    /// <summary>Audit a local MEDIA_ROOT: one LocalMediaFile per file in key order, or one summary.</summary>
    [Cmdlet(VerbsCommon.Get, "MediaInventory")]
    [OutputType(typeof(LocalMediaFile), typeof(MediaInventorySummary))]
    public sealed class GetMediaInventoryCommand : MediaCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "MediaRoot")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Key prefix for the Key column; defaults to $env:AWS_LOCATION, else 'media'.</summary>
        [Parameter]
        [Alias("KeyPrefix", "Location")]
        [AllowEmptyString]
        public string Prefix { get; set; }

        [Parameter]
        public SwitchParameter Summary { get; set; }

        [Parameter]
        public SwitchParameter FollowSymlink { get; set; }

        protected override void ProcessRecord()
        {
            var prefix = Prefix ?? Environment.GetEnvironmentVariable(MediaTarget.EnvLocation) ?? MediaTarget.DefaultPrefix;
            var inventory = new MediaInventory(GetUnresolvedProviderPathFromPSPath(Path), prefix, FollowSymlink);
            WriteVerbose($"MediaOps: auditing '{inventory.Root}' with key prefix '{MediaTarget.NormalizePrefix(prefix)}'");
            try
            {
                var summary = Await(ct => inventory.RunAsync(Observer<LocalMediaFile>(Summary ? (Action<LocalMediaFile>)null : WriteObject), ct));
                if (Summary) WriteObject(summary);
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                ThrowMediaError(ex, Path);
            }
        }
    }
}
