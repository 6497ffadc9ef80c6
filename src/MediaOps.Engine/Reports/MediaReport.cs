using System;
using System.Collections.Generic;
using System.Linq;

namespace MediaOps.Reports
{
    /// <summary>One row of the report: a check, a file or a finding, with what to do about it.</summary>
    public sealed class ReportEntry
    {
        public ReportEntry(ReportStep step, CheckStatus status, string item, string detail, string message)
        {
            Step = step;
            Status = status;
            Item = item ?? "";
            Detail = detail ?? "";
            Message = message ?? "";
        }

        public ReportStep Step { get; }
        public CheckStatus Status { get; }
        /// <summary>The check name, key, file name or path the row is about (user-controlled text).</summary>
        public string Item { get; }
        /// <summary>What was found (expected/actual, sizes, action).</summary>
        public string Detail { get; }
        /// <summary>What it means and what to do about it.</summary>
        public string Message { get; }

        public bool NeedsAttention => Status >= CheckStatus.Warning;
    }

    /// <summary>One sync, dry run, rollback or restore: its place in the report and the run's own result (its counts).</summary>
    public sealed class SyncRunSummary
    {
        public ReportStep Step { get; internal set; }
        /// <summary>1-based, in the order the runs were given.</summary>
        public int Number { get; internal set; }
        /// <summary>The run's source and destination, cleaned for display (no credentials in a URL).</summary>
        public string Source { get; internal set; }
        public string Destination { get; internal set; }
        /// <summary>The run's counters, bytes, duration and throughput, as the sync returned them.</summary>
        public SyncResult Result { get; internal set; }
    }

    /// <summary>A step's rows: counts of everything, the rows worth listing, and how many were collapsed.</summary>
    public sealed class StepSection
    {
        internal StepSection(ReportStep step) => Step = step;

        public ReportStep Step { get; }
        /// <summary>Rows per status, listed or not.</summary>
        public IReadOnlyDictionary<CheckStatus, long> Counts => _counts;
        internal readonly Dictionary<CheckStatus, long> _counts = new Dictionary<CheckStatus, long>();
        /// <summary>Rows shown: failures and warnings first, then the rest, each in input order.</summary>
        public IReadOnlyList<ReportEntry> Listed => _attention.Concat(_rest).ToList();
        internal readonly List<ReportEntry> _attention = new List<ReportEntry>();
        internal readonly List<ReportEntry> _rest = new List<ReportEntry>();
        /// <summary>Failure and warning rows counted but not listed (beyond the cap).</summary>
        public long AttentionNotListed { get; internal set; }
        /// <summary>Passing (and skipped) rows counted but not listed: collapsed into the counts.</summary>
        public long OthersNotListed { get; internal set; }
        public IReadOnlyList<SyncRunSummary> Runs => _runs;
        internal readonly List<SyncRunSummary> _runs = new List<SyncRunSummary>();

        public long Total => _counts.Values.Sum();
        public long Count(CheckStatus status) => _counts.TryGetValue(status, out var n) ? n : 0;
        public long Failures => Count(CheckStatus.Fail) + Count(CheckStatus.Error);
        public long Warnings => Count(CheckStatus.Warning);
    }

    /// <summary>Everything a renderer needs; built by <see cref="ReportBuilder"/>, pure data.</summary>
    public sealed class MediaReport
    {
        public string Title { get; internal set; }
        public DateTime WrittenUtc { get; internal set; }
        /// <summary>Who ran the runbook, as the caller said (-RunBy) or the local account.</summary>
        public string RunBy { get; internal set; }
        /// <summary>AWS caller identities (ARNs) seen in Test-MediaCredential rows. Never a key or secret.</summary>
        public IReadOnlyList<string> Identities { get; internal set; }
        /// <summary>The s3://bucket/prefix/ targets the rows are about.</summary>
        public IReadOnlyList<string> Targets { get; internal set; }
        public string Version { get; internal set; }
        /// <summary>Steps that received rows, in runbook order.</summary>
        public IReadOnlyList<StepSection> Steps { get; internal set; }
        /// <summary>Failures, then warnings, across steps in runbook order (capped; see <see cref="AttentionNotListed"/>).</summary>
        public IReadOnlyList<ReportEntry> Attention { get; internal set; }
        public long AttentionNotListed { get; internal set; }
        public long Rows { get; internal set; }
        public long Failures { get; internal set; }
        public long Warnings { get; internal set; }
        public bool AllGreen => Failures == 0;

        /// <summary>The one-line verdict at the top: "All green" or "N failures".</summary>
        public string Verdict
        {
            get
            {
                var verdict = AllGreen ? $"All green: {Rows:N0} rows, no failures" : $"{Failures:N0} {Plural(Failures, "failure")}";
                return Warnings == 0 ? verdict : $"{verdict}, {Warnings:N0} {Plural(Warnings, "warning")}";
            }
        }

        internal static string Plural(long n, string word) => n == 1 ? word : word + "s";
    }
}
