using System;

namespace MediaOps
{
    /// <summary>How one file differs between MEDIA_ROOT and the objects under the prefix.</summary>
    public sealed class MediaDifference
    {
        public string RelativePath { get; internal set; }
        public string Key { get; internal set; }
        public DifferenceState State { get; internal set; }
        public long? LocalLength { get; internal set; }
        public long? RemoteLength { get; internal set; }
        public DateTime? LocalLastWriteTimeUtc { get; internal set; }
        public DateTime? RemoteLastModifiedUtc { get; internal set; }
        public string Reason { get; internal set; }
        /// <summary>The -Partition slice ("k/n") the run covered; null when it was not partitioned.</summary>
        public string Partition { get; internal set; }

        public override string ToString() => $"{State} {RelativePath}";
    }
}
