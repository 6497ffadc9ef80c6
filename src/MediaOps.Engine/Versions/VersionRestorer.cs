using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Aws;
using MediaOps.Errors;
using MediaOps.Local;
using MediaOps.Runs;
using MediaOps.Sync;
using MediaOps.Targets;

namespace MediaOps.Versions
{
    /// <summary>
    /// The engine of Restore-MediaVersion: brings every key under the prefix (or the names given) back to its
    /// state as of a time, in place. Plans from the streamed version listing (<see cref="RestorePlanner"/> per
    /// key), spools the steps that change something, asks once for the batch, then copies old versions on top
    /// and puts delete markers with bounded concurrency, reporting one SyncItem per key in key order. Nothing is
    /// ever deleted for good: every step adds a version or a marker, so a restore can itself be undone.
    /// </summary>
    public sealed class VersionRestorer
    {
        private readonly IAwsClientFactory _clients;

        public VersionRestorer(IAwsClientFactory clients) => _clients = clients ?? throw new ArgumentNullException(nameof(clients));

        public async Task<SyncResult> RestoreAsync(MediaTarget target, RestoreOptions options, IRunObserver<SyncItem> observer, CancellationToken ct)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            var s3 = _clients.CreateS3(target);
            await BucketVersioning.RequireEnabledAsync(s3, target, ct).ConfigureAwait(false);
            RetryCounter.EnsureRegistered();
            var retries = RetryCounter.Begin();
            var settings = options.Transfer ?? new Transfer.TransferSettings();
            if (options.Concurrency > 0) settings.Concurrency = options.Concurrency;
            var asOf = options.AsOfUtc.ToUniversalTime();
            var when = asOf.ToString("yyyy-MM-dd HH:mm:ss") + "Z";
            var run = new SyncRun(observer, target.BucketName, $"Restore-MediaVersion {target.Uri} as of {when}", settings);
            var copier = new VersionCopier(s3, target.BucketName, settings) { MultipartCopyThreshold = options.MultipartCopyThreshold };
            var filter = new PathFilter(options.Exclude);

            using (var spool = new RestoreSpool())
            {
                await run.ExecuteAsync(async () =>
                {
                    await ForEachKeyAsync(s3, target, options, async history =>
                    {
                        Interlocked.Increment(ref run.Counters.Examined);
                        if (filter.IsExcluded(history.Name)) return;
                        var step = RestorePlanner.Decide(history, asOf, options.RemoveNewer);
                        if (step.Kind == RestoreStepKind.Untouched || step.Kind == RestoreStepKind.LeaveNewer)
                        {
                            Interlocked.Increment(ref run.Counters.Skipped);
                            if (step.Kind == RestoreStepKind.LeaveNewer) observer.Verbose($"'{history.Name}': {step.Reason}.");
                            return;
                        }
                        if (options.WhatIf)
                        {
                            await run.Queue.AddDoneAsync(run.Plan(new PlanPair(step.Key, history.Name, null, null), ActionFor(step.Kind), step.Length, step.Reason)).ConfigureAwait(false);
                        }
                        else spool.Add(step);
                    }, ct).ConfigureAwait(false);

                    if (options.WhatIf || spool.Count == 0) return;
                    var question = $"Restore {spool.Restores} object(s) ({spool.Bytes:N0} bytes) under {target.Uri} to their state at {when} by copying the old version on top"
                        + (spool.Deletes > 0 ? $", and put a delete marker on {spool.Deletes} object(s) created since" : "")
                        + " (every current version stays in the history)";
                    if (!await observer.ConfirmAsync(target.Uri, question).ConfigureAwait(false))
                    {
                        Interlocked.Add(ref run.Counters.NotConfirmed, spool.Count);
                        observer.Verbose($"The restore of {spool.Count} object(s) under {target.Uri} was not confirmed; nothing was changed.");
                        return;
                    }
                    foreach (var step in spool.Steps())
                    {
                        ct.ThrowIfCancellationRequested();
                        var pair = new PlanPair(step.Key, target.NameFor(step.Key), null, null);
                        run.Planned(step.Length);
                        if (step.Kind == RestoreStepKind.Restore)
                            await run.Queue.EnqueueAsync(async () =>
                            {
                                return await run.Transfer(pair, SyncAction.Restore, step.Length, step.Reason, async bytes =>
                                {
                                    var copied = await copier.CopyAsync(step.Key, step.Source, ct).ConfigureAwait(false);
                                    bytes(copied);
                                    return copied;
                                }, ct).ConfigureAwait(false);
                            }, ct).ConfigureAwait(false);
                        else
                            await run.Queue.EnqueueAsync(() => PutDeleteMarkerAsync(s3, target, run, pair, step.Length, step.Reason, ct), ct).ConfigureAwait(false);
                    }
                }, ct).ConfigureAwait(false);
            }
            return run.Finish(SyncDirection.Restore, $"{target.Uri} as of {when}", target.Uri, options.WhatIf, retries.Retries);
        }

        private static SyncAction ActionFor(RestoreStepKind kind) => kind == RestoreStepKind.Delete ? SyncAction.Delete : SyncAction.Restore;

        /// <summary>Every key under the prefix; with names, just their keys (one listing each), in key order.</summary>
        private static async Task ForEachKeyAsync(IAmazonS3 s3, MediaTarget target, RestoreOptions options, Func<KeyHistory, Task> onKey, CancellationToken ct)
        {
            if (options.Names == null)
            {
                await new VersionLister(s3, target) { PageSize = options.PageSize }.RunAsync(onKey, ct).ConfigureAwait(false);
                return;
            }
            foreach (var key in options.Names.Select(target.KeyFor).Distinct(StringComparer.Ordinal).OrderBy(k => k, KeyOrder.Instance))
            {
                var history = await new VersionLister(s3, target, key) { PageSize = options.PageSize }.NextKeyAsync(ct).ConfigureAwait(false);
                if (history != null) await onKey(history).ConfigureAwait(false);
            }
        }

        /// <summary>-RemoveNewer: a DeleteObject without a version id, which only adds a delete marker.</summary>
        private static async Task<SyncItem> PutDeleteMarkerAsync(IAmazonS3 s3, MediaTarget target, SyncRun run, PlanPair pair, long length, string reason, CancellationToken ct)
        {
            // The listing was prefixed; this is the last line of defence all the same.
            if (!pair.Key.StartsWith(target.Prefix, StringComparison.Ordinal))
                throw new InvalidOperationException($"Refusing to delete '{pair.Key}': it is outside {target.Uri}.");
            try
            {
                await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = target.BucketName, Key = pair.Key }, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
            catch (Exception ex)
            {
                var failed = run.Fail(pair.Key, pair.RelativePath, SyncAction.Delete, length, S3ErrorTranslator.Translate(ex, target.BucketName, pair.Key, "s3:DeleteObject"), pair.Key);
                failed.Reason = reason;
                return failed;
            }
            Interlocked.Increment(ref run.Counters.Deleted);
            Interlocked.Increment(ref run.Counters.FilesDone);
            var item = run.Item(pair.Key, pair.RelativePath, SyncAction.Delete, SyncItemStatus.Done, length);
            item.Reason = reason;
            return item;
        }
    }
}
