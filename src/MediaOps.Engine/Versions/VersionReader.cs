using System;
using System.Threading;
using System.Threading.Tasks;
using MediaOps.Aws;
using MediaOps.Runs;
using MediaOps.Targets;

namespace MediaOps.Versions
{
    /// <summary>
    /// The engine of Get-MediaVersion: every version (and with <see cref="VersionQuery.IncludeDeleteMarkers"/>
    /// every delete marker) under the prefix or of one Django name, keys in S3's order, newest first per key,
    /// streamed from the listing pages to the observer.
    /// </summary>
    public sealed class VersionReader
    {
        private readonly IAwsClientFactory _clients;

        public VersionReader(IAwsClientFactory clients) => _clients = clients ?? throw new ArgumentNullException(nameof(clients));

        /// <param name="name">A Django name, or null for the whole prefix.</param>
        /// <returns>The number of rows reported.</returns>
        public async Task<long> ListAsync(MediaTarget target, string name, VersionQuery query, IRunObserver<MediaVersion> observer, CancellationToken ct)
        {
            query = query ?? new VersionQuery();
            var key = name == null ? null : target.KeyFor(name);
            var lister = new VersionLister(_clients.CreateS3(target), target, key) { PageSize = query.PageSize };
            long rows = 0, keys = 0;
            await lister.RunAsync(history =>
            {
                keys++;
                foreach (var v in history.Versions)
                {
                    if (v.IsDeleteMarker && !query.IncludeDeleteMarkers) continue;
                    if (query.SinceUtc.HasValue && v.LastModifiedUtc <= query.SinceUtc.Value) continue;
                    if (query.UntilUtc.HasValue && v.LastModifiedUtc > query.UntilUtc.Value) continue;
                    rows++;
                    observer.Row(v);
                }
                if (keys % 1000 == 0)
                    observer.Progress(RunProgress.Count($"Get-MediaVersion {target.Uri}", keys, $"{keys:N0} keys, {rows:N0} versions"));
                return Task.CompletedTask;
            }, ct).ConfigureAwait(false);
            observer.Progress(RunProgress.Count($"Get-MediaVersion {target.Uri}", keys, $"{keys:N0} keys, {rows:N0} versions", completed: true));
            if (name != null && keys == 0) observer.Verbose($"'{name}' ({key}) has no version in {target.BucketName}.");
            return rows;
        }
    }
}
