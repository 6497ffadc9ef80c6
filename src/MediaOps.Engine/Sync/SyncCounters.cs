using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using MediaOps.Runs;

namespace MediaOps.Sync
{
    /// <summary>Thread-safe tallies of one run, turned into progress snapshots and the final SyncResult.</summary>
    internal sealed class SyncCounters
    {
        private const int MaxErrorsKept = 100;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<string> _errors = new List<string>();
        public long Examined, Planned, PlannedBytes, Transferred, Skipped, Deleted, Failed, NotConfirmed, Bytes, FilesDone;
        public volatile bool PlanComplete;

        public TimeSpan Elapsed => _clock.Elapsed;

        public void AddError(string message)
        {
            lock (_errors) if (_errors.Count < MaxErrorsKept) _errors.Add(message);
        }

        public RunProgress Snapshot(string activity, bool completed = false)
        {
            var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            var bytes = Interlocked.Read(ref Bytes);
            var planned = Interlocked.Read(ref PlannedBytes);
            var rate = bytes / seconds;
            TimeSpan? remaining = null;
            if (PlanComplete && rate > 0 && planned >= bytes) remaining = TimeSpan.FromSeconds((planned - bytes) / rate);
            var progress = new RunProgress
            {
                Activity = activity,
                Examined = Interlocked.Read(ref Examined),
                ItemsDone = Interlocked.Read(ref FilesDone),
                ItemsPlanned = Interlocked.Read(ref Planned),
                BytesDone = bytes,
                BytesPlanned = planned,
                PlanComplete = PlanComplete,
                BytesPerSecond = rate,
                Remaining = remaining,
                Completed = completed,
            };
            progress.Status = StatusLine(progress);
            return progress;
        }

        private static string StatusLine(RunProgress p)
        {
            var files = p.PlanComplete ? $"{p.ItemsDone:N0}/{p.ItemsPlanned:N0} files" : $"{p.ItemsDone:N0}/{p.ItemsPlanned:N0}+ files ({p.Examined:N0} examined)";
            var bytes = p.PlanComplete ? $"{Size(p.BytesDone)}/{Size(p.BytesPlanned)}" : $"{Size(p.BytesDone)}/{Size(p.BytesPlanned)}+";
            return $"{files}, {bytes}, {Size((long)p.BytesPerSecond)}/s";
        }

        private static string Size(long bytes) =>
            bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.0} GiB"
            : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.0} MiB"
            : bytes >= 1L << 10 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes} B";

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
                    NotConfirmed = NotConfirmed,
                    Bytes = Bytes,
                    Duration = elapsed,
                    BytesPerSecond = elapsed.TotalSeconds > 0 ? Bytes / elapsed.TotalSeconds : 0,
                    Errors = _errors.ToArray(),
                };
            }
        }
    }
}
