using System;
using System.Collections.Generic;
using MediaOps.S3Inventory;
using MediaOps.Targets;
using MediaOps.Transfer;

namespace MediaOps.Sync
{
    /// <summary>What a Compare/Sync run should do. Plain values, so the cmdlets bind them 1:1.</summary>
    public sealed class SyncOptions
    {
        /// <summary>The local MEDIA_ROOT (source of an upload, destination of a restore).</summary>
        public string Path { get; set; }
        public IReadOnlyList<string> Exclude { get; set; } = Array.Empty<string>();
        /// <summary>Compare content (MD5) instead of size + time.</summary>
        public bool Checksum { get; set; }
        /// <summary>Plan only: no write of any kind, locally or in S3.</summary>
        public bool WhatIf { get; set; }
        public int Concurrency { get; set; } = TransferSettings.DefaultConcurrency;
        /// <summary>Upload only: delete objects under the prefix whose file is gone, after a clean copy pass.</summary>
        public bool Delete { get; set; }
        /// <summary>Upload only: refuse to delete more than this many objects.</summary>
        public long MaxDelete { get; set; } = 1000;
        /// <summary>
        /// Upload only: let -Delete remove every object under the prefix, more than <see cref="MassDeleteShare"/>
        /// of them, or anything under an empty (whole-bucket) prefix. Without it such a plan deletes nothing.
        /// </summary>
        public bool AllowMassDelete { get; set; }
        /// <summary>The share of the objects under the prefix above which a delete plan needs <see cref="AllowMassDelete"/>.</summary>
        public const double MassDeleteShare = 0.5;
        /// <summary>Restore only: consider only objects modified after this instant.</summary>
        public DateTime? SinceUtc { get; set; }
        /// <summary>Restore only: the tree as it was at this instant (each key's version current then; keys absent then skipped).</summary>
        public DateTime? AsOfUtc { get; set; }
        /// <summary>Restore only: create <see cref="Path"/> when it does not exist (-Force); otherwise a missing folder is refused (a mistyped rollback path).</summary>
        public bool CreateMissingFolder { get; set; }
        /// <summary>Compare only: also report pairs that are the same.</summary>
        public bool IncludeEqual { get; set; }
        public TransferSettings Transfer { get; set; } = new TransferSettings();
        /// <summary>Compare and upload only: an S3 Inventory report as the listing instead of a LIST (-Inventory).</summary>
        public InventoryOptions Inventory { get; set; }
        /// <summary>Upload only: the headers every uploaded object gets (-CacheControl, -ObjectParameters); null for none.</summary>
        public ObjectParameters ObjectParameters { get; set; }
        /// <summary>
        /// Upload only: objects whose content is the same get <see cref="ObjectParameters"/> by a server-side copy when
        /// their headers differ. Costs one HEAD per such object; without it a changed parameter uploads nothing.
        /// </summary>
        public bool UpdateMetadata { get; set; }
        /// <summary>Only the names of this slice (-Partition k/n); null for all.</summary>
        public KeyPartition Partition { get; set; }
    }
}
