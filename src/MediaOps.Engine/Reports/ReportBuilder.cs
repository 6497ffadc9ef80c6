using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using MediaOps.Verification;

namespace MediaOps.Reports
{
    /// <summary>
    /// Collects MediaOps output objects one at a time into report sections. Memory stays bounded whatever
    /// the input size: every row is counted, but only the first rows needing attention are kept, and
    /// passing rows are kept only while a step has few of them (then they collapse into counts).
    /// </summary>
    public sealed class ReportBuilder
    {
        /// <summary>Passing rows a step lists; one more and they are all shown as a count only.</summary>
        public const int MaxPassingListed = 50;
        /// <summary>Failure and warning rows a step lists; the rest are counted.</summary>
        public const int MaxAttentionListedPerStep = 500;
        /// <summary>Rows in the "needs attention" list at the top.</summary>
        public const int MaxAttentionAtTop = 200;
        /// <summary>Characters of one cell; longer text is cut so one huge message cannot bloat the file.</summary>
        public const int MaxCellLength = 2000;
        private const int MaxTargets = 10;
        private const int MaxSyncErrorsQuoted = 5;

        private readonly Dictionary<ReportStep, StepSection> _sections = new Dictionary<ReportStep, StepSection>();
        private readonly List<string> _identities = new List<string>();
        private readonly List<string> _targets = new List<string>();
        private long _rows;

        /// <summary>Rows added so far.</summary>
        public long Rows => _rows;

        /// <summary>True for the output types of MediaOps (namespace MediaOps in MediaOps.Model), known or not.</summary>
        public static bool CanReport(object value) =>
            value != null && IsModelType(value.GetType()) && !(value is Exception) && !value.GetType().IsEnum;

        private static bool IsModelType(Type type) => type.Namespace == "MediaOps" && type.Assembly == typeof(CheckResult).Assembly;

        /// <summary>Adds one output object. Anything but a MediaOps output object is refused with a message that says what to pipe.</summary>
        public void Add(object value)
        {
            switch (value)
            {
                case CheckResult check: AddCheck(check); break;
                case SyncResult result: AddSyncResult(result); break;
                case SyncItem item: AddSyncItem(item); break;
                case MediaDifference difference: AddDifference(difference); break;
                case ObjectCheck objectCheck: AddObjectCheck(objectCheck); break;
                case MediaInventorySummary summary: AddInventorySummary(summary); break;
                case LocalMediaFile file:
                    Add(new ReportEntry(ReportStep.Audit, file.Problem == null ? CheckStatus.Pass : CheckStatus.Warning, file.RelativePath,
                        Bytes(file.Length), file.Problem == null ? "" : file.Problem + ". It is migrated as it is; rename it if Django or browsers trip on it."));
                    break;
                default:
                    if (!CanReport(value)) throw Unsupported(value);
                    AddGeneric(value);
                    break;
            }
        }

        internal static MediaOpsException Unsupported(object value) => new MediaOpsException("UnsupportedReportInput", FailureKind.InvalidArgument,
            $"Export-MediaReport reports MediaOps output objects (CheckResult, SyncResult, SyncItem, MediaDifference, ObjectCheck, MediaVersion, MediaInventorySummary...), not {(value == null ? "$null" : value.GetType().FullName)}. " +
            "Pipe the output of the MediaOps cmdlets themselves, not text or Select-Object copies of it.");

        private void AddCheck(CheckResult check)
        {
            var step = ReportStep.ForCheck(check.Check);
            NoteTarget(check.Target);
            if (check.Check == "Identity" && check.Actual != null && check.Actual.StartsWith("arn:", StringComparison.Ordinal) && !_identities.Contains(check.Actual))
                _identities.Add(check.Actual);
            Add(new ReportEntry(step, check.Status, check.Check, ExpectedActual(check.Expected, check.Actual), check.Message));
        }

        private void AddSyncResult(SyncResult result)
        {
            var direction = result.Direction.ToString();
            var step = direction == nameof(SyncDirection.ToS3) ? (result.WhatIf ? ReportStep.DryRun : ReportStep.Sync)
                : direction == nameof(SyncDirection.FromS3) ? ReportStep.Rollback
                : ReportStep.Versions;
            var section = Section(step);
            var run = new SyncRunSummary
            {
                Step = step,
                Number = section._runs.Count + 1,
                Source = Clean(result.Source),
                Destination = Clean(result.Destination),
                Result = result,
            };
            section._runs.Add(run);
            NoteTarget(result.Source);
            NoteTarget(result.Destination);

            var what = result.WhatIf ? $"{result.Planned:N0} planned" : $"{result.Transferred:N0} transferred, {result.Skipped:N0} skipped, {result.Deleted:N0} deleted, {Bytes(result.Bytes)}";
            var item = $"run {run.Number}: {Clean(result.Source)} → {Clean(result.Destination)}";
            if (result.Failed > 0)
            {
                var errors = result.Errors ?? (IReadOnlyList<string>)Array.Empty<string>();
                var quoted = string.Join(" | ", errors.Take(MaxSyncErrorsQuoted));
                if (errors.Count > MaxSyncErrorsQuoted) quoted += $" | and {errors.Count - MaxSyncErrorsQuoted:N0} more";
                Add(new ReportEntry(step, CheckStatus.Fail, item, $"{result.Failed:N0} failed; {what}",
                    $"{quoted} Fix the cause and run {CmdletFor(step)} again: finished files are skipped."));
            }
            else
            {
                Add(new ReportEntry(step, CheckStatus.Pass, item, what, result.WhatIf ? "Dry run: nothing was written." : ""));
            }
        }

        private void AddSyncItem(SyncItem item)
        {
            var action = item.Action.ToString();
            var planned = item.Status == SyncItemStatus.Planned;
            var step = action == nameof(SyncAction.Download) ? ReportStep.Rollback
                : action == "Restore" ? ReportStep.Versions
                : planned ? ReportStep.DryRun : ReportStep.Sync;
            var reason = Optional(item, "Reason");
            var detail = $"{action} {(planned ? "planned" : item.Status == SyncItemStatus.Done ? "done" : "failed")}, {Bytes(item.Length)}";
            if (!string.IsNullOrEmpty(reason)) detail += $" ({reason})";
            Add(new ReportEntry(step, item.Status == SyncItemStatus.Failed ? CheckStatus.Fail : CheckStatus.Pass, item.Key, detail,
                item.Status == SyncItemStatus.Failed ? item.Error : ""));
        }

        private void AddDifference(MediaDifference d)
        {
            var lengths = $"{d.State}: local {(d.LocalLength.HasValue ? Bytes(d.LocalLength.Value) : "-")}, S3 {(d.RemoteLength.HasValue ? Bytes(d.RemoteLength.Value) : "-")}";
            switch (d.State)
            {
                case DifferenceState.Same:
                    Add(new ReportEntry(ReportStep.Compare, CheckStatus.Pass, d.RelativePath, lengths, d.Reason));
                    break;
                case DifferenceState.OnlyRemote:
                    Add(new ReportEntry(ReportStep.Compare, CheckStatus.Warning, d.RelativePath, lengths,
                        Sentence(d.Reason) + "In S3 but not in MEDIA_ROOT: an upload since cutover, or a leftover (Sync-MediaToS3 -Delete mirrors deletions)."));
                    break;
                default:
                    Add(new ReportEntry(ReportStep.Compare, CheckStatus.Fail, d.RelativePath, lengths,
                        Sentence(d.Reason) + "The copy is not complete: run Sync-MediaToS3 again (the final pass copies only what differs)."));
                    break;
            }
        }

        private void AddObjectCheck(ObjectCheck c)
        {
            var detail = c.Exists
                ? string.Join(", ", new[] { c.Length.HasValue ? Bytes(c.Length.Value) : null, c.ContentType, c.ServerSideEncryption }.Where(s => !string.IsNullOrEmpty(s)))
                : "no object";
            if (c.LocalLength.HasValue) detail += $"; local {Bytes(c.LocalLength.Value)}";
            Add(new ReportEntry(ReportStep.Names, c.Status, string.IsNullOrEmpty(c.Name) ? c.Key : c.Name, detail, c.Message));
        }

        private void AddInventorySummary(MediaInventorySummary s)
        {
            var detail = $"{s.Files:N0} files, {Bytes(s.Bytes)}" + (string.IsNullOrEmpty(s.LargestFile) ? "" : $", largest {s.LargestFile}");
            if (s.ProblemFiles == 0)
            {
                Add(new ReportEntry(ReportStep.Audit, CheckStatus.Pass, s.Path, detail, "No file name will be a problem as an S3 key."));
                return;
            }
            var kinds = s.Problems == null ? "" : string.Join(", ", s.Problems.Select(p => $"{p.Key}: {p.Value:N0}"));
            Add(new ReportEntry(ReportStep.Audit, CheckStatus.Warning, s.Path, detail,
                $"{s.ProblemFiles:N0} file name(s) will be awkward as S3 keys ({kinds}). They are migrated as they are; list them with Get-MediaInventory | Where-Object Problem."));
        }

        // A MediaOps type this build does not know by name (e.g. one added later): its public properties, as text.
        private static readonly string[] ItemProperties = { "Name", "Key", "Check", "RelativePath", "Path", "Target" };
        private static readonly string[] MessageProperties = { "Message", "Reason", "Error" };
        private static readonly Dictionary<string, ReportStep> StepOfType = new Dictionary<string, ReportStep>(StringComparer.Ordinal)
        {
            ["MediaVersion"] = ReportStep.Versions,
            ["MediaUrl"] = ReportStep.Urls,
        };

        private void AddGeneric(object value)
        {
            var type = value.GetType();
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToList();
            string Read(PropertyInfo p) => Text(p.GetValue(value));
            var itemProperty = ItemProperties.Select(n => properties.FirstOrDefault(p => p.Name == n)).FirstOrDefault(p => p != null && !string.IsNullOrEmpty(Read(p)));
            var messageProperty = MessageProperties.Select(n => properties.FirstOrDefault(p => p.Name == n)).FirstOrDefault(p => p != null);
            var statusProperty = properties.FirstOrDefault(p => p.Name == "Status");
            var status = CheckStatus.Pass;
            if (statusProperty != null)
            {
                var text = Read(statusProperty);
                if (Enum.TryParse(text, out CheckStatus parsed) && Enum.IsDefined(typeof(CheckStatus), parsed)) status = parsed;
                else if (text == nameof(SyncItemStatus.Failed)) status = CheckStatus.Fail;
            }
            var detail = string.Join("; ", properties
                .Where(p => p != itemProperty && p != messageProperty && p != statusProperty)
                .Select(p => (p.Name, Value: Read(p)))
                .Where(p => p.Value.Length > 0)
                .Select(p => $"{p.Name}={p.Value}"));
            NoteTarget(properties.FirstOrDefault(p => p.Name == "Target") is PropertyInfo t ? Read(t) : null);
            Add(new ReportEntry(StepOfType.TryGetValue(type.Name, out var step) ? step : ReportStep.Other, status,
                itemProperty != null ? Read(itemProperty) : type.Name, $"{type.Name}: {detail}", messageProperty != null ? Read(messageProperty) : ""));
        }

        private static string Text(object value)
        {
            switch (value)
            {
                case null: return "";
                case string s: return s;
                case DateTime dt: return dt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                case DateTimeOffset dto: return dto.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                case TimeSpan ts: return ts.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
                case IDictionary dictionary: return string.Join(", ", dictionary.Keys.Cast<object>().Select(k => $"{k}: {Text(dictionary[k])}"));
                case IEnumerable sequence: return string.Join(", ", sequence.Cast<object>().Take(20).Select(Text));
                case IFormattable f: return f.ToString(null, CultureInfo.InvariantCulture);
                default: return value.ToString();
            }
        }

        private void Add(ReportEntry raw)
        {
            var entry = new ReportEntry(raw.Step, raw.Status, Clean(raw.Item), Clean(raw.Detail), Clean(raw.Message));
            _rows++;
            var section = Section(entry.Step);
            section._counts[entry.Status] = section.Count(entry.Status) + 1;
            if (entry.NeedsAttention)
            {
                if (section._attention.Count < MaxAttentionListedPerStep) section._attention.Add(entry);
                else section.AttentionNotListed++;
                return;
            }
            // Passing rows are evidence while there are few; past the cap a reviewer wants the count, not 100,000 lines.
            if (section.OthersNotListed == 0 && section._rest.Count < MaxPassingListed)
            {
                section._rest.Add(entry);
                return;
            }
            section.OthersNotListed += section._rest.Count + 1;
            section._rest.Clear();
        }

        private StepSection Section(ReportStep step)
        {
            if (!_sections.TryGetValue(step, out var section)) _sections[step] = section = new StepSection(step);
            return section;
        }

        private void NoteTarget(string uri)
        {
            if (uri == null || !uri.StartsWith("s3://", StringComparison.Ordinal) || _targets.Count >= MaxTargets) return;
            // The smoke test's rows name its probe object; the target is the prefix it was written under.
            var probe = uri.IndexOf("/" + SmokeTester.ProbeFolder, StringComparison.Ordinal);
            if (probe >= 0) uri = uri.Substring(0, probe + 1);
            uri = Clean(uri);
            if (!_targets.Contains(uri)) _targets.Add(uri);
        }

        /// <summary>The report: steps in runbook order, failures then warnings first at the top.</summary>
        public MediaReport Build(string title, string runBy, string version, DateTime writtenUtc)
        {
            var steps = _sections.Values.OrderBy(s => s.Step.Order).ToList();
            var attention = steps.SelectMany(s => s._attention).Where(e => e.Status >= CheckStatus.Fail)
                .Concat(steps.SelectMany(s => s._attention).Where(e => e.Status == CheckStatus.Warning)).ToList();
            var needingAttention = steps.Sum(s => s.Failures + s.Warnings);
            return new MediaReport
            {
                Title = Clean(string.IsNullOrWhiteSpace(title) ? "Media cutover evidence" : title),
                RunBy = Clean(runBy),
                WrittenUtc = writtenUtc,
                Version = version,
                Identities = _identities.ToList(),
                Targets = _targets.ToList(),
                Steps = steps,
                Attention = attention.Take(MaxAttentionAtTop).ToList(),
                AttentionNotListed = needingAttention - Math.Min(attention.Count, MaxAttentionAtTop),
                Rows = _rows,
                Failures = steps.Sum(s => s.Failures),
                Warnings = steps.Sum(s => s.Warnings),
            };
        }

        private static string CmdletFor(ReportStep step) =>
            step == ReportStep.Rollback ? "Sync-MediaFromS3" : step == ReportStep.Versions ? "Restore-MediaVersion" : "Sync-MediaToS3";

        private static string ExpectedActual(string expected, string actual)
        {
            if (string.IsNullOrEmpty(expected)) return actual ?? "";
            if (string.IsNullOrEmpty(actual) || expected == actual) return expected == actual ? actual ?? "" : $"expected {expected}";
            return $"expected {expected}, found {actual}";
        }

        private static string Sentence(string text) =>
            string.IsNullOrWhiteSpace(text) ? "" : text.TrimEnd().EndsWith(".", StringComparison.Ordinal) ? text.TrimEnd() + " " : text.TrimEnd() + ". ";

        private static string Optional(object value, string property) =>
            value.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance) is PropertyInfo p ? Text(p.GetValue(value)) : null;

        internal static string Bytes(long bytes)
        {
            string[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
            double value = bytes;
            var unit = 0;
            while (Math.Abs(value) >= 1024 && unit < units.Length - 1) { value /= 1024; unit++; }
            return unit == 0 ? $"{bytes:N0} B" : value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
        }

        private static readonly string[] SigningParameters = { "X-Amz-Signature=", "X-Amz-Credential=", "X-Amz-Security-Token=", "Signature=", "AWSAccessKeyId=" };

        /// <summary>
        /// Text as it may appear in a report: a presigned URL loses its query string (the signature is a bearer
        /// token until it expires; the report is an e-mail attachment), and one cell is capped.
        /// </summary>
        internal static string Clean(string text)
        {
            if (string.IsNullOrEmpty(text)) return text ?? "";
            if (SigningParameters.Any(p => text.IndexOf(p, StringComparison.OrdinalIgnoreCase) >= 0))
                text = RedactQueries(text);
            return text.Length <= MaxCellLength ? text : text.Substring(0, MaxCellLength) + "… (cut)";
        }

        private static string RedactQueries(string text)
        {
            // Every URL query in the text, up to the next whitespace: removed, and said so.
            var sb = new StringBuilder(text.Length);
            var i = 0;
            while (i < text.Length)
            {
                var q = text.IndexOf('?', i);
                if (q < 0) { sb.Append(text, i, text.Length - i); break; }
                sb.Append(text, i, q - i).Append("?[signature removed]");
                var end = q;
                while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '"' && text[end] != '\'') end++;
                i = end;
            }
            return sb.ToString();
        }
    }
}
