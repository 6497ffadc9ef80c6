namespace MediaOps.Integrity
{
    /// <summary>The answer to "do these two copies hold the same bytes?".</summary>
    public enum VerdictKind
    {
        Same,
        Differs,
        /// <summary>Nothing the object tells can prove it either way (e.g. SSE-KMS without a stored MD5).</summary>
        CannotTell,
    }

    /// <summary>What a verdict rests on, so a caller can phrase it for its own output.</summary>
    public enum VerdictBasis
    {
        /// <summary>The lengths alone (they differ).</summary>
        Length,
        /// <summary>Length and modification time, no content read (the quick rule of a sync).</summary>
        LengthAndTime,
        /// <summary>The local MD5 against a single-part ETag.</summary>
        ETagMd5,
        /// <summary>The local MD5 against the MD5 an upload stored with the object (x-amz-meta-md5chksum).</summary>
        StoredMd5,
        /// <summary>The checksum S3 stored with the object (x-amz-checksum-*: CRC32, CRC32C, SHA1, SHA256; whole or of the parts), recomputed from the local bytes.</summary>
        StoredChecksum,
        /// <summary>The multipart ETag (MD5 of the parts' MD5s) recomputed from the local bytes.</summary>
        MultipartETag,
        /// <summary>No digest to compare with.</summary>
        None,
    }

    /// <summary>
    /// The one verdict every equality rule gives: sync and compare (is the object current?), downloads
    /// (did the bytes arrive intact?) and Test-MediaObject (does the object hold the local file?).
    /// <see cref="Reason"/> is the short lowercase phrase a Reason column shows.
    /// </summary>
    public sealed class ContentVerdict
    {
        private ContentVerdict(VerdictKind kind, VerdictBasis basis, string reason, string localDigest, string remoteDigest)
        {
            Kind = kind;
            Basis = basis;
            Reason = reason;
            LocalDigest = localDigest;
            RemoteDigest = remoteDigest;
        }

        public VerdictKind Kind { get; }
        public VerdictBasis Basis { get; }
        /// <summary>Why, e.g. "size differs (local 4, remote 5)" or "content differs (MD5)".</summary>
        public string Reason { get; }
        /// <summary>The digest computed from the local bytes (hex MD5 or multipart ETag), when one was.</summary>
        public string LocalDigest { get; }
        /// <summary>The digest the object gave (ETag or stored MD5), when one was used.</summary>
        public string RemoteDigest { get; }

        public bool IsSame => Kind == VerdictKind.Same;

        public static ContentVerdict Same(VerdictBasis basis, string reason, string localDigest = null, string remoteDigest = null) =>
            new ContentVerdict(VerdictKind.Same, basis, reason, localDigest, remoteDigest);

        public static ContentVerdict Differs(VerdictBasis basis, string reason, string localDigest = null, string remoteDigest = null) =>
            new ContentVerdict(VerdictKind.Differs, basis, reason, localDigest, remoteDigest);

        public static ContentVerdict CannotTell(VerdictBasis basis, string reason) =>
            new ContentVerdict(VerdictKind.CannotTell, basis, reason, null, null);

        public override string ToString() => $"{Kind}: {Reason}";
    }
}
