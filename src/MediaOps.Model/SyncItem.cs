namespace MediaOps
{
    /// <summary>One file's part in a sync: what was (or would be) done and how it went.</summary>
    public sealed class SyncItem
    {
        public string Key { get; internal set; }
        public string RelativePath { get; internal set; }
        public SyncAction Action { get; internal set; }
        public SyncItemStatus Status { get; internal set; }
        /// <summary>Why it moved, or was skipped or refused.</summary>
        public string Reason { get; internal set; }
        public long Length { get; internal set; }
        public string Error { get; internal set; }
        /// <summary>The -Partition slice ("k/n") the run covered; null when it was not partitioned.</summary>
        public string Partition { get; internal set; }

        public override string ToString() => $"{Action} {Key} {Status}";
    }
}
