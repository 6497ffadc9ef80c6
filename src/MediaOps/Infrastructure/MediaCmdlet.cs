using System;
using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Threading;
using System.Threading.Tasks;
using MediaOps.Runs;

namespace MediaOps.Infrastructure
{
    /// <summary>
    /// Base of every MediaOps cmdlet: owns the cancellation that Ctrl+C triggers, the one bridge from
    /// async engine calls to the pipeline thread, the one observer the engine reports through, and the
    /// one error path. Workers never touch the host: they <see cref="Post"/> actions that the pipeline
    /// thread runs. Cmdlets override <see cref="OnBegin"/>, <see cref="OnRecord"/> and <see cref="OnEnd"/>
    /// and never catch: every exception they let go is mapped here, once.
    /// </summary>
    public abstract class MediaCmdlet : PSCmdlet, IDisposable
    {
        /// <summary>Host calls a worker may post ahead of the pipeline: a slow consumer slows the engine down instead of filling memory.</summary>
        private const int HostQueueCapacity = 1024;

        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private BlockingCollection<Action> _hostQueue;
        private int _pipelineThreadId = -1;

        /// <summary>Cancelled by Ctrl+C (StopProcessing) or when a downstream command stops the pipeline.</summary>
        protected CancellationToken CancellationToken => _stop.Token;

        protected override void StopProcessing() => _stop.Cancel();

        // ---- The one error path -------------------------------------------------------------------

        /// <summary>What an error of the whole call is about (the bucket URI once resolved, a path); else the exception's own target.</summary>
        protected object ErrorTarget { get; set; }

        /// <summary>The bucket, for translating an SDK exception that escaped the engine.</summary>
        protected string ErrorBucket { get; set; }

        /// <summary>True when each pipeline record is its own item (e.g. one bucket to check): a failure of one record that does not stop everything is then a non-terminating error.</summary>
        protected virtual bool RecordIsOneItem => false;

        protected sealed override void BeginProcessing() => Run(OnBegin, oneItem: false);
        protected sealed override void ProcessRecord() => Run(OnRecord, RecordIsOneItem);
        protected sealed override void EndProcessing() => Run(OnEnd, oneItem: false);

        protected virtual void OnBegin() { }
        protected virtual void OnRecord() { }
        protected virtual void OnEnd() { }

        /// <summary>One item of a record (e.g. one name of -Name): its failure is non-terminating unless it stops everything.</summary>
        protected bool ForItem(object target, Action work) => Run(work, oneItem: true, target);

        /// <summary>Work whose failure always ends the call (resolving the target), even inside a record that is one item.</summary>
        protected T WholeCall<T>(Func<T> work)
        {
            var result = default(T);
            Run(() => result = work(), oneItem: false);
            return result;
        }

        /// <summary>A failure the engine reported for one item while its run went on: always non-terminating.</summary>
        protected void WriteItemError(Exception error, object target) => WriteError(ErrorMapping.ToErrorRecord(Translated(error), target));

        /// <summary>Called after a failure that was written as a non-terminating error (e.g. to remember that not everything passed).</summary>
        protected virtual void OnItemFailed() { }

        private bool Run(Action work, bool oneItem, object target = null)
        {
            try
            {
                work();
                return true;
            }
            catch (Exception ex) when (!(ex is IContainsErrorRecord))
            {
                // PowerShell's own exceptions (PipelineStoppedException, ActionPreferenceStopException,
                // ThrowTerminatingError's) already carry their record and pass through untouched.
                var error = Translated(ex);
                var record = ErrorMapping.ToErrorRecord(error, target ?? ErrorTarget);
                if (!oneItem || ErrorMapping.StopsEverything(error)) ThrowTerminatingError(record);
                WriteError(record);
                OnItemFailed();
                return false;
            }
        }

        private Exception Translated(Exception ex) => MediaOps.Errors.S3ErrorTranslator.TranslateEscaped(ex, ErrorBucket);

        /// <summary>
        /// Runs an engine operation off the pipeline thread and, while it runs, executes the host calls
        /// (WriteObject, WriteProgress, WriteError...) that workers posted, in the order posted.
        /// </summary>
        protected T Await<T>(Func<CancellationToken, Task<T>> operation)
        {
            var queue = new BlockingCollection<Action>(HostQueueCapacity);
            var previous = _hostQueue;
            _hostQueue = queue;
            _pipelineThreadId = Thread.CurrentThread.ManagedThreadId;
            try
            {
                var token = _stop.Token;
                var task = Task.Run(() => operation(token), token);
                task.ContinueWith(_ => queue.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                try
                {
                    foreach (var hostCall in queue.GetConsumingEnumerable())
                        hostCall();
                }
                catch (Exception)
                {
                    // The host refused (pipeline stopped, -ErrorAction Stop...): let the engine clean up
                    // (abort multipart uploads, delete temp files) before the exception leaves. Cancelling
                    // also releases a worker blocked on the full queue.
                    _stop.Cancel();
                    try { task.Wait(); } catch (Exception) { /* the host's exception is the one that matters */ }
                    throw;
                }
                try
                {
                    return task.GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }
            }
            finally
            {
                _hostQueue = previous;
            }
        }

        protected void Await(Func<CancellationToken, Task> operation) =>
            Await<bool>(async ct => { await operation(ct).ConfigureAwait(false); return true; });

        /// <summary>
        /// Queue a host call from any thread; it runs on the pipeline thread inside <see cref="Await{T}"/> (at once when
        /// already there). Waits while the queue is full. False when it was dropped because the call is stopping or over.
        /// </summary>
        protected bool Post(Action hostCall)
        {
            if (Thread.CurrentThread.ManagedThreadId == _pipelineThreadId)
            {
                hostCall();
                return true;
            }
            var queue = _hostQueue;
            if (queue == null) return false; // e.g. a last progress tick after the operation ended
            try
            {
                return queue.TryAdd(hostCall, Timeout.Infinite, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return false; // stopping: nothing is left to report to
            }
            catch (InvalidOperationException)
            {
                return false; // the operation already finished
            }
        }

        /// <summary>
        /// The observer every engine operation reports through: rows go to <paramref name="onRow"/> (null: dropped),
        /// progress to Write-Progress, errors to WriteError, warnings and verbose text to their streams, and
        /// confirmations to <see cref="Confirm"/>, each on the pipeline thread.
        /// </summary>
        protected IRunObserver<TRow> Observer<TRow>(Action<TRow> onRow, int progressId = 1) => new PipelineObserver<TRow>(this, onRow, progressId);

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

        /// <summary>
        /// The one question before a batch that is High impact inside a Medium cmdlet (-Delete, a restore): asked once,
        /// as ConfirmImpact.High would, unless -Force, -Confirm or $ConfirmPreference 'None' already answer it. The prompt
        /// defaults to No (ShouldContinue's defaults to Yes: Enter must not delete); a No is a warning that says
        /// <paramref name="nothingDone"/>. A host that cannot ask gets an error that says how to confirm
        /// (<paramref name="notConfirmedErrorId"/>), nothing is done.
        /// </summary>
        protected bool ConfirmBatch(string target, string action, bool force, string caption, string notConfirmedErrorId, string nothingDone)
        {
            if (!ShouldProcess(target, action)) return false;
            if (force || MyInvocation.BoundParameters.ContainsKey("Confirm")) return true;
            var preference = SessionState.PSVariable.GetValue("ConfirmPreference");
            if (preference is ConfirmImpact impact && impact == ConfirmImpact.None) return true;
            int answer;
            try
            {
                var ui = Host?.UI ?? throw new PSInvalidOperationException("The host has no user interface.");
                var choices = new Collection<ChoiceDescription>
                {
                    new ChoiceDescription("&Yes", action + "."),
                    new ChoiceDescription("&No", nothingDone.Substring(0, 1).ToUpperInvariant() + nothingDone.Substring(1) + " (the default)."),
                };
                answer = ui.PromptForChoice(caption, action + "?", choices, 1);
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is HostException || ex is NotImplementedException || ex is NotSupportedException)
            {
                WriteItemError(new MediaOpsException(notConfirmedErrorId, FailureKind.Cancelled,
                    $"{action}: not done, because this host cannot ask for confirmation. Pass -Force (or -Confirm:$false) to go ahead without asking.", target, ex), target);
                return false;
            }
            if (answer == 0) return true;
            WriteWarning($"{action}: declined at the confirmation, so {nothingDone}. Run again and answer Yes, or pass -Force.");
            return false;
        }

        /// <summary>Answers the engine's <see cref="IRunObserver{TRow}.ConfirmAsync"/> on the pipeline thread; the default refuses.</summary>
        protected virtual bool Confirm(string target, string action) => false;

        /// <summary>The engine's progress snapshot as a Write-Progress record.</summary>
        protected static ProgressRecord ToProgressRecord(RunProgress p, int activityId)
        {
            var record = new ProgressRecord(activityId, p.Activity, string.IsNullOrEmpty(p.Status) ? "..." : p.Status)
            {
                PercentComplete = p.PercentComplete,
                RecordType = p.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            if (!string.IsNullOrEmpty(p.CurrentItem)) record.CurrentOperation = p.CurrentItem;
            if (p.Remaining.HasValue) record.SecondsRemaining = (int)Math.Min(int.MaxValue, p.Remaining.Value.TotalSeconds);
            return record;
        }

        private sealed class PipelineObserver<TRow> : IRunObserver<TRow>
        {
            private readonly MediaCmdlet _cmdlet;
            private readonly Action<TRow> _onRow;
            private readonly int _progressId;

            public PipelineObserver(MediaCmdlet cmdlet, Action<TRow> onRow, int progressId)
            {
                _cmdlet = cmdlet;
                _onRow = onRow;
                _progressId = progressId;
            }

            public void Row(TRow row)
            {
                if (_onRow != null) _cmdlet.Post(() => _onRow(row));
            }

            public void Progress(RunProgress progress) => _cmdlet.Post(() => _cmdlet.WriteProgress(ToProgressRecord(progress, _progressId)));

            public void Error(Exception error, string target) => _cmdlet.Post(() => _cmdlet.WriteItemError(error, target));

            public void Warning(string message) => _cmdlet.Post(() => _cmdlet.WriteWarning(message));

            public void Verbose(string message) => _cmdlet.Post(() => _cmdlet.WriteVerbose("MediaOps: " + message));

            public Task<bool> ConfirmAsync(string target, string action)
            {
                var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                // A stopping pipeline never runs the question: the engine must not wait for it.
                var stopping = _cmdlet.CancellationToken.Register(() => answer.TrySetCanceled());
                var posted = _cmdlet.Post(() =>
                {
                    try { answer.TrySetResult(_cmdlet.Confirm(target, action)); }
                    catch (Exception ex) { answer.TrySetException(ex); throw; }
                });
                if (!posted) answer.TrySetCanceled();
                answer.Task.ContinueWith(_ => stopping.Dispose(), TaskScheduler.Default);
                return answer.Task;
            }
        }

        public void Dispose()
        {
            _stop.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
