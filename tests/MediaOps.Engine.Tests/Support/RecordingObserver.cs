using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;
using MediaOps.Runs;

namespace MediaOps.Engine.Tests
{
    /// <summary>Collects what an engine operation reports (rows in order, errors, progress...) for assertions.</summary>
    public sealed class RecordingObserver<TRow> : IRunObserver<TRow>
    {
        private readonly Action<TRow> _onRow;

        public RecordingObserver(Action<TRow> onRow = null) => _onRow = onRow;

        public List<TRow> Rows { get; } = new List<TRow>();
        public ConcurrentQueue<(Exception Error, string Target)> Errors { get; } = new ConcurrentQueue<(Exception, string)>();
        public ConcurrentQueue<RunProgress> Progresses { get; } = new ConcurrentQueue<RunProgress>();
        public ConcurrentQueue<string> Warnings { get; } = new ConcurrentQueue<string>();
        public ConcurrentQueue<string> Verbose { get; } = new ConcurrentQueue<string>();
        public bool AllowDelete { get; set; } = true;
        public int Confirmations { get; private set; }
        public Action<RunProgress> OnProgress { get; set; }

        public void Row(TRow row)
        {
            lock (Rows) Rows.Add(row);
            _onRow?.Invoke(row);
        }

        public void Error(Exception error, string target) => Errors.Enqueue((error, target));
        public void Progress(RunProgress progress) { Progresses.Enqueue(progress); OnProgress?.Invoke(progress); }
        public void Warning(string message) => Warnings.Enqueue(message);
        void IRunObserver<TRow>.Verbose(string message) => Verbose.Enqueue(message);

        public Task<bool> ConfirmAsync(string target, string action)
        {
            Confirmations++;
            return Task.FromResult(AllowDelete);
        }
    }
}

namespace MediaOps.Engine.Tests
{
    /// <summary>The rows an engine operation reports, as a list (what the checks returned before they streamed).</summary>
    public static class Recorded
    {
        public static async System.Threading.Tasks.Task<IReadOnlyList<TRow>> Rows<TRow>(Func<IRunObserver<TRow>, System.Threading.Tasks.Task> run, Action<TRow> onRow = null)
        {
            var observer = new RecordingObserver<TRow>(onRow);
            await run(observer);
            return observer.Rows;
        }
    }
}
