using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;
using MediaOps.Sync;

namespace MediaOps.Engine.Tests
{
    /// <summary>Collects what a sync reports (items in order, errors, progress) for assertions.</summary>
    public sealed class RecordingObserver : ISyncObserver
    {
        public List<SyncItem> Items { get; } = new List<SyncItem>();
        public ConcurrentQueue<(Exception Error, string Target)> Errors { get; } = new ConcurrentQueue<(Exception, string)>();
        public ConcurrentQueue<SyncProgress> Progresses { get; } = new ConcurrentQueue<SyncProgress>();
        public bool AllowDelete { get; set; } = true;
        public int DeleteQuestions { get; private set; }
        public Action<SyncProgress> OnProgress { get; set; }

        public void Item(SyncItem item) { lock (Items) Items.Add(item); }
        public void Error(Exception error, string target) => Errors.Enqueue((error, target));
        public void Progress(SyncProgress progress) { Progresses.Enqueue(progress); OnProgress?.Invoke(progress); }
        public void Verbose(string message) { }
        public Task<bool> ConfirmDeleteAsync(long count, long bytes, string target)
        {
            DeleteQuestions++;
            return Task.FromResult(AllowDelete);
        }
    }
}
