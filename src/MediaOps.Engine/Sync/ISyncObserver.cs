using System;
using System.Threading.Tasks;

namespace MediaOps.Sync
{
    /// <summary>
    /// Where a sync reports to. Called from worker threads: a PowerShell implementation must post
    /// every call to the pipeline thread. Items arrive in key order.
    /// </summary>
    public interface ISyncObserver
    {
        void Item(SyncItem item);
        /// <summary>A per-file failure (the run goes on) or a refusal (e.g. -MaxDelete exceeded).</summary>
        void Error(Exception error, string target);
        void Progress(SyncProgress progress);
        void Verbose(string message);
        /// <summary>Asked once, after a clean copy pass, before any object is deleted.</summary>
        Task<bool> ConfirmDeleteAsync(long count, long bytes, string target);
    }

    /// <summary>A snapshot for Write-Progress. Totals grow while the listing is still being merged.</summary>
    public sealed class SyncProgress
    {
        public string Activity { get; internal set; }
        public long FilesDone { get; internal set; }
        public long FilesPlanned { get; internal set; }
        public long BytesDone { get; internal set; }
        public long BytesPlanned { get; internal set; }
        public long Examined { get; internal set; }
        /// <summary>True once the merge has seen every key, so the totals are final.</summary>
        public bool PlanComplete { get; internal set; }
        public double BytesPerSecond { get; internal set; }
        /// <summary>Null until the plan is complete and a rate is known.</summary>
        public TimeSpan? Remaining { get; internal set; }
        public bool Completed { get; internal set; }

        public int PercentComplete =>
            !PlanComplete ? -1
            : BytesPlanned > 0 ? (int)Math.Min(100, BytesDone * 100 / BytesPlanned)
            : FilesPlanned > 0 ? (int)Math.Min(100, FilesDone * 100 / FilesPlanned) : 100;
    }
}
