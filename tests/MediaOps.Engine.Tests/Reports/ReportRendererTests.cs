using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MediaOps.Reports;
using Xunit;

namespace MediaOps.Engine.Tests
{
    public class ReportRendererTests
    {
        private const string HostileKey = "uploads/<script>alert('x')</script>|\"&amp;\u0001.jpg";

        private static MediaReport Report(int passingNames = 3)
        {
            var builder = new ReportBuilder();
            builder.Add(ReportBuilderTests.Check("Versioning", CheckStatus.Fail, "Turn versioning on: Initialize-MediaBucket."));
            builder.Add(new SyncResult { Direction = SyncDirection.ToS3, Source = "/srv/media", Destination = "s3://b/media/", Transferred = 3, Bytes = 3 << 20, Duration = TimeSpan.FromSeconds(2), BytesPerSecond = 1.5 * (1 << 20) });
            builder.Add(ReportBuilderTests.Name(HostileKey, CheckStatus.Fail));
            for (var i = 0; i < passingNames; i++) builder.Add(ReportBuilderTests.Name($"uploads/{i:D6}.jpg", CheckStatus.Pass));
            return builder.Build("Cutover <CHG-1>", "jane", "1.2.3", new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        }

        private static string Html(MediaReport report)
        {
            var w = new StringWriter();
            HtmlReportRenderer.Write(report, w);
            return w.ToString();
        }

        private static string Markdown(MediaReport report)
        {
            var w = new StringWriter();
            MarkdownReportRenderer.Write(report, w);
            return w.ToString();
        }

        [Fact]
        public void Html_escapes_a_hostile_key_and_contains_no_script()
        {
            var html = Html(Report());
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("uploads/&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;|&quot;&amp;amp;\\u0001.jpg", html);
            Assert.Contains("<title>Cutover &lt;CHG-1&gt;</title>", html);
        }

        [Fact]
        public void Html_allows_only_its_own_style_by_hash_and_loads_nothing()
        {
            var html = Html(Report());
            var style = Regex.Match(html, "<style>(.*?)</style>", RegexOptions.Singleline).Groups[1].Value;
            var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)));
            var csp = Regex.Match(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">").Groups[1].Value;
            Assert.Equal($"default-src &#39;none&#39;; style-src &#39;sha256-{hash}&#39;; img-src &#39;none&#39;; script-src &#39;none&#39;; base-uri &#39;none&#39;; form-action &#39;none&#39;", csp);
            Assert.Single(Regex.Matches(html, "<style"));
            Assert.DoesNotMatch(" style=", html);
            Assert.All(Regex.Matches(html, "(?:href|src)=\"([^\"]*)\"").Select(m => m.Groups[1].Value), link => Assert.StartsWith("#", link));
        }

        [Fact]
        public void Html_puts_the_verdict_first_and_the_failures_before_the_steps()
        {
            var html = Html(Report());
            Assert.Contains("<p id=\"verdict\" class=\"verdict fail\">2 failures</p>", html);
            var attention = html.IndexOf("id=\"attention\"", StringComparison.Ordinal);
            Assert.True(attention > 0 && attention < html.IndexOf("id=\"step-bucket\"", StringComparison.Ordinal));
            Assert.True(html.IndexOf("Turn versioning on", StringComparison.Ordinal) > attention);
            Assert.Contains("<svg id=\"rows-chart\"", html);
            Assert.Contains("<svg id=\"throughput-chart\"", html);
            Assert.Contains("1.5 MiB/s", html);
            Assert.Contains("s3://b/media/", html);
            Assert.Contains("2026-01-02 03:04:05 UTC", html);
        }

        [Fact]
        public void Html_of_100000_rows_stays_small()
        {
            var html = Html(Report(passingNames: 100_000));
            Assert.True(html.Length < 100_000, $"{html.Length} characters");
            Assert.Contains("100,000 passing or skipped rows collapsed", html);

            var builder = new ReportBuilder();
            for (var i = 0; i < 100_000; i++) builder.Add(ReportBuilderTests.Name($"uploads/{i:D6}-{new string('x', 100)}.jpg", CheckStatus.Fail));
            var allFailing = Html(builder.Build(null, "t", "0", DateTime.UtcNow));
            Assert.True(Encoding.UTF8.GetByteCount(allFailing) < 3 << 20, $"{allFailing.Length} characters");
            Assert.Contains("99,500 more failures and warnings not listed", allFailing);
        }

        [Fact]
        public void Markdown_rows_keep_their_column_count_whatever_the_key()
        {
            var md = Markdown(Report());
            foreach (var table in Regex.Split(md, "\n\n").Where(b => b.StartsWith("|", StringComparison.Ordinal)))
            {
                var lines = table.Split('\n');
                var columns = Regex.Matches(lines[0], @"(?<!\\)\|").Count;
                Assert.All(lines, line => Assert.Equal(columns, Regex.Matches(line, @"(?<!\\)\|").Count));
            }
            Assert.Contains(@"uploads/&lt;script&gt;alert\('x'\)&lt;/script&gt;\|""&amp;amp;\u0001.jpg", md);
            Assert.StartsWith("# Cutover &lt;CHG-1&gt;\n\n**FAIL: 2 failures**", md);
        }

        [Theory]
        [InlineData("report.md", ReportFormat.Markdown)]
        [InlineData("REPORT.Markdown", ReportFormat.Markdown)]
        [InlineData("report.html", ReportFormat.Html)]
        [InlineData("report", ReportFormat.Html)]
        public void The_format_follows_the_extension(string path, ReportFormat format) => Assert.Equal(format, ReportFile.FormatFor(path));

        [Fact]
        public void Writing_refuses_to_clobber_when_asked_and_leaves_no_temp_file()
        {
            using var tree = new TempTree();
            var path = Path.Combine(tree.Root, "report.html");
            File.WriteAllText(path, "old");
            var error = Assert.Throws<MediaOpsException>(() => ReportFile.Write(Report(), ReportFormat.Html, path, overwrite: false));
            Assert.Equal("MediaOps.ReportExists", error.ErrorId);
            Assert.Equal("old", File.ReadAllText(path));

            ReportFile.Write(Report(), ReportFormat.Html, path, overwrite: true);
            Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path));
            Assert.Equal(new[] { "report.html" }, Directory.GetFiles(tree.Root).Select(Path.GetFileName));

            var missing = Assert.Throws<MediaOpsException>(() => ReportFile.Write(Report(), ReportFormat.Html, Path.Combine(tree.Root, "no", "r.html"), true));
            Assert.Equal("MediaOps.PathNotFound", missing.ErrorId);
        }
    }
}
