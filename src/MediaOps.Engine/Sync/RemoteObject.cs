using System;
using MediaOps.Integrity;

namespace MediaOps.Sync
{
    /// <summary>One object of a listing page: what ListObjectsV2 (or, as of a time, ListObjectVersions) gives without a HEAD.</summary>
    public sealed class RemoteObject
    {
        public RemoteObject(string key, long size, DateTime lastModifiedUtc, string eTag, string versionId = null)
        {
            VersionId = versionId;
            Key = key;
            Size = size;
            LastModifiedUtc = lastModifiedUtc;
            ETag = eTag;
        }

        public string Key { get; }
        public long Size { get; }
        public DateTime LastModifiedUtc { get; }
        /// <summary>Without quotes.</summary>
        public string ETag { get; }
        /// <summary>The version to read (Sync-MediaFromS3 -AsOf); null: the current one.</summary>
        public string VersionId { get; }

        /// <summary>What the listing says about the bytes, for Integrity's rules.</summary>
        public ObjectDigest Digest => ObjectDigest.FromListing(Key, Size, ETag, VersionId);

        public override string ToString() => Key;
    }
}
