using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MediaOps.Sync
{
    /// <summary>The remote side of the planner's merge: pages of objects in S3's key order, null at the end.</summary>
    internal interface IRemoteListing
    {
        Task<IReadOnlyList<RemoteObject>> NextPageAsync(CancellationToken ct);
    }
}
