using System;

namespace MediaOps.Versions
{
    /// <summary>What Get-MediaVersion lists. Plain values, so the cmdlet binds them 1:1.</summary>
    public sealed class VersionQuery
    {
        /// <summary>Only entries written after this instant (exclusive: -Since T and -Until T split the history at T).</summary>
        public DateTime? SinceUtc { get; set; }
        /// <summary>Only entries written at or before this instant (what -AsOf sees).</summary>
        public DateTime? UntilUtc { get; set; }
        public bool IncludeDeleteMarkers { get; set; }
        /// <summary>An S3 Inventory report of all versions to read instead of ListObjectVersions (null: list).</summary>
        public MediaOps.S3Inventory.InventoryOptions Inventory { get; set; }
        /// <summary>Page size of ListObjectVersions (≤ 1000).</summary>
        public int PageSize { get; set; } = 1000;
    }
}
