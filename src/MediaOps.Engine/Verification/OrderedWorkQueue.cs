using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MediaOps.Sync;

namespace MediaOps.Verification
{
    /// <summary>
    /// Runs work items as they arrive with bounded concurrency and hands results back in input order
    /// (a reorder buffer), so a pipeline of 10,000 names streams without collecting its input first.
    /// Add/TakeReady/WaitForOldestAsync are called from one thread (the pipeline's); the work runs on the pool.
    /// </summary>
    public sealed class OrderedWorkQueue<TIn, TOut> : IDisposable
    {
        private readonly Func<TIn, CancellationToken, Task<TOut>> _work;
        private readonly SemaphoreSlim _slots;
        private readonly Queue<Task<TOut>> _inOrder = new Queue<Task<TOut>>();
        private readonly CancellationToken _ct;

        public OrderedWorkQueue(Func<TIn, CancellationToken, Task<TOut>> work, int concurrency, CancellationToken ct)
        {
            if (concurrency < 1) throw new ArgumentOutOfRangeException(nameof(concurrency));
            _work = work ?? throw new ArgumentNullException(nameof(work));
            _slots = new SemaphoreSlim(concurrency, concurrency);
            Concurrency = concurrency;
            _ct = ct;
        }

        public int Concurrency { get; }

        /// <summary>Items started or finished but not yet taken.</summary>
        public int Pending => _inOrder.Count;

        /// <summary>True when the caller should wait before adding more (bounds memory while the oldest item is slow).</summary>
        public bool IsFull => _inOrder.Count >= Concurrency * 4;

        public void Add(TIn item) => _inOrder.Enqueue(RunAsync(item));

        private async Task<TOut> RunAsync(TIn item)
        {
            await _slots.WaitAsync(_ct).ConfigureAwait(false);
            try { return await _work(item, _ct).ConfigureAwait(false); }
            finally { _slots.Release(); }
        }

        /// <summary>Results that are finished and next in input order. Rethrows a failed item's exception.</summary>
        public IEnumerable<TOut> TakeReady()
        {
            while (_inOrder.Count > 0 && _inOrder.Peek().IsCompleted)
                yield return _inOrder.Dequeue().GetAwaiter().GetResult();
        }

        /// <summary>Waits until the oldest pending item has finished (or cancellation).</summary>
        public async Task WaitForOldestAsync(CancellationToken ct)
        {
            if (_inOrder.Count == 0) return;
            var oldest = _inOrder.Peek();
            var cancelled = new TaskCompletionSource<bool>();
            using (ct.Register(() => cancelled.TrySetCanceled()))
            {
                await Task.WhenAny(oldest, cancelled.Task).ConfigureAwait(false);
            }
            ct.ThrowIfCancellationRequested();
        }

        public void Dispose() => _slots.Dispose();
    }
}
