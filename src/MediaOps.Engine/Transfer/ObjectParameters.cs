using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Integrity;

namespace MediaOps.Transfer
{
    /// <summary>
    /// The headers every uploaded object gets, as django-storages' AWS_S3_OBJECT_PARAMETERS sets them (same keys, as
    /// boto3 names them), so that migrated files and the ones the app saves later look alike. Content type and
    /// encoding stay per file (Python's mimetypes); ACLs and per-object encryption are refused (the bucket decides).
    /// </summary>
    public sealed class ObjectParameters
    {
        public const string CacheControlKey = "CacheControl";
        public const string ContentDispositionKey = "ContentDisposition";
        public const string ContentLanguageKey = "ContentLanguage";
        public const string ExpiresKey = "Expires";
        public const string MetadataKey = "Metadata";
        public const string StorageClassKey = "StorageClass";

        /// <summary>The keys -ObjectParameters takes, in the order the settings write them.</summary>
        public static readonly IReadOnlyList<string> AllowedKeys = new[] { CacheControlKey, ContentDispositionKey, ContentLanguageKey, ExpiresKey, MetadataKey, StorageClassKey };

        // Classes an app can read at once; GLACIER and DEEP_ARCHIVE need a restore before every read.
        private static readonly string[] ReadableStorageClasses = { "STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "REDUCED_REDUNDANCY" };

        private static readonly Dictionary<string, string> Refused = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ACL"] = "MediaOps never sets an object ACL: the bucket decides access (BucketOwnerEnforced)",
            ["ContentType"] = "the content type is guessed per file, as django-storages does",
            ["ContentEncoding"] = "the content encoding is guessed per file, as django-storages does",
            ["ServerSideEncryption"] = "the bucket's default encryption applies (Initialize-MediaBucket, -KmsKeyId for SSE-KMS)",
            ["SSEKMSKeyId"] = "the bucket's default encryption applies (Initialize-MediaBucket -KmsKeyId)",
        };

        private static readonly Regex HeaderValue = new Regex(@"^[\x20-\x7E]*$", RegexOptions.CultureInvariant);
        private static readonly Regex MetadataName = new Regex(@"^[a-z0-9][a-z0-9-]*$", RegexOptions.CultureInvariant);

        public string CacheControl { get; private set; }
        public string ContentDisposition { get; private set; }
        public string ContentLanguage { get; private set; }
        /// <summary>UTC, whole seconds (HTTP dates have no more).</summary>
        public DateTime? Expires { get; private set; }
        /// <summary>User metadata, names in lower case (S3 stores them so).</summary>
        public IReadOnlyDictionary<string, string> Metadata { get; private set; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
        /// <summary>Upper case; null for the bucket's default (STANDARD).</summary>
        public string StorageClass { get; private set; }

        public bool IsEmpty => CacheControl == null && ContentDisposition == null && ContentLanguage == null && Expires == null && Metadata.Count == 0 && StorageClass == null;

        /// <summary>
        /// Validates -ObjectParameters (keys as boto3 names them, case-insensitive) and -CacheControl, which is short
        /// for the CacheControl key. Values are strings; Expires a date; Metadata a dictionary of strings.
        /// </summary>
        public static ObjectParameters Parse(IDictionary values, string cacheControl = null)
        {
            var p = new ObjectParameters();
            var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (values != null)
            {
                foreach (DictionaryEntry entry in values)
                {
                    var given = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "";
                    var key = AllowedKeys.FirstOrDefault(k => string.Equals(k, given, StringComparison.OrdinalIgnoreCase));
                    if (key == null)
                    {
                        // "Cache-Control" or "cache_control": the header's or the setting's spelling, not boto3's.
                        var loose = AllowedKeys.FirstOrDefault(k => string.Equals(k, given.Replace("-", "").Replace("_", ""), StringComparison.OrdinalIgnoreCase));
                        if (loose != null) throw Invalid($"-ObjectParameters key '{given}': write it as boto3 and django-storages' AWS_S3_OBJECT_PARAMETERS name it, '{loose}'.");
                        throw UnknownKey(given);
                    }
                    var value = entry.Value;
                    switch (key)
                    {
                        case CacheControlKey: p.CacheControl = Header(key, value); break;
                        case ContentDispositionKey: p.ContentDisposition = Header(key, value); break;
                        case ContentLanguageKey: p.ContentLanguage = Header(key, value); break;
                        case ExpiresKey: p.Expires = Date(value); break;
                        case StorageClassKey: p.StorageClass = Storage(value); break;
                        case MetadataKey:
                            if (!(value is IDictionary pairs))
                                throw Invalid("-ObjectParameters Metadata must be a hashtable of names and values, e.g. Metadata = @{ owner = 'media' }.");
                            foreach (DictionaryEntry m in pairs) AddMetadata(metadata, m.Key, m.Value);
                            break;
                    }
                }
            }
            if (cacheControl != null)
            {
                var fromSwitch = Header(CacheControlKey, cacheControl);
                if (p.CacheControl != null && p.CacheControl != fromSwitch)
                    throw Invalid($"-CacheControl '{fromSwitch}' and -ObjectParameters CacheControl '{p.CacheControl}' differ. Give it once.");
                p.CacheControl = fromSwitch;
            }
            p.Metadata = metadata;
            return p;
        }

        internal void ApplyTo(HeadersCollection headers, MetadataCollection metadata)
        {
            if (CacheControl != null) headers.CacheControl = CacheControl;
            if (ContentDisposition != null) headers.ContentDisposition = ContentDisposition;
            if (ContentLanguage != null) headers.ContentLanguage = ContentLanguage;
            if (Expires != null) headers.Expires = Expires;
            foreach (var m in Metadata) metadata[m.Key] = m.Value;
        }

        internal S3StorageClass StorageClassOrNull => StorageClass == null ? null : S3StorageClass.FindValue(StorageClass);

        /// <summary>
        /// What differs between these parameters and an object's headers (one HEAD), as names ("CacheControl");
        /// empty when it already looks as the parameters say. Absent parameters mean "none" (the object of an app
        /// without them has none), except MediaOps's own MD5 metadata, which is never compared.
        /// </summary>
        internal IReadOnlyList<string> Differences(GetObjectMetadataResponse head)
        {
            var list = new List<string>();
            if (!SameText(CacheControl, head.Headers.CacheControl)) list.Add(CacheControlKey);
            if (!SameText(ContentDisposition, head.Headers.ContentDisposition)) list.Add(ContentDispositionKey);
            if (!SameText(ContentLanguage, head.Headers.ContentLanguage)) list.Add(ContentLanguageKey);
            if (Expires != ParseHttpDate(head.ExpiresString)) list.Add(ExpiresKey);
            var actualClass = string.IsNullOrEmpty(head.StorageClass?.Value) ? "STANDARD" : head.StorageClass.Value;
            if (!string.Equals(StorageClass ?? "STANDARD", actualClass, StringComparison.OrdinalIgnoreCase)) list.Add(StorageClassKey);
            var actual = head.Metadata.Keys
                .Select(k => k.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase) ? k.Substring("x-amz-meta-".Length) : k)
                .Select(k => k.ToLowerInvariant())
                .Where(k => k != ObjectDigest.Md5MetadataName)
                .ToDictionary(k => k, k => head.Metadata[k], StringComparer.Ordinal);
            if (actual.Count != Metadata.Count || Metadata.Any(m => !actual.TryGetValue(m.Key, out var v) || v != m.Value)) list.Add(MetadataKey);
            return list;
        }

        /// <summary>A JSON object with the keys as boto3 names them: valid Python too (ASCII only, every quote escaped).</summary>
        public string ToJson()
        {
            var parts = new List<string>();
            if (CacheControl != null) parts.Add(Json(CacheControlKey) + ": " + Json(CacheControl));
            if (ContentDisposition != null) parts.Add(Json(ContentDispositionKey) + ": " + Json(ContentDisposition));
            if (ContentLanguage != null) parts.Add(Json(ContentLanguageKey) + ": " + Json(ContentLanguage));
            // botocore takes a date string for this timestamp header and sends it as an HTTP date.
            if (Expires != null) parts.Add(Json(ExpiresKey) + ": " + Json(Expires.Value.ToString("r", CultureInfo.InvariantCulture)));
            if (Metadata.Count > 0) parts.Add(Json(MetadataKey) + ": {" + string.Join(", ", Metadata.Select(m => Json(m.Key) + ": " + Json(m.Value))) + "}");
            if (StorageClass != null) parts.Add(Json(StorageClassKey) + ": " + Json(StorageClass));
            return "{" + string.Join(", ", parts) + "}";
        }

        private static string Json(string value)
        {
            var sb = new StringBuilder("\"");
            foreach (var c in value)
            {
                if (char.IsLetterOrDigit(c) && c < 128 || " =,;:.-_/+*()".IndexOf(c) >= 0) sb.Append(c);
                else sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            return sb.Append('"').ToString();
        }

        private static bool SameText(string wanted, string actual) => string.Equals(wanted ?? "", actual ?? "", StringComparison.Ordinal);

        private static DateTime? ParseHttpDate(string text) =>
            !string.IsNullOrEmpty(text) && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
                ? WholeSeconds(d) : (DateTime?)null;

        private static DateTime WholeSeconds(DateTime utc) => new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

        private static string Header(string key, object value)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture);
            if (string.IsNullOrWhiteSpace(text))
                throw Invalid($"-ObjectParameters {key} is empty. Give a value, or leave the key out.");
            if (!HeaderValue.IsMatch(text))
                throw Invalid($"-ObjectParameters {key} '{text}' has a character an HTTP header cannot carry (printable ASCII only). For a non-ASCII file name in ContentDisposition use filename*=UTF-8''<percent-encoded name>.");
            return text.Trim();
        }

        private static DateTime Date(object value)
        {
            if (value is DateTime d) return WholeSeconds(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d.ToUniversalTime());
            if (value is DateTimeOffset o) return WholeSeconds(o.UtcDateTime);
            var text = Convert.ToString(value, CultureInfo.InvariantCulture);
            if (!string.IsNullOrWhiteSpace(text) && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
                return WholeSeconds(parsed);
            throw Invalid($"-ObjectParameters Expires '{text}' is not a date. Give a [datetime] or a date such as '2030-01-01T00:00:00Z' (an HTTP Expires header; for a lifetime use CacheControl 'max-age=<seconds>').");
        }

        private static string Storage(object value)
        {
            var text = (Convert.ToString(value, CultureInfo.InvariantCulture) ?? "").Trim().ToUpperInvariant();
            if (text == "GLACIER" || text == "DEEP_ARCHIVE")
                throw Invalid($"-ObjectParameters StorageClass {text}: Django cannot read such objects without a restore first. Use {string.Join(", ", ReadableStorageClasses)}, or a lifecycle rule for archives.");
            if (!ReadableStorageClasses.Contains(text))
                throw Invalid($"-ObjectParameters StorageClass '{value}' is not one for media. Use one of: {string.Join(", ", ReadableStorageClasses)}.");
            return text;
        }

        private static void AddMetadata(IDictionary<string, string> metadata, object key, object value)
        {
            var name = (Convert.ToString(key, CultureInfo.InvariantCulture) ?? "").Trim().ToLowerInvariant();
            if (name.StartsWith("x-amz-meta-", StringComparison.Ordinal)) name = name.Substring("x-amz-meta-".Length);
            if (!MetadataName.IsMatch(name))
                throw Invalid($"-ObjectParameters Metadata name '{key}': use letters, digits and '-' only (S3 stores it as x-amz-meta-<name>, in lower case).");
            if (name == ObjectDigest.Md5MetadataName)
                throw Invalid($"-ObjectParameters Metadata '{name}' is MediaOps's own: it holds the file's MD5 that -Checksum compares. Choose another name.");
            var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            if (!HeaderValue.IsMatch(text))
                throw Invalid($"-ObjectParameters Metadata '{name}' has a character S3 metadata cannot carry (printable ASCII only).");
            if (metadata.ContainsKey(name))
                throw Invalid($"-ObjectParameters Metadata names '{name}' twice (names are not case-sensitive in S3).");
            metadata[name] = text;
        }

        private static MediaOpsException UnknownKey(string given)
        {
            var refused = Refused.Keys.FirstOrDefault(k => string.Equals(k, given, StringComparison.OrdinalIgnoreCase));
            if (refused != null) return Invalid($"-ObjectParameters {refused} is not taken: {Refused[refused]}. Allowed keys: {string.Join(", ", AllowedKeys)}.");
            return Invalid($"-ObjectParameters has an unknown key '{given}'. Allowed keys (as django-storages' AWS_S3_OBJECT_PARAMETERS names them): {string.Join(", ", AllowedKeys)}.");
        }

        private static MediaOpsException Invalid(string message) => new MediaOpsException("InvalidObjectParameter", FailureKind.InvalidArgument, message);
    }
}
