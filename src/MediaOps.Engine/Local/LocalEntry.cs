using System;

namespace MediaOps.Local
{
    public enum LocalEntryKind
    {
        File = 0,
        /// <summary>A symbolic link that was not followed.</summary>
        Symlink = 1,
        /// <summary>A directory that could not be listed; <see cref="LocalEntry.Error"/> says why.</summary>
        UnreadableDirectory = 2,
        /// <summary>A file or folder whose name is not valid UTF-8 (it cannot be opened by name, nor be a key).</summary>
        InvalidName = 3,
    }

    /// <summary>One entry of the sorted local walk. Paths use '/' and are relative to the walk root.</summary>
    public sealed class LocalEntry
    {
        internal LocalEntry(string relativePath, string fullName, LocalEntryKind kind, long length, DateTime lastWriteTimeUtc, string error = null)
        {
            RelativePath = relativePath;
            FullName = fullName;
            Kind = kind;
            Length = length;
            LastWriteTimeUtc = lastWriteTimeUtc;
            Error = error;
        }

        public string RelativePath { get; }
        public string FullName { get; }
        public LocalEntryKind Kind { get; }
        public long Length { get; }
        public DateTime LastWriteTimeUtc { get; }
        public string Error { get; }

        public bool IsFile => Kind == LocalEntryKind.File;

        public override string ToString() => RelativePath;
    }
}
