using System;
using System.Collections.Generic;
using System.IO;

namespace MediaOps.Local
{
    /// <summary>
    /// Streams the files under a root in S3 key order without loading the tree: each directory's
    /// entries are sorted by their key bytes with '/' appended to directory names (so <c>a-b</c>
    /// comes before <c>a/b</c> and <c>a/b</c> before <c>a0</c>), then visited depth-first. Memory is
    /// one directory listing per level of nesting.
    /// </summary>
    public sealed class LocalWalker
    {
        /// <summary>Prefix of the temp files Sync-MediaFromS3 writes before renaming into place.</summary>
        public const string TempFilePrefix = ".mediaops-";
        public const string TempFileSuffix = ".tmp";
        private const int MaxFollowDepth = 64;

        private readonly string _root;
        private readonly bool _followSymlinks;
        private readonly bool _allowMissingRoot;

        /// <param name="allowMissingRoot">A missing root walks as empty (a restore into a folder not created yet).</param>
        public LocalWalker(string root, bool followSymlinks = false, bool allowMissingRoot = false)
        {
            _allowMissingRoot = allowMissingRoot;
            if (string.IsNullOrEmpty(root)) throw new ArgumentException("A folder is required.", nameof(root));
            _root = Path.GetFullPath(root);
            _followSymlinks = followSymlinks;
        }

        public string Root => _root;

        /// <summary>
        /// True for exactly the names <see cref="NewTempFileName"/> makes (the creating process's id and start
        /// time, then 128 random bits): a user's ".mediaops-notes.tmp" is a file like any other.
        /// </summary>
        public static bool IsOwnTempFile(string fileName) => OwnTempName.IsMatch(fileName);

        /// <summary>
        /// A fresh temp file name that says which process made it; created with FileMode.CreateNew, so it never
        /// replaces a file that exists.
        /// </summary>
        public static string NewTempFileName() => $"{TempFilePrefix}{ThisProcess.Id}-{ThisProcess.StartSeconds}-{Guid.NewGuid():N}{TempFileSuffix}";

        /// <summary>
        /// True when the temp file's creator is gone (no process with its id, or one started at another time):
        /// only then may another run remove it. A running restore's temp files are never touched.
        /// </summary>
        public static bool IsTempFileOfDeadRun(string fileName)
        {
            var m = OwnTempName.Match(fileName);
            if (!m.Success || !int.TryParse(m.Groups[1].Value, out var pid) || !long.TryParse(m.Groups[2].Value, out var started)) return false;
            try
            {
                using (var p = System.Diagnostics.Process.GetProcessById(pid))
                    return Math.Abs(StartSeconds(p) - started) > 1;
            }
            catch (ArgumentException) { return true; }                 // no such process
            catch (InvalidOperationException) { return true; }         // it exited meanwhile
            catch (Exception) { return false; }                        // cannot tell: leave it
        }

        private static long StartSeconds(System.Diagnostics.Process p) => p.StartTime.ToUniversalTime().Ticks / TimeSpan.TicksPerSecond;

        private static class ThisProcess
        {
            public static readonly int Id;
            public static readonly long StartSeconds;
            static ThisProcess()
            {
                using (var p = System.Diagnostics.Process.GetCurrentProcess())
                {
                    Id = p.Id;
                    StartSeconds = LocalWalker.StartSeconds(p);
                }
            }
        }

        private static readonly System.Text.RegularExpressions.Regex OwnTempName =
            new System.Text.RegularExpressions.Regex(@"\A\.mediaops-([0-9]{1,10})-([0-9]{1,20})-[0-9a-f]{32}\.tmp\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>The sorted walk. Throws DirectoryNotFoundException when the root is missing.</summary>
        public IEnumerable<LocalEntry> Walk()
        {
            if (!Directory.Exists(_root))
            {
                if (_allowMissingRoot) return Array.Empty<LocalEntry>();
                throw new DirectoryNotFoundException($"Folder '{_root}' does not exist. Pass -Path with your MEDIA_ROOT.");
            }
            return WalkDirectory(_root, "", 0);
        }

        private IEnumerable<LocalEntry> WalkDirectory(string fullPath, string relativePrefix, int depth)
        {
            Node[] nodes;
            string error = null;
            try
            {
                nodes = ReadSorted(fullPath);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException || ex is System.Security.SecurityException)
            {
                nodes = null;
                error = ex.Message;
            }
            if (nodes == null)
            {
                // The root itself must be readable; a subfolder that is not becomes a finding.
                if (relativePrefix.Length == 0) throw new UnauthorizedAccessException($"Folder '{fullPath}' cannot be read: {error}");
                yield return new LocalEntry(relativePrefix.TrimEnd('/'), fullPath, LocalEntryKind.UnreadableDirectory, 0, DateTime.MinValue, error);
                yield break;
            }
            foreach (var node in nodes)
            {
                var relative = relativePrefix + node.Info.Name;
                if (node.BadName)
                {
                    yield return new LocalEntry(relative, node.Info.FullName, LocalEntryKind.InvalidName, 0, DateTime.MinValue,
                        $"its name is not valid UTF-8 ({(node.Info is DirectoryInfo ? "a folder" : "a file")}), and S3 keys are UTF-8");
                }
                else if (node.IsDirectory)
                {
                    foreach (var e in WalkDirectory(node.Info.FullName, relative + "/", depth + 1)) yield return e;
                }
                else if (node.IsLink && !node.FollowedAsFile)
                {
                    yield return new LocalEntry(relative, node.Info.FullName, LocalEntryKind.Symlink, 0, SafeTime(node.Info));
                }
                else
                {
                    var file = (FileInfo)node.Info;
                    long length;
                    DateTime mtime;
                    try
                    {
                        var stat = node.IsLink ? LinkTarget(file) : file;
                        length = stat.Length;
                        mtime = stat.LastWriteTimeUtc;
                    }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                    {
                        continue; // vanished between listing and stat: not part of this walk
                    }
                    yield return new LocalEntry(relative, file.FullName, LocalEntryKind.File, length, mtime);
                }
            }

            Node[] ReadSorted(string path)
            {
                var infos = new DirectoryInfo(path).GetFileSystemInfos();
                var result = new Node[infos.Length];
                var keys = new string[infos.Length];
                for (var i = 0; i < infos.Length; i++)
                {
                    var info = infos[i];
                    if (IsUnreadableName(info))
                    {
                        // Not valid UTF-8: .NET decodes it with U+FFFD, and that name does not exist, so it can be neither read nor entered.
                        result[i] = new Node(info, false, false, false, badName: true);
                        keys[i] = info.Name;
                        continue;
                    }
                    var isLink = (info.Attributes & FileAttributes.ReparsePoint) != 0;
                    var isDir = (info.Attributes & FileAttributes.Directory) != 0;
                    var followedAsFile = false;
                    if (isLink)
                    {
                        if (_followSymlinks && depth < MaxFollowDepth)
                        {
                            isDir = Directory.Exists(info.FullName);
                            followedAsFile = !isDir && File.Exists(info.FullName);
                            if (followedAsFile && isDir == false && !(info is FileInfo)) info = new FileInfo(info.FullName);
                        }
                        else isDir = false;
                    }
                    result[i] = new Node(info, isDir, isLink, followedAsFile);
                    keys[i] = isDir ? info.Name + "/" : info.Name;
                }
                Array.Sort(keys, result, KeyOrder.Instance);
                return result;
            }
        }

        // File.ResolveLinkTarget exists on the .NET that PowerShell 7 runs on, not in netstandard2.0.
        private static readonly System.Reflection.MethodInfo ResolveLinkTarget =
            typeof(File).GetMethod("ResolveLinkTarget", new[] { typeof(string), typeof(bool) });

        /// <summary>The file a followed symlink ends at (FileInfo of a link describes the link itself).</summary>
        private static FileInfo LinkTarget(FileInfo link)
        {
            if (ResolveLinkTarget != null && ResolveLinkTarget.Invoke(null, new object[] { link.FullName, true }) is FileInfo target) return target;
            return link; // Windows PowerShell 5.1: FileInfo already follows links there
        }

        /// <summary>
        /// A name that is not valid UTF-8 on a Unix file system: .NET replaces the bad bytes with U+FFFD,
        /// and nothing exists under the replaced name (a name that really holds U+FFFD stats fine).
        /// </summary>
        private static bool IsUnreadableName(FileSystemInfo info) =>
            info.Name.IndexOf('\uFFFD') >= 0 && (int)info.Attributes == -1 && !info.Exists;

        /// <summary>What a symlink ends at: "a folder", "a file", or "nothing (its target is missing)" (e.g. an unmounted volume).</summary>
        public static string LinkPointsTo(string link)
        {
            try
            {
                if (Directory.Exists(link)) return "a folder"; // follows the link
                // File.Exists is true for a dangling link on .NET; the final target's own existence is what counts.
                if (ResolveLinkTarget != null)
                    return ResolveLinkTarget.Invoke(null, new object[] { link, true }) is FileSystemInfo target && target.Exists ? "a file" : "nothing (its target is missing)";
                return File.Exists(link) ? "a file" : "nothing (its target is missing)";
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.Reflection.TargetInvocationException)
            {
                return "nothing (its target is missing)";
            }
        }

        private static DateTime SafeTime(FileSystemInfo info)
        {
            try { return info.LastWriteTimeUtc; } catch (IOException) { return DateTime.MinValue; }
        }

        private readonly struct Node
        {
            public Node(FileSystemInfo info, bool isDirectory, bool isLink, bool followedAsFile, bool badName = false)
            {
                BadName = badName;
                Info = info;
                IsDirectory = isDirectory;
                IsLink = isLink;
                FollowedAsFile = followedAsFile;
            }
            public FileSystemInfo Info { get; }
            public bool IsDirectory { get; }
            public bool IsLink { get; }
            public bool FollowedAsFile { get; }
            public bool BadName { get; }
        }
    }
}
