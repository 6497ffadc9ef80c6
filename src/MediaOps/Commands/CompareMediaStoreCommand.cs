using System;
using System.Management.Automation;
using MediaOps.Infrastructure;
using MediaOps.S3Inventory;
using MediaOps.Sync;
using MediaOps.Targets;

namespace MediaOps.Commands
{
    /// <summary>The local tree against the objects under the prefix, streamed in key order.</summary>
    [Cmdlet(VerbsData.Compare, "MediaStore")]
    [OutputType(typeof(MediaDifference))]
    public sealed class CompareMediaStoreCommand : MediaSyncCmdlet
    {
        [Parameter]
        public SwitchParameter IncludeEqual { get; set; }

        /// <summary>An S3 Inventory report's manifest.json (local path or s3://bucket/key) to use as the listing instead of a LIST.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Inventory { get; set; }

        /// <summary>A report older than this gives a Warning (default 2 days).</summary>
        [Parameter]
        public TimeSpan MaxInventoryAge { get; set; } = InventoryOptions.DefaultMaxAge;

        /// <summary>Only the names of slice k of n ("2/4"): n workers, each with its own k, cover every name exactly once.</summary>
        [Parameter]
        [ValidatePattern(@"^\s*\d+\s*/\s*\d+\s*$")]
        public string Partition { get; set; }

        protected override void OnRecord()
        {
            var target = ResolveTarget();
            var options = new SyncOptions
            {
                Path = ResolvedPath, Exclude = Exclude, Checksum = Checksum, IncludeEqual = IncludeEqual,
                Inventory = InventoryParameters.Options(this, Inventory, MaxInventoryAge), Partition = KeyPartition.Parse(Partition),
            };
            Await(ct => new MediaSync(Clients).CompareAsync(target, options, Observer<MediaDifference>(WriteObject), ct));
        }
    }
}
