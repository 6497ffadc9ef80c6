using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MediaOps.Local;

namespace MediaOps.Sync
{
    /// <summary>
    /// A restore into a folder whose file system folds case or normalisation (macOS, Windows): the names that
    /// would land on one file there ("Photo.jpg" and "photo.jpg", NFC and NFD "café"), among the objects to
    /// restore and the files already in the folder. Found in a pre-pass over the plan, because colliding keys
    /// are far apart in key order and neither may be written before the other is known. Memory: one entry per
    /// name, only on such file systems (a case-sensitive target costs nothing).
    /// </summary>
    internal sealed class NameCollisions
    {
        private readonly NameFolding _folding;
        private readonly Dictionary<string, string> _first = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string>> _collided = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        public NameCollisions(NameFolding folding) => _folding = folding;

        public string FileSystem => _folding.Describe();
        public int Count => _collided.Count;

        public void Add(string relativePath)
        {
            var folded = _folding.Fold(relativePath);
            if (!_first.TryGetValue(folded, out var first)) { _first[folded] = relativePath; return; }
            if (first == relativePath) return;
            if (!_collided.TryGetValue(folded, out var names)) _collided[folded] = names = new List<string> { first };
            if (!names.Contains(relativePath)) names.Add(relativePath);
        }

        /// <summary>The other names <paramref name="relativePath"/> would overwrite or be overwritten by, or null.</summary>
        public IReadOnlyList<string> Others(string relativePath)
        {
            if (_collided.Count == 0 || !_collided.TryGetValue(_folding.Fold(relativePath), out var names)) return null;
            return names.FindAll(n => n != relativePath);
        }

        /// <summary>Runs the plan once without acting: every local name, and every object the restore would consider.</summary>
        public static async Task<NameCollisions> FindAsync(SyncPlanner planner, NameFolding folding, DateTime? since, CancellationToken ct)
        {
            var found = new NameCollisions(folding);
            await planner.RunAsync(pair =>
            {
                if (pair.Local != null || (pair.Remote != null && !(since.HasValue && pair.Remote.LastModifiedUtc < since.Value)))
                    found.Add(pair.RelativePath);
                return Task.CompletedTask;
            }, ct).ConfigureAwait(false);
            return found;
        }
    }
}
