using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MediaOps.Aws;
using MediaOps.Runs;
using MediaOps.S3Inventory;
using MediaOps.Targets;

namespace MediaOps.Versions
{
    /// <summary>
    /// The engine of Get-MediaVersion: every version (and with <see cref="VersionQuery.IncludeDeleteMarkers"/>
    /// every delete marker) under the prefix or of one Django name, keys in S3's order, newest first per key,
    /// streamed from the listing pages to the observer.
    /// With <see cref="VersionQuery.Inventory"/> the versions come from an S3 Inventory report of all versions,
    /// read and sorted once per reader (on disk) and then looked up per name: no ListObjectVersions request.
    /// </summary>
    public sealed class VersionReader : IDisposable
    {
        private readonly IAwsClientFactory _clients;
        private SortedInventory _inventory;

        public VersionReader(IAwsClientFactory clients) => _clients = clients ?? throw new ArgumentNullException(nameof(clients));

        /// <param name="name">A Django name, or null for the whole prefix.</param>
        /// <returns>The number of rows reported.</returns>
        public async Task<long> ListAsync(MediaTarget target, string name, VersionQuery query, IRunObserver<MediaVersion> observer, CancellationToken ct)
        {
            query = query ?? new VersionQuery();
            var key = name == null ? null : target.KeyFor(name);
            long rows = 0, keys = 0;
            void OnKey(IEnumerable<MediaVersion> versions)
            {
                keys++;
                foreach (var v in versions)
                {
                    if (v.IsDeleteMarker && !query.IncludeDeleteMarkers) continue;
                    if (query.SinceUtc.HasValue && v.LastModifiedUtc <= query.SinceUtc.Value) continue;
                    if (query.UntilUtc.HasValue && v.LastModifiedUtc > query.UntilUtc.Value) continue;
                    rows++;
                    observer.Row(v);
                }
                if (keys % 1000 == 0)
                    observer.Progress(RunProgress.Count($"Get-MediaVersion {target.Uri}", keys, $"{keys:N0} keys, {rows:N0} versions"));
            }
            if (query.Inventory != null)
            {
                if (_inventory == null)
                {
                    query.Inventory.IncludeVersions = true;
                    _inventory = await InventoryReport.OpenAsync(_clients.CreateS3(target), target, query.Inventory, observer, ct).ConfigureAwait(false);
                }
                foreach (var history in ByKey(key == null ? _inventory.InKeyOrder() : _inventory.EntriesOf(key), target))
                {
                    ct.ThrowIfCancellationRequested();
                    OnKey(history);
                }
            }
            else
            {
                var lister = new VersionLister(_clients.CreateS3(target), target, key) { PageSize = query.PageSize };
                await lister.RunAsync(history => { OnKey(history.Versions); return Task.CompletedTask; }, ct).ConfigureAwait(false);
            }
            observer.Progress(RunProgress.Count($"Get-MediaVersion {target.Uri}", keys, $"{keys:N0} keys, {rows:N0} versions", completed: true));
            if (name != null && keys == 0) observer.Verbose($"'{name}' ({key}) has no version in {target.BucketName}{(query.Inventory != null ? " according to the inventory" : "")}.");
            return rows;
        }

        /// <summary>The inventory's rows (key order, newest first per key) as one list of versions per key; directory markers skipped.</summary>
        private static IEnumerable<List<MediaVersion>> ByKey(IEnumerable<InventoryEntry> entries, MediaTarget target)
        {
            var held = new List<MediaVersion>();
            foreach (var e in entries)
            {
                if (e.Key.EndsWith("/", StringComparison.Ordinal)) continue;
                if (held.Count > 0 && held[0].Key != e.Key)
                {
                    yield return held;
                    held = new List<MediaVersion>();
                }
                held.Add(new MediaVersion
                {
                    Key = e.Key,
                    Name = target.NameFor(e.Key),
                    VersionId = e.VersionId,
                    IsLatest = e.IsLatest,
                    IsDeleteMarker = e.IsDeleteMarker,
                    // Whole seconds, as ListObjectVersions gives them (the report has milliseconds).
                    LastModifiedUtc = new DateTime(e.LastModifiedUtc.Ticks - e.LastModifiedUtc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc),
                    Length = e.IsDeleteMarker ? 0 : e.Size,
                    ETag = e.IsDeleteMarker ? null : e.ETag,
                });
            }
            if (held.Count > 0) yield return held;
        }

        public void Dispose() => _inventory?.Dispose();
    }
}
