using System;
using System.Collections;
using System.IO;
using System.Management.Automation;
using MediaOps.Infrastructure;
using MediaOps.Reports;

namespace MediaOps.Commands
{
    /// <summary>
    /// MediaOps objects from the pipeline → one self-contained HTML (or Markdown) evidence report. Collects per
    /// record (memory bounded: passing rows collapse into counts), writes the file once at the end. Talks to nothing.
    /// </summary>
    [Cmdlet(VerbsData.Export, "MediaReport", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportMediaReportCommand : MediaCmdlet
    {
        /// <summary>The report file (.html, or .md for Markdown when -Format is not given).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("FilePath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Output objects of MediaOps cmdlets: CheckResult, SyncResult, SyncItem, MediaDifference, ObjectCheck, ...</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        public PSObject InputObject { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Title { get; set; }

        /// <summary>Html (default, or when the path does not end in .md) or Markdown.</summary>
        [Parameter]
        [ValidateSet("Html", "Markdown")]
        public string Format { get; set; }

        /// <summary>Who ran the runbook (a name or ticket owner); defaults to the local account, user@host.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string RunBy { get; set; }

        /// <summary>Refuse to replace an existing file.</summary>
        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        private readonly ReportBuilder _builder = new ReportBuilder();
        private string _path;

        protected override void OnBegin()
        {
            // Checked before the input flows, so a long runbook does not end in a report that cannot be written.
            _path = GetUnresolvedProviderPathFromPSPath(Path);
            ErrorTarget = _path;
            ReportFile.CheckWritable(_path, overwrite: !NoClobber);
        }

        protected override void OnRecord()
        {
            var value = InputObject?.BaseObject;
            // -InputObject $rows binds the whole array as one record: report each element.
            if (value is IEnumerable sequence && !(value is string) && !ReportBuilder.CanReport(value))
            {
                foreach (var element in sequence) AddOne(element is PSObject p ? p.BaseObject : element);
                return;
            }
            AddOne(value);
        }

        private void AddOne(object value) => ForItem(value?.ToString(), () => _builder.Add(value));

        protected override void OnEnd()
        {
            if (_builder.Rows == 0)
                throw new MediaOpsException("NoReportInput", FailureKind.InvalidArgument,
                    "Export-MediaReport received no MediaOps objects, so there is nothing to sign off. Pipe the rows of the runbook's steps, e.g. Test-MediaBucket | Export-MediaReport report.html.", _path);
            var format = Format == null ? ReportFile.FormatFor(_path) : (ReportFormat)Enum.Parse(typeof(ReportFormat), Format, ignoreCase: true);
            var version = MyInvocation.MyCommand.Module?.Version?.ToString() ?? typeof(ReportBuilder).Assembly.GetName().Version.ToString();
            var report = _builder.Build(Title, RunBy ?? $"{Environment.UserName}@{Environment.MachineName}", version, DateTime.UtcNow);
            if (!ShouldProcess(_path, $"Write the {format} report ({report.Rows:N0} rows: {report.Verdict})")) return;
            ReportFile.Write(report, format, _path, overwrite: !NoClobber);

            var file = PSObject.AsPSObject(new FileInfo(_path));
            file.Properties.Add(new PSNoteProperty("Verdict", report.Verdict));
            file.Properties.Add(new PSNoteProperty("Failures", report.Failures));
            file.Properties.Add(new PSNoteProperty("Warnings", report.Warnings));
            WriteObject(file);
        }
    }
}
