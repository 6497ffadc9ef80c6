using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;

namespace MediaOps.Engine.Tests
{
    /// <summary>
    /// Writes an S3 Inventory report the way S3 does, for objects that really are in moto (moto stores inventory
    /// configurations but never writes reports): manifest.json (version 2016-11-30) and gzip CSV data files under
    /// &lt;destination prefix&gt;/&lt;source bucket&gt;/&lt;config id&gt;/, every field quoted, keys URL-encoded with space as '+',
    /// rows spread over several data files in no particular order.
    /// </summary>
    public sealed class InventoryReportWriter
    {
        public const string FullSchema = "Bucket, Key, Size, LastModifiedDate, ETag, IsMultipartUploaded, EncryptionStatus";

        public string Schema { get; set; } = FullSchema;
        public string FileFormat { get; set; } = "CSV";
        public int DataFiles { get; set; } = 3;
        public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
        public string ConfigId { get; set; } = "mediaops-daily";
        public string DestinationPrefix { get; set; } = "inventory";
        /// <summary>Called with each data file's gzip bytes before its MD5 is taken for the manifest; returns what is stored.</summary>
        public Func<int, byte[], byte[]> AfterChecksum { get; set; }

        /// <summary>Lists the bucket (all of it), writes the report into <paramref name="destinationBucket"/>; returns the manifest key.</summary>
        public async Task<string> WriteAsync(IAmazonS3 s3, string sourceBucket, string destinationBucket, IEnumerable<(string Key, long Size, DateTime Modified, string ETag)> extraRows = null)
        {
            var rows = await ListAsync(s3, sourceBucket);
            if (extraRows != null) rows.AddRange(extraRows);
            var files = Build(sourceBucket, rows);
            foreach (var f in files.Data)
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = destinationBucket, Key = f.Key, InputStream = new MemoryStream(f.Stored) });
            var manifestKey = files.Folder + "manifest.json";
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = destinationBucket, Key = manifestKey, ContentBody = files.Manifest(destinationBucket) });
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = destinationBucket, Key = files.Folder + "manifest.checksum", ContentBody = Md5Hex(Encoding.UTF8.GetBytes(files.Manifest(destinationBucket))) });
            return manifestKey;
        }

        /// <summary>As <see cref="WriteAsync"/>, but into a local folder laid out like the destination bucket; returns the manifest path.</summary>
        public async Task<string> WriteLocalAsync(IAmazonS3 s3, string sourceBucket, string folder)
        {
            var files = Build(sourceBucket, await ListAsync(s3, sourceBucket));
            foreach (var f in files.Data)
            {
                var path = Path.Combine(folder, f.Key);
                Directory.CreateDirectory(Path.GetDirectoryName(path));
                File.WriteAllBytes(path, f.Stored);
            }
            var manifest = Path.Combine(folder, files.Folder, "manifest.json");
            Directory.CreateDirectory(Path.GetDirectoryName(manifest));
            File.WriteAllText(manifest, files.Manifest("local-copy"));
            return manifest;
        }

        private static async Task<List<(string Key, long Size, DateTime Modified, string ETag)>> ListAsync(IAmazonS3 s3, string bucket)
        {
            var rows = new List<(string, long, DateTime, string)>();
            string token = null;
            do
            {
                var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ContinuationToken = token });
                foreach (var o in page.S3Objects ?? new List<S3Object>())
                    rows.Add((o.Key, o.Size ?? 0, (o.LastModified ?? DateTime.MinValue).ToUniversalTime(), o.ETag.Trim('"')));
                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            } while (token != null);
            return rows;
        }

        private sealed class Built
        {
            public string Folder;
            public string Source;
            public string Schema;
            public string Format;
            public DateTime Created;
            public List<(string Key, byte[] Stored, long Size, string Md5)> Data = new List<(string, byte[], long, string)>();

            public string Manifest(string destinationBucket)
            {
                var sb = new StringBuilder();
                sb.Append("{\n  \"sourceBucket\" : \"").Append(Source).Append("\",\n");
                sb.Append("  \"destinationBucket\" : \"arn:aws:s3:::").Append(destinationBucket).Append("\",\n");
                sb.Append("  \"version\" : \"2016-11-30\",\n");
                sb.Append("  \"creationTimestamp\" : \"").Append(new DateTimeOffset(Created).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append("\",\n");
                sb.Append("  \"fileFormat\" : \"").Append(Format).Append("\",\n");
                sb.Append("  \"fileSchema\" : \"").Append(Schema).Append("\",\n");
                sb.Append("  \"files\" : [ ");
                sb.Append(string.Join(", ", Data.Select(d => $"{{\n    \"key\" : \"{d.Key}\",\n    \"size\" : {d.Size},\n    \"MD5checksum\" : \"{d.Md5}\"\n  }}")));
                sb.Append(" ]\n}\n");
                return sb.ToString();
            }
        }

        private Built Build(string sourceBucket, List<(string Key, long Size, DateTime Modified, string ETag)> rows)
        {
            var created = CreatedUtc;
            var b = new Built
            {
                Source = sourceBucket,
                Schema = Schema,
                Format = FileFormat,
                Created = created,
                Folder = $"{DestinationPrefix}/{sourceBucket}/{ConfigId}/{created:yyyy-MM-dd'T'HH-mm'Z'}/",
            };
            var columns = Schema.Split(',').Select(c => c.Trim()).ToList();
            // S3 promises no order: reverse-and-interleave so no data file and no run comes sorted.
            var shuffled = rows.AsEnumerable().Reverse().Select((r, i) => (r, i)).OrderBy(x => x.i % 7).Select(x => x.r).ToList();
            for (var f = 0; f < DataFiles; f++)
            {
                var csv = new StringBuilder();
                for (var i = f; i < shuffled.Count; i += DataFiles)
                {
                    var r = shuffled[i];
                    var fields = columns.Select(c => c switch
                    {
                        "Bucket" => sourceBucket,
                        "Key" => UrlEncode(r.Key),
                        "Size" => r.Size.ToString(CultureInfo.InvariantCulture),
                        "LastModifiedDate" => r.Modified.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                        "ETag" => r.ETag,
                        "IsMultipartUploaded" => r.ETag.Contains('-') ? "true" : "false",
                        "EncryptionStatus" => "SSE-S3",
                        "StorageClass" => "STANDARD",
                        _ => "",
                    });
                    csv.Append(string.Join(",", fields.Select(v => "\"" + v.Replace("\"", "\"\"") + "\""))).Append('\n');
                }
                var gz = Gzip(Encoding.UTF8.GetBytes(csv.ToString()));
                var md5 = Md5Hex(gz);
                var stored = AfterChecksum?.Invoke(f, gz) ?? gz;
                b.Data.Add(($"{DestinationPrefix}/{sourceBucket}/{ConfigId}/data/{Guid.NewGuid()}.csv.gz", stored, gz.Length, md5));
            }
            return b;
        }

        /// <summary>java.net.URLEncoder (UTF-8), which S3 Inventory's keys follow: A-Z a-z 0-9 . - * _ kept, space as '+'.</summary>
        public static string UrlEncode(string key)
        {
            var sb = new StringBuilder();
            foreach (var b in Encoding.UTF8.GetBytes(key))
            {
                var c = (char)b;
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '*' || c == '_') sb.Append(c);
                else if (c == ' ') sb.Append('+');
                else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            return sb.ToString();
        }

        private static byte[] Gzip(byte[] data)
        {
            using var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data, 0, data.Length);
            return ms.ToArray();
        }

        public static string Md5Hex(byte[] data) => Convert.ToHexString(MD5.HashData(data)).ToLowerInvariant();
    }
}
