using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using MediaOps.Sync;
using MediaOps.Targets;

namespace MediaOps.Versions
{
    /// <summary>
    /// The objects under the prefix as they were at a time, in pages for <see cref="SyncPlanner"/>: per key the version
    /// current then (the same rule as Restore-MediaVersion), keys that did not exist or were deleted then left out.
    /// Streams like <see cref="RemoteLister"/>: one page of versions and one page of answers at a time.
    /// </summary>
    internal sealed class AsOfLister : IRemoteListing
    {
        private readonly VersionLister _versions;
        private readonly DateTime _asOfUtc;
        private bool _done;

        public AsOfLister(IAmazonS3 s3, MediaTarget target, DateTime asOfUtc)
        {
            _versions = new VersionLister(s3, target);
            _asOfUtc = asOfUtc.ToUniversalTime();
        }

        public async Task<IReadOnlyList<RemoteObject>> NextPageAsync(CancellationToken ct)
        {
            if (_done) return null;
            var page = new List<RemoteObject>(1000);
            while (page.Count < 1000)
            {
                var history = await _versions.NextKeyAsync(ct).ConfigureAwait(false);
                if (history == null) { _done = true; break; }
                var then = history.AsOf(_asOfUtc);
                if (then == null || then.IsDeleteMarker) continue;
                page.Add(new RemoteObject(history.Key, then.Length, then.LastModifiedUtc, then.ETag, then.VersionId));
            }
            return page;
        }
    }
}
