using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Local;
using MediaOps.Runs;
using MediaOps.Targets;

namespace MediaOps.Sync
{
    /// <summary>
    /// -Delete: removes objects under the prefix whose file is gone, only after a copy pass without a
    /// single failure, never more than -MaxDelete, never outside the prefix, and only once the caller
    /// confirmed the batch (one question for all of them, not one per object).
    /// </summary>
    internal sealed class PrefixDeleter
    {
        private readonly IAmazonS3 _s3;
        private readonly MediaTarget _target;
        private readonly IRunObserver<SyncItem> _observer;
        private readonly SyncRun _run;

        /// <summary>The Reason of every delete row.</summary>
        private const string NoLocalFile = "no local file";

        public PrefixDeleter(IAmazonS3 s3, MediaTarget target, SyncRun run)
        {
            _s3 = s3;
            _target = target;
            _observer = run.Observer;
            _run = run;
        }

        /// <param name="remoteObjects">How many objects under the prefix the plan saw (the mass-delete guard's base).</param>
        public async Task DeleteAsync(DeleteSpool spool, long remoteObjects, SyncOptions options, CancellationToken ct)
        {
            var counters = _run.Counters;
            if (Interlocked.Read(ref counters.Failed) > 0)
            {
                Refuse("DeleteSkippedAfterErrors", FailureKind.Conflict,
                    $"{spool.Count} object(s) under {_target.Uri} have no local file, but nothing was deleted because {counters.Failed} file(s) failed in this run. Fix the failures and run again.");
                return;
            }
            var massDelete = MassDeleteReason(spool.Count, remoteObjects);
            if (massDelete != null && !options.AllowMassDelete)
            {
                Refuse("MassDeleteRefused", FailureKind.Unsafe,
                    $"{spool.Count} of the {remoteObjects} object(s) under {_target.Uri} have no local file: {massDelete}. Nothing was deleted. " +
                    "Check -Path (an empty or unmounted folder looks like everything was deleted) and -Prefix, then, if that is really meant, run again with -AllowMassDelete.");
                return;
            }
            if (spool.Count > options.MaxDelete)
            {
                Refuse("MaxDeleteExceeded", FailureKind.InvalidArgument,
                    $"{spool.Count} object(s) under {_target.Uri} have no local file, more than -MaxDelete {options.MaxDelete}. Nothing was deleted. Check that -Path is the right folder, then run again with -MaxDelete {spool.Count} (or more).");
                return;
            }
            if (options.WhatIf)
            {
                foreach (var batch in spool.Batches())
                    foreach (var (key, size) in batch)
                        await _run.Queue.AddDoneAsync(_run.Plan(new PlanPair(key, _target.NameFor(key), null, null), SyncAction.Delete, size, NoLocalFile)).ConfigureAwait(false);
                await _run.Queue.DrainAsync().ConfigureAwait(false);
                return;
            }
            var action = $"Delete {spool.Count} object(s) ({spool.Bytes:N0} bytes) under {_target.Uri} whose local file is gone";
            if (!await _observer.ConfirmAsync(_target.Uri, action).ConfigureAwait(false))
            {
                Interlocked.Add(ref _run.Counters.NotConfirmed, spool.Count);
                _observer.Verbose($"Deletion of {spool.Count} object(s) under {_target.Uri} was not confirmed; nothing was deleted.");
                return;
            }
            foreach (var batch in spool.Batches())
            {
                ct.ThrowIfCancellationRequested();
                foreach (var (key, size) in batch) _run.Planned(size);
                await DeleteBatchAsync(batch, ct).ConfigureAwait(false);
            }
        }

        /// <summary>Why deleting <paramref name="deletes"/> of <paramref name="total"/> objects needs -AllowMassDelete, or null.</summary>
        private string MassDeleteReason(long deletes, long total)
        {
            if (_target.Prefix.Length == 0) return "the prefix is empty, so -Delete would act on the whole bucket (static files, backups, other apps)";
            if (deletes >= total) return "that is every object under the prefix";
            if (deletes > total * SyncOptions.MassDeleteShare) return $"that is more than {SyncOptions.MassDeleteShare:P0} of them";
            return null;
        }

        private async Task DeleteBatchAsync(List<(string Key, long Size)> batch, CancellationToken ct)
        {
            var request = new DeleteObjectsRequest { BucketName = _target.BucketName, Quiet = false, Objects = new List<KeyVersion>(batch.Count) };
            foreach (var (key, _) in batch)
            {
                // The planner lists with the prefix; this is the last line of defence all the same.
                if (!key.StartsWith(_target.Prefix, StringComparison.Ordinal) || _target.Prefix.Length == 0 && key.Length == 0)
                    throw new InvalidOperationException($"Refusing to delete '{NameProblems.Printable(key)}': it is outside {_target.Uri}.");
                if (FitsInXml(key)) request.Objects.Add(new KeyVersion { Key = key });
            }
            var failed = new Dictionary<string, string>(StringComparer.Ordinal);
            // A key XML 1.0 cannot carry (control characters; CR, which XML turns into LF) goes alone, in the URL.
            foreach (var (key, _) in batch)
            {
                if (FitsInXml(key)) continue;
                try { await _s3.DeleteObjectAsync(_target.BucketName, key, ct).ConfigureAwait(false); }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    failed[key] = S3ErrorTranslator.Translate(ex, _target.BucketName, key, "s3:DeleteObject").Message;
                }
            }
            if (request.Objects.Count > 0) await DeleteObjectsAsync(request, failed, ct).ConfigureAwait(false);
            await Report(batch, failed).ConfigureAwait(false);
        }

        private async Task DeleteObjectsAsync(DeleteObjectsRequest request, Dictionary<string, string> failed, CancellationToken ct)
        {
            try
            {
                var response = await _s3.DeleteObjectsAsync(request, ct).ConfigureAwait(false);
                foreach (var error in response.DeleteErrors ?? new List<DeleteError>())
                    failed[error.Key] = $"{error.Code}: {error.Message}";
            }
            catch (DeleteObjectsException ex)
            {
                foreach (var error in ex.Response?.DeleteErrors ?? new List<DeleteError>())
                    failed[error.Key] = $"{error.Code}: {error.Message}";
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                var translated = S3ErrorTranslator.Translate(ex, _target.BucketName, _target.Prefix, "s3:DeleteObject");
                foreach (var o in request.Objects) failed[o.Key] = translated.Message;
            }
        }

        private async Task Report(List<(string Key, long Size)> batch, Dictionary<string, string> failed)
        {
            foreach (var (key, size) in batch)
            {
                var pair = new PlanPair(key, _target.NameFor(key), null, null);
                if (failed.TryGetValue(key, out var why))
                {
                    await _run.Queue.AddDoneAsync(_run.Fail(key, pair.RelativePath, SyncAction.Delete, size,
                        new MediaOpsException("DeleteFailed", FailureKind.Unknown, $"Could not delete '{NameProblems.Printable(key)}': {why}", key), key, NoLocalFile)).ConfigureAwait(false);
                    continue;
                }
                Interlocked.Increment(ref _run.Counters.Deleted);
                Interlocked.Increment(ref _run.Counters.FilesDone);
                await _run.Queue.AddDoneAsync(_run.Item(key, pair.RelativePath, SyncAction.Delete, SyncItemStatus.Done, size, NoLocalFile)).ConfigureAwait(false);
            }
            await _run.Queue.DrainAsync().ConfigureAwait(false);
        }

        /// <summary>Whether XML 1.0 carries the key unchanged (DeleteObjects' body is XML).</summary>
        private static bool FitsInXml(string key)
        {
            for (var i = 0; i < key.Length; i++)
            {
                var c = key[i];
                if (c == '\r' || (c < 0x20 && c != '\t' && c != '\n') || c == '\uFFFE' || c == '\uFFFF') return false;
                if (char.IsHighSurrogate(c) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1])) { i++; continue; }
                if (char.IsSurrogate(c)) return false;
            }
            return true;
        }

        private void Refuse(string errorId, FailureKind kind, string message)
        {
            _run.Counters.AddError(message);
            _observer.Error(new MediaOpsException(errorId, kind, message, _target.Uri), _target.Uri);
        }
    }
}
