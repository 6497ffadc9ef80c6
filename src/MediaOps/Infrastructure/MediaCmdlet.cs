using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace MediaOps.Infrastructure
{
    /// <summary>
    /// Base of every MediaOps cmdlet: owns the cancellation that Ctrl+C triggers, the one bridge from
    /// async engine calls to the pipeline thread, and the mapping of engine failures to ErrorRecords.
    /// Workers never touch the host: they <see cref="Post"/> actions that this thread runs.
    /// </summary>
    public abstract class MediaCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private BlockingCollection<Action> _hostQueue;

        /// <summary>Cancelled by Ctrl+C (StopProcessing) or when a downstream command stops the pipeline.</summary>
        protected CancellationToken CancellationToken => _stop.Token;

        protected override void StopProcessing() => _stop.Cancel();

        /// <summary>
        /// Runs an engine operation off the pipeline thread and, while it runs, executes the host calls
        /// (WriteObject, WriteProgress, WriteError...) that workers posted, in the order posted.
        /// </summary>
        protected T Await<T>(Func<CancellationToken, Task<T>> operation)
        {
            var queue = new BlockingCollection<Action>();
            var previous = _hostQueue;
            _hostQueue = queue;
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
                    // (abort multipart uploads, delete temp files) before the exception leaves.
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

        /// <summary>Queue a host call from any thread; it runs on the pipeline thread inside <see cref="Await{T}"/>.</summary>
        protected void Post(Action hostCall)
        {
            var queue = _hostQueue;
            if (queue == null)
                throw new InvalidOperationException("Post is only valid while Await is running.");
            try
            {
                if (!queue.IsAddingCompleted) queue.Add(hostCall);
            }
            catch (InvalidOperationException)
            {
                // The operation already finished; nothing is left to report to.
            }
        }

        /// <summary>An IProgress whose reports run on the pipeline thread.</summary>
        protected IProgress<T> OnPipelineThread<T>(Action<T> handler) => new PostingProgress<T>(this, handler);

        private sealed class PostingProgress<T> : IProgress<T>
        {
            private readonly MediaCmdlet _owner;
            private readonly Action<T> _handler;
            public PostingProgress(MediaCmdlet owner, Action<T> handler) { _owner = owner; _handler = handler; }
            public void Report(T value) => _owner.Post(() => _handler(value));
        }

        /// <summary>Non-terminating error for one item; the rest of the work goes on.</summary>
        protected void WriteMediaError(Exception exception, object target) => WriteError(ErrorMapping.ToErrorRecord(exception, target));

        /// <summary>Terminating error: the whole call cannot proceed.</summary>
        protected void ThrowMediaError(Exception exception, object target) => ThrowTerminatingError(ErrorMapping.ToErrorRecord(exception, target));

        public void Dispose()
        {
            _stop.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
