using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace MediaOps.S3Inventory
{
    /// <summary>
    /// The rows of an inventory CSV data file: every field double-quoted (a quote inside doubled), no header,
    /// and the key URL-encoded the way S3 writes it (form encoding: space as '+', other bytes as %XX of UTF-8).
    /// </summary>
    internal static class InventoryCsv
    {
        /// <summary>Splits one CSV line into <paramref name="fields"/> (cleared first). False for a malformed line.</summary>
        public static bool TrySplit(string line, List<string> fields)
        {
            fields.Clear();
            var i = 0;
            var field = new StringBuilder();
            while (true)
            {
                field.Clear();
                if (i < line.Length && line[i] == '"')
                {
                    i++;
                    while (true)
                    {
                        if (i >= line.Length) return false; // unterminated quote
                        var c = line[i++];
                        if (c == '"')
                        {
                            if (i < line.Length && line[i] == '"') { field.Append('"'); i++; continue; }
                            break;
                        }
                        field.Append(c);
                    }
                }
                else
                {
                    while (i < line.Length && line[i] != ',') field.Append(line[i++]);
                }
                fields.Add(field.ToString());
                if (i >= line.Length) return true;
                if (line[i] != ',') return false;
                i++;
            }
        }

        /// <summary>S3 Inventory's key encoding undone: '+' is a space, %XX a UTF-8 byte.</summary>
        public static string DecodeKey(string encoded)
        {
            if (encoded.IndexOf('%') < 0 && encoded.IndexOf('+') < 0) return encoded;
            var bytes = new List<byte>(encoded.Length);
            for (var i = 0; i < encoded.Length; i++)
            {
                var c = encoded[i];
                if (c == '+') bytes.Add((byte)' ');
                else if (c == '%' && i + 2 < encoded.Length
                    && byte.TryParse(encoded.Substring(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    bytes.Add(b);
                    i += 2;
                }
                else bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
            return new UTF8Encoding(false, true).GetString(bytes.ToArray());
        }
    }

    /// <summary>What the inventory says about one object: the current one, or with versions any version or delete marker.</summary>
    public sealed class InventoryEntry
    {
        public InventoryEntry(string key, long size, DateTime lastModifiedUtc, string eTag, string encryptionStatus,
            string versionId = null, bool isLatest = true, bool isDeleteMarker = false)
        {
            Key = key;
            Size = size;
            LastModifiedUtc = lastModifiedUtc;
            ETag = eTag;
            EncryptionStatus = encryptionStatus;
            VersionId = versionId;
            IsLatest = isLatest;
            IsDeleteMarker = isDeleteMarker;
        }

        public string Key { get; }
        public long Size { get; }
        public DateTime LastModifiedUtc { get; }
        /// <summary>Without quotes.</summary>
        public string ETag { get; }
        /// <summary>NOT-SSE, SSE-S3, SSE-KMS, SSE-C, or null when the report has no EncryptionStatus column.</summary>
        public string EncryptionStatus { get; }
        /// <summary>Null when read for the current objects only; "null" for an object written while the bucket was unversioned.</summary>
        public string VersionId { get; }
        public bool IsLatest { get; }
        public bool IsDeleteMarker { get; }
    }
}
