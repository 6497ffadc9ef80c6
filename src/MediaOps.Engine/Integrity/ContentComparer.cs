using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Transfer;

namespace MediaOps.Integrity
{
    /// <summary>
    /// Every "are these the same bytes?" rule, in one place. Quick rule (no request, no read): same length and
    /// the copy being brought up to date not newer than the other. Content rule: the local MD5 against a
    /// single-part ETag, else the MD5 stored with the object (md5chksum), else the multipart ETag recomputed
    /// from the local bytes; under SSE-KMS/SSE-C without a stored MD5 nothing can be proven. The cheapest proof
    /// goes first: a plain-MD5 ETag from a listing needs no request; only when it does not settle the question
    /// is the object's HEAD asked (a KMS ETag has the shape of an MD5 but not its value).
    /// </summary>
    public sealed class ContentComparer
    {
        /// <summary>Same reason text for every content proof: a multipart ETag is an MD5 too (of the parts' MD5s).</summary>
        private const string SameContent = "same content (MD5)";

        private readonly IAmazonS3 _s3;
        private readonly string _bucket;
        private readonly TransferSettings _settings;

        public ContentComparer(IAmazonS3 s3, string bucket, TransferSettings settings)
        {
            _s3 = s3;
            _bucket = bucket;
            _settings = settings ?? new TransferSettings();
        }

        /// <summary>S3 LastModified has whole seconds; compare local times the same way.</summary>
        internal static DateTime Seconds(DateTime utc) => new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

        /// <summary>Differs when the lengths differ, else null (nothing decided yet).</summary>
        public static ContentVerdict CompareLength(long localLength, long remoteLength) =>
            localLength == remoteLength ? null
            : ContentVerdict.Differs(VerdictBasis.Length, $"size differs (local {localLength}, remote {remoteLength})");

        /// <summary>
        /// The quick rule of a sync: same length, and the copy that would be replaced is not older than the other.
        /// <paramref name="towardsLocal"/>: the object would replace the file (restore), so an object newer than the file differs.
        /// </summary>
        public static ContentVerdict Quick(long localLength, DateTime localWriteUtc, long remoteLength, DateTime remoteModifiedUtc, bool towardsLocal)
        {
            var length = CompareLength(localLength, remoteLength);
            if (length != null) return length;
            var localTime = Seconds(localWriteUtc);
            var remoteTime = Seconds(remoteModifiedUtc);
            if (!towardsLocal && localTime > remoteTime) return ContentVerdict.Differs(VerdictBasis.LengthAndTime, "local file is newer than the object");
            if (towardsLocal && remoteTime > localTime) return ContentVerdict.Differs(VerdictBasis.LengthAndTime, "object is newer than the local file");
            return ContentVerdict.Same(VerdictBasis.LengthAndTime, "same size, object not older than the file");
        }

        /// <summary>
        /// Two objects (e.g. two versions of a key) from their listings, no request: the same when lengths and
        /// ETags are equal (a plain ETag is the MD5; a multipart ETag is the MD5 of the parts' MD5s, equal only for
        /// the same bytes in the same parts). Differs when lengths differ or two plain MD5s differ; anything else
        /// (a multipart and a plain ETag, or differing multipart ETags) cannot be told and counts as a change.
        /// Under SSE-KMS equal ETags still mean the copy of one version (S3 keeps a copy's ETag only for same bytes).
        /// </summary>
        public static ContentVerdict CompareVersions(ObjectDigest wanted, ObjectDigest current)
        {
            if (wanted.Length != current.Length)
                return ContentVerdict.Differs(VerdictBasis.Length, $"size differs (wanted {wanted.Length}, current {current.Length})");
            if (!string.IsNullOrEmpty(wanted.ETag) && string.Equals(wanted.ETag, current.ETag, StringComparison.OrdinalIgnoreCase))
                return ContentVerdict.Same(current.MultipartParts > 0 ? VerdictBasis.MultipartETag : VerdictBasis.ETagMd5, SameContent, wanted.ETag, current.ETag);
            if (wanted.ETagLooksLikeMd5 && current.ETagLooksLikeMd5)
                return ContentVerdict.Differs(VerdictBasis.ETagMd5, "content differs (MD5)", wanted.ETag, current.ETag);
            return ContentVerdict.CannotTell(VerdictBasis.None, $"content cannot be compared (ETags '{wanted.ETag}' and '{current.ETag}')");
        }

        /// <summary>
        /// The local file against the object. <paramref name="remote"/> may come from a listing: the HEAD is then
        /// sent only when the ETag alone does not prove the content the same.
        /// </summary>
        public async Task<ContentVerdict> CompareFileAsync(string localPath, long localLength, ObjectDigest remote, CancellationToken ct)
        {
            var length = CompareLength(localLength, remote.Length);
            if (length != null) return length;
            string localMd5 = null;
            async Task<string> LocalMd5() => localMd5 = localMd5 ?? ContentHasher.Hex(await ContentHasher.Md5OfFileAsync(localPath, ct).ConfigureAwait(false));

            if (!remote.HeadersKnown)
            {
                if (remote.ETagLooksLikeMd5 && string.Equals(await LocalMd5().ConfigureAwait(false), remote.ETag, StringComparison.OrdinalIgnoreCase))
                    return ContentVerdict.Same(VerdictBasis.ETagMd5, SameContent, localMd5, remote.ETag);
                remote = await HeadAsync(remote.Key, remote.VersionId, ct).ConfigureAwait(false);
            }
            return await DecideAsync(remote, LocalMd5,
                () => MultipartETag.MatchesAsync(_s3, _bucket, remote.Key, remote.VersionId, remote.ETag, localPath, localLength, _settings, ct),
                () => StoredChecksumMatchesAsync(remote, localPath, localLength, ct)).ConfigureAwait(false);
        }

        /// <summary>
        /// The content rule, given the object's headers. <paramref name="localMd5"/> and <paramref name="multipartMatch"/>
        /// are asked only when the object offers that proof (hashing a file is the expensive part).
        /// </summary>
        internal static async Task<ContentVerdict> DecideAsync(ObjectDigest remote, Func<Task<string>> localMd5, Func<Task<bool?>> multipartMatch,
            Func<Task<bool?>> storedChecksumMatch)
        {
            var etagIsMd5 = remote.ETagLooksLikeMd5 && remote.KeyEncryption == null;
            if (etagIsMd5)
            {
                var md5 = await localMd5().ConfigureAwait(false);
                if (string.Equals(md5, remote.ETag, StringComparison.OrdinalIgnoreCase))
                    return ContentVerdict.Same(VerdictBasis.ETagMd5, SameContent, md5, remote.ETag);
            }
            if (remote.StoredMd5 != null)
            {
                var md5 = await localMd5().ConfigureAwait(false);
                return string.Equals(md5, remote.StoredMd5, StringComparison.OrdinalIgnoreCase)
                    ? ContentVerdict.Same(VerdictBasis.StoredMd5, SameContent, md5, remote.StoredMd5)
                    : ContentVerdict.Differs(VerdictBasis.StoredMd5, "content differs (MD5 stored with the object)", md5, remote.StoredMd5);
            }
            var checksum = remote.StoredChecksum;
            if (checksum != null && checksum.CanCompute)
            {
                switch (await storedChecksumMatch().ConfigureAwait(false))
                {
                    case true: return ContentVerdict.Same(VerdictBasis.StoredChecksum, $"same content ({checksum.Algorithm} stored with the object)", null, checksum.ToString());
                    case false: return ContentVerdict.Differs(VerdictBasis.StoredChecksum, $"content differs ({checksum.Algorithm} stored with the object)", null, checksum.ToString());
                }
            }
            if (remote.KeyEncryption != null)
                return ContentVerdict.CannotTell(VerdictBasis.None,
                    $"content cannot be compared (with {remote.KeyEncryption} the ETag is not an MD5, and no MD5 was stored with the object{NoChecksumProof(checksum)})");
            if (etagIsMd5)
                return ContentVerdict.Differs(VerdictBasis.ETagMd5, "content differs (MD5)", await localMd5().ConfigureAwait(false), remote.ETag);
            if (remote.MultipartParts == 0)
                return ContentVerdict.CannotTell(VerdictBasis.None,
                    $"content cannot be compared (the ETag '{remote.ETag}' is not an MD5, and no MD5 was stored with the object{NoChecksumProof(checksum)})");
            switch (await multipartMatch().ConfigureAwait(false))
            {
                case true: return ContentVerdict.Same(VerdictBasis.MultipartETag, SameContent, null, remote.ETag);
                case false: return ContentVerdict.Differs(VerdictBasis.MultipartETag, "content differs (multipart ETag recomputed from the local file)", null, remote.ETag);
                default:
                    return ContentVerdict.CannotTell(VerdictBasis.MultipartETag,
                        $"content cannot be compared (the ETag '{remote.ETag}' is not an MD5, its part size cannot be learned, and no MD5 was stored with the object)");
            }
        }

        /// <summary>Whether the file at <paramref name="localPath"/> gives the checksum stored with the object (see <see cref="StoredChecksum.MatchesFileAsync"/>).</summary>
        internal Task<bool?> StoredChecksumMatchesAsync(ObjectDigest remote, string localPath, long length, CancellationToken ct) =>
            remote.StoredChecksum.MatchesFileAsync(localPath, length, _settings, () => MultipartETag.FirstPartLengthAsync(_s3, _bucket, remote.Key, remote.VersionId, ct), ct);

        /// <summary>Why a stored checksum proved nothing, for a CannotTell reason ("" when there is none).</summary>
        private static string NoChecksumProof(StoredChecksum checksum) =>
            checksum == null ? ", nor a checksum"
            : !checksum.CanCompute ? $"; its {checksum.Algorithm} checksum is one MediaOps cannot compute"
            : $"; its {checksum.Algorithm} checksum of {checksum.Parts} parts matches no usual part size";

        /// <summary>Whether the file at <paramref name="localPath"/> gives the object's multipart ETag (see <see cref="MultipartETag.MatchesAsync"/>).</summary>
        internal Task<bool?> MultipartMatchesAsync(ObjectDigest remote, string localPath, long length, CancellationToken ct) =>
            MultipartETag.MatchesAsync(_s3, _bucket, remote.Key, remote.VersionId, remote.ETag, localPath, length, _settings, ct);

        /// <summary>A HEAD that also asks for the checksum stored with the object (a HEAD has no body for the SDK to check).</summary>
        internal static GetObjectMetadataRequest HeadRequest(string bucket, string key, string versionId = null) =>
            new GetObjectMetadataRequest { BucketName = bucket, Key = key, VersionId = versionId, ChecksumMode = ChecksumMode.ENABLED };

        /// <summary>The headers of the version (null: the current object) the listing entry was of.</summary>
        private async Task<ObjectDigest> HeadAsync(string key, string versionId, CancellationToken ct)
        {
            try
            {
                var head = await _s3.GetObjectMetadataAsync(HeadRequest(_bucket, key, versionId), ct).ConfigureAwait(false);
                return ObjectDigest.FromHead(key, head, versionId);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw S3ErrorTranslator.Translate(ex, _bucket, key, "s3:GetObject");
            }
        }
    }
}
