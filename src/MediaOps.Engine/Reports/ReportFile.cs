using System;
using System.IO;
using System.Text;

namespace MediaOps.Reports
{
    public enum ReportFormat
    {
        Html = 0,
        Markdown = 1,
    }

    /// <summary>Writes a report to a file: whole or not at all (a temp file beside it, renamed into place).</summary>
    public static class ReportFile
    {
        /// <summary>The format a path asks for when none is given: .md and .markdown are Markdown, anything else HTML.</summary>
        public static ReportFormat FormatFor(string path)
        {
            var extension = Path.GetExtension(path ?? "");
            return extension.Equals(".md", StringComparison.OrdinalIgnoreCase) || extension.Equals(".markdown", StringComparison.OrdinalIgnoreCase)
                ? ReportFormat.Markdown : ReportFormat.Html;
        }

        public static void Render(MediaReport report, ReportFormat format, TextWriter writer)
        {
            if (format == ReportFormat.Markdown) MarkdownReportRenderer.Write(report, writer);
            else HtmlReportRenderer.Write(report, writer);
        }

        /// <summary>Refuses a path the report cannot be written to, with what to do; callers check before a long run too.</summary>
        public static void CheckWritable(string path, bool overwrite)
        {
            var folder = Path.GetDirectoryName(path);
            if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
                throw new MediaOpsException("PathNotFound", FailureKind.NotFound, $"The folder of '{path}' does not exist. Create it first, or pass a -Path in an existing folder.", path);
            if (Directory.Exists(path))
                throw new MediaOpsException("ReportPathIsFolder", FailureKind.InvalidArgument, $"'{path}' is a folder. Pass a file name for the report, e.g. '{Path.Combine(path, "cutover-report.html")}'.", path);
            if (!overwrite && File.Exists(path))
                throw new MediaOpsException("ReportExists", FailureKind.Conflict, $"'{path}' already exists and -NoClobber was given. Pass another -Path, or omit -NoClobber to replace it.", path);
        }

        /// <summary>
        /// Writes <paramref name="report"/> to <paramref name="path"/> (a full path). An existing file is replaced only
        /// when <paramref name="overwrite"/>; a failure leaves no partial file and the old one untouched.
        /// </summary>
        public static void Write(MediaReport report, ReportFormat format, string path, bool overwrite)
        {
            CheckWritable(path, overwrite);
            var folder = Path.GetDirectoryName(path);
            var temp = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024) { NewLine = "\n" })
                {
                    Render(report, format, writer);
                }
                if (File.Exists(path))
                {
                    if (!overwrite) throw new MediaOpsException("ReportExists", FailureKind.Conflict, $"'{path}' appeared while the report was written and -NoClobber was given. Pass another -Path.", path);
                    File.Replace(temp, path, null);
                }
                else File.Move(temp, path);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
    }
}
