using System;
using System.Management.Automation;
using System.Threading.Tasks;
using MediaOps.Sync;

namespace MediaOps.Infrastructure
{
    /// <summary>
    /// Base of Compare-MediaStore and the two syncs: -Path and -Exclude, and the bridge that turns
    /// the engine's worker-thread reports into pipeline-thread host calls (Write-Progress, WriteError,
    /// WriteObject for -PassThru, the one delete confirmation).
    /// </summary>
    public abstract class MediaSyncCmdlet : MediaTargetCmdlet
    {
        /// <summary>The local MEDIA_ROOT.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "MediaRoot")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Globs over the relative path ('*' crosses '/'); a pattern without '/' also matches the file name.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[] Exclude { get; set; } = Array.Empty<string>();

        /// <summary>-Path resolved against the current PowerShell location (not the process directory).</summary>
        protected string ResolvedPath => GetUnresolvedProviderPathFromPSPath(Path);

        /// <summary>True when -WhatIf (or $WhatIfPreference) asks for a dry run.</summary>
        protected bool IsWhatIf
        {
            get
            {
                if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value))
                    return value is SwitchParameter sp ? sp.IsPresent : LanguagePrimitives.IsTrue(value);
                return LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
            }
        }

        /// <summary>Called on the pipeline thread before any delete; the default refuses.</summary>
        protected virtual bool ConfirmDeletes(long count, long bytes, string target) => false;

        protected ISyncObserver CreateObserver(bool passThru, int activityId = 1) => new PipelineObserver(this, passThru, activityId);

        private sealed class PipelineObserver : ISyncObserver
        {
            private readonly MediaSyncCmdlet _cmdlet;
            private readonly bool _passThru;
            private readonly int _activityId;

            public PipelineObserver(MediaSyncCmdlet cmdlet, bool passThru, int activityId)
            {
                _cmdlet = cmdlet;
                _passThru = passThru;
                _activityId = activityId;
            }

            public void Item(SyncItem item)
            {
                if (_passThru) _cmdlet.Post(() => _cmdlet.WriteObject(item));
            }

            public void Error(Exception error, string target) => _cmdlet.Post(() => _cmdlet.WriteMediaError(error, target));

            public void Verbose(string message) => _cmdlet.Post(() => _cmdlet.WriteVerbose(message));

            public void Progress(SyncProgress p) => _cmdlet.Post(() => _cmdlet.WriteProgress(ToRecord(p)));

            public Task<bool> ConfirmDeleteAsync(long count, long bytes, string target)
            {
                var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                _cmdlet.Post(() =>
                {
                    try { answer.SetResult(_cmdlet.ConfirmDeletes(count, bytes, target)); }
                    catch (Exception ex) { answer.SetException(ex); throw; }
                });
                return answer.Task;
            }

            private ProgressRecord ToRecord(SyncProgress p)
            {
                var files = p.PlanComplete ? $"{p.FilesDone:N0}/{p.FilesPlanned:N0} files" : $"{p.FilesDone:N0}/{p.FilesPlanned:N0}+ files ({p.Examined:N0} examined)";
                var bytes = p.PlanComplete ? $"{Size(p.BytesDone)}/{Size(p.BytesPlanned)}" : $"{Size(p.BytesDone)}/{Size(p.BytesPlanned)}+";
                var record = new ProgressRecord(_activityId, p.Activity, $"{files}, {bytes}, {Size((long)p.BytesPerSecond)}/s")
                {
                    PercentComplete = p.PercentComplete,
                    RecordType = p.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
                };
                if (p.Remaining.HasValue) record.SecondsRemaining = (int)Math.Min(int.MaxValue, p.Remaining.Value.TotalSeconds);
                return record;
            }

            private static string Size(long bytes) =>
                bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.0} GiB"
                : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.0} MiB"
                : bytes >= 1L << 10 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes} B";
        }
    }
}
