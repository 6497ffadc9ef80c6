using System;
using System.IO;

namespace MediaOps.Transfer
{
    /// <summary>
    /// Maps a key's name under the prefix to a path inside the restore folder, or refuses it.
    /// A restore must never write outside -Path, whatever an attacker (or a bug) put in the bucket.
    /// </summary>
    public static class LocalPathGuard
    {
        public const string UnsafeKeyErrorId = "MediaOps.UnsafeKey";

        /// <summary>Why <paramref name="relativeName"/> cannot be written under a folder, or null when it can.</summary>
        public static string Problem(string relativeName)
        {
            if (string.IsNullOrEmpty(relativeName)) return "the key has no name after the prefix";
            if (relativeName.IndexOf('\0') >= 0) return "the key contains a NUL character";
            if (relativeName.IndexOf('\\') >= 0) return "the key contains a backslash, which is a path separator on Windows";
            if (relativeName[0] == '/') return "the name after the prefix is an absolute path";
            if (relativeName.Length >= 2 && relativeName[1] == ':' && char.IsLetter(relativeName[0])) return "the name after the prefix starts with a drive letter";
            foreach (var segment in relativeName.Split('/'))
            {
                if (segment.Length == 0) return "the key has an empty path segment ('//')";
                if (segment == "." || segment == "..") return $"the key has a '{segment}' segment";
                if (segment.IndexOf(':') >= 0 && segment.Length >= 2 && segment[1] == ':') return "a path segment starts with a drive letter";
            }
            return null;
        }

        /// <summary>The full path for a safe name; throws MediaOpsException (Unsafe) otherwise.</summary>
        public static string Resolve(string root, string key, string relativeName)
        {
            var problem = Problem(relativeName);
            if (problem == null)
            {
                var rootFull = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
                var full = Path.GetFullPath(Path.Combine(rootFull, relativeName.Replace('/', Path.DirectorySeparatorChar)));
                if (full.StartsWith(rootFull, StringComparison.Ordinal) && full.Length > rootFull.Length)
                {
                    problem = LinkOnTheWay(rootFull, full);
                    if (problem == null) return full;
                }
                else problem = "the key resolves outside the folder";
            }
            throw new MediaOpsException(UnsafeKeyErrorId, FailureKind.Unsafe,
                $"Refused to restore '{key}': {problem}. Nothing was written for it. Remove or rename the object in S3 if it is not a real upload.", key);
        }

        /// <summary>A symbolic link among the existing parent folders would let the write escape the root.</summary>
        private static string LinkOnTheWay(string rootFull, string full)
        {
            var dir = Path.GetDirectoryName(full);
            while (dir != null && dir.Length >= rootFull.Length)
            {
                var info = new DirectoryInfo(dir);
                if (info.Exists && (info.Attributes & FileAttributes.ReparsePoint) != 0)
                    return $"the folder '{dir}' is a symbolic link, which could lead outside the restore folder";
                dir = Path.GetDirectoryName(dir);
            }
            return null;
        }
    }
}
