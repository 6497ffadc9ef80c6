using System;
using System.Collections.Generic;
using MediaOps.Transfer;

namespace MediaOps.Versions
{
    /// <summary>What Restore-MediaVersion should do. Plain values, so the cmdlet binds them 1:1.</summary>
    public sealed class RestoreOptions
    {
        /// <summary>The time to bring keys back to (UTC), compared with the server's whole-second LastModified.</summary>
        public DateTime AsOfUtc { get; set; }
        /// <summary>Only these Django names; null: every key under the prefix.</summary>
        public IReadOnlyCollection<string> Names { get; set; }
        public IReadOnlyList<string> Exclude { get; set; } = Array.Empty<string>();
        /// <summary>Put a delete marker on keys that did not exist at the time (never a permanent delete).</summary>
        public bool RemoveNewer { get; set; }
        /// <summary>Plan only: nothing is written.</summary>
        public bool WhatIf { get; set; }
        public int Concurrency { get; set; } = TransferSettings.DefaultConcurrency;
        public TransferSettings Transfer { get; set; } = new TransferSettings();
        /// <summary>ListObjectVersions page size (≤ 1000).</summary>
        public int PageSize { get; set; } = 1000;
        /// <summary>Copies above this go multipart (S3's 5 GiB CopyObject limit; tests lower it).</summary>
        internal long MultipartCopyThreshold { get; set; } = VersionCopier.MaxSingleCopy;
    }
}
