using System;

namespace MediaOps
{
    /// <summary>Whether one Django file name resolves to an object under the prefix.</summary>
    public sealed class ObjectCheck
    {
        public string Name { get; internal set; }
        public string Key { get; internal set; }
        public bool Exists { get; internal set; }
        public CheckStatus Status { get; internal set; }
        public long? Length { get; internal set; }
        public string ContentType { get; internal set; }
        public string ETag { get; internal set; }
        public DateTime? LastModified { get; internal set; }
        public string VersionId { get; internal set; }
        public string ServerSideEncryption { get; internal set; }
        public long? LocalLength { get; internal set; }
        public string Message { get; internal set; }
        /// <summary>The -Partition slice ("k/n") the run covered; null when it was not partitioned.</summary>
        public string Partition { get; internal set; }

        /// <summary>
        /// What the caller piped in for this name (the string, or the whole CSV row / object), so a runbook can tell
        /// which database row failed; Test-MediaObject also copies the row's other columns onto the output.
        /// </summary>
        public object InputObject { get; internal set; }

        public override string ToString() => $"{Name}: {Status}";
    }
}
