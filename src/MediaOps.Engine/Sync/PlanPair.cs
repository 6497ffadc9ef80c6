using MediaOps.Local;

namespace MediaOps.Sync
{
    /// <summary>A key as seen on both sides of the merge: the local entry, the object, or both.</summary>
    public sealed class PlanPair
    {
        internal PlanPair(string key, string relativePath, LocalEntry local, RemoteObject remote)
        {
            Key = key;
            RelativePath = relativePath;
            Local = local;
            Remote = remote;
        }

        public string Key { get; }
        public string RelativePath { get; }
        /// <summary>Null when the key exists only in S3.</summary>
        public LocalEntry Local { get; }
        /// <summary>Null when the file exists only locally.</summary>
        public RemoteObject Remote { get; }
        /// <summary>
        /// For an object with no local file: the folder above it that the walk did not enter (a symlink,
        /// an unreadable folder or name). Such an object is not "gone locally" and is never deleted.
        /// </summary>
        public LocalEntry NotEnteredBy { get; internal set; }

        public override string ToString() => Key;
    }
}
