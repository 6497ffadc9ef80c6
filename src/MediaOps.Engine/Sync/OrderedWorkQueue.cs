using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MediaOps.Verification;

namespace MediaOps.Sync
{
    /// <summary>
    /// Runs at most N transfers at once and hands their results back in the order they were queued
    /// (so output is stable), with a bounded window of finished-but-unreported results so memory
    /// stays flat. Only the planner's single loop calls Enqueue/Drain.
    /// </summary>
    internal sealed class OrderedWorkQueue
    {
        private readonly SemaphoreSlim _slots;
        private readonly Queue<Task<SyncItem>> _window = new Queue<Task<SyncItem>>();
        private readonly int _maxWindow;
        private readonly Action<SyncItem> _report;

        public OrderedWorkQueue(int concurrency, Action<SyncItem> report)
        {
            _slots = new SemaphoreSlim(Math.Max(1, concurrency));
            _maxWindow = Math.Max(64, concurrency * 32);
            _report = report;
        }

        public async Task EnqueueAsync(Func<Task<SyncItem>> work, CancellationToken ct)
        {
            await _slots.WaitAsync(ct).ConfigureAwait(false);
            _window.Enqueue(Run(work));
            await ReportFinishedAsync(_window.Count > _maxWindow).ConfigureAwait(false);
        }

        /// <summary>A result that needs no transfer (planned, refused) keeps its place in the order.</summary>
        public Task AddDoneAsync(SyncItem item)
        {
            _window.Enqueue(Task.FromResult(item));
            return ReportFinishedAsync(_window.Count > _maxWindow);
        }

        /// <summary>Waits for every queued transfer and reports the rest. Cancellation still waits, so cleanup finishes.</summary>
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

        private async Task<SyncItem> Run(Func<Task<SyncItem>> work)
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
