using System;
using System.Collections.Generic;
using Amazon.S3;
using Amazon.S3.Model;

namespace MediaOps.Integrity
{
    /// <summary>
    /// What an object says about its bytes. A listing gives the length and the ETag; a HEAD or GET also
    /// gives the encryption (under SSE-KMS and SSE-C the ETag is not an MD5 of the content) and the MD5 an
    /// upload stored with it (x-amz-meta-md5chksum, written by single PUTs of MediaOps and by rclone).
    /// </summary>
    public sealed class ObjectDigest
    {
        /// <summary>User metadata name (without the x-amz-meta- prefix) of the base64 MD5 of the content.</summary>
        public const string Md5MetadataName = "md5chksum";

        private ObjectDigest(string key, long length, string eTag, bool headersKnown, string keyEncryption, string storedMd5, string versionId, StoredChecksum checksum = null)
        {
            StoredChecksum = checksum;
            Key = key;
            VersionId = versionId;
            Length = length;
            ETag = eTag?.Trim('"');
            HeadersKnown = headersKnown;
            KeyEncryption = keyEncryption;
            StoredMd5 = storedMd5;
        }

        public string Key { get; }
        /// <summary>The version these bytes are of (a restore, Sync-MediaFromS3 -AsOf); null: the current object. A HEAD asked for more must ask for this version.</summary>
        public string VersionId { get; }
        public long Length { get; }
        /// <summary>Without quotes.</summary>
        public string ETag { get; }
        /// <summary>False for a listing entry: encryption and metadata were not seen yet.</summary>
        public bool HeadersKnown { get; }
        /// <summary>"SSE-KMS" or "SSE-C" when the object is encrypted with a key (its ETag is then no MD5), else null.</summary>
        public string KeyEncryption { get; }
        /// <summary>The lower-case hex MD5 from md5chksum, or null (none, or not a 16-byte base64 value).</summary>
        public string StoredMd5 { get; }

        /// <summary>The checksum S3 stored with the object (asked for with <see cref="StoredChecksum.ModeHeader"/>), or null.</summary>
        public StoredChecksum StoredChecksum { get; }

        /// <summary>
        /// True when the ETag has the shape of a plain MD5, as a single-part upload's has. A multipart ETag
        /// ("…-N") never is one; an SSE-KMS ETag has the shape but not the value.
        /// </summary>
        public bool ETagLooksLikeMd5 => IsPlainMd5(ETag);

        /// <summary>The part count of a multipart ETag, or 0.</summary>
        public int MultipartParts => MultipartETag.TryParse(ETag, out var parts) ? parts : 0;

        /// <summary>An entry of a listing page: length and ETag only.</summary>
        public static ObjectDigest FromListing(string key, long length, string eTag, string versionId = null) =>
            new ObjectDigest(key, length, eTag, headersKnown: false, keyEncryption: null, storedMd5: null, versionId);

        /// <summary>The headers of a HEAD or GET answer.</summary>
        public static ObjectDigest FromHeaders(string key, long length, string eTag, ServerSideEncryptionMethod encryption,
            ServerSideEncryptionCustomerMethod customerEncryption, MetadataCollection metadata, string versionId = null) =>
            new ObjectDigest(key, length, eTag, headersKnown: true, KeyEncryptionOf(encryption?.Value, customerEncryption?.Value), StoredMd5Hex(metadata?[Md5MetadataName]), versionId);

        internal static ObjectDigest FromHead(string key, GetObjectMetadataResponse head, string versionId = null) =>
            FromHeaders(key, head.ContentLength, head.ETag, head.ServerSideEncryptionMethod, head.ServerSideEncryptionCustomerMethod, head.Metadata, versionId,
                head.ChecksumCRC32, head.ChecksumCRC32C, head.ChecksumSHA1, head.ChecksumSHA256, head.ChecksumCRC64NVME, head.ChecksumType);

        /// <param name="versionId">The version the GET asked for (null: the current object).</param>
        internal static ObjectDigest FromGet(string key, GetObjectResponse get, string versionId = null) =>
            FromHeaders(key, get.ContentLength, get.ETag, get.ServerSideEncryptionMethod, get.ServerSideEncryptionCustomerMethod, get.Metadata, versionId,
                get.ChecksumCRC32, get.ChecksumCRC32C, get.ChecksumSHA1, get.ChecksumSHA256, get.ChecksumCRC64NVME, get.ChecksumType);

        private static ObjectDigest FromHeaders(string key, long length, string eTag, ServerSideEncryptionMethod encryption,
            ServerSideEncryptionCustomerMethod customerEncryption, MetadataCollection metadata, string versionId,
            string crc32, string crc32c, string sha1, string sha256, string crc64nvme, ChecksumType checksumType)
        {
            var parts = MultipartETag.TryParse(eTag, out var n) ? n : 0;
            return new ObjectDigest(key, length, eTag, headersKnown: true, KeyEncryptionOf(encryption?.Value, customerEncryption?.Value),
                StoredMd5Hex(metadata?[Md5MetadataName]), versionId, StoredChecksum.From(crc32, crc32c, sha1, sha256, crc64nvme, checksumType, parts));
        }

        /// <summary>True when the ETag (quotes allowed) has the shape of a plain MD5: 32 characters, no part count.</summary>
        public static bool IsPlainMd5(string etag)
        {
            if (etag == null) return false;
            var value = etag.Trim('"');
            return value.Length == 32 && value.IndexOf('-') < 0;
        }

        /// <summary>The metadata value for <paramref name="md5"/>: base64, as single PUTs and rclone store it.</summary>
        public static string StoredMd5Value(byte[] md5) => ContentHasher.Base64(md5);

        /// <summary>The hex MD5 of an md5chksum value, or null when it is not a 16-byte base64 value (a foreign tool's value is not an error).</summary>
        public static string StoredMd5Hex(string stored)
        {
            if (string.IsNullOrEmpty(stored)) return null;
            try
            {
                var bytes = Convert.FromBase64String(stored);
                return bytes.Length == 16 ? ContentHasher.Hex(bytes) : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        /// <summary>SSE-KMS and DSSE-KMS (aws:kms, aws:kms:dsse) or SSE-C: the ETag is not an MD5 of the content.</summary>
        private static string KeyEncryptionOf(string sse, string sseCustomer)
        {
            if (sse != null && sse.StartsWith("aws:kms", StringComparison.Ordinal)) return "SSE-KMS";
            if (!string.IsNullOrEmpty(sseCustomer) && sseCustomer != "None") return "SSE-C";
            return null;
        }

        public override string ToString() => Key;
    }
}
