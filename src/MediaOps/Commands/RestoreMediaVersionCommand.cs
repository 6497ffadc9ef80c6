using System;
using System.Collections.Generic;
using System.Management.Automation;
using MediaOps.Infrastructure;
using MediaOps.Transfer;
using MediaOps.Versions;

namespace MediaOps.Commands
{
    /// <summary>
    /// Point-in-time recovery in place: brings keys under the prefix back to their state as of a time by copying
    /// the old version on top (server-side, history kept). -WhatIf is the plan; the batch is confirmed once
    /// (-Force for runbooks). Names may be piped; the restore runs once, at the end of the input.
    /// </summary>
    [Cmdlet(VerbsData.Restore, "MediaVersion", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SyncResult), typeof(SyncItem))]
    public sealed class RestoreMediaVersionCommand : MediaTargetCmdlet
    {
        private readonly List<string> _names = new List<string>();
        private bool _namesGiven;

        /// <summary>The time to go back to; compared with S3's LastModified (server time, whole seconds).</summary>
        [Parameter(Mandatory = true)]
        public DateTime AsOf { get; set; }

        /// <summary>Only these Django names (pipeline: strings or objects with Name/Key/FileName).</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Key", "FileName", "File")]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        /// <summary>Globs over the Django name ('*' crosses '/'); a pattern without '/' also matches the file name.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[] Exclude { get; set; } = Array.Empty<string>();

        /// <summary>Put a delete marker on keys created after -AsOf (never a permanent delete).</summary>
        [Parameter]
        public SwitchParameter RemoveNewer { get; set; }

        [Parameter]
        [ValidateRange(1, 256)]
        public int Concurrency { get; set; } = TransferSettings.DefaultConcurrency;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Restore without the confirmation question (for runbooks).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void OnRecord()
        {
            if (Name == null) return;
            _namesGiven = true;
            _names.AddRange(Name);
        }

        protected override void OnEnd()
        {
            var target = ResolveTarget();
            var options = new RestoreOptions
            {
                AsOfUtc = AsOf.ToUniversalTime(),
                Names = _namesGiven ? _names : null,
                Exclude = Exclude,
                RemoveNewer = RemoveNewer,
                WhatIf = IsWhatIf,
                Concurrency = Concurrency,
            };
            WriteObject(Await(ct => new VersionRestorer(Clients).RestoreAsync(target, options, Observer<SyncItem>(PassThru || options.WhatIf ? item => WriteObject(item) : (Action<SyncItem>)null), ct)));
        }

        /// <summary>The one question for the whole batch (the engine asks after planning, with the counts).</summary>
        protected override bool Confirm(string target, string action) => ConfirmBatch(target, action, Force, "Confirm restore", "RestoreNotConfirmed", "nothing was restored");
    }
}
