using System;

namespace MediaOps
{
    /// <summary>One version (or delete marker) of an object under the media prefix, as S3 keeps it.</summary>
    public sealed class MediaVersion
    {
        /// <summary>The Django file name (the key without the prefix).</summary>
        public string Name { get; internal set; }
        public string Key { get; internal set; }
        /// <summary>"null" for an object written while the bucket was unversioned.</summary>
        public string VersionId { get; internal set; }
        public bool IsLatest { get; internal set; }
        public bool IsDeleteMarker { get; internal set; }
        /// <summary>The server's time of the write, in whole seconds (S3 reports no finer).</summary>
        public DateTime LastModifiedUtc { get; internal set; }
        /// <summary>0 for a delete marker.</summary>
        public long Length { get; internal set; }
        /// <summary>Without quotes; null for a delete marker.</summary>
        public string ETag { get; internal set; }
        public string StorageClass { get; internal set; }

        public override string ToString() => $"{Key}@{VersionId}";
    }
}
