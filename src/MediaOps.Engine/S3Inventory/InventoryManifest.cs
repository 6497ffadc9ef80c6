using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace MediaOps.S3Inventory
{
    /// <summary>
    /// An S3 Inventory report's manifest.json (version 2016-11-30), as S3 writes it next to the data files:
    /// sourceBucket, destinationBucket (an ARN), creationTimestamp (ms since the epoch, a string), fileFormat,
    /// fileSchema (comma-separated column names) and files[] (key, size, MD5checksum of each gzip data file).
    /// Only what MediaOps needs is checked; a report it cannot use is refused with a message that says why.
    /// </summary>
    public sealed class InventoryManifest
    {
        /// <summary>The columns a listing cannot do without.</summary>
        public static readonly IReadOnlyList<string> RequiredColumns = new[] { "Bucket", "Key", "Size", "LastModifiedDate", "ETag" };

        private InventoryManifest() { }

        /// <summary>Where the manifest was read from (a path or s3:// URI), for messages.</summary>
        public string Location { get; private set; }
        public string SourceBucket { get; private set; }
        /// <summary>The bucket name from destinationBucket's ARN (arn:aws:s3:::name).</summary>
        public string DestinationBucket { get; private set; }
        public DateTime CreatedUtc { get; private set; }
        public string FileFormat { get; private set; }
        /// <summary>Column name → index in a data row.</summary>
        public IReadOnlyDictionary<string, int> Columns { get; private set; }
        public IReadOnlyList<InventoryDataFile> Files { get; private set; }

        public int ColumnOf(string name) => Columns.TryGetValue(name, out var i) ? i : -1;

        public static InventoryManifest Parse(string json, string location)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json);
            }
            catch (JsonException ex)
            {
                throw Refuse(location, $"is not JSON ({ex.Message}). Pass the manifest.json of an S3 Inventory report.", ex);
            }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw Refuse(location, "is not an S3 Inventory manifest (no JSON object).");
                var m = new InventoryManifest { Location = location };
                m.SourceBucket = Text(root, "sourceBucket") ?? throw Refuse(location, "has no sourceBucket: it is not an S3 Inventory manifest.json.");
                var destination = Text(root, "destinationBucket") ?? "";
                m.DestinationBucket = destination.StartsWith("arn:", StringComparison.Ordinal) ? destination.Substring(destination.LastIndexOf(':') + 1) : destination;

                var created = Text(root, "creationTimestamp");
                if (!long.TryParse(created, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
                    throw Refuse(location, $"has no usable creationTimestamp ('{created}'); without it the report's age cannot be told.");
                m.CreatedUtc = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(ms);

                m.FileFormat = Text(root, "fileFormat") ?? "CSV";
                if (!string.Equals(m.FileFormat, "CSV", StringComparison.OrdinalIgnoreCase))
                    throw new MediaOpsException("InventoryFormatNotSupported", FailureKind.NotSupported,
                        $"The inventory report {location} is {m.FileFormat}; MediaOps reads CSV reports only (ORC and Parquet readers would be a large extra dependency of a module that also loads in Windows PowerShell 5.1). " +
                        "Configure a CSV report (Initialize-MediaBucket -Inventory Daily does) and pass its manifest.json.", location);

                var schema = Text(root, "fileSchema") ?? throw Refuse(location, "has no fileSchema, so its columns are unknown.");
                var columns = new Dictionary<string, int>(StringComparer.Ordinal);
                var names = schema.Split(',').Select(c => c.Trim()).ToList();
                for (var i = 0; i < names.Count; i++) if (names[i].Length > 0 && !columns.ContainsKey(names[i])) columns[names[i]] = i;
                var missing = RequiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
                if (missing.Count > 0)
                    throw new MediaOpsException("InventorySchemaMismatch", FailureKind.Integrity,
                        $"The inventory report {location} lacks the column(s) {string.Join(", ", missing)} (its fileSchema is '{schema}'). " +
                        $"A listing needs {string.Join(", ", RequiredColumns)}: add Size, LastModifiedDate and ETag to the report's optional fields (Initialize-MediaBucket -Inventory does) and use the next report.", location);
                m.Columns = columns;

                var files = new List<InventoryDataFile>();
                if (root.TryGetProperty("files", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var f in list.EnumerateArray())
                    {
                        var key = Text(f, "key");
                        if (string.IsNullOrEmpty(key)) throw Refuse(location, "lists a data file without a key.");
                        long? size = null;
                        if (f.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var n)) size = n;
                        files.Add(new InventoryDataFile(key, size, Text(f, "MD5checksum")?.ToLowerInvariant()));
                    }
                }
                m.Files = files;
                return m;
            }
        }

        private static string Text(JsonElement e, string name)
        {
            if (!e.TryGetProperty(name, out var v)) return null;
            return v.ValueKind == JsonValueKind.String ? v.GetString() : v.ValueKind == JsonValueKind.Number ? v.GetRawText() : null;
        }

        private static MediaOpsException Refuse(string location, string why, Exception inner = null) =>
            new MediaOpsException("InventoryManifestInvalid", FailureKind.Integrity, $"The inventory manifest {location} {why}", location, inner);
    }

    /// <summary>One gzip CSV data file a manifest lists, with the size and MD5 S3 recorded for it.</summary>
    public sealed class InventoryDataFile
    {
        public InventoryDataFile(string key, long? size, string md5)
        {
            Key = key;
            Size = size;
            Md5 = md5;
        }

        /// <summary>Key in the destination bucket.</summary>
        public string Key { get; }
        public long? Size { get; }
        /// <summary>Lower-case hex, or null when the manifest gives none.</summary>
        public string Md5 { get; }
    }
}
