using System;
using MediaOps.Integrity;

namespace MediaOps.Versions
{
    public enum RestoreStepKind
    {
        /// <summary>The key is already in its as-of state: nothing to do.</summary>
        Untouched = 0,
        /// <summary>Copy the as-of version on top (the key was overwritten or deleted since).</summary>
        Restore = 1,
        /// <summary>-RemoveNewer: put a delete marker on a key that did not exist at the time.</summary>
        Delete = 2,
        /// <summary>A key that did not exist at the time, left alone (no -RemoveNewer).</summary>
        LeaveNewer = 3,
    }

    /// <summary>What one key needs to be back in its state as of the time, and why.</summary>
    internal sealed class RestoreStep
    {
        public RestoreStep(KeyHistory history, RestoreStepKind kind, MediaVersion source, string reason)
        {
            History = history;
            Kind = kind;
            Source = source;
            Reason = reason;
        }

        public KeyHistory History { get; }
        public string Key => History.Key;
        public RestoreStepKind Kind { get; }
        /// <summary>The version to copy on top (Restore only).</summary>
        public MediaVersion Source { get; }
        public string Reason { get; }
        /// <summary>Bytes copied (Restore) or hidden behind the marker (Delete).</summary>
        public long Length => Kind == RestoreStepKind.Restore ? Source.Length : History.Current.Length;
    }

    /// <summary>
    /// Decides per key, from its history alone, what brings it back to its state as of a time. Pure: no S3.
    /// Time rule: an entry counts as "at or before T" when the server's LastModified (whole seconds) is ≤ T,
    /// so a version written in the very second T names is part of the state at T.
    /// </summary>
    internal static class RestorePlanner
    {
        public static RestoreStep Decide(KeyHistory history, DateTime asOfUtc, bool removeNewer)
        {
            var current = history.Current;
            var then = history.AsOf(asOfUtc);
            var thenExisted = then != null && !then.IsDeleteMarker;
            if (!thenExisted)
            {
                if (current.IsDeleteMarker)
                    return new RestoreStep(history, RestoreStepKind.Untouched, null, "absent then and now");
                var why = then == null
                    ? $"created {Stamp(Oldest(history))}, after the time"
                    : $"deleted {Stamp(then)} and written again {Stamp(current)}";
                return removeNewer
                    ? new RestoreStep(history, RestoreStepKind.Delete, null, why + "; a delete marker hides it (history kept)")
                    : new RestoreStep(history, RestoreStepKind.LeaveNewer, null, why + "; left alone without -RemoveNewer");
            }
            if (current.VersionId == then.VersionId)
                return new RestoreStep(history, RestoreStepKind.Untouched, null, "unchanged since the time");
            if (current.IsDeleteMarker)
                return new RestoreStep(history, RestoreStepKind.Restore, then, $"deleted {Stamp(current)}; version {then.VersionId} of {Stamp(then)} copied back");
            // A key restored before (by an interrupted run, say) carries a copy of the version: same bytes, new id.
            var verdict = ContentComparer.CompareVersions(ObjectDigest.FromListing(history.Key, then.Length, then.ETag),
                ObjectDigest.FromListing(history.Key, current.Length, current.ETag));
            if (verdict.IsSame)
                return new RestoreStep(history, RestoreStepKind.Untouched, null, $"current version has the content of {then.VersionId} ({verdict.Reason})");
            return new RestoreStep(history, RestoreStepKind.Restore, then, $"overwritten {Stamp(current)}; version {then.VersionId} of {Stamp(then)} copied back");
        }

        private static MediaVersion Oldest(KeyHistory history) => history.Versions[history.Versions.Count - 1];

        private static string Stamp(MediaVersion v) => v.LastModifiedUtc.ToString("yyyy-MM-dd HH:mm:ss") + "Z";
    }
}
