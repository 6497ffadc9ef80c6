using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;

namespace MediaOps.Sync
{
    /// <summary>
    /// ListObjectsV2 under a prefix, one page (≤ 1000 keys) at a time, fetching the next page while
    /// the caller merges the current one. Holds at most two pages: memory does not grow with the bucket.
    /// </summary>
    internal sealed class RemoteLister : IRemoteListing
    {
        private readonly IAmazonS3 _s3;
        private readonly string _bucket;
        private readonly string _prefix;
        private Task<ListObjectsV2Response> _next;
        private bool _done;

        public RemoteLister(IAmazonS3 s3, string bucket, string prefix)
        {
            _s3 = s3;
            _bucket = bucket;
            _prefix = prefix;
        }

        /// <summary>The next page, or null at the end. S3 returns keys in UTF-8 binary order.</summary>
        public async Task<IReadOnlyList<RemoteObject>> NextPageAsync(CancellationToken ct)
        {
            if (_done) return null;
            if (_next == null) _next = Fetch(null, ct);
            ListObjectsV2Response page;
            try
            {
                page = await _next.ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw S3ErrorTranslator.Translate(ex, _bucket, _prefix, "s3:ListBucket");
            }
            if (page.IsTruncated == true && !string.IsNullOrEmpty(page.NextContinuationToken))
                _next = Fetch(page.NextContinuationToken, ct);
            else
            {
                _next = null;
                _done = true;
            }
            var objects = page.S3Objects ?? new List<S3Object>();
            var result = new List<RemoteObject>(objects.Count);
            foreach (var o in objects)
                result.Add(new RemoteObject(o.Key, o.Size ?? 0, (o.LastModified ?? DateTime.MinValue).ToUniversalTime(), o.ETag?.Trim('"')));
            return result;
        }

        private Task<ListObjectsV2Response> Fetch(string continuationToken, CancellationToken ct)
        {
            return _s3.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _bucket,
                Prefix = _prefix,
                ContinuationToken = continuationToken,
                MaxKeys = 1000,
            }, ct);
        }
    }
}
