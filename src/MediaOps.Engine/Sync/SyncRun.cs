using System;
using System.Threading;
using System.Threading.Tasks;
using MediaOps.Errors;
using MediaOps.Local;
using MediaOps.Runs;
using MediaOps.Transfer;

namespace MediaOps.Sync
{
    /// <summary>
    /// The bookkeeping of one sync run: counters, the ordered work queue, progress ticks, and how a
    /// per-file outcome becomes a SyncItem (plus an error report when it failed).
    /// </summary>
    internal sealed class SyncRun
    {
        private readonly IRunObserver<SyncItem> _observer;
        private readonly string _activity;
        private readonly string _bucket;

        private readonly TimeSpan _progressInterval;

        public SyncRun(IRunObserver<SyncItem> observer, string bucket, string activity, TransferSettings settings)
        {
            var concurrency = settings.Concurrency;
            _progressInterval = settings.ProgressInterval;
            _bucket = bucket;
            _observer = observer;
            _activity = activity;
            // A skip found by the content check is no row (null).
            Queue = new OrderedWorkQueue<SyncItem>(concurrency, Math.Max(64, concurrency * 32), item =>
            {
                if (item != null) _observer.Row(item);
            });
        }

        public SyncCounters Counters { get; } = new SyncCounters();
        public IRunObserver<SyncItem> Observer => _observer;
        public OrderedWorkQueue<SyncItem> Queue { get; }

        /// <summary>Runs the plan with progress ticks; always drains the queue so in-flight cleanup (aborts, temp files) finishes.</summary>
        public async Task ExecuteAsync(Func<Task> plan, CancellationToken ct)
        {
            using (new Timer(_ => _observer.Progress(Counters.Snapshot(_activity)), null, _progressInterval, _progressInterval))
            {
                try
                {
                    await plan().ConfigureAwait(false);
                    Counters.PlanComplete = true;
                }
                catch (Exception)
                {
                    try { await Queue.DrainAsync().ConfigureAwait(false); } catch (Exception) { /* the planner's exception wins */ }
                    throw;
                }
                await Queue.DrainAsync().ConfigureAwait(false);
            }
            ct.ThrowIfCancellationRequested();
        }

        public void Planned(long bytes)
        {
            Interlocked.Increment(ref Counters.Planned);
            Interlocked.Add(ref Counters.PlannedBytes, bytes);
        }

        /// <summary>A -WhatIf item: counted as planned, nothing done.</summary>
        public SyncItem Plan(PlanPair pair, SyncAction action, long length, string reason = null)
        {
            Planned(length);
            return Item(pair.Key, pair.RelativePath, action, SyncItemStatus.Planned, length, reason);
        }

        /// <summary>A pair left alone on purpose (a symlink, an excluded name): a Skip row with its reason, for -PassThru.</summary>
        public Task Skip(string key, string relativePath, long length, string reason) =>
            Queue.AddDoneAsync(Item(key, relativePath, SyncAction.Skip, SyncItemStatus.Done, length, reason));

        /// <param name="reason">Why the file moves (new, size differs…): the item's Reason.</param>
        public async Task<SyncItem> Transfer(PlanPair pair, SyncAction action, long length, string reason, Func<Action<long>, Task<long>> transfer, CancellationToken ct)
        {
            try
            {
                var sent = await transfer(bytes => Interlocked.Add(ref Counters.Bytes, bytes)).ConfigureAwait(false);
                Interlocked.Increment(ref Counters.Transferred);
                Interlocked.Increment(ref Counters.FilesDone);
                return Item(pair.Key, pair.RelativePath, action, SyncItemStatus.Done, sent, reason);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                return Fail(pair.Key, pair.RelativePath, action, length, S3ErrorTranslator.Translate(ex, _bucket, pair.Key), pair.Key, reason);
            }
        }

        /// <summary>A pair refused before any transfer; <paramref name="thrower"/> produces the reason as an exception.</summary>
        public SyncItem Refuse(PlanPair pair, SyncAction action, Action thrower)
        {
            try
            {
                thrower();
                throw new InvalidOperationException("refusal expected");
            }
            catch (Exception ex)
            {
                return Fail(pair.Key, pair.RelativePath, action, pair.Remote?.Size ?? pair.Local?.Length ?? 0, ex, pair.Key);
            }
        }

        /// <summary>
        /// Symlinks are skipped (not followed); an unreadable folder is a failure, because objects
        /// under it would otherwise look deleted locally.
        /// </summary>
        public Task SkipOrRefuseLocal(PlanPair pair)
        {
            if (pair.Local.Kind == LocalEntryKind.Symlink)
            {
                // A linked folder (media/uploads -> /vol/uploads) is the case that matters: its objects stay, and the user must know why.
                var target = LocalWalker.LinkPointsTo(pair.Local.FullName);
                if (target != "a file")
                    _observer.Warning($"Skipped '{pair.RelativePath}': it is a symbolic link to {target}, which is not followed. Objects under '{pair.Key}/' are left as they are (never deleted). Sync the link's target with its own -Path and -Prefix, or replace the link with the folder.");
                else
                    _observer.Verbose($"Skipped '{pair.RelativePath}': symbolic links are not followed.");
                Interlocked.Increment(ref Counters.Skipped);
                return Skip(pair.Key, pair.RelativePath, 0, target != "a file" ? $"symbolic link to {target}, not followed" : "symbolic link, not followed");
            }
            var error = pair.Local.Kind == LocalEntryKind.InvalidName
                ? new MediaOpsException("LocalNameInvalid", FailureKind.InvalidArgument,
                    $"'{pair.Local.FullName}' was not synced: {pair.Local.Error}. Rename it to UTF-8 (e.g. convmv -f latin1 -t utf8 --notest) and run again; no object was deleted.", pair.Local.FullName)
                : new MediaOpsException("LocalAccessDenied", FailureKind.PermissionDenied,
                    $"Folder '{pair.Local.FullName}' cannot be read ({pair.Local.Error}). Fix its permissions and run again; no object was deleted.", pair.Local.FullName);
            return Queue.AddDoneAsync(Fail(pair.Key, pair.RelativePath, SyncAction.Skip, 0, error, pair.Local.FullName));
        }

        public SyncItem Fail(string key, string relativePath, SyncAction action, long length, Exception error, string target, string reason = null)
        {
            Interlocked.Increment(ref Counters.Failed);
            Interlocked.Increment(ref Counters.FilesDone);
            Counters.AddError($"{key}: {error.Message}");
            _observer.Error(error, target);
            var item = Item(key, relativePath, action, SyncItemStatus.Failed, length, reason);
            item.Error = error.Message;
            return item;
        }

        /// <summary>"k/n" when the run covers one -Partition slice; every row and the result carry it.</summary>
        public string Partition { get; set; }

        public SyncItem Item(string key, string relativePath, SyncAction action, SyncItemStatus status, long length, string reason = null) =>
            new SyncItem { Key = key, RelativePath = relativePath, Action = action, Status = status, Length = length, Reason = reason, Partition = Partition };

        public SyncResult Finish(SyncDirection direction, string source, string destination, bool whatIf, long retries)
        {
            _observer.Progress(Counters.Snapshot(_activity, completed: true));
            var result = Counters.ToResult(direction, source, destination, whatIf);
            result.Retries = retries;
            result.Partition = Partition;
            return result;
        }
    }
}
