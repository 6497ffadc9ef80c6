using System.Management.Automation;
using MediaOps.Infrastructure;
using MediaOps.Sync;

namespace MediaOps.Commands
{
    /// <summary>The local tree against the objects under the prefix, streamed in key order.</summary>
    [Cmdlet(VerbsData.Compare, "MediaStore")]
    [OutputType(typeof(MediaDifference))]
    public sealed class CompareMediaStoreCommand : MediaSyncCmdlet
    {
        [Parameter]
        public SwitchParameter IncludeEqual { get; set; }

        protected override void OnRecord()
        {
            var target = ResolveTarget();
            var options = new SyncOptions { Path = ResolvedPath, Exclude = Exclude, Checksum = Checksum, IncludeEqual = IncludeEqual };
            Await(ct => new MediaSync(Clients).CompareAsync(target, options, Observer<MediaDifference>(WriteObject), ct));
        }
    }
}
