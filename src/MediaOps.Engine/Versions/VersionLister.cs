using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Local;
using MediaOps.Targets;

namespace MediaOps.Versions
{
    /// <summary>
    /// ListObjectVersions under a prefix, streamed as one <see cref="KeyHistory"/> per key, keys in S3's
    /// order. Pages (≤ 1000 entries) follow key-marker/version-id-marker, the next one fetched while the
    /// caller works on the current one; memory holds two pages and one key's history, whatever the bucket.
    /// </summary>
    internal sealed class VersionLister
    {
        private readonly IAmazonS3 _s3;
        private readonly MediaTarget _target;
        private readonly string _listPrefix;
        private readonly string _onlyKey;

        /// <param name="onlyKey">List just this key's history (Get-MediaVersion -Name), not the whole prefix.</param>
        public VersionLister(IAmazonS3 s3, MediaTarget target, string onlyKey = null)
        {
            _s3 = s3;
            _target = target;
            _onlyKey = onlyKey;
            _listPrefix = onlyKey ?? target.Prefix;
        }

        /// <summary>Page size asked of the server (tests make it small to cross page boundaries).</summary>
        public int PageSize { get; set; } = 1000;

        /// <summary>
        /// Calls <paramref name="onKey"/> once per key, newest version first; awaiting it is the back-pressure.
        /// </summary>
        public async Task RunAsync(Func<KeyHistory, Task> onKey, CancellationToken ct)
        {
            KeyHistory key;
            while ((key = await NextKeyAsync(ct).ConfigureAwait(false)) != null)
                await onKey(key).ConfigureAwait(false);
        }

        private Task<ListVersionsResponse> _next;
        private bool _started;
        private List<S3ObjectVersion> _page;
        private int _index;
        private string _heldKey;
        private List<MediaVersion> _held = new List<MediaVersion>();

        /// <summary>
        /// The next key's history in S3's key order, or null at the end. Directory markers ("folder/") and
        /// keys outside the prefix are never returned.
        /// </summary>
        public async Task<KeyHistory> NextKeyAsync(CancellationToken ct)
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                if (_page != null && _index < _page.Count)
                {
                    var entry = _page[_index++];
                    if (!IsWanted(entry.Key)) continue;
                    KeyHistory done = null;
                    if (_heldKey != null && _heldKey != entry.Key)
                    {
                        done = KeyHistory.From(_heldKey, _target.NameFor(_heldKey), _held);
                        _held = new List<MediaVersion>();
                    }
                    _heldKey = entry.Key;
                    _held.Add(ToVersion(entry));
                    if (done != null) return done;
                    continue;
                }
                // The last key of a page may go on in the next page: it is held until a new key shows up.
                if (!_started) { _started = true; _next = Fetch(null, null, ct); }
                if (_next == null)
                {
                    if (_heldKey == null) return null;
                    var last = KeyHistory.From(_heldKey, _target.NameFor(_heldKey), _held);
                    _heldKey = null;
                    _held = new List<MediaVersion>();
                    return last;
                }
                var page = await Await(_next).ConfigureAwait(false);
                _next = page.IsTruncated == true && (page.NextKeyMarker != null || page.NextVersionIdMarker != null)
                    ? Fetch(page.NextKeyMarker, page.NextVersionIdMarker, ct)
                    : null;
                // Some servers (moto) list a page's versions first and its delete markers after; S3 interleaves.
                // A stable sort by key puts each key's entries together and keeps the server's order within it.
                _page = (page.Versions ?? new List<S3ObjectVersion>()).OrderBy(v => v.Key, KeyOrder.Instance).ToList();
                _index = 0;
            }
        }

        private bool IsWanted(string key)
        {
            if (_onlyKey != null) return key == _onlyKey;
            if (!key.StartsWith(_target.Prefix, StringComparison.Ordinal)) return false;
            return key.Length > _target.Prefix.Length && !key.EndsWith("/", StringComparison.Ordinal);
        }

        private MediaVersion ToVersion(S3ObjectVersion v)
        {
            var marker = v.IsDeleteMarker == true;
            return new MediaVersion
            {
                Key = v.Key,
                Name = _target.NameFor(v.Key),
                VersionId = string.IsNullOrEmpty(v.VersionId) ? "null" : v.VersionId,
                IsLatest = v.IsLatest == true,
                IsDeleteMarker = marker,
                LastModifiedUtc = (v.LastModified ?? DateTime.MinValue).ToUniversalTime(),
                Length = marker ? 0 : v.Size ?? 0,
                ETag = marker ? null : v.ETag?.Trim('"'),
                StorageClass = marker ? null : v.StorageClass?.Value,
            };
        }

        private async Task<ListVersionsResponse> Await(Task<ListVersionsResponse> page)
        {
            try
            {
                return await page.ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw S3ErrorTranslator.Translate(ex, _target.BucketName, _listPrefix, "s3:ListBucketVersions");
            }
        }

        private Task<ListVersionsResponse> Fetch(string keyMarker, string versionIdMarker, CancellationToken ct) =>
            _s3.ListVersionsAsync(new ListVersionsRequest
            {
                BucketName = _target.BucketName,
                Prefix = _listPrefix,
                KeyMarker = keyMarker,
                VersionIdMarker = versionIdMarker,
                MaxKeys = PageSize,
            }, ct);
    }
}
