using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace MediaOps.Reports
{
    /// <summary>The report as GitHub-flavoured Markdown tables, for pasting into a change ticket.</summary>
    public static class MarkdownReportRenderer
    {
        public static void Write(MediaReport report, TextWriter w)
        {
            w.Write($"# {Cell(report.Title)}\n\n");
            w.Write($"**{(report.AllGreen ? "PASS" : "FAIL")}: {Cell(report.Verdict)}**\n\n");
            w.Write("| | |\n|---|---|\n");
            w.Write($"| Target | {Cell(report.Targets.Count == 0 ? "not recorded" : string.Join(", ", report.Targets))} |\n");
            w.Write($"| Run by | {Cell(report.RunBy)} |\n");
            w.Write($"| AWS identity | {Cell(report.Identities.Count == 0 ? "not recorded (pipe Test-MediaCredential's rows)" : string.Join(", ", report.Identities))} |\n");
            w.Write($"| Written | {report.WrittenUtc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)} |\n");
            w.Write($"| Rows | {report.Rows:N0} |\n\n");

            w.Write("## Needs attention\n\n");
            if (report.Attention.Count == 0) w.Write("Nothing failed and nothing needs a second look.\n\n");
            else
            {
                Entries(w, report.Attention, withStep: true);
                if (report.AttentionNotListed > 0) w.Write($"{report.AttentionNotListed:N0} more failures and warnings are counted below but not listed.\n\n");
            }

            w.Write("## Steps\n\n| Step | Rows | Pass | Skipped | Warnings | Failures |\n|---|--:|--:|--:|--:|--:|\n");
            foreach (var s in report.Steps)
                w.Write($"| {s.Step.Order}. {Cell(s.Step.Title)} | {s.Total:N0} | {s.Count(CheckStatus.Pass):N0} | {s.Count(CheckStatus.Skipped):N0} | {s.Warnings:N0} | {s.Failures:N0} |\n");
            w.Write("\n");

            foreach (var s in report.Steps)
            {
                w.Write($"## {s.Step.Order}. {Cell(s.Step.Title)}\n\nFrom {Cell(s.Step.ProducedBy)}: {s.Total:N0} {MediaReport.Plural(s.Total, "row")}, {s.Failures:N0} {MediaReport.Plural(s.Failures, "failure")}, {s.Warnings:N0} {MediaReport.Plural(s.Warnings, "warning")}.\n\n");
                if (s.Runs.Count > 0)
                {
                    w.Write("| Run | From → to | Planned | Transferred | Skipped | Deleted | Failed | Bytes | Duration |\n|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
                    foreach (var r in s.Runs)
                        w.Write($"| {r.Number}{(r.Result.WhatIf ? " (dry run)" : "")} | {Cell(r.Source)} → {Cell(r.Destination)} | {r.Result.Planned:N0} | {r.Result.Transferred:N0} | {r.Result.Skipped:N0} | {r.Result.Deleted:N0} | {r.Result.Failed:N0} | " +
                                $"{Cell(ReportBuilder.Bytes(r.Result.Bytes))} | {r.Result.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s |\n");
                    w.Write("\n");
                }
                if (s.Listed.Count > 0) Entries(w, s.Listed, withStep: false);
                if (s.AttentionNotListed > 0) w.Write($"{s.AttentionNotListed:N0} more failures and warnings not listed.\n\n");
                if (s.OthersNotListed > 0) w.Write($"{s.OthersNotListed:N0} passing or skipped rows collapsed into the counts.\n\n");
            }
            w.Write($"_Written by MediaOps {Cell(report.Version)} (Export-MediaReport)._\n");
        }

        private static void Entries(TextWriter w, IReadOnlyList<ReportEntry> entries, bool withStep)
        {
            w.Write(withStep ? "| Step | Status | Item | Found | What to do |\n|---|---|---|---|---|\n" : "| Status | Item | Found | What to do |\n|---|---|---|---|\n");
            foreach (var e in entries)
                w.Write($"| {(withStep ? Cell(e.Step.Title) + " | " : "")}{e.Status} | {Cell(e.Item)} | {Cell(e.Detail)} | {Cell(e.Message)} |\n");
            w.Write("\n");
        }

        /// <summary>
        /// Text inside a table cell: pipes and Markdown punctuation backslash-escaped, line breaks flattened, and
        /// &lt; &gt; &amp; as entities so a renderer that allows HTML shows a key named &lt;script&gt; as text.
        /// </summary>
        public static string Cell(string text)
        {
            if (string.IsNullOrEmpty(text)) return "";
            var sb = new StringBuilder(text.Length + 8);
            foreach (var c in text)
            {
                switch (c)
                {
                    case '<': sb.Append("&lt;"); break;
                    case '>': sb.Append("&gt;"); break;
                    case '&': sb.Append("&amp;"); break;
                    case '\r': case '\n': case '\t': sb.Append(' '); break;
                    case '\\': case '|': case '`': case '*': case '_': case '[': case ']': case '#': case '~': case '!': case '(': case ')':
                        sb.Append('\\').Append(c); break;
                    default:
                        if (c < 0x20 || c == 0x7F) sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            return sb.ToString();
        }
    }
}
