using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Runs;
using MediaOps.Targets;

namespace MediaOps.S3Inventory
{
    /// <summary>How to use an S3 Inventory report as the listing (-Inventory, -MaxInventoryAge, -Partition).</summary>
    public sealed class InventoryOptions
    {
        public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromDays(2);

        /// <summary>manifest.json: a local path or s3://bucket/key.</summary>
        public string Manifest { get; set; }
        /// <summary>Older than this is a Warning: objects deleted or replaced since are not seen.</summary>
        public TimeSpan MaxAge { get; set; } = DefaultMaxAge;
        /// <summary>Keep only the names of this slice (null: all).</summary>
        public KeyPartition Partition { get; set; }
        /// <summary>Rows sorted in memory per spill run (tests use small runs to force a multi-run merge).</summary>
        public int RunRows { get; set; } = InventorySorter.DefaultRunRows;
        /// <summary>
        /// Keep every version and delete marker (Get-MediaVersion -Inventory): the report must have been configured
        /// with IncludedObjectVersions All (columns VersionId, IsLatest, IsDeleteMarker). False: current objects only.
        /// </summary>
        public bool IncludeVersions { get; set; }
        /// <summary>"Now" for the age (tests); null is the clock.</summary>
        public DateTime? NowUtc { get; set; }
    }

    /// <summary>
    /// Reads an S3 Inventory report (manifest.json + gzip CSV data files) into a <see cref="SortedInventory"/> of the
    /// current objects under the target's prefix: the manifest's fileSchema is checked, each data file's MD5 and size
    /// against the manifest while it streams, and every row is spilled to sorted runs before the first one is used,
    /// so a damaged report fails before any row reaches a plan.
    /// </summary>
    public static class InventoryReport
    {
        private const string Activity = "S3 Inventory";

        public static async Task<SortedInventory> OpenAsync<TRow>(IAmazonS3 s3, MediaTarget target, InventoryOptions options, IRunObserver<TRow> observer, CancellationToken ct)
        {
            if (options == null || string.IsNullOrWhiteSpace(options.Manifest)) throw new ArgumentException("No manifest.", nameof(options));
            var location = options.Manifest.Trim();
            var source = location.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) ? (IReportSource)new S3Source(s3, location) : new LocalSource(location);
            var manifest = InventoryManifest.Parse(await source.ReadManifestAsync(ct).ConfigureAwait(false), location);
            if (!string.Equals(manifest.SourceBucket, target.BucketName, StringComparison.Ordinal))
                throw new MediaOpsException("InventoryWrongBucket", FailureKind.InvalidArgument,
                    $"The inventory report {location} lists bucket '{manifest.SourceBucket}', not '{target.BucketName}'. Pass the manifest.json of a report of '{target.BucketName}'.", location);
            if (manifest.Files.Count == 0)
                throw new MediaOpsException("InventoryManifestInvalid", FailureKind.Integrity,
                    $"The inventory manifest {location} lists no data files: S3 always writes at least one. Use a complete report.", location);

            var now = options.NowUtc ?? DateTime.UtcNow;
            var age = now - manifest.CreatedUtc;
            var ageText = $"The inventory {location} was taken {manifest.CreatedUtc:yyyy-MM-dd HH:mm} UTC, {Describe(age)} ago";
            if (age > options.MaxAge)
                observer.Warning($"{ageText}, more than -MaxInventoryAge ({Describe(options.MaxAge)}): objects deleted or replaced since then are not seen. " +
                    "Objects written since are still caught (names the inventory lacks are checked with a HEAD), but use a newer report or raise -MaxInventoryAge.");
            else observer.Verbose(ageText + ".");

            if (options.IncludeVersions)
            {
                var lacking = VersionColumns.Where(c => manifest.ColumnOf(c) < 0).ToList();
                if (lacking.Count > 0)
                    throw new MediaOpsException("InventoryWithoutVersions", FailureKind.InvalidArgument,
                        $"The inventory {location} lists current objects only: its fileSchema has no {string.Join(", ", lacking)}. " +
                        "Listing versions from a report needs one configured with IncludedObjectVersions All (AWS console: Object versions, Include all versions). " +
                        "Use such a report, or run Get-MediaVersion without -Inventory (it lists the versions with ListObjectVersions).", location);
            }
            var columns = new Columns(manifest, options.IncludeVersions);
            var sorter = new InventorySorter(options.RunRows);
            try
            {
                long rows = 0, kept = 0;
                var fields = new List<string>();
                foreach (var file in manifest.Files)
                {
                    ct.ThrowIfCancellationRequested();
                    using (var raw = await source.OpenDataFileAsync(manifest, file, ct).ConfigureAwait(false))
                    using (var hashing = new Md5Stream(raw))
                    {
                        try
                        {
                        using (var gzip = new GZipStream(hashing, CompressionMode.Decompress, leaveOpen: true))
                        using (var reader = new StreamReader(gzip, new UTF8Encoding(false, true), false, 1 << 16))
                        {
                            string line;
                            long lineNumber = 0;
                            while ((line = reader.ReadLine()) != null)
                            {
                                lineNumber++;
                                if (line.Length == 0) continue;
                                var entry = columns.Entry(line, fields, target, () => $"{file.Key} line {lineNumber}");
                                rows++;
                                if (rows % 100_000 == 0)
                                {
                                    ct.ThrowIfCancellationRequested();
                                    observer.Progress(RunProgress.Count(Activity, rows, $"{rows:N0} inventory rows read, {kept:N0} kept", file.Key));
                                }
                                if (entry == null) continue;
                                var name = entry.Key.Substring(target.Prefix.Length);
                                if (options.Partition != null && !options.Partition.Owns(name)) continue;
                                sorter.Add(entry);
                                kept++;
                            }
                        }
                        }
                        catch (Exception ex) when (ex is InvalidDataException || ex is DecoderFallbackException)
                        {
                            // Damaged bytes usually break the gzip stream first: say whether the MD5 agrees.
                            hashing.ReadToEnd();
                            Verify(manifest, file, hashing);
                            throw new MediaOpsException("InventoryRowInvalid", FailureKind.Integrity,
                                $"The inventory data file {file.Key} is not gzip-compressed UTF-8 CSV ({ex.Message}). Use an S3 Inventory CSV report.", file.Key, ex);
                        }
                        hashing.ReadToEnd(); // gzip may stop before the last bytes (trailer padding); the MD5 covers the whole file
                        Verify(manifest, file, hashing);
                    }
                }
                observer.Progress(RunProgress.Count(Activity, rows, $"{rows:N0} inventory rows read, {kept:N0} kept; sorting", null));
                var sorted = sorter.Finish(manifest);
                observer.Verbose($"Inventory: {rows:N0} rows in {manifest.Files.Count} data file(s), {sorted.Count:N0} current objects under {target.Uri}" +
                    (options.Partition != null ? $" in partition {options.Partition}" : "") + $", sorted in {sorter.RunsSpilled} run(s).");
                return sorted;
            }
            catch
            {
                sorter.Dispose();
                throw;
            }
        }

        /// <summary>The columns S3 adds to a report of all versions.</summary>
        internal static readonly IReadOnlyList<string> VersionColumns = new[] { "VersionId", "IsLatest", "IsDeleteMarker" };

        private static void Verify(InventoryManifest manifest, InventoryDataFile file, Md5Stream hashing)
        {
            if (file.Size.HasValue && file.Size.Value != hashing.Length)
                throw new MediaOpsException("InventoryChecksumMismatch", FailureKind.Integrity,
                    $"The inventory data file {file.Key} has {hashing.Length:N0} bytes; the manifest {manifest.Location} says {file.Size:N0}. The report is damaged or incomplete: use another report (or copy it again).", file.Key);
            var md5 = hashing.HexDigest();
            if (file.Md5 != null && file.Md5 != md5)
                throw new MediaOpsException("InventoryChecksumMismatch", FailureKind.Integrity,
                    $"The inventory data file {file.Key} has MD5 {md5}; the manifest {manifest.Location} says {file.Md5}. The report is damaged: use another report (or copy it again).", file.Key);
        }

        internal static string Describe(TimeSpan span)
        {
            if (span.TotalDays >= 1) return span.TotalDays.ToString("0.#", CultureInfo.InvariantCulture) + " days";
            if (span.TotalHours >= 1) return span.TotalHours.ToString("0.#", CultureInfo.InvariantCulture) + " h";
            return Math.Max(0, span.TotalMinutes).ToString("0", CultureInfo.InvariantCulture) + " min";
        }

        /// <summary>Where the column values of a row are, and how a row becomes an entry (or is dropped).</summary>
        private sealed class Columns
        {
            private readonly int _bucket, _key, _size, _modified, _eTag, _isLatest, _isDeleteMarker, _versionId, _encryption, _width;
            private readonly string _sourceBucket;
            private readonly bool _versions;

            public Columns(InventoryManifest m, bool versions)
            {
                _versions = versions;
                _sourceBucket = m.SourceBucket;
                _versionId = m.ColumnOf("VersionId");
                _bucket = m.ColumnOf("Bucket");
                _key = m.ColumnOf("Key");
                _size = m.ColumnOf("Size");
                _modified = m.ColumnOf("LastModifiedDate");
                _eTag = m.ColumnOf("ETag");
                _isLatest = m.ColumnOf("IsLatest");
                _isDeleteMarker = m.ColumnOf("IsDeleteMarker");
                _encryption = m.ColumnOf("EncryptionStatus");
                _width = Math.Max(Math.Max(_bucket, _key), Math.Max(_size, Math.Max(_modified, _eTag))) + 1;
            }

            /// <summary>
            /// The object a row describes under the prefix, or null (another bucket or prefix; without versions also an
            /// old version or a delete marker).
            /// </summary>
            public InventoryEntry Entry(string line, List<string> fields, MediaTarget target, Func<string> where)
            {
                if (!InventoryCsv.TrySplit(line, fields) || fields.Count < _width)
                    throw Bad(where(), $"is not a row of the manifest's fileSchema ({fields.Count} fields)");
                if (fields[_bucket] != _sourceBucket) return null;
                var isLatest = !(_isLatest >= 0 && fields.Count > _isLatest && string.Equals(fields[_isLatest], "false", StringComparison.OrdinalIgnoreCase));
                var isDeleteMarker = _isDeleteMarker >= 0 && fields.Count > _isDeleteMarker && string.Equals(fields[_isDeleteMarker], "true", StringComparison.OrdinalIgnoreCase);
                if (!_versions && (!isLatest || isDeleteMarker)) return null;
                string key;
                try
                {
                    key = InventoryCsv.DecodeKey(fields[_key]);
                }
                catch (ArgumentException)
                {
                    throw Bad(where(), "has a key that is not URL-encoded UTF-8");
                }
                if (!key.StartsWith(target.Prefix, StringComparison.Ordinal) || key.Length == target.Prefix.Length) return null;
                long size = 0;
                if (!(isDeleteMarker && fields[_size].Length == 0) // a delete marker has no size
                    && !long.TryParse(fields[_size], NumberStyles.None, CultureInfo.InvariantCulture, out size))
                    throw Bad(where(), $"has Size '{fields[_size]}', not a number");
                if (!DateTime.TryParse(fields[_modified], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var modified))
                    throw Bad(where(), $"has LastModifiedDate '{fields[_modified]}', not a time");
                var encryption = _encryption >= 0 && fields.Count > _encryption && fields[_encryption].Length > 0 ? fields[_encryption] : null;
                if (!_versions) return new InventoryEntry(key, size, DateTime.SpecifyKind(modified, DateTimeKind.Utc), fields[_eTag].Trim('"'), encryption);
                // S3 leaves VersionId empty for an object written before versioning was turned on: its id is "null".
                var versionId = fields.Count > _versionId && fields[_versionId].Length > 0 ? fields[_versionId] : "null";
                return new InventoryEntry(key, size, DateTime.SpecifyKind(modified, DateTimeKind.Utc), isDeleteMarker ? null : fields[_eTag].Trim('"'), encryption,
                    versionId, isLatest, isDeleteMarker);
            }

            private static MediaOpsException Bad(string where, string what) =>
                new MediaOpsException("InventoryRowInvalid", FailureKind.Integrity,
                    $"Inventory data {where} {what}. The report is damaged or not an S3 Inventory CSV: use another report.", where);
        }

        private interface IReportSource
        {
            Task<string> ReadManifestAsync(CancellationToken ct);
            Task<Stream> OpenDataFileAsync(InventoryManifest manifest, InventoryDataFile file, CancellationToken ct);
        }

        /// <summary>A report copied to disk: the destination's layout (aws s3 sync of the destination prefix), or data files beside manifest.json.</summary>
        private sealed class LocalSource : IReportSource
        {
            private readonly string _path;

            public LocalSource(string path) => _path = Path.GetFullPath(path);

            public Task<string> ReadManifestAsync(CancellationToken ct)
            {
                if (!File.Exists(_path))
                    throw new MediaOpsException("InventoryManifestNotFound", FailureKind.NotFound,
                        $"No inventory manifest at '{_path}'. Pass the manifest.json of an S3 Inventory report (a local copy, or s3://bucket/key).", _path);
                return Task.FromResult(File.ReadAllText(_path));
            }

            public Task<Stream> OpenDataFileAsync(InventoryManifest manifest, InventoryDataFile file, CancellationToken ct)
            {
                var relative = file.Key.Replace('/', Path.DirectorySeparatorChar);
                var candidates = new List<string>();
                // The manifest sits at <prefix>/<bucket>/<config>/<time>/manifest.json and the data at <prefix>/<bucket>/<config>/data/x.csv.gz:
                // walk up from the manifest's folder to the folder that plays the destination bucket's root.
                for (var dir = Path.GetDirectoryName(_path); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
                    candidates.Add(Path.Combine(dir, relative));
                var fileName = file.Key.Substring(file.Key.LastIndexOf('/') + 1);
                candidates.Add(Path.Combine(Path.GetDirectoryName(_path), fileName));
                candidates.Add(Path.Combine(Path.GetDirectoryName(_path), "data", fileName));
                foreach (var candidate in candidates)
                    if (File.Exists(candidate))
                        return Task.FromResult<Stream>(new FileStream(candidate, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));
                throw MissingDataFile(manifest, file, $"no file '{file.Key}' under the folders above '{Path.GetDirectoryName(_path)}' (nor '{fileName}' beside it)");
            }
        }

        private sealed class S3Source : IReportSource
        {
            private readonly IAmazonS3 _s3;
            private readonly string _location;
            private readonly string _bucket;
            private readonly string _key;

            public S3Source(IAmazonS3 s3, string location)
            {
                _s3 = s3;
                _location = location;
                var rest = location.Substring("s3://".Length);
                var slash = rest.IndexOf('/');
                if (slash <= 0 || slash == rest.Length - 1)
                    throw new MediaOpsException("InventoryManifestNotFound", FailureKind.InvalidArgument,
                        $"'{location}' is not s3://bucket/key of a manifest.json.", location);
                _bucket = rest.Substring(0, slash);
                _key = rest.Substring(slash + 1);
            }

            public async Task<string> ReadManifestAsync(CancellationToken ct)
            {
                try
                {
                    using (var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = _key }, ct).ConfigureAwait(false))
                    using (var reader = new StreamReader(response.ResponseStream, Encoding.UTF8))
                        return await reader.ReadToEndAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (S3ErrorTranslator.IsNotFound(ex) && S3ErrorTranslator.ErrorCode(ex) != "NoSuchBucket")
                {
                    throw new MediaOpsException("InventoryManifestNotFound", FailureKind.NotFound,
                        $"No inventory manifest at {_location}. Reports are written to <destination prefix>/<bucket>/<config id>/<YYYY-MM-DDTHH-MMZ>/manifest.json: list the destination to find the newest.", _location, ex);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    throw S3ErrorTranslator.Translate(ex, _bucket, _key, "s3:GetObject (inventory manifest)");
                }
            }

            public async Task<Stream> OpenDataFileAsync(InventoryManifest manifest, InventoryDataFile file, CancellationToken ct)
            {
                var bucket = string.IsNullOrEmpty(manifest.DestinationBucket) ? _bucket : manifest.DestinationBucket;
                try
                {
                    var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = file.Key }, ct).ConfigureAwait(false);
                    return new OwnedStream(response.ResponseStream, response);
                }
                catch (Exception ex) when (S3ErrorTranslator.IsNotFound(ex) && S3ErrorTranslator.ErrorCode(ex) != "NoSuchBucket")
                {
                    throw MissingDataFile(manifest, file, $"s3://{bucket}/{file.Key} does not exist", ex);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    throw S3ErrorTranslator.Translate(ex, bucket, file.Key, "s3:GetObject (inventory data file)");
                }
            }
        }

        private static MediaOpsException MissingDataFile(InventoryManifest manifest, InventoryDataFile file, string why, Exception inner = null) =>
            new MediaOpsException("InventoryDataFileMissing", FailureKind.NotFound,
                $"The inventory manifest {manifest.Location} lists the data file {file.Key}, but {why}. The report is incomplete: copy all of it, or use another report.", file.Key, inner);

        /// <summary>A response stream that also disposes the response it came from.</summary>
        private sealed class OwnedStream : Stream
        {
            private readonly Stream _inner;
            private readonly IDisposable _owner;
            public OwnedStream(Stream inner, IDisposable owner) { _inner = inner; _owner = owner; }
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            protected override void Dispose(bool disposing)
            {
                if (disposing) { _inner.Dispose(); _owner.Dispose(); }
                base.Dispose(disposing);
            }
        }

        /// <summary>Counts and MD5-hashes the compressed bytes as the gzip reader pulls them.</summary>
        private sealed class Md5Stream : Stream
        {
            private readonly Stream _inner;
            private readonly MD5 _md5 = MD5.Create();
            private long _length;
            private byte[] _digest;

            public Md5Stream(Stream inner) => _inner = inner;

            public override long Length => _length;
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Position { get => _length; set => throw new NotSupportedException(); }
            public override void Flush() { }

            public override int Read(byte[] buffer, int offset, int count)
            {
                var n = _inner.Read(buffer, offset, count);
                if (n > 0)
                {
                    _md5.TransformBlock(buffer, offset, n, null, 0);
                    _length += n;
                }
                return n;
            }

            public void ReadToEnd()
            {
                var buffer = new byte[1 << 16];
                while (Read(buffer, 0, buffer.Length) > 0) { }
            }

            public string HexDigest()
            {
                if (_digest == null)
                {
                    _md5.TransformFinalBlock(new byte[0], 0, 0);
                    _digest = _md5.Hash;
                }
                var sb = new StringBuilder(32);
                foreach (var b in _digest) sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
                return sb.ToString();
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            protected override void Dispose(bool disposing)
            {
                if (disposing) { _inner.Dispose(); _md5.Dispose(); }
                base.Dispose(disposing);
            }
        }
    }
}
