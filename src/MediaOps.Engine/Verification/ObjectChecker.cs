using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Aws;
using MediaOps.Errors;
using MediaOps.Integrity;
using MediaOps.Local;
using MediaOps.Runs;
using MediaOps.S3Inventory;
using MediaOps.Targets;
using MediaOps.Transfer;

namespace MediaOps.Verification
{
    /// <summary>
    /// Checks one Django file name against S3 with a HEAD (and optionally the local copy). With an S3 Inventory
    /// report, names the report lists are answered from it (no request) and only the others get a HEAD, so objects
    /// written since the report are still found. A missing object is a Fail row; only failures that make every row
    /// meaningless escape as exceptions.
    /// </summary>
    public sealed class ObjectChecker : IDisposable
    {
        private readonly IAmazonS3 _s3;
        private readonly MediaTarget _target;
        private readonly string _localRoot;
        private readonly bool _checksum;
        private readonly ContentComparer _comparer;
        private readonly InventoryOptions _inventoryOptions;
        private readonly bool _verify;
        private SortedInventory _inventory;
        private long _heads, _fromInventory;

        /// <param name="localRoot">MEDIA_ROOT to compare with, or null.</param>
        /// <param name="checksum">Also compare the content, by Integrity's rule (<see cref="ContentComparer"/>).</param>
        /// <param name="inventory">An S3 Inventory report to answer from (-Inventory), with -MaxInventoryAge and -Partition; null sends a HEAD per name.</param>
        /// <param name="verify">With an inventory, still send a HEAD for every name (-Verify).</param>
        /// <param name="partition">Only names of this slice get a row (-Partition); null for all.</param>
        public ObjectChecker(IAwsClientFactory clients, MediaTarget target, string localRoot = null, bool checksum = false,
            InventoryOptions inventory = null, bool verify = false, KeyPartition partition = null)
        {
            _inventoryOptions = inventory;
            _verify = verify;
            Partition = partition;
            if (_inventoryOptions != null) _inventoryOptions.Partition = partition;
            if (clients == null) throw new ArgumentNullException(nameof(clients));
            _target = target ?? throw new ArgumentNullException(nameof(target));
            _s3 = clients.CreateS3(target);
            _comparer = new ContentComparer(_s3, target.BucketName, new TransferSettings());
            _localRoot = localRoot;
            _checksum = checksum;
        }

        /// <summary>
        /// Fails early (terminating) when the bucket is missing or the credentials are rejected: a HEAD has no
        /// error body, so later a missing bucket would look like 10,000 missing keys and a bad key like 10,000 403s.
        /// Returns false when the credentials may not list the prefix (a missing key will then answer 403).
        /// </summary>
        internal async Task<bool> PreflightAsync(CancellationToken ct)
        {
            try
            {
                await _s3.ListObjectsV2Async(Sync.RemoteLister.Request(_target.BucketName, _target.Prefix, 1), ct).ConfigureAwait(false);
                return true;
            }
            catch (AmazonS3Exception ex) when (S3ErrorTranslator.IsAccessDenied(ex))
            {
                return false;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw S3ErrorTranslator.Translate(ex, _target.BucketName, null, "s3:ListBucket");
            }
        }

        /// <summary>
        /// Starts a streaming check (after <see cref="PreflightAsync"/>): names go in one at a time with
        /// <see cref="ObjectCheckRun.AddAsync"/>, up to <paramref name="concurrency"/> HEADs run at once, and rows come
        /// out through <paramref name="observer"/> in input order, before the input ends, with bounded memory.
        /// </summary>
        public async Task<ObjectCheckRun> StartAsync(int concurrency, IRunObserver<ObjectCheck> observer, CancellationToken ct)
        {
            if (!await PreflightAsync(ct).ConfigureAwait(false))
                observer.Verbose($"these credentials may not list {_target.Uri}; S3 will answer 403 (not 404) for names that are missing.");
            if (_inventoryOptions != null && _inventory == null)
                _inventory = await InventoryReport.OpenAsync(_s3, _target, _inventoryOptions, observer, ct).ConfigureAwait(false);
            return new ObjectCheckRun(this, concurrency, observer, _target.Uri);
        }

        public KeyPartition Partition { get; }

        /// <summary>HEAD requests sent so far (names the inventory did not answer, or all with -Verify).</summary>
        public long HeadRequests => Interlocked.Read(ref _heads);
        /// <summary>Names answered from the inventory without a request.</summary>
        public long AnsweredFromInventory => Interlocked.Read(ref _fromInventory);

        /// <summary>True when this run's -Partition slice owns the name (hashed as its key without the prefix).</summary>
        internal bool Owns(string name)
        {
            if (Partition == null) return true;
            var key = string.IsNullOrEmpty(name) ? null : DjangoNames.TryKeyFor(_target.Prefix, name);
            return Partition.Owns(key == null ? name ?? "" : key.Substring(_target.Prefix.Length));
        }

        internal async Task<ObjectCheck> CheckAsync(string name, CancellationToken ct)
        {
            var row = new ObjectCheck { Name = name, Status = CheckStatus.Pass, Partition = Partition?.ToString() };
            if (string.IsNullOrEmpty(name))
                return Finish(row, CheckStatus.Fail, "Empty name: the database row has no file (FileField left blank); nothing to check.");
            row.Key = DjangoNames.TryKeyFor(_target.Prefix, name);
            if (row.Key == null)
                return Finish(row, CheckStatus.Fail,
                    $"django-storages refuses '{name}' (SuspiciousOperation): it leads outside the prefix '{_target.Prefix}'. Fix the database row.");

            var invalid = InvalidName(name, row.Key);
            if (invalid != null) return Finish(row, CheckStatus.Fail, invalid);

            var localPath = LocalPathFor(row.Key);
            if (localPath != null)
            {
                try
                {
                    var info = new FileInfo(localPath);
                    if (info.Exists) row.LocalLength = info.Length;
                }
                catch (Exception ex) when (ex is ArgumentException || ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
                {
                    return Finish(row, CheckStatus.Fail, $"The local file for '{NameProblems.Printable(name)}' cannot be looked at ({ex.Message}). Fix the database row or the file.");
                }
            }

            ObjectDigest digest;
            var listed = _inventory != null && !_verify ? _inventory.Find(row.Key) : null;
            if (listed != null)
            {
                Interlocked.Increment(ref _fromInventory);
                digest = ObjectDigest.FromListing(row.Key, listed.Size, listed.ETag);
                row.Exists = true;
                row.Length = listed.Size;
                row.ETag = listed.ETag;
                row.LastModified = listed.LastModifiedUtc;
                row.ServerSideEncryption = EncryptionOf(listed.EncryptionStatus);
                return await CompareLocal(row, localPath, digest, $" (from the inventory of {_inventory.CreatedUtc:yyyy-MM-dd HH:mm} UTC; -Verify sends a HEAD)", ct).ConfigureAwait(false);
            }
            else try
            {
                Interlocked.Increment(ref _heads);
                var head = await _s3.GetObjectMetadataAsync(ContentComparer.HeadRequest(_target.BucketName, row.Key), ct).ConfigureAwait(false);
                digest = ObjectDigest.FromHead(row.Key, head);
                row.Exists = true;
                row.Length = head.ContentLength;
                row.ContentType = head.Headers?.ContentType;
                row.ETag = head.ETag?.Trim('"');
                row.LastModified = head.LastModified?.ToUniversalTime();
                row.VersionId = string.IsNullOrEmpty(head.VersionId) ? null : head.VersionId;
                row.ServerSideEncryption = head.ServerSideEncryptionMethod?.Value;
                if (string.IsNullOrEmpty(row.ServerSideEncryption) || row.ServerSideEncryption == "None")
                    row.ServerSideEncryption = head.ServerSideEncryptionCustomerMethod?.Value is string c && c.Length > 0 && c != "None" ? "SSE-C " + c : null;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                return Missing(row, ex, localPath);
            }

            return await CompareLocal(row, localPath, digest, "", ct).ConfigureAwait(false);
        }

        /// <summary>The verdict once the object is known (by HEAD or from the inventory, named in <paramref name="basis"/>).</summary>
        private async Task<ObjectCheck> CompareLocal(ObjectCheck row, string localPath, ObjectDigest digest, string basis, CancellationToken ct)
        {
            var result = await CompareLocalCore(row, localPath, digest, ct).ConfigureAwait(false);
            result.Message += basis;
            return result;
        }

        private async Task<ObjectCheck> CompareLocalCore(ObjectCheck row, string localPath, ObjectDigest digest, CancellationToken ct)
        {
            if (localPath == null) return Finish(row, CheckStatus.Pass, "Object exists.");
            if (row.LocalLength == null)
                return Finish(row, CheckStatus.Fail, $"Object exists but there is no local file at '{localPath}' to compare with (rollback would need Sync-MediaFromS3).");
            if (ContentComparer.CompareLength(row.LocalLength.Value, row.Length.Value) != null)
                return Finish(row, CheckStatus.Fail, $"Sizes differ: local {row.LocalLength} bytes, S3 {row.Length} bytes. Copy it again with Sync-MediaToS3.");
            if (!_checksum) return Finish(row, CheckStatus.Pass, "Object exists; size matches the local file.");

            ContentVerdict verdict;
            try
            {
                verdict = await _comparer.CompareFileAsync(localPath, row.LocalLength.Value, digest, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return Finish(row, CheckStatus.Fail, $"The local file '{localPath}' cannot be read ({ex.Message}); its content was not compared.");
            }
            switch (verdict.Kind)
            {
                case VerdictKind.Same:
                    return Finish(row, CheckStatus.Pass, verdict.Basis == VerdictBasis.MultipartETag
                        ? "Object exists; size and multipart ETag (the MD5 of its parts' MD5s, recomputed from the local file) match."
                        : verdict.Basis == VerdictBasis.StoredChecksum
                        ? $"Object exists; size and the checksum stored with it ({verdict.RemoteDigest}, recomputed from the local file) match."
                        : "Object exists; size and MD5 match the local file.");
                case VerdictKind.Differs:
                    return Finish(row, CheckStatus.Fail, verdict.Basis == VerdictBasis.MultipartETag
                        ? $"Content differs: the local file's parts do not give the multipart ETag {row.ETag}. Copy it again with Sync-MediaToS3 -Checksum."
                        : verdict.Basis == VerdictBasis.StoredChecksum
                        ? $"Content differs: the local file does not give the checksum stored with the object ({verdict.RemoteDigest}). Copy it again with Sync-MediaToS3 -Checksum."
                        : $"Content differs: local MD5 {verdict.LocalDigest}, {(verdict.Basis == VerdictBasis.StoredMd5 ? "the MD5 stored with the object (md5chksum)" : "S3 ETag")} {verdict.RemoteDigest}. Copy it again with Sync-MediaToS3 -Checksum.");
                default:
                    return Finish(row, CheckStatus.Warning, $"Size matches, but {verdict.Reason}.");
            }
        }

        private ObjectCheck Missing(ObjectCheck row, Exception ex, string localPath)
        {
            var status = S3ErrorTranslator.StatusCode(ex);
            var where = $"s3://{_target.BucketName}/{row.Key}";
            var localHint = row.LocalLength != null ? " The local file exists: copy it with Sync-MediaToS3." : "";
            if (status == 404)
                return Finish(row, CheckStatus.Fail, $"No object at {where}: the database points at a file that is not in S3.{localHint}");
            if (status == 403)
                return Finish(row, CheckStatus.Fail,
                    $"S3 answered 403 Forbidden to HEAD {where}. Without s3:ListBucket on the bucket, S3 answers 403 instead of 404 for a key that does not exist, " +
                    $"so the object is most likely missing; otherwise the credentials lack s3:GetObject on {_target.Prefix}*. Grant s3:ListBucket for the prefix (New-MediaIamPolicy does) to tell the two apart.{localHint}");
            var translated = S3ErrorTranslator.Translate(ex, _target.BucketName, row.Key, "s3:GetObject (HEAD)");
            return Finish(row, CheckStatus.Error, "Could not check: " + translated.Message);
        }

        /// <summary>
        /// Why no object and no file can have this name, or null. One such name in the input is one Fail row; the
        /// run goes on (a database row is data, not a reason to stop checking the others).
        /// </summary>
        internal static string InvalidName(string name, string key)
        {
            var nul = name.IndexOf('\0');
            if (nul >= 0)
                return $"The name '{NameProblems.Printable(name)}' contains a NUL character (U+0000) at position {nul}: no file system can hold it and Django refuses it (ValueError: embedded null byte). Fix the database row.";
            for (var i = 0; i < name.Length; i++)
            {
                if (char.IsHighSurrogate(name[i]) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1])) { i++; continue; }
                if (char.IsSurrogate(name[i]))
                    return $"The name '{NameProblems.Printable(name)}' is not valid Unicode (an unpaired surrogate U+{(int)name[i]:X4} at position {i}), so it has no UTF-8 form and cannot be an S3 key. Fix the database row.";
            }
            var keyBytes = System.Text.Encoding.UTF8.GetByteCount(key);
            if (keyBytes > NameProblems.MaxKeyBytes)
                return $"The key for '{name}' is {keyBytes} UTF-8 bytes; S3 allows {NameProblems.MaxKeyBytes}, so no object can have it. Fix the database row.";
            return null;
        }

        private string LocalPathFor(string key)
        {
            if (_localRoot == null) return null;
            var relative = _target.NameFor(key) ?? key;
            return Path.Combine(_localRoot, relative.Replace('/', Path.DirectorySeparatorChar));
        }

        /// <summary>The inventory's EncryptionStatus in the words a HEAD uses (x-amz-server-side-encryption).</summary>
        private static string EncryptionOf(string status)
        {
            switch (status)
            {
                case null: case "NOT-SSE": return null;
                case "SSE-S3": return "AES256";
                case "SSE-KMS": return "aws:kms";
                case "DSSE-KMS": return "aws:kms:dsse";
                default: return status;
            }
        }

        public void Dispose()
        {
            _inventory?.Dispose();
            _s3.Dispose();
        }

        private static ObjectCheck Finish(ObjectCheck row, CheckStatus status, string message)
        {
            row.Status = status;
            row.Message = message;
            return row;
        }
    }
}
