using System;
using System.Management.Automation;
using MediaOps.Infrastructure;
using MediaOps.Sync;
using MediaOps.Transfer;

namespace MediaOps.Commands
{
    /// <summary>Rollback: restore objects that are missing or different locally. Never writes outside -Path.</summary>
    [Cmdlet(VerbsData.Sync, "MediaFromS3", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SyncResult), typeof(SyncItem))]
    public sealed class SyncMediaFromS3Command : MediaSyncCmdlet
    {
        /// <summary>Only objects modified after this instant (the cutover).</summary>
        [Parameter]
        public DateTime? Since { get; set; }

        /// <summary>The tree as it was at this time: each key's version current then (versioned buckets).</summary>
        [Parameter]
        public DateTime? AsOf { get; set; }

        [Parameter]
        [ValidateRange(1, 256)]
        public int Concurrency { get; set; } = TransferSettings.DefaultConcurrency;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Create -Path when it does not exist (without it a missing folder is refused: a mistyped rollback path).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void OnRecord()
        {
            var target = ResolveTarget();
            var path = ResolvedPath;
            var whatIf = IsWhatIf;
            var what = AsOf.HasValue ? $"Download the objects as they were at {AsOf.Value.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z from {target.Uri}" : $"Download new and changed objects from {target.Uri}";
            if (!ShouldProcess(path, what) && !whatIf) return;
            var options = new SyncOptions
            {
                Path = path, Exclude = Exclude, Checksum = Checksum, WhatIf = whatIf, Concurrency = Concurrency, CreateMissingFolder = Force,
                SinceUtc = Since.HasValue ? Since.Value.ToUniversalTime() : (DateTime?)null,
                AsOfUtc = AsOf.HasValue ? AsOf.Value.ToUniversalTime() : (DateTime?)null,
            };
            WriteObject(Await(ct => new MediaSync(Clients).SyncFromS3Async(target, options, SyncObserver(PassThru), ct)));
        }
    }
}
