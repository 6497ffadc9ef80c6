using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Local;

namespace MediaOps.Sync
{
    /// <summary>
    /// ListObjectsV2 under a prefix, one page (≤ 1000 keys) at a time, fetching the next page while
    /// the caller merges the current one. Holds at most two pages: memory does not grow with the bucket.
    /// Every page is checked against what S3 promises before the merge sees it, because -Delete acts on
    /// what the merge concludes: keys under the prefix, in strictly increasing UTF-8 byte order across
    /// pages (no repeat), a continuation token whenever the listing is truncated. Any anomaly stops the
    /// run (MediaOps.ListingInvalid) before a single delete. Keys are asked for URL-encoded
    /// (encoding-type=url), so keys with control characters list like any other.
    /// </summary>
    internal sealed class RemoteLister : IRemoteListing
    {
        private readonly IAmazonS3 _s3;
        private readonly string _bucket;
        private readonly string _prefix;
        private Task<ListObjectsV2Response> _next;
        private bool _done;
        private string _lastKey;
        private string _lastToken;
        private long _pages;

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
            catch (Exception ex) when (IsUnreadableBody(ex))
            {
                throw Invalid($"page {_pages + 1} of the listing is not a ListObjectsV2 answer ({Innermost(ex).Message})", ex);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw S3ErrorTranslator.Translate(ex, _bucket, _prefix, "s3:ListBucket");
            }
            _pages++;
            var objects = page.S3Objects ?? new List<S3Object>();
            // S3 always says whether it truncated; a body without it is not a listing (an HTML page, another API's answer).
            if (page.IsTruncated == null)
                throw Invalid($"page {_pages} is not a ListObjectsV2 answer (it does not say whether the listing is truncated)", null);
            if (page.KeyCount.HasValue && page.KeyCount.Value != objects.Count + (page.CommonPrefixes?.Count ?? 0))
                throw Invalid($"page {_pages} says it holds {page.KeyCount} keys but lists {objects.Count}", null);
            var result = new List<RemoteObject>(objects.Count);
            foreach (var o in objects)
            {
                var key = KeyOf(page, o);
                if (!key.StartsWith(_prefix, StringComparison.Ordinal))
                    throw Invalid($"page {_pages} holds the key '{NameProblems.Printable(key)}', which is not under the prefix '{_prefix}'", null);
                if (_lastKey != null)
                {
                    var order = KeyOrder.Instance.Compare(_lastKey, key);
                    if (order == 0) throw Invalid($"page {_pages} repeats the key '{NameProblems.Printable(key)}'", null);
                    if (order > 0) throw Invalid($"page {_pages} lists '{NameProblems.Printable(key)}' after '{NameProblems.Printable(_lastKey)}', out of S3's key order", null);
                }
                _lastKey = key;
                result.Add(new RemoteObject(key, o.Size ?? 0, (o.LastModified ?? DateTime.MinValue).ToUniversalTime(), o.ETag?.Trim('"')));
            }
            if (page.IsTruncated == true)
            {
                var token = page.NextContinuationToken;
                if (string.IsNullOrEmpty(token))
                    throw Invalid($"page {_pages} says the listing is truncated but gives no continuation token, so the rest of the prefix cannot be listed", null);
                if (token == _lastToken)
                    throw Invalid($"page {_pages} gives the same continuation token as the page before, so the listing would never end", null);
                _lastToken = token;
                _next = Fetch(token, ct);
            }
            else
            {
                _next = null;
                _done = true;
            }
            return result;
        }

        private MediaOpsException Invalid(string what, Exception inner) =>
            new MediaOpsException("ListingInvalid", FailureKind.Integrity,
                $"The listing of s3://{_bucket}/{_prefix} cannot be trusted: {what}. Nothing was deleted. " +
                "Check -EndpointUrl (a proxy or an S3-compatible server that does not list as S3 does), then run again.",
                $"s3://{_bucket}/{_prefix}", inner);

        /// <summary>A body the SDK could not read as a listing (not XML, cut short, not a ListBucketResult).</summary>
        private static bool IsUnreadableBody(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
                if (e is Amazon.Runtime.AmazonUnmarshallingException || e is System.Xml.XmlException) return true;
            return false;
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }

        private Task<ListObjectsV2Response> Fetch(string continuationToken, CancellationToken ct) =>
            _s3.ListObjectsV2Async(Request(_bucket, _prefix, 1000, continuationToken), ct);

        /// <summary>
        /// Every ListObjectsV2 MediaOps sends (the sync, Test-MediaObject's preflight, Test-MediaBucket, Test-MediaAccess):
        /// keys URL-encoded, so a key with a control character (which XML 1.0 cannot carry) still lists.
        /// </summary>
        internal static ListObjectsV2Request Request(string bucket, string prefix, int maxKeys, string continuationToken = null) =>
            new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, MaxKeys = maxKeys, ContinuationToken = continuationToken, Encoding = EncodingType.Url };

        /// <summary>
        /// The key of a listed object. The SDK does not decode: keys are URL-encoded exactly when the answer says so (a server
        /// may ignore encoding-type=url and send them raw), as botocore decides (unquote_plus: '+' is a space, a real '+' comes as %2B).
        /// </summary>
        internal static string KeyOf(ListObjectsV2Response page, S3Object listed) =>
            page.Encoding == EncodingType.Url ? System.Net.WebUtility.UrlDecode(listed.Key ?? "") : listed.Key ?? "";
    }
}
