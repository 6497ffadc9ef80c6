using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using MediaOps.Runs;
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

        /// <summary>
        /// Walks the tree in key order and reports one <see cref="LocalMediaFile"/> per entry as it is found
        /// (memory stays flat); returns the totals, counting each problem kind once per file.
        /// </summary>
        public Task<MediaInventorySummary> RunAsync(IRunObserver<LocalMediaFile> observer, CancellationToken cancellationToken)
        {
            var activity = "Get-MediaInventory " + Root;
            var summary = new Tally();
            try
            {
                // The walk only touches local metadata: it runs synchronously on the caller's (worker) thread.
                foreach (var entry in _walker.Walk())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var file = Describe(entry);
                    summary.Add(file);
                    observer.Row(file);
                    if (summary.Files % 1000 == 0)
                        observer.Progress(RunProgress.Count(activity, summary.Files, $"{summary.Files:N0} files examined", file.RelativePath));
                }
            }
            finally
            {
                observer.Progress(RunProgress.Count(activity, summary.Files, "done", completed: true));
            }
            return Task.FromResult(summary.ToSummary(Root));
        }

        private sealed class Tally
        {
            private readonly SortedDictionary<string, long> _problems = new SortedDictionary<string, long>(StringComparer.Ordinal);
            private long _bytes, _problemFiles, _largest = -1;
            private string _largestName;

            public long Files { get; private set; }

            public void Add(LocalMediaFile f)
            {
                Files++;
                _bytes += f.Length;
                if (f.Length > _largest) { _largest = f.Length; _largestName = f.RelativePath; }
                if (f.Problem == null) return;
                _problemFiles++;
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var kind in NameProblems.KindsIn(f.Problem))
                    if (seen.Add(kind)) _problems[kind] = _problems.TryGetValue(kind, out var n) ? n + 1 : 1;
            }

            public MediaInventorySummary ToSummary(string root) => new MediaInventorySummary
            {
                Path = root,
                Files = Files,
                Bytes = _bytes,
                LargestFile = _largestName,
                ProblemFiles = _problemFiles,
                Problems = _problems,
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
                case LocalEntryKind.InvalidName:
                    findings.Insert(0, $"{NameProblems.NotUtf8}: {entry.Error}; it cannot be synced or served. Rename it to UTF-8 (e.g. convmv -f latin1 -t utf8 --notest) and update the FileField value.");
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
