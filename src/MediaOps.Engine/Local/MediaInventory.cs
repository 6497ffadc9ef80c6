using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using MediaOps.Targets;

namespace MediaOps.Local
{
    /// <summary>
    /// The Get-MediaInventory engine: a streaming audit of MEDIA_ROOT in key order, one
    /// <see cref="LocalMediaFile"/> per file (and per symlink or unreadable folder, which are findings).
    /// </summary>
    public sealed class MediaInventory
    {
        private readonly LocalWalker _walker;
        private readonly string _prefix;

        public MediaInventory(string path, string prefix, bool followSymlinks = false)
        {
            _walker = new LocalWalker(path, followSymlinks);
            _prefix = MediaTarget.NormalizePrefix(prefix);
        }

        public string Root => _walker.Root;

        public IEnumerable<LocalMediaFile> Files(CancellationToken cancellationToken = default)
        {
            foreach (var entry in _walker.Walk())
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return Describe(entry);
            }
        }

        /// <summary>Totals over <paramref name="files"/>, counting each problem kind once per file.</summary>
        public MediaInventorySummary Summarize(IEnumerable<LocalMediaFile> files)
        {
            var problems = new SortedDictionary<string, long>(StringComparer.Ordinal);
            long count = 0, bytes = 0, problemFiles = 0, largest = -1;
            string largestName = null;
            foreach (var f in files)
            {
                count++;
                bytes += f.Length;
                if (f.Length > largest) { largest = f.Length; largestName = f.RelativePath; }
                if (f.Problem == null) continue;
                problemFiles++;
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var kind in NameProblems.KindsIn(f.Problem))
                    if (seen.Add(kind)) problems[kind] = problems.TryGetValue(kind, out var n) ? n + 1 : 1;
            }
            return new MediaInventorySummary
            {
                Path = Root,
                Files = count,
                Bytes = bytes,
                LargestFile = largestName,
                ProblemFiles = problemFiles,
                Problems = problems,
            };
        }

        private LocalMediaFile Describe(LocalEntry entry)
        {
            var key = _prefix + entry.RelativePath;
            var findings = NameProblems.ForName(entry.RelativePath, key);
            switch (entry.Kind)
            {
                case LocalEntryKind.Symlink:
                    findings.Insert(0, $"{NameProblems.Symlink}: a symbolic link, not followed (S3 has no links). Replace it with the file, or pass -FollowSymlink to audit what it points to.");
                    break;
                case LocalEntryKind.UnreadableDirectory:
                    findings.Insert(0, $"{NameProblems.Unreadable}: the folder cannot be listed ({entry.Error}). Fix its permissions for the account that runs the sync.");
                    break;
                default:
                    var error = ReadError(entry.FullName);
                    if (error != null)
                        findings.Insert(0, $"{NameProblems.Unreadable}: the file cannot be read ({error}). Fix its permissions for the account that runs the sync.");
                    break;
            }
            return new LocalMediaFile
            {
                RelativePath = entry.RelativePath,
                Key = key,
                FullName = entry.FullName,
                Length = entry.Length,
                LastWriteTimeUtc = entry.LastWriteTimeUtc,
                ContentType = PythonMimeTypes.ContentTypeFor(entry.RelativePath),
                Problem = findings.Count == 0 ? null : string.Join(NameProblems.Separator, findings),
            };
        }

        private static string ReadError(string fullName)
        {
            try
            {
                using (new FileStream(fullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
                    return null;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return ex.Message;
            }
        }
    }
}
