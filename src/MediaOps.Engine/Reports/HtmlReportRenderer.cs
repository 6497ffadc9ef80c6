using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace MediaOps.Reports
{
    /// <summary>
    /// The report as one self-contained HTML5 page: inline CSS allowed by hash in a Content-Security-Policy
    /// that allows nothing else (no script, no image, font or network request), an inline SVG chart, and every
    /// piece of text HTML-escaped (keys are user-controlled: a key named &lt;script&gt; is shown as text).
    /// </summary>
    public static class HtmlReportRenderer
    {
        internal const string Css =
            "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1b1f24;margin:0 auto;max-width:1100px;padding:24px}" +
            "h1{font-size:24px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}" +
            ".verdict{font-size:20px;font-weight:600;padding:10px 14px;border-radius:6px;margin:8px 0 16px}" +
            ".verdict.pass{background:#dafbe1;color:#116329}.verdict.fail{background:#ffebe9;color:#a40e26}" +
            "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dl.meta dt{font-weight:600;color:#57606a}dl.meta dd{margin:0;overflow-wrap:anywhere}" +
            "table{border-collapse:collapse;width:100%;margin:8px 0;font-size:14px}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}" +
            "th{background:#f6f8fa;white-space:nowrap;overflow-wrap:normal}td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}" +
            "td.status{font-weight:600;white-space:nowrap}.s-pass{color:#116329}.s-skipped{color:#57606a}.s-warning{color:#9a6700}.s-fail,.s-error{color:#a40e26}" +
            "tr.fail td,tr.error td{background:#fff5f5}tr.warning td{background:#fff8c5}" +
            ".item{font-family:ui-monospace,SFMono-Regular,Consolas,monospace;font-size:13px;white-space:pre-wrap}" +
            ".note{color:#57606a;margin:4px 0}" +
            "svg{max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:#1b1f24}" +
            ".bar-pass{fill:#2da44e}.bar-skipped{fill:#8c959f}.bar-warning{fill:#d4a72c}.bar-fail,.bar-error{fill:#cf222e}.bar-rate{fill:#0969da}" +
            "footer{margin-top:32px;color:#57606a;font-size:13px}" +
            "@media print{body{max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}";

        /// <summary>The CSP source that allows exactly <see cref="Css"/> and nothing else.</summary>
        internal static string CssHash { get; } = "'sha256-" + Convert.ToBase64String(SHA256.Create().ComputeHash(new UTF8Encoding(false).GetBytes(Css))) + "'";

        internal static string ContentSecurityPolicy =>
            $"default-src 'none'; style-src {CssHash}; img-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'";

        public static void Write(MediaReport report, TextWriter w)
        {
            w.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            w.Write($"<meta http-equiv=\"Content-Security-Policy\" content=\"{Attr(ContentSecurityPolicy)}\">\n");
            w.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            w.Write($"<meta name=\"generator\" content=\"MediaOps {Attr(report.Version)} Export-MediaReport\">\n");
            w.Write($"<title>{Text(report.Title)}</title>\n<style>{Css}</style>\n</head>\n<body>\n");

            w.Write($"<header>\n<h1>{Text(report.Title)}</h1>\n");
            w.Write($"<p id=\"verdict\" class=\"verdict {(report.AllGreen ? "pass" : "fail")}\">{Text(report.Verdict)}</p>\n<dl class=\"meta\">\n");
            Meta(w, "Target", report.Targets.Count == 0 ? "not recorded (no row named an s3:// target)" : string.Join(", ", report.Targets));
            Meta(w, "Run by", report.RunBy);
            Meta(w, "AWS identity", report.Identities.Count == 0 ? "not recorded: pipe Test-MediaCredential's rows to record the caller ARN" : string.Join(", ", report.Identities));
            Meta(w, "Written", report.WrittenUtc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
            Meta(w, "Rows", $"{report.Rows:N0} in {report.Steps.Count} {MediaReport.Plural(report.Steps.Count, "step")}");
            w.Write("</dl>\n</header>\n<main>\n");

            w.Write("<section id=\"attention\">\n<h2>Needs attention</h2>\n");
            if (report.Attention.Count == 0) w.Write("<p class=\"note\">Nothing failed and nothing needs a second look.</p>\n");
            else
            {
                EntryTable(w, report.Attention, withStep: true);
                if (report.AttentionNotListed > 0)
                    w.Write($"<p class=\"note\">{report.AttentionNotListed:N0} more failures and warnings are counted in the steps below but not listed here.</p>\n");
            }
            w.Write("</section>\n");

            w.Write("<section id=\"overview\">\n<h2>Steps</h2>\n");
            Chart(w, report);
            w.Write("<table>\n<thead><tr><th>Step</th><th>Rows</th><th>Pass</th><th>Skipped</th><th>Warnings</th><th>Failures</th></tr></thead>\n<tbody>\n");
            foreach (var s in report.Steps)
                w.Write($"<tr><td><a href=\"#step-{s.Step.Id}\">{s.Step.Order}. {Text(s.Step.Title)}</a></td><td class=\"n\">{s.Total:N0}</td><td class=\"n\">{s.Count(CheckStatus.Pass):N0}</td>" +
                        $"<td class=\"n\">{s.Count(CheckStatus.Skipped):N0}</td><td class=\"n\">{s.Warnings:N0}</td><td class=\"n\">{s.Failures:N0}</td></tr>\n");
            w.Write("</tbody>\n</table>\n");
            SyncChart(w, report);
            w.Write("</section>\n");

            foreach (var s in report.Steps) Step(w, s);
            w.Write("</main>\n");
            w.Write($"<footer>Written by MediaOps {Text(report.Version)} (Export-MediaReport). One self-contained file: no script, no external resource; it works offline and as an e-mail attachment.</footer>\n");
            w.Write("</body>\n</html>\n");
        }

        private static void Meta(TextWriter w, string name, string value) => w.Write($"<dt>{Text(name)}</dt><dd>{Text(value)}</dd>\n");

        private static void Step(TextWriter w, StepSection s)
        {
            w.Write($"<section class=\"step\" id=\"step-{s.Step.Id}\">\n<h2>{s.Step.Order}. {Text(s.Step.Title)}</h2>\n");
            w.Write($"<p class=\"note\">From {Text(s.Step.ProducedBy)}: {s.Total:N0} {MediaReport.Plural(s.Total, "row")}, {s.Failures:N0} {MediaReport.Plural(s.Failures, "failure")}, {s.Warnings:N0} {MediaReport.Plural(s.Warnings, "warning")}.</p>\n");
            if (s.Runs.Count > 0)
            {
                w.Write("<table class=\"runs\">\n<thead><tr><th>Run</th><th>From → to</th><th>Planned</th><th>Transferred</th><th>Skipped</th><th>Deleted</th><th>Failed</th><th>Bytes</th><th>Duration</th><th>Throughput</th></tr></thead>\n<tbody>\n");
                foreach (var r in s.Runs)
                    w.Write($"<tr class=\"{(r.Result.Failed > 0 ? "fail" : "pass")}\"><td>{r.Number}{(r.Result.WhatIf ? " (dry run)" : "")}</td><td class=\"item\">{Text(r.Source)} → {Text(r.Destination)}</td>" +
                            $"<td class=\"n\">{r.Result.Planned:N0}</td><td class=\"n\">{r.Result.Transferred:N0}</td><td class=\"n\">{r.Result.Skipped:N0}</td><td class=\"n\">{r.Result.Deleted:N0}</td><td class=\"n\">{r.Result.Failed:N0}</td>" +
                            $"<td class=\"n\">{Text(ReportBuilder.Bytes(r.Result.Bytes))}</td><td class=\"n\">{r.Result.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s</td><td class=\"n\">{Text(Rate(r.Result.BytesPerSecond))}</td></tr>\n");
                w.Write("</tbody>\n</table>\n");
            }
            if (s.Listed.Count > 0) EntryTable(w, s.Listed, withStep: false);
            if (s.AttentionNotListed > 0)
                w.Write($"<p class=\"note\">{s.AttentionNotListed:N0} more failures and warnings not listed (the first {ReportBuilder.MaxAttentionListedPerStep:N0} are). Rerun {Text(s.Step.ProducedBy)} and filter on Status to see them all.</p>\n");
            if (s.OthersNotListed > 0)
                w.Write($"<p class=\"note collapsed\">{s.OthersNotListed:N0} passing or skipped rows collapsed into the counts above.</p>\n");
            w.Write("</section>\n");
        }

        private static void EntryTable(TextWriter w, System.Collections.Generic.IReadOnlyList<ReportEntry> entries, bool withStep)
        {
            w.Write("<table class=\"rows\">\n<thead><tr>");
            if (withStep) w.Write("<th>Step</th>");
            w.Write("<th>Status</th><th>Item</th><th>Found</th><th>What to do</th></tr></thead>\n<tbody>\n");
            foreach (var e in entries)
            {
                var status = e.Status.ToString().ToLowerInvariant();
                w.Write($"<tr class=\"{status}\">");
                if (withStep) w.Write($"<td><a href=\"#step-{e.Step.Id}\">{Text(e.Step.Title)}</a></td>");
                w.Write($"<td class=\"status s-{status}\">{e.Status}</td><td class=\"item\">{Text(e.Item)}</td><td>{Text(e.Detail)}</td><td>{Text(e.Message)}</td></tr>\n");
            }
            w.Write("</tbody>\n</table>\n");
        }

        private static readonly CheckStatus[] BarOrder = { CheckStatus.Error, CheckStatus.Fail, CheckStatus.Warning, CheckStatus.Skipped, CheckStatus.Pass };

        // Rows per step, one bar each: length on a log scale (10 rows and 100,000 both show), split by status,
        // and a failure always at least a few pixels wide so it cannot vanish next to a large pass count.
        private static void Chart(TextWriter w, MediaReport report)
        {
            const int left = 210, width = 420, rowHeight = 24, minSegment = 4;
            var height = report.Steps.Count * rowHeight + 30;
            var max = Math.Max(1, report.Steps.Max(s => s.Total));
            w.Write($"<svg id=\"rows-chart\" role=\"img\" aria-labelledby=\"rows-chart-title\" viewBox=\"0 0 760 {height}\" width=\"760\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">\n");
            w.Write("<title id=\"rows-chart-title\">Rows per step by status (bar length on a log scale)</title>\n");
            var y = 6;
            foreach (var s in report.Steps)
            {
                var length = (int)Math.Round(width * Math.Log10(s.Total + 1) / Math.Log10(max + 1));
                length = Math.Max(length, minSegment * BarOrder.Count(st => s.Count(st) > 0));
                w.Write($"<text x=\"0\" y=\"{y + 15}\">{s.Step.Order}. {Text(s.Step.Title)}</text>\n");
                double x = left;
                var nonZero = BarOrder.Where(st => s.Count(st) > 0).ToList();
                var spare = length - minSegment * nonZero.Count;
                foreach (var status in nonZero)
                {
                    var segment = minSegment + spare * (double)s.Count(status) / Math.Max(1, s.Total);
                    w.Write($"<rect class=\"bar-{status.ToString().ToLowerInvariant()}\" x=\"{F(x)}\" y=\"{y}\" width=\"{F(segment)}\" height=\"18\"><title>{status}: {s.Count(status):N0}</title></rect>\n");
                    x += segment;
                }
                var label = s.Failures > 0 ? $"{s.Total:N0} ({s.Failures:N0} failed)" : s.Warnings > 0 ? $"{s.Total:N0} ({s.Warnings:N0} {MediaReport.Plural(s.Warnings, "warning")})" : $"{s.Total:N0}";
                w.Write($"<text x=\"{F(x + 6)}\" y=\"{y + 15}\">{Text(label)}</text>\n");
                y += rowHeight;
            }
            w.Write($"<text x=\"{left}\" y=\"{y + 16}\">green pass · grey skipped · yellow warning · red failure</text>\n</svg>\n");
        }

        // Throughput of every sync that moved bytes, on a linear scale.
        private static void SyncChart(TextWriter w, MediaReport report)
        {
            var runs = report.Steps.SelectMany(s => s.Runs).Where(r => !r.Result.WhatIf && r.Result.Bytes > 0).ToList();
            if (runs.Count == 0) return;
            const int left = 210, width = 420, rowHeight = 24;
            var height = runs.Count * rowHeight + 12;
            var max = Math.Max(1, runs.Max(r => r.Result.BytesPerSecond));
            w.Write($"<svg id=\"throughput-chart\" role=\"img\" aria-labelledby=\"throughput-chart-title\" viewBox=\"0 0 760 {height}\" width=\"760\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">\n");
            w.Write("<title id=\"throughput-chart-title\">Throughput of each sync run</title>\n");
            var y = 6;
            foreach (var r in runs)
            {
                var length = Math.Max(2, width * r.Result.BytesPerSecond / max);
                w.Write($"<text x=\"0\" y=\"{y + 15}\">{Text(r.Step.Title)} run {r.Number}</text>\n");
                w.Write($"<rect class=\"bar-rate\" x=\"{left}\" y=\"{y}\" width=\"{F(length)}\" height=\"18\"></rect>\n");
                w.Write($"<text x=\"{F(left + length + 6)}\" y=\"{y + 15}\">{Text(Rate(r.Result.BytesPerSecond))}, {r.Result.Transferred:N0} files</text>\n");
                y += rowHeight;
            }
            w.Write("</svg>\n");
        }

        private static string Rate(double bytesPerSecond) => bytesPerSecond <= 0 ? "-" : ReportBuilder.Bytes((long)bytesPerSecond) + "/s";

        private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

        private static string Attr(string text) => Text(text);

        /// <summary>
        /// Text as HTML character data or an attribute value: markup characters escaped; characters HTML forbids
        /// (controls, noncharacters, lone surrogates) shown as \uXXXX so a hostile key is visible, not dropped.
        /// </summary>
        public static string Text(string text)
        {
            if (string.IsNullOrEmpty(text)) return "";
            var sb = new StringBuilder(text.Length + 16);
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                switch (c)
                {
                    case '&': sb.Append("&amp;"); continue;
                    case '<': sb.Append("&lt;"); continue;
                    case '>': sb.Append("&gt;"); continue;
                    case '"': sb.Append("&quot;"); continue;
                    case '\'': sb.Append("&#39;"); continue;
                    case '\t': case '\n': sb.Append(c); continue;
                }
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    var cp = char.ConvertToUtf32(c, text[i + 1]);
                    if ((cp & 0xFFFE) == 0xFFFE) sb.Append("\\u{").Append(cp.ToString("X", CultureInfo.InvariantCulture)).Append('}');
                    else sb.Append(c).Append(text[i + 1]);
                    i++;
                    continue;
                }
                if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || char.IsSurrogate(c) || (c >= 0xFDD0 && c <= 0xFDEF) || c == 0xFFFE || c == 0xFFFF)
                {
                    sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    continue;
                }
                sb.Append(c);
            }
            return sb.ToString();
        }
    }
}
