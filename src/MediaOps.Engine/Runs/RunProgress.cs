using System;

namespace MediaOps.Runs
{
    /// <summary>A progress snapshot, the one shape every engine operation reports. Totals may grow while planning is still going on.</summary>
    public sealed class RunProgress
    {
        public string Activity { get; internal set; }
        /// <summary>One line for a progress display, e.g. "120/400 files, 1.2 MiB/3.0 MiB, 2.0 MiB/s".</summary>
        public string Status { get; internal set; }
        /// <summary>The item being worked on, when there is one worth showing.</summary>
        public string CurrentItem { get; internal set; }
        public long ItemsDone { get; internal set; }
        public long ItemsPlanned { get; internal set; }
        public long BytesDone { get; internal set; }
        public long BytesPlanned { get; internal set; }
        /// <summary>Items looked at so far (planned or not).</summary>
        public long Examined { get; internal set; }
        /// <summary>True once planning has seen every item, so the totals are final.</summary>
        public bool PlanComplete { get; internal set; }
        public double BytesPerSecond { get; internal set; }
        /// <summary>Null until the plan is complete and a rate is known.</summary>
        public TimeSpan? Remaining { get; internal set; }
        /// <summary>The last report of the run.</summary>
        public bool Completed { get; internal set; }

        /// <summary>-1 while the totals are not final.</summary>
        public int PercentComplete =>
            !PlanComplete ? -1
            : BytesPlanned > 0 ? (int)Math.Min(100, BytesDone * 100 / BytesPlanned)
            : ItemsPlanned > 0 ? (int)Math.Min(100, ItemsDone * 100 / ItemsPlanned) : 100;

        /// <summary>A count-only snapshot ("N files examined").</summary>
        internal static RunProgress Count(string activity, long done, string status, string currentItem = null, bool completed = false) =>
            new RunProgress { Activity = activity, ItemsDone = done, Examined = done, Status = status, CurrentItem = currentItem, Completed = completed };
    }
}
