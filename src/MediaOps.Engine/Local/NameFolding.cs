using System;
using System.IO;
using System.Text;

namespace MediaOps.Local
{
    /// <summary>
    /// Whether a folder's file system treats names that differ only by case (Windows, macOS) or by Unicode
    /// normalisation (macOS) as the same name, learnt by asking it, and the folded form under which such
    /// names meet. Two keys with one folded form would overwrite each other there.
    /// </summary>
    public sealed class NameFolding
    {
        public static readonly NameFolding None = new NameFolding(false, false);

        public NameFolding(bool foldsCase, bool foldsNormalization)
        {
            FoldsCase = foldsCase;
            FoldsNormalization = foldsNormalization;
        }

        public bool FoldsCase { get; }
        public bool FoldsNormalization { get; }
        public bool Folds => FoldsCase || FoldsNormalization;

        /// <summary>What the file system would call the same name ("Photo.JPG" and "photo.jpg" meet on a case-insensitive one).</summary>
        public string Fold(string relativePath)
        {
            var s = relativePath;
            if (FoldsNormalization)
            {
                try { s = s.Normalize(NormalizationForm.FormC); } catch (ArgumentException) { } // lone surrogates stay as they are
            }
            return FoldsCase ? s.ToUpperInvariant() : s;
        }

        public string Describe() =>
            FoldsCase && FoldsNormalization ? "case- and normalisation-insensitive" : FoldsCase ? "case-insensitive" : FoldsNormalization ? "normalisation-insensitive" : "case-sensitive";

        /// <summary>A dry run's probe: an entry whose other-case spelling exists but is not listed tells; else the cautious answer.</summary>
        private static NameFolding ProbeWithoutWriting(string folder)
        {
            try
            {
                var names = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
                foreach (var entry in Directory.EnumerateFileSystemEntries(folder)) names.Add(Path.GetFileName(entry));
                foreach (var name in names)
                {
                    var swapped = name.ToUpperInvariant() != name ? name.ToUpperInvariant() : name.ToLowerInvariant();
                    if (swapped == name || names.Contains(swapped)) continue;
                    var folds = File.Exists(Path.Combine(folder, swapped)) || Directory.Exists(Path.Combine(folder, swapped));
                    return new NameFolding(folds, folds);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { }
            return new NameFolding(true, true);
        }

        /// <summary>
        /// Asks the file system of <paramref name="folder"/> (which must exist): creates a probe file with a lower-case
        /// letter and an NFC "é", and looks for it under the upper-case and the NFD spelling. With
        /// <paramref name="mayWrite"/> false (a dry run) nothing is created and the answer is the cautious one: folds.
        /// </summary>
        public static NameFolding Probe(string folder, bool mayWrite)
        {
            if (!Directory.Exists(folder)) return new NameFolding(true, true);
            if (!mayWrite) return ProbeWithoutWriting(folder);
            var stem = ".mediaops-probe-" + Guid.NewGuid().ToString("N");
            var probe = Path.Combine(folder, stem + "-a\u00e9");
            try
            {
                using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
                {
                    var foldsCase = File.Exists(Path.Combine(folder, stem.ToUpperInvariant() + "-A\u00e9"));
                    var foldsNormalization = File.Exists(Path.Combine(folder, stem + "-ae\u0301"));
                    return new NameFolding(foldsCase, foldsNormalization);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return new NameFolding(true, true); // cannot ask: assume the worst, which only costs a pre-pass
            }
            finally
            {
                try { if (File.Exists(probe)) File.Delete(probe); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }
}
