using System;
using System.Management.Automation;
using MediaOps.Infrastructure;
using MediaOps.S3Inventory;
using MediaOps.Versions;

namespace MediaOps.Commands
{
    /// <summary>
    /// The history S3 keeps of the media: every version (and with -IncludeDeleteMarkers every delete marker)
    /// under the prefix, or of the Django names piped in, newest first per key. Streams the listing pages, or
    /// reads an S3 Inventory report of all versions (-Inventory) instead.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MediaVersion")]
    [OutputType(typeof(MediaVersion))]
    public sealed class GetMediaVersionCommand : MediaTargetCmdlet
    {
        /// <summary>Django file names (FileField values); none: everything under the prefix.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Key", "FileName", "File")]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        /// <summary>Only versions written after this time (exclusive).</summary>
        [Parameter]
        public DateTime? Since { get; set; }

        /// <summary>Only versions written at or before this time (inclusive, like Restore-MediaVersion -AsOf).</summary>
        [Parameter]
        public DateTime? Until { get; set; }

        [Parameter]
        public SwitchParameter IncludeDeleteMarkers { get; set; }

        /// <summary>
        /// An S3 Inventory report of all versions (IncludedObjectVersions All): its manifest.json, local path or
        /// s3://bucket/key, read instead of ListObjectVersions. A report of current objects only is refused.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Inventory { get; set; }

        /// <summary>A report older than this gives a Warning (default 2 days).</summary>
        [Parameter]
        public TimeSpan MaxInventoryAge { get; set; } = InventoryOptions.DefaultMaxAge;

        private VersionReader _reader;
        private Targets.MediaTarget _target;
        private InventoryOptions _inventory;

        protected override void OnBegin()
        {
            _target = ResolveTarget();
            _reader = new VersionReader(Clients);
            _inventory = InventoryParameters.Options(this, Inventory, MaxInventoryAge);
        }

        /// <summary>The report read for -Inventory is sorted into temp files; they go with the reader.</summary>
        protected override void OnEnd() => _reader?.Dispose();

        protected override void OnRecord()
        {
            var query = new VersionQuery
            {
                SinceUtc = Since?.ToUniversalTime(),
                UntilUtc = Until?.ToUniversalTime(),
                IncludeDeleteMarkers = IncludeDeleteMarkers,
                Inventory = _inventory,
            };
            if (Name == null)
            {
                Await(ct => _reader.ListAsync(_target, null, query, Observer<MediaVersion>(WriteObject), ct));
                return;
            }
            foreach (var name in Name)
                ForItem(name, () => Await(ct => _reader.ListAsync(_target, name, query, Observer<MediaVersion>(WriteObject), ct)));
        }
    }
}
