using System;
using System.Threading;
using System.Threading.Tasks;
using MediaOps.Runs;

namespace MediaOps.Verification
{
    /// <summary>
    /// One Test-MediaObject run over a stream of names: the caller adds names as they arrive (each
    /// <see cref="AddAsync"/> waits only for a free slot) and rows are reported in input order as soon as
    /// they are next, so output starts before the input ends and at most a window of rows waits.
    /// </summary>
    public sealed class ObjectCheckRun
    {
        private const string Activity = "Test-MediaObject";
        private readonly OrderedWorkQueue<ObjectCheck> _queue;
        private readonly ObjectChecker _checker;
        private readonly IRunObserver<ObjectCheck> _observer;
        private readonly string _uri;
        private long _reported;

        internal ObjectCheckRun(ObjectChecker checker, int concurrency, IRunObserver<ObjectCheck> observer, string uri)
        {
            _checker = checker;
            _observer = observer;
            _uri = uri;
            _queue = new OrderedWorkQueue<ObjectCheck>(concurrency, Math.Max(1, concurrency) * 4, Report);
        }

        /// <summary>Queues one name; a name outside this run's -Partition slice is dropped here (another worker owns it).</summary>
        /// <param name="input">What the caller received the name in (a string, a CSV row); carried on the row as <see cref="ObjectCheck.InputObject"/>.</param>
        public Task AddAsync(string name, object input, CancellationToken ct) =>
            !_checker.Owns(name) ? Task.CompletedTask : _queue.EnqueueAsync(async () =>
            {
                var row = await _checker.CheckAsync(name, ct).ConfigureAwait(false);
                row.InputObject = input ?? name;
                return row;
            }, ct);

        /// <summary>Queues one name received as itself (the row's InputObject is the name).</summary>
        public Task AddAsync(string name, CancellationToken ct) => AddAsync(name, null, ct);

        /// <summary>Waits for the names still in flight and reports them.</summary>
        public async Task CompleteAsync(CancellationToken ct)
        {
            await _queue.DrainAsync().ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            _observer.Verbose($"{_reported:N0} name(s) checked: {_checker.AnsweredFromInventory:N0} answered by the inventory, {_checker.HeadRequests:N0} HEAD request(s).");
            _observer.Progress(RunProgress.Count(Activity, _reported, "Done", completed: true));
        }

        private void Report(ObjectCheck row)
        {
            _observer.Row(row);
            if (++_reported % 200 == 0)
                _observer.Progress(RunProgress.Count(Activity, _reported, $"{_reported} names checked in {_uri}"));
        }
    }
}
