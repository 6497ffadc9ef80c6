using System;
using System.Management.Automation;
using MediaOps.Infrastructure;
using MediaOps.Versions;

namespace MediaOps.Commands
{
    /// <summary>
    /// The history S3 keeps of the media: every version (and with -IncludeDeleteMarkers every delete marker)
    /// under the prefix, or of the Django names piped in, newest first per key. Streams the listing pages.
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

        private VersionReader _reader;
        private Targets.MediaTarget _target;

        protected override void OnBegin()
        {
            _target = ResolveTarget();
            _reader = new VersionReader(Clients);
        }

        protected override void OnRecord()
        {
            var query = new VersionQuery
            {
                SinceUtc = Since?.ToUniversalTime(),
                UntilUtc = Until?.ToUniversalTime(),
                IncludeDeleteMarkers = IncludeDeleteMarkers,
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
