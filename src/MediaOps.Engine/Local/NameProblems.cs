using System;
using System.Collections.Generic;
using System.Text;

namespace MediaOps.Local
{
    /// <summary>
    /// Why a local file will be a bad S3 key or break elsewhere. Each finding is "Kind: what to do";
    /// the kinds are the keys of <see cref="MediaInventorySummary.Problems"/>.
    /// </summary>
    public static class NameProblems
    {
        public const string KeyTooLong = "KeyTooLong";
        public const string NotNfc = "NotNfc";
        public const string UnportableName = "UnportableName";
        public const string Symlink = "Symlink";
        public const string Unreadable = "Unreadable";
        public const string StaticAsset = "StaticAsset";
        public const string TempFile = "TempFile";
        public const string NotUtf8 = "NotUtf8";

        public const int MaxKeyBytes = 1024;

        private static readonly HashSet<string> ReservedWindowsNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
        };

        // Folders that hold collectstatic output or admin assets, not user uploads.
        private static readonly HashSet<string> StaticFolders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "admin", "static", "staticfiles", "CACHE", "css", "js", "debug_toolbar", "rest_framework",
        };

        private static readonly HashSet<string> StaticExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            ".css", ".js", ".mjs", ".map",
        };

        private static readonly HashSet<string> TempExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            ".tmp", ".temp", ".part", ".partial", ".swp", ".swo", ".crdownload", ".bak", ".orig",
        };

        private static readonly HashSet<string> JunkNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            ".DS_Store", "Thumbs.db", "desktop.ini", ".directory",
        };

        /// <summary>Findings about the name alone (no file system access), as "Kind: message".</summary>
        public static List<string> ForName(string relativePath, string key)
        {
            var found = new List<string>();
            var keyBytes = Encoding.UTF8.GetByteCount(key);
            if (keyBytes > MaxKeyBytes)
                found.Add($"{KeyTooLong}: the key is {keyBytes} UTF-8 bytes; S3 allows {MaxKeyBytes}. Shorten the path (and the FileField value) before migrating.");
            if (!IsNfc(relativePath))
                found.Add($"{NotNfc}: the name is not in Unicode NFC (typical of files copied from macOS). Django looks names up as stored in the database: check which form the FileField holds and rename the file to match.");
            var unportable = Unportable(relativePath);
            if (unportable != null)
                found.Add($"{UnportableName}: {unportable}. It uploads as is, but a restore to Windows or a Windows share will fail: rename it if the files must travel.");
            var segments = relativePath.Split('/');
            var fileName = segments[segments.Length - 1];
            var ext = PythonMimeTypes.SplitExt(fileName).Ext;
            if (IsTemp(fileName, ext))
                found.Add($"{TempFile}: '{fileName}' looks like a temporary or editor file, not an upload. Exclude it (-Exclude) or delete it.");
            else if ((segments.Length > 1 && StaticFolders.Contains(segments[0])) || StaticExtensions.Contains(ext))
                found.Add($"{StaticAsset}: this looks like a static asset (collectstatic output), not a user upload. Static files belong in STATIC_ROOT/STATICFILES storage; exclude them from the media sync.");
            return found;
        }

        private static bool IsNfc(string s)
        {
            try { return s.IsNormalized(NormalizationForm.FormC); }
            catch (ArgumentException) { return false; } // lone surrogates cannot be normalised at all
        }

        private static bool IsTemp(string fileName, string ext) =>
            fileName.EndsWith("~", StringComparison.Ordinal) || TempExtensions.Contains(ext) || JunkNames.Contains(fileName)
            || fileName.StartsWith("~$", StringComparison.Ordinal) || fileName.StartsWith(".~lock.", StringComparison.Ordinal)
            || fileName.StartsWith("._", StringComparison.Ordinal) || LocalWalker.IsOwnTempFile(fileName);

        /// <summary>What makes the path unusable on Windows/SMB/other file systems, or null.</summary>
        internal static string Unportable(string relativePath)
        {
            foreach (var segment in relativePath.Split('/'))
            {
                foreach (var c in segment)
                {
                    if (c < 0x20 || c == 0x7F) return $"'{Printable(segment)}' contains a control character (U+{(int)c:X4})";
                    if ("\\:*?\"<>|".IndexOf(c) >= 0) return $"'{segment}' contains '{c}', which Windows file systems reject";
                }
                if (segment.EndsWith(".", StringComparison.Ordinal) || segment.EndsWith(" ", StringComparison.Ordinal))
                    return $"'{segment}' ends with a dot or space, which Windows strips";
                var stem = segment;
                var dot = stem.IndexOf('.');
                if (dot >= 0) stem = stem.Substring(0, dot);
                if (ReservedWindowsNames.Contains(stem.TrimEnd(' ')))
                    return $"'{segment}' is a reserved device name on Windows";
            }
            return null;
        }

        internal static string Printable(string s)
        {
            var sb = new StringBuilder(s.Length);
            foreach (var c in s) sb.Append(c < 0x20 || c == 0x7F ? '?' : c);
            return sb.ToString();
        }

        /// <summary>Joins the findings of one file into <see cref="LocalMediaFile.Problem"/>.</summary>
        public const string Separator = "; ";

        private static readonly System.Text.RegularExpressions.Regex FindingStart =
            new System.Text.RegularExpressions.Regex("(?:^|; )(" + string.Join("|", new[] { KeyTooLong, NotNfc, UnportableName, Symlink, Unreadable, StaticAsset, TempFile, NotUtf8 }) + "): ");

        /// <summary>The kinds named in a Problem text (file names inside messages cannot fake one: only known kinds after the separator count).</summary>
        public static IEnumerable<string> KindsIn(string problem)
        {
            if (string.IsNullOrEmpty(problem)) yield break;
            foreach (System.Text.RegularExpressions.Match m in FindingStart.Matches(problem)) yield return m.Groups[1].Value;
        }

        /// <summary>The kind of a "Kind: message" finding.</summary>
        public static string KindOf(string finding)
        {
            var colon = finding.IndexOf(':');
            return colon > 0 ? finding.Substring(0, colon) : finding;
        }
    }
}
