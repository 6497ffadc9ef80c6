using System;
using MediaOps.Integrity;

namespace MediaOps.Sync
{
    /// <summary>One object of a listing page: what ListObjectsV2 gives without a HEAD.</summary>
    public sealed class RemoteObject
    {
        public RemoteObject(string key, long size, DateTime lastModifiedUtc, string eTag)
        {
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

        /// <summary>
        /// True when the ETag has the shape of a plain MD5 (single-part upload). A multipart ETag
        /// ("…-N") never is one; an SSE-KMS ETag has the shape but not the value, so a mismatch
        /// must be confirmed with a HEAD before it means "different".
        /// </summary>
        public bool ETagLooksLikeMd5 => ETagRules.IsPlainMd5(ETag);

        public override string ToString() => Key;
    }
}
