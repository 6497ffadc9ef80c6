using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace MediaOps.Sync
{
    /// <summary>Thread-safe tallies of one run, turned into progress snapshots and the final SyncResult.</summary>
    internal sealed class SyncCounters
    {
        private const int MaxErrorsKept = 100;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<string> _errors = new List<string>();
        public long Examined, Planned, PlannedBytes, Transferred, Skipped, Deleted, Failed, Bytes, FilesDone;
        public volatile bool PlanComplete;

        public TimeSpan Elapsed => _clock.Elapsed;

        public void AddError(string message)
        {
            lock (_errors) if (_errors.Count < MaxErrorsKept) _errors.Add(message);
        }

        public SyncProgress Snapshot(string activity, bool completed = false)
        {
            var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            var bytes = Interlocked.Read(ref Bytes);
            var planned = Interlocked.Read(ref PlannedBytes);
            var rate = bytes / seconds;
            TimeSpan? remaining = null;
            if (PlanComplete && rate > 0 && planned >= bytes) remaining = TimeSpan.FromSeconds((planned - bytes) / rate);
            return new SyncProgress
            {
                Activity = activity,
                Examined = Interlocked.Read(ref Examined),
                FilesDone = Interlocked.Read(ref FilesDone),
                FilesPlanned = Interlocked.Read(ref Planned),
                BytesDone = bytes,
                BytesPlanned = planned,
                PlanComplete = PlanComplete,
                BytesPerSecond = rate,
                Remaining = remaining,
                Completed = completed,
            };
        }

        public SyncResult ToResult(SyncDirection direction, string source, string destination, bool whatIf)
        {
            var elapsed = _clock.Elapsed;
            lock (_errors)
            {
                return new SyncResult
                {
                    Direction = direction,
                    Source = source,
                    Destination = destination,
                    WhatIf = whatIf,
                    Planned = Planned,
                    Transferred = Transferred,
                    Skipped = Skipped,
                    Deleted = Deleted,
                    Failed = Failed,
                    Bytes = Bytes,
                    Duration = elapsed,
                    BytesPerSecond = elapsed.TotalSeconds > 0 ? Bytes / elapsed.TotalSeconds : 0,
                    Errors = _errors.ToArray(),
                };
            }
        }
    }
}
