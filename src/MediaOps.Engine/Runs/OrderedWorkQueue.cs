using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MediaOps.Runs
{
    /// <summary>
    /// Runs at most N work items at once and reports their results in the order they were queued, so
    /// output is stable (sync items in key order, object checks in input order), with a bounded window
    /// of finished-but-unreported results so memory stays flat while the oldest item is slow. One loop
    /// queues and drains (the sync planner's, or the pipeline thread's through the cmdlet's Await); the
    /// work runs on the pool, and results are reported on the queuing thread.
    /// </summary>
    internal sealed class OrderedWorkQueue<T>
    {
        private readonly SemaphoreSlim _slots;
        private readonly Queue<Task<T>> _window = new Queue<Task<T>>();
        private readonly int _maxWindow;
        private readonly Action<T> _report;

        /// <param name="window">Results kept waiting for an older one before queuing waits for the oldest.</param>
        public OrderedWorkQueue(int concurrency, int window, Action<T> report)
        {
            _slots = new SemaphoreSlim(Math.Max(1, concurrency));
            _maxWindow = Math.Max(1, window);
            _report = report ?? throw new ArgumentNullException(nameof(report));
        }

        /// <summary>Waits for a free slot, starts <paramref name="work"/>, and reports every result that is next in order.</summary>
        public async Task EnqueueAsync(Func<Task<T>> work, CancellationToken ct)
        {
            await _slots.WaitAsync(ct).ConfigureAwait(false);
            _window.Enqueue(Run(work));
            await ReportFinishedAsync(_window.Count > _maxWindow).ConfigureAwait(false);
        }

        /// <summary>A result that needs no work (planned, refused) keeps its place in the order.</summary>
        public Task AddDoneAsync(T item)
        {
            _window.Enqueue(Task.FromResult(item));
            return ReportFinishedAsync(_window.Count > _maxWindow);
        }

        /// <summary>Waits for every queued item and reports the rest. Cancellation still waits, so cleanup finishes.</summary>
        public async Task DrainAsync()
        {
            Exception first = null;
            while (_window.Count > 0)
            {
                try { _report(await _window.Dequeue().ConfigureAwait(false)); }
                catch (Exception ex) { first = first ?? ex; }
            }
            if (first != null) throw first;
        }

        private async Task<T> Run(Func<Task<T>> work)
        {
            try
            {
                await Task.Yield();
                return await work().ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }

        private async Task ReportFinishedAsync(bool waitForHead)
        {
            while (_window.Count > 0 && (_window.Peek().IsCompleted || waitForHead))
            {
                _report(await _window.Dequeue().ConfigureAwait(false));
                waitForHead = false;
            }
        }
    }
}
