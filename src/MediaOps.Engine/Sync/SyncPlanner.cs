using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using MediaOps.Local;
using MediaOps.Targets;

namespace MediaOps.Sync
{
    /// <summary>
    /// The one planner behind Compare-MediaStore and both syncs: a streaming merge of the sorted local
    /// walk and the ListObjectsV2 pages, both in UTF-8 binary key order. It holds one listing page
    /// (plus the prefetched next one) and one directory listing per nesting level, never the tree.
    /// Excluded names and directory-marker keys ("folder/") never reach the caller.
    /// </summary>
    public sealed class SyncPlanner
    {
        private readonly IAmazonS3 _s3;
        private readonly MediaTarget _target;
        private readonly LocalWalker _walker;
        private readonly PathFilter _filter;
        private readonly IRemoteListing _listing;
        private readonly KeyPartition _partition;

        /// <param name="listing">The remote side when it is not a live LIST (an S3 Inventory report); null lists the prefix.</param>
        /// <param name="partition">Only names of this slice, on both sides (-Partition); null for all.</param>
        internal SyncPlanner(IAmazonS3 s3, MediaTarget target, LocalWalker walker, PathFilter filter, IRemoteListing listing = null, KeyPartition partition = null)
        {
            _s3 = s3;
            _target = target;
            _walker = walker;
            _filter = filter ?? new PathFilter(null);
            _listing = listing;
            _partition = partition;
        }

        /// <summary>
        /// Called for a file named like a restore's temp file (<see cref="LocalWalker.IsOwnTempFile"/>), ours or
        /// another run's; returns true to leave it out of the plan. Unset: planned like any file.
        /// </summary>
        public Func<LocalEntry, bool> OnOwnTempFile { get; set; }

        /// <summary>
        /// Called, in the merge's order, for each local entry and each object that -Exclude leaves out (within the
        /// -Partition slice), so a sync can show it as a Skip row. Unset: excluded names pass silently.
        /// </summary>
        public Func<PlanPair, Task> OnExcluded { get; set; }

        // Excluded local entries met by the synchronous walk, handed to OnExcluded before the next pair.
        private readonly List<PlanPair> _excludedLocal = new List<PlanPair>();

        /// <summary>Objects under the prefix that reached the caller (excluded names and folder markers do not count).</summary>
        public long RemoteObjects { get; private set; }

        // Folders the walk did not enter (symlinks, unreadable, unreadable names), as "relative/":
        // their objects are not "gone locally", whatever the walk says.
        private readonly Dictionary<string, LocalEntry> _notEnteredBy = new Dictionary<string, LocalEntry>(StringComparer.Ordinal);

        /// <summary>
        /// Calls <paramref name="onPair"/> once per key in key order; awaiting it is the back-pressure
        /// that keeps the merge from running ahead of the transfers.
        /// </summary>
        public async Task RunAsync(Func<PlanPair, Task> onPair, CancellationToken ct)
        {
            var prefix = _target.Prefix;
            var lister = _listing ?? new RemoteLister(_s3, _target.BucketName, prefix);
            var order = KeyOrder.Instance;
            // The walk runs synchronously on this worker thread; it only touches local metadata.
            using (var local = _walker.Walk().GetEnumerator())
            {
                var localCurrent = NextLocal(local);
                IReadOnlyList<RemoteObject> page = await lister.NextPageAsync(ct).ConfigureAwait(false);
                var index = 0;
                RemoteObject remoteCurrent = null;
                async Task AdvanceRemote()
                {
                    while (true)
                    {
                        if (page == null) { remoteCurrent = null; return; }
                        if (index < page.Count)
                        {
                            var candidate = page[index++];
                            if (IsWanted(candidate)) { remoteCurrent = candidate; RemoteObjects++; return; }
                            if (OnExcluded != null && IsExcludedObject(candidate))
                                await OnExcluded(new PlanPair(candidate.Key, candidate.Key.Substring(prefix.Length), null, candidate)).ConfigureAwait(false);
                            continue;
                        }
                        page = await lister.NextPageAsync(ct).ConfigureAwait(false);
                        index = 0;
                    }
                }
                await AdvanceRemote().ConfigureAwait(false);

                while (localCurrent != null || remoteCurrent != null)
                {
                    ct.ThrowIfCancellationRequested();
                    await ReportExcludedLocal().ConfigureAwait(false);
                    int cmp;
                    string localKey = localCurrent == null ? null : prefix + localCurrent.RelativePath;
                    if (localCurrent == null) cmp = 1;
                    else if (remoteCurrent == null) cmp = -1;
                    else cmp = order.Compare(localKey, remoteCurrent.Key);

                    if (cmp < 0)
                    {
                        await onPair(new PlanPair(localKey, localCurrent.RelativePath, localCurrent, null)).ConfigureAwait(false);
                        localCurrent = NextLocal(local);
                    }
                    else if (cmp > 0)
                    {
                        var relative = remoteCurrent.Key.Substring(prefix.Length);
                        await onPair(new PlanPair(remoteCurrent.Key, relative, null, remoteCurrent) { NotEnteredBy = NotEnteredAbove(relative) }).ConfigureAwait(false);
                        await AdvanceRemote().ConfigureAwait(false);
                    }
                    else
                    {
                        await onPair(new PlanPair(localKey, localCurrent.RelativePath, localCurrent, remoteCurrent)).ConfigureAwait(false);
                        localCurrent = NextLocal(local);
                        await AdvanceRemote().ConfigureAwait(false);
                    }
                }
                await ReportExcludedLocal().ConfigureAwait(false);
            }
        }

        private async Task ReportExcludedLocal()
        {
            if (_excludedLocal.Count == 0) return;
            foreach (var pair in _excludedLocal) await OnExcluded(pair).ConfigureAwait(false);
            _excludedLocal.Clear();
        }

        private bool IsExcludedObject(RemoteObject o)
        {
            if (!o.Key.StartsWith(_target.Prefix, StringComparison.Ordinal) || o.Key.EndsWith("/", StringComparison.Ordinal)) return false;
            var relative = o.Key.Substring(_target.Prefix.Length);
            return relative.Length > 0 && _filter.IsExcluded(relative) && (_partition == null || _partition.Owns(relative));
        }

        private bool IsWanted(RemoteObject o)
        {
            // Keys outside the prefix cannot come from a prefixed listing; checked anyway because
            // -Delete acts on what this yields.
            if (!o.Key.StartsWith(_target.Prefix, StringComparison.Ordinal)) return false;
            if (o.Key.EndsWith("/", StringComparison.Ordinal)) return false; // directory marker ("folder/"), never a file
            var relative = o.Key.Substring(_target.Prefix.Length);
            return relative.Length > 0 && !_filter.IsExcluded(relative) && (_partition == null || _partition.Owns(relative));
        }

        private LocalEntry NextLocal(IEnumerator<LocalEntry> local)
        {
            while (local.MoveNext())
            {
                var e = local.Current;
                // Before the exclusion test: an excluded symlink still shields the objects under it.
                if (e.Kind != LocalEntryKind.File) _notEnteredBy[e.RelativePath + "/"] = e;
                if (OnOwnTempFile != null && e.Kind == LocalEntryKind.File && LocalWalker.IsOwnTempFile(FileName(e.RelativePath)) && OnOwnTempFile(e))
                    continue;
                if (_filter.IsExcluded(e.RelativePath))
                {
                    if (OnExcluded != null && (_partition == null || _partition.Owns(e.RelativePath)))
                        _excludedLocal.Add(new PlanPair(_target.Prefix + e.RelativePath, e.RelativePath, e, null));
                    continue;
                }
                if (_partition != null && !_partition.Owns(e.RelativePath)) continue;
                return e;
            }
            return null;
        }

        /// <summary>The not-entered folder (symlink, unreadable…) that holds <paramref name="relative"/>, or null.</summary>
        private LocalEntry NotEnteredAbove(string relative)
        {
            if (_notEnteredBy.Count == 0) return null;
            for (var slash = relative.IndexOf('/'); slash >= 0; slash = relative.IndexOf('/', slash + 1))
                if (_notEnteredBy.TryGetValue(relative.Substring(0, slash + 1), out var by)) return by;
            return null;
        }

        private static string FileName(string relativePath)
        {
            var slash = relativePath.LastIndexOf('/');
            return slash < 0 ? relativePath : relativePath.Substring(slash + 1);
        }
    }
}
