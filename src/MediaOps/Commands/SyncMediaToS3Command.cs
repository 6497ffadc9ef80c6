using System;
using System.Collections;
using System.Management.Automation;
using MediaOps.Infrastructure;
using MediaOps.S3Inventory;
using MediaOps.Sync;
using MediaOps.Targets;
using MediaOps.Transfer;

namespace MediaOps.Commands
{
    /// <summary>
    /// Migrate MEDIA_ROOT to S3. -WhatIf is the dry run (returns the plan). With -Delete, objects
    /// whose file is gone are removed after a clean copy pass, capped by -MaxDelete and confirmed
    /// once for the whole batch (High impact: asked unless -Force or -Confirm:$false).
    /// </summary>
    [Cmdlet(VerbsData.Sync, "MediaToS3", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SyncResult), typeof(SyncItem))]
    public sealed class SyncMediaToS3Command : MediaSyncCmdlet
    {
        [Parameter]
        public SwitchParameter Delete { get; set; }

        [Parameter]
        [ValidateRange(0, long.MaxValue)]
        public long MaxDelete { get; set; } = 1000;

        [Parameter]
        [ValidateRange(1, 256)]
        public int Concurrency { get; set; } = TransferSettings.DefaultConcurrency;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>
        /// Lets -Delete remove every object under the prefix, more than half of them, or delete under an
        /// empty prefix (the whole bucket). Without it such a plan deletes nothing (MediaOps.MassDeleteRefused).
        /// </summary>
        [Parameter]
        public SwitchParameter AllowMassDelete { get; set; }

        /// <summary>Delete without the confirmation question (for runbooks).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

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

        /// <summary>Cache-Control of every uploaded object (short for -ObjectParameters @{ CacheControl = ... }).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string CacheControl { get; set; }

        /// <summary>
        /// Headers of every uploaded object, as django-storages' AWS_S3_OBJECT_PARAMETERS: CacheControl, ContentDisposition,
        /// ContentLanguage, Expires, Metadata (a hashtable), StorageClass. Give New-MediaDjangoSettings the same.
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public Hashtable ObjectParameters { get; set; }

        /// <summary>
        /// Also give objects whose content is already the same the headers above, by a server-side copy. Costs one
        /// HEAD per such object; without it a changed parameter alone uploads nothing.
        /// </summary>
        [Parameter]
        public SwitchParameter UpdateMetadata { get; set; }

        protected override void OnRecord()
        {
            var parameters = ObjectParameterBinding.Parse(ObjectParameters, CacheControl);
            var target = ResolveTarget();
            var path = ResolvedPath;
            var whatIf = IsWhatIf;
            if (!ShouldProcess(target.Uri, $"Upload new and changed files from '{path}'" + (UpdateMetadata ? ", replace the headers of objects whose headers differ" : "") + (Delete ? " and delete objects whose file is gone" : "")) && !whatIf) return;
            var options = new SyncOptions
            {
                Path = path, Exclude = Exclude, Checksum = Checksum, WhatIf = whatIf,
                Concurrency = Concurrency, Delete = Delete, MaxDelete = MaxDelete, AllowMassDelete = AllowMassDelete,
                Inventory = InventoryParameters.Options(this, Inventory, MaxInventoryAge), Partition = KeyPartition.Parse(Partition),
                ObjectParameters = parameters, UpdateMetadata = UpdateMetadata,
            };
            WriteObject(Await(ct => new MediaSync(Clients).SyncToS3Async(target, options, SyncObserver(PassThru), ct)));
        }

        /// <summary>The one question before -Delete removes objects (the engine asks once, for the whole batch).</summary>
        protected override bool Confirm(string target, string action) => ConfirmBatch(target, action, Force, "Confirm deletion", "DeleteNotConfirmed", "nothing was deleted");
    }
}
