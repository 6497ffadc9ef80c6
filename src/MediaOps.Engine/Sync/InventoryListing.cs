using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MediaOps.S3Inventory;

namespace MediaOps.Sync
{
    /// <summary>An S3 Inventory report, already sorted, as the planner's remote side instead of a LIST.</summary>
    internal sealed class InventoryListing : IRemoteListing
    {
        private const int PageSize = 1000;
        private readonly IEnumerator<InventoryEntry> _entries;
        private bool _done;

        public InventoryListing(SortedInventory inventory) => _entries = inventory.InKeyOrder().GetEnumerator();

        public Task<IReadOnlyList<RemoteObject>> NextPageAsync(CancellationToken ct)
        {
            if (_done) return Task.FromResult<IReadOnlyList<RemoteObject>>(null);
            var page = new List<RemoteObject>(PageSize);
            while (page.Count < PageSize)
            {
                if (!_entries.MoveNext())
                {
                    _done = true;
                    _entries.Dispose();
                    break;
                }
                var e = _entries.Current;
                page.Add(new RemoteObject(e.Key, e.Size, e.LastModifiedUtc, e.ETag));
            }
            return Task.FromResult<IReadOnlyList<RemoteObject>>(page.Count == 0 ? null : page);
        }
    }
}
