using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Sync;
using MediaOps.Transfer;

namespace MediaOps.Integrity
{
    /// <summary>
    /// Decides whether a file and its object hold the same thing. Quick rule (no request, no read):
    /// same size and local mtime not newer than LastModified. Content rule (-Checksum): the local MD5
    /// against the ETag when that is a single-part MD5; otherwise one HEAD, then the MD5 an upload stored
    /// in its metadata (rclone's md5chksum), else the multipart ETag recomputed from the local file's parts.
    /// An ETag that does not match is confirmed by the HEAD, because under SSE-KMS it is not an MD5 at all.
    /// </summary>
    internal sealed class ChangeDetector
    {
        private readonly IAmazonS3 _s3;
        private readonly string _bucket;
        private readonly TransferSettings _settings;

        public ChangeDetector(IAmazonS3 s3, string bucket, TransferSettings settings)
        {
            _s3 = s3;
            _bucket = bucket;
            _settings = settings ?? new TransferSettings();
        }

        /// <summary>S3 LastModified has whole seconds; compare local times the same way.</summary>
        internal static DateTime Seconds(DateTime utc) => new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

        /// <summary>Why the pair differs by the quick rule, or null. <paramref name="towardsLocal"/>: remote newer matters instead.</summary>
        public static string QuickDifference(Local.LocalEntry local, RemoteObject remote, bool towardsLocal)
        {
            if (local.Length != remote.Size) return $"size differs (local {local.Length}, remote {remote.Size})";
            var localTime = Seconds(local.LastWriteTimeUtc);
            var remoteTime = Seconds(remote.LastModifiedUtc);
            if (!towardsLocal && localTime > remoteTime) return "local file is newer than the object";
            if (towardsLocal && remoteTime > localTime) return "object is newer than the local file";
            return null;
        }

        /// <summary>Null when the content is the same; otherwise why it is (or cannot be proven) different.</summary>
        public async Task<string> ContentDifferenceAsync(Local.LocalEntry local, RemoteObject remote, CancellationToken ct)
        {
            if (local.Length != remote.Size) return $"size differs (local {local.Length}, remote {remote.Size})";
            string localHex = null;
            if (remote.ETagLooksLikeMd5)
            {
                localHex = ContentHasher.Hex(await ContentHasher.Md5OfFileAsync(local.FullName, ct).ConfigureAwait(false));
                if (string.Equals(localHex, remote.ETag, StringComparison.OrdinalIgnoreCase)) return null;
            }

            GetObjectMetadataResponse head;
            try
            {
                head = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = remote.Key }, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw S3ErrorTranslator.Translate(ex, _bucket, remote.Key, "s3:GetObject");
            }
            var storedHex = ContentHasher.StoredMd5Hex(head.Metadata?[S3Uploader.Md5MetadataName]);
            if (storedHex != null)
            {
                localHex = localHex ?? ContentHasher.Hex(await ContentHasher.Md5OfFileAsync(local.FullName, ct).ConfigureAwait(false));
                return string.Equals(storedHex, localHex, StringComparison.OrdinalIgnoreCase) ? null : "content differs (MD5 stored with the object)";
            }
            if (ETagRules.IsKms(head.ServerSideEncryptionMethod))
                return "content cannot be compared (with SSE-KMS the ETag is not an MD5, and no MD5 was stored with the object)";
            if (remote.ETagLooksLikeMd5) return "content differs (MD5)";
            var multipart = await MultipartETag.MatchesAsync(_s3, _bucket, remote.Key, remote.ETag, local.FullName, local.Length, _settings, ct).ConfigureAwait(false);
            if (multipart == true) return null;
            if (multipart == false) return "content differs (multipart ETag recomputed from the local file)";
            return $"content cannot be compared (the ETag '{remote.ETag}' is not an MD5, its part size cannot be learned, and no MD5 was stored with the object)";
        }
    }
}
