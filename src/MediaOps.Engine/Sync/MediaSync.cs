using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Aws;
using MediaOps.Buckets;
using MediaOps.Integrity;
using MediaOps.Local;
using MediaOps.Runs;
using MediaOps.S3Inventory;
using MediaOps.Targets;
using MediaOps.Transfer;
using MediaOps.Versions;

namespace MediaOps.Sync
{
    /// <summary>
    /// The engine of Compare-MediaStore, Sync-MediaToS3 and Sync-MediaFromS3. All three run the same
    /// streaming <see cref="SyncPlanner"/>; transfers run with bounded concurrency on one S3 client
    /// (one connection pool) and report per file, in key order, through the host's <see cref="IRunObserver{TRow}"/>.
    /// </summary>
    public sealed class MediaSync
    {
        private readonly IAwsClientFactory _clients;

        public MediaSync(IAwsClientFactory clients) => _clients = clients ?? throw new ArgumentNullException(nameof(clients));

        /// <summary>Streams the differences between the folder and the objects under the prefix.</summary>
        public async Task<long> CompareAsync(MediaTarget target, SyncOptions options, IRunObserver<MediaDifference> observer, CancellationToken ct)
        {
            var s3 = _clients.CreateS3(target);
            var comparer = new ContentComparer(s3, target.BucketName, Settings(options));
            var root = RequireFolder(options.Path);
            using (var inventory = await OpenInventoryAsync(s3, target, options, observer, ct).ConfigureAwait(false))
            {
            var planner = new SyncPlanner(s3, target, new LocalWalker(root), new PathFilter(options.Exclude), Listing(inventory), options.Partition)
            {
                OnOwnTempFile = partial => { observer.Verbose($"'{partial.RelativePath}' is a restore's partial download; not compared."); return true; },
            };
            long differences = 0, rechecked = 0;
            await RunPlanner(planner, async pair =>
            {
                if (pair.Local != null && !pair.Local.IsFile) return; // symlinks and unreadable folders: Get-MediaInventory reports them
                var verdict = await Verdict(pair).ConfigureAwait(false);
                if (inventory != null && !(verdict?.IsSame ?? pair.Local == null))
                {
                    // The inventory is hours or days old: a file it calls new or changed may have been uploaded since.
                    rechecked++;
                    pair = new PlanPair(pair.Key, pair.RelativePath, pair.Local, await HeadAsync(s3, target.BucketName, pair.Key, ct).ConfigureAwait(false));
                    verdict = await Verdict(pair).ConfigureAwait(false);
                }
                var diff = new MediaDifference
                {
                    RelativePath = pair.RelativePath,
                    Key = pair.Key,
                    LocalLength = pair.Local?.Length,
                    LocalLastWriteTimeUtc = pair.Local?.LastWriteTimeUtc,
                    RemoteLength = pair.Remote?.Size,
                    RemoteLastModifiedUtc = pair.Remote?.LastModifiedUtc,
                    Partition = options.Partition?.ToString(),
                };
                if (pair.Remote == null) { diff.State = DifferenceState.OnlyLocal; diff.Reason = "not uploaded yet"; }
                else if (pair.Local == null)
                {
                    diff.State = DifferenceState.OnlyRemote;
                    diff.Reason = pair.NotEnteredBy != null ? $"under '{pair.NotEnteredBy.RelativePath}', which was not walked ({Describe(pair.NotEnteredBy.Kind)})"
                        : inventory == null ? "no local file" : "no local file (object listed in the inventory)";
                }
                else
                {
                    // "Cannot tell" counts as changed: only a proof makes a pair the same.
                    diff.State = verdict.IsSame ? DifferenceState.Same : DifferenceState.Changed;
                    diff.Reason = verdict.Reason;
                }
                if (diff.State == DifferenceState.Same && !options.IncludeEqual) return;
                differences += diff.State == DifferenceState.Same ? 0 : 1;
                observer.Row(diff);
            }, ct).ConfigureAwait(false);
            if (inventory != null) observer.Verbose($"{rechecked:N0} name(s) the inventory called new or changed were checked with a HEAD.");
            return differences;
            }

            Task<ContentVerdict> Verdict(PlanPair pair)
            {
                if (pair.Local == null || pair.Remote == null) return Task.FromResult<ContentVerdict>(null);
                return options.Checksum
                    ? comparer.CompareFileAsync(pair.Local.FullName, pair.Local.Length, pair.Remote.Digest, ct)
                    : Task.FromResult(Quick(pair, towardsLocal: false));
            }
        }

        /// <summary>Local → S3. Per-file failures are reported and counted; the run goes on.</summary>
        public async Task<SyncResult> SyncToS3Async(MediaTarget target, SyncOptions options, IRunObserver<SyncItem> observer, CancellationToken ct)
        {
            var root = RequireFolder(options.Path);
            RetryCounter.EnsureRegistered();
            var retries = RetryCounter.Begin();
            var s3 = _clients.CreateS3(target);
            var settings = Settings(options);
            var run = new SyncRun(observer, target.BucketName, $"Sync-MediaToS3 {root} → {target.Uri}", settings);
            var uploader = new S3Uploader(s3, target.BucketName, settings, options.ObjectParameters);
            var headers = new MetadataUpdater(s3, target.BucketName, options.ObjectParameters);
            var refusal = new BlockPublicAclsRefusal(s3, target);
            var comparer = new ContentComparer(s3, target.BucketName, settings);
            if (options.Delete && options.Inventory != null)
                throw new MediaOpsException("DeleteNeedsListing", FailureKind.InvalidArgument,
                    "-Delete is refused with -Inventory: a report hours or days old would delete by a stale picture. Run the final pass (the freeze window) without -Inventory, with -Delete: that lists the prefix live.");
            run.Partition = options.Partition?.ToString();
            long rechecked = 0;
            using (var inventory = await OpenInventoryAsync(s3, target, options, observer, ct).ConfigureAwait(false))
            using (var deletes = new DeleteSpool())
            {
                var planner = new SyncPlanner(s3, target, new LocalWalker(root), new PathFilter(options.Exclude), Listing(inventory), options.Partition)
                {
                    // A restore's partial download (running now, or killed) is not an upload.
                    OnOwnTempFile = partial =>
                    {
                        observer.Warning($"Skipped '{partial.RelativePath}': it is the partial download of a Sync-MediaFromS3 (running, or killed: the next restore into '{root}' removes it), so it is not uploaded.");
                        Interlocked.Increment(ref run.Counters.Skipped);
                        return true;
                    },
                    // The files -Exclude leaves out are Skip rows; objects it leaves out are not this direction's business.
                    OnExcluded = excluded =>
                    {
                        if (excluded.Local == null) return Task.CompletedTask;
                        Interlocked.Increment(ref run.Counters.Skipped);
                        return run.Skip(excluded.Key, excluded.RelativePath, excluded.Local.Length, Excluded);
                    },
                };
                await run.ExecuteAsync(() => RunPlanner(planner, async pair =>
                {
                    Interlocked.Increment(ref run.Counters.Examined);
                    if (inventory != null && pair.Local != null && pair.Local.IsFile
                        && (pair.Remote == null || options.Checksum || !Quick(pair, towardsLocal: false).IsSame))
                    {
                        // The inventory says upload (or the content must be compared): it may be days old, so the object
                        // as it is now decides. One HEAD per such name; none for the names it shows unchanged.
                        await run.Queue.EnqueueAsync(async () =>
                        {
                            if (pair.Remote != null && options.Checksum
                                && (await comparer.CompareFileAsync(pair.Local.FullName, pair.Local.Length, pair.Remote.Digest, ct).ConfigureAwait(false)).IsSame)
                                return await SameContent(pair).ConfigureAwait(false);
                            Interlocked.Increment(ref rechecked);
                            RemoteObject now;
                            try
                            {
                                now = await HeadAsync(s3, target.BucketName, pair.Key, ct).ConfigureAwait(false);
                            }
                            catch (Exception ex) when (!(ex is OperationCanceledException))
                            {
                                return run.Fail(pair.Key, pair.RelativePath, SyncAction.Upload, pair.Local.Length, ex, pair.Key, pair.Remote == null ? New : null);
                            }
                            var current = new PlanPair(pair.Key, pair.RelativePath, pair.Local, now);
                            if (now == null) return await Upload(current, New).ConfigureAwait(false);
                            var verdict = options.Checksum
                                ? await comparer.CompareFileAsync(pair.Local.FullName, pair.Local.Length, now.Digest, ct).ConfigureAwait(false)
                                : Quick(current, towardsLocal: false);
                            if (verdict.IsSame) return await SameContent(current).ConfigureAwait(false);
                            return await Upload(current, verdict.Reason).ConfigureAwait(false);
                        }, ct).ConfigureAwait(false);
                        return;
                    }
                    if (pair.Local == null)
                    {
                        // Under a folder the walk did not enter (symlink, unreadable): not gone, so never deleted.
                        if (pair.NotEnteredBy != null)
                        {
                            Interlocked.Increment(ref run.Counters.Skipped);
                            await run.Skip(pair.Key, pair.RelativePath, pair.Remote.Size, $"under '{pair.NotEnteredBy.RelativePath}', which was not walked ({Describe(pair.NotEnteredBy.Kind)}): kept").ConfigureAwait(false);
                            return;
                        }
                        if (options.Delete && pair.Key.StartsWith(target.Prefix, StringComparison.Ordinal)) deletes.Add(pair.Key, pair.Remote.Size);
                        return;
                    }
                    if (!pair.Local.IsFile)
                    {
                        await run.SkipOrRefuseLocal(pair).ConfigureAwait(false);
                        return;
                    }
                    if (pair.Remote != null && options.Checksum)
                    {
                        // Reading and hashing is work too: it runs in the pool, and may turn out to be a skip.
                        await run.Queue.EnqueueAsync(async () =>
                        {
                            var verdict = await comparer.CompareFileAsync(pair.Local.FullName, pair.Local.Length, pair.Remote.Digest, ct).ConfigureAwait(false);
                            if (verdict.IsSame) return await SameContent(pair).ConfigureAwait(false);
                            return await Upload(pair, verdict.Reason).ConfigureAwait(false);
                        }, ct).ConfigureAwait(false);
                        return;
                    }
                    var quick = pair.Remote == null ? null : Quick(pair, towardsLocal: false);
                    if (quick != null && quick.IsSame)
                    {
                        if (options.UpdateMetadata) await run.Queue.EnqueueAsync(() => SameContent(pair), ct).ConfigureAwait(false);
                        else Interlocked.Increment(ref run.Counters.Skipped);
                        return;
                    }
                    var why = quick?.Reason ?? New;
                    if (options.WhatIf) await run.Queue.AddDoneAsync(run.Plan(pair, SyncAction.Upload, pair.Local.Length, why)).ConfigureAwait(false);
                    else await run.Queue.EnqueueAsync(() => Upload(pair, why), ct).ConfigureAwait(false);
                }, ct), ct).ConfigureAwait(false);

                if (options.Delete && deletes.Count > 0)
                    await new PrefixDeleter(s3, target, run).DeleteAsync(deletes, planner.RemoteObjects, options, ct).ConfigureAwait(false);
            }
            if (options.Inventory != null) observer.Verbose($"{rechecked:N0} name(s) the inventory did not show as uploaded were checked with a HEAD.");
            return run.Finish(SyncDirection.ToS3, root, target.Uri, options.WhatIf, retries.Retries);

            Task<SyncItem> Upload(PlanPair pair, string why)
            {
                if (options.WhatIf) return Task.FromResult(run.Plan(pair, SyncAction.Upload, pair.Local.Length, why));
                run.Planned(pair.Local.Length);
                return run.Transfer(pair, SyncAction.Upload, pair.Local.Length, why,
                    bytes => refusal.RunAsync(() => uploader.UploadAsync(pair.Local, pair.Key, bytes, ct), pair.Key, ct), ct);
            }

            // The bytes are already there. A changed -ObjectParameters is no reason to send them again; with
            // -UpdateMetadata the object's headers are compared (one HEAD) and replaced by a server-side copy.
            async Task<SyncItem> SameContent(PlanPair pair)
            {
                if (!options.UpdateMetadata) { Interlocked.Increment(ref run.Counters.Skipped); return null; }
                MetadataUpdater.Check check;
                try
                {
                    check = await headers.CheckAsync(pair.Key, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    return run.Fail(pair.Key, pair.RelativePath, SyncAction.UpdateMetadata, pair.Local.Length, ex, pair.Key);
                }
                if (check == null) return await Upload(pair, New).ConfigureAwait(false); // deleted since the listing
                if (check.Differences.Count == 0) { Interlocked.Increment(ref run.Counters.Skipped); return null; }
                var reason = "headers differ: " + string.Join(", ", check.Differences);
                SyncItem item;
                if (options.WhatIf) item = run.Plan(pair, SyncAction.UpdateMetadata, 0, reason);
                else
                {
                    run.Planned(0);
                    item = await run.Transfer(pair, SyncAction.UpdateMetadata, 0, reason, async _ =>
                    {
                        await headers.UpdateAsync(pair.Key, check, ct).ConfigureAwait(false);
                        return 0L;
                    }, ct).ConfigureAwait(false);
                }
                item.Length = pair.Local.Length;
                return item;
            }
        }

        /// <summary>S3 → local (rollback). Never writes outside <see cref="SyncOptions.Path"/>.</summary>
        public async Task<SyncResult> SyncFromS3Async(MediaTarget target, SyncOptions options, IRunObserver<SyncItem> observer, CancellationToken ct)
        {
            if (string.IsNullOrEmpty(options.Path)) throw new MediaOpsException("PathMissing", FailureKind.InvalidArgument, "Pass -Path with the folder to restore into.");
            var root = Path.GetFullPath(options.Path);
            // Before anything is created: a bucket without history cannot answer "as of".
            var s3 = _clients.CreateS3(target);
            if (options.AsOfUtc.HasValue) await BucketVersioning.RequireHistoryAsync(s3, target, ct).ConfigureAwait(false);
            if (File.Exists(root)) throw NotAFolder(root, "the folder to restore into");
            if (!Directory.Exists(root))
            {
                // A mistyped rollback path would otherwise grow a second, silent copy of the tree.
                if (!options.CreateMissingFolder)
                    throw new MediaOpsException("PathNotFound", FailureKind.NotFound,
                        $"Folder '{root}' does not exist, so nothing was restored. Check -Path (a rollback restores into the existing MEDIA_ROOT); to restore into a new folder, create it first or add -Force.", root);
                if (options.WhatIf) observer.Verbose($"'{root}' does not exist yet; it would be created (-Force).");
                else Directory.CreateDirectory(root);
            }
            RetryCounter.EnsureRegistered();
            var retries = RetryCounter.Begin();
            var settings = Settings(options);
            var run = new SyncRun(observer, target.BucketName, $"Sync-MediaFromS3 {target.Uri} → {root}", settings);
            var downloader = new S3Downloader(s3, target.BucketName, root, settings);
            // LastModified has whole seconds: an object stamped in the second of -Since may have been written after
            // it, so that whole second counts as "after" (copying one object too many is safe; missing one is not).
            DateTime? since = options.SinceUtc.HasValue
                ? new DateTime(options.SinceUtc.Value.Ticks - options.SinceUtc.Value.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc)
                : (DateTime?)null;
            var comparer = new ContentComparer(s3, target.BucketName, settings);
            var planner = new SyncPlanner(s3, target, new LocalWalker(root, allowMissingRoot: true), new PathFilter(options.Exclude),
                options.AsOfUtc.HasValue ? new AsOfLister(s3, target, options.AsOfUtc.Value) : null)
            {
                // A killed restore's temp file is removed; a running one's is never touched (its process is alive).
                OnOwnTempFile = other =>
                {
                    if (LocalWalker.IsTempFileOfDeadRun(Path.GetFileName(other.FullName)))
                    {
                        if (!options.WhatIf) S3Downloader.TryDelete(other.FullName);
                        observer.Verbose($"Removed '{other.RelativePath}', the partial download of a restore that was killed.");
                        return true;
                    }
                    observer.Warning($"'{other.RelativePath}' is the partial download of another Sync-MediaFromS3 that is still running; it is left alone.");
                    return true;
                },
                // The objects -Exclude leaves out (within -Since) are Skip rows; local files it leaves out are left alone anyway.
                OnExcluded = excluded =>
                {
                    if (excluded.Remote == null || (since.HasValue && excluded.Remote.LastModifiedUtc < since.Value)) return Task.CompletedTask;
                    Interlocked.Increment(ref run.Counters.Skipped);
                    return run.Skip(excluded.Key, excluded.RelativePath, excluded.Remote.Size, Excluded);
                },
            };

            // On a case- or normalisation-insensitive target, two keys can be one file: find those before writing any.
            var folding = NameFolding.Probe(root, mayWrite: !options.WhatIf);
            NameCollisions collisions = null;
            if (folding.Folds)
            {
                observer.Verbose($"'{root}' is on a {folding.Describe()} file system: looking for objects whose names would land on one file.");
                collisions = await NameCollisions.FindAsync(new SyncPlanner(s3, target, new LocalWalker(root, allowMissingRoot: true), new PathFilter(options.Exclude),
                    options.AsOfUtc.HasValue ? new AsOfLister(s3, target, options.AsOfUtc.Value) : null), folding, since, ct).ConfigureAwait(false);
            }

            await run.ExecuteAsync(() => RunPlanner(planner, async pair =>
            {
                Interlocked.Increment(ref run.Counters.Examined);
                var remote = pair.Remote;
                if (remote == null) return; // local-only files are none of a restore's business
                if (since.HasValue && remote.LastModifiedUtc < since.Value) return;
                var others = collisions?.Others(pair.RelativePath);
                if (others != null)
                {
                    await run.Queue.AddDoneAsync(run.Refuse(pair, SyncAction.Download, () => throw new MediaOpsException("LocalNameCollision", FailureKind.Conflict,
                        $"'{NameProblems.Printable(pair.RelativePath)}' and '{NameProblems.Printable(string.Join("', '", others))}' are one name on the {collisions.FileSystem} file system of '{root}', so one would overwrite the other: " +
                        "none of them was restored. Restore into a folder on a case-sensitive file system, or rename the objects so their names differ by more than case or Unicode normalisation.",
                        Path.Combine(root, pair.RelativePath)))).ConfigureAwait(false);
                    return;
                }
                var problem = LocalPathGuard.Problem(pair.RelativePath);
                if (problem != null)
                {
                    await run.Queue.AddDoneAsync(run.Refuse(pair, SyncAction.Download, () => LocalPathGuard.Resolve(root, pair.Key, pair.RelativePath))).ConfigureAwait(false);
                    return;
                }
                if (pair.Local != null && !pair.Local.IsFile)
                {
                    await run.SkipOrRefuseLocal(pair).ConfigureAwait(false);
                    return;
                }
                var quick = pair.Local == null ? null : Quick(pair, towardsLocal: true);
                var mustCompareContent = quick != null && quick.Basis != VerdictBasis.Length && (options.Checksum || !quick.IsSame);
                if (!mustCompareContent)
                {
                    if (quick != null && quick.IsSame) { Interlocked.Increment(ref run.Counters.Skipped); return; }
                    var why = quick?.Reason ?? MissingLocally;
                    if (options.WhatIf) await run.Queue.AddDoneAsync(run.Plan(pair, SyncAction.Download, remote.Size, why)).ConfigureAwait(false);
                    else await run.Queue.EnqueueAsync(() => Download(pair, why), ct).ConfigureAwait(false);
                    return;
                }
                // Same size: an object newer than the file is often just the upload of that very file,
                // so compare the content before downloading (local MD5 against ETag / stored MD5).
                await run.Queue.EnqueueAsync(async () =>
                {
                    var verdict = await comparer.CompareFileAsync(pair.Local.FullName, pair.Local.Length, remote.Digest, ct).ConfigureAwait(false);
                    if (verdict.IsSame) { Interlocked.Increment(ref run.Counters.Skipped); return null; }
                    return options.WhatIf ? run.Plan(pair, SyncAction.Download, remote.Size, verdict.Reason) : await Download(pair, verdict.Reason).ConfigureAwait(false);
                }, ct).ConfigureAwait(false);
            }, ct), ct).ConfigureAwait(false);
            return run.Finish(SyncDirection.FromS3, target.Uri, root, options.WhatIf, retries.Retries);

            Task<SyncItem> Download(PlanPair pair, string why)
            {
                run.Planned(pair.Remote.Size);
                return run.Transfer(pair, SyncAction.Download, pair.Remote.Size, why,
                    bytes => downloader.DownloadAsync(pair.Key, pair.Remote.LastModifiedUtc, pair.RelativePath, bytes, ct, pair.Remote.VersionId), ct);
            }
        }

        /// <summary>The Reason of an upload with no object yet.</summary>
        private const string New = "new";
        /// <summary>The Reason of a download with no local file.</summary>
        private const string MissingLocally = "missing locally";
        /// <summary>The Reason of a name left out by -Exclude (a Skip row).</summary>
        private const string Excluded = "excluded by -Exclude";

        private static string Describe(LocalEntryKind kind) =>
            kind == LocalEntryKind.Symlink ? "a symbolic link" : kind == LocalEntryKind.UnreadableDirectory ? "cannot be read" : "its name cannot be read";

        private static async Task<SortedInventory> OpenInventoryAsync<TRow>(IAmazonS3 s3, MediaTarget target, SyncOptions options, IRunObserver<TRow> observer, CancellationToken ct)
        {
            if (options.Inventory == null) return null;
            options.Inventory.Partition = options.Partition;
            return await InventoryReport.OpenAsync(s3, target, options.Inventory, observer, ct).ConfigureAwait(false);
        }

        private static IRemoteListing Listing(SortedInventory inventory) => inventory == null ? null : new InventoryListing(inventory);

        /// <summary>The object as it is now (one HEAD), or null when there is none.</summary>
        private static async Task<RemoteObject> HeadAsync(IAmazonS3 s3, string bucket, string key, CancellationToken ct)
        {
            try
            {
                var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, ct).ConfigureAwait(false);
                return new RemoteObject(key, head.ContentLength, (head.LastModified ?? DateTime.MinValue).ToUniversalTime(), head.ETag?.Trim('"'));
            }
            catch (Exception ex) when (S3ErrorTranslator.IsNotFound(ex) && S3ErrorTranslator.ErrorCode(ex) != "NoSuchBucket")
            {
                return null;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw S3ErrorTranslator.Translate(ex, bucket, key, "s3:GetObject (HEAD)");
            }
        }

        private static ContentVerdict Quick(PlanPair pair, bool towardsLocal) =>
            ContentComparer.Quick(pair.Local.Length, pair.Local.LastWriteTimeUtc, pair.Remote.Size, pair.Remote.LastModifiedUtc, towardsLocal);

        private static TransferSettings Settings(SyncOptions options)
        {
            var settings = options.Transfer ?? new TransferSettings();
            if (options.Concurrency > 0) settings.Concurrency = options.Concurrency;
            return settings;
        }

        private static string RequireFolder(string path)
        {
            if (string.IsNullOrEmpty(path)) throw new MediaOpsException("PathMissing", FailureKind.InvalidArgument, "Pass -Path with your MEDIA_ROOT folder.");
            var full = Path.GetFullPath(path);
            if (File.Exists(full)) throw NotAFolder(full, "your MEDIA_ROOT folder");
            if (!Directory.Exists(full))
                throw new MediaOpsException("PathNotFound", FailureKind.NotFound, $"Folder '{full}' does not exist. Pass -Path with your MEDIA_ROOT.", full);
            return full;
        }

        private static MediaOpsException NotAFolder(string full, string wanted) =>
            new MediaOpsException("PathNotFolder", FailureKind.InvalidArgument,
                $"'{full}' is a file, not a folder. Pass -Path with {wanted}, e.g. the folder that holds it: '{Path.GetDirectoryName(full)}'.", full);

        private static async Task RunPlanner(SyncPlanner planner, Func<PlanPair, Task> onPair, CancellationToken ct)
        {
            try
            {
                await planner.RunAsync(onPair, ct).ConfigureAwait(false);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new MediaOpsException("LocalAccessDenied", FailureKind.PermissionDenied, ex.Message + " Run as an account that can read MEDIA_ROOT.", null, ex);
            }
            catch (DirectoryNotFoundException ex)
            {
                throw new MediaOpsException("PathNotFound", FailureKind.NotFound, ex.Message, null, ex);
            }
        }
    }
}
