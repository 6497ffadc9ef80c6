using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Errors;
using MediaOps.Integrity;
using MediaOps.Local;

namespace MediaOps.Transfer
{
    /// <summary>
    /// Puts one local file under a key: Content-Type/Encoding as Python's mimetypes guesses, no ACL, and
    /// every byte read once. A single PUT carries Content-MD5 (S3 and every S3-compatible server reject a
    /// body that does not match it) and stores the MD5 as x-amz-meta-md5chksum (rclone's name, see <see cref="ObjectDigest"/>). A multipart
    /// upload checks every part on the server: CRC32 where the SDK's flexible checksums are on (AWS; the
    /// upload declares CRC32 at creation, as S3 requires), Content-MD5 elsewhere (no aws-chunked trailer,
    /// so plain HTTP and WHEN_REQUIRED endpoints work). Its whole-file proof is the ETag S3 computes from
    /// the parts it stored (MD5 of the part MD5s, see <see cref="MultipartETag"/>), so the file is not
    /// read a second time up front to store an MD5 in the metadata.
    /// </summary>
    internal sealed class S3Uploader
    {
        private readonly IAmazonS3 _s3;
        private readonly string _bucket;
        private readonly TransferSettings _settings;
        private readonly SemaphoreSlim _partSlots;
        private readonly ArrayPool<byte> _buffers;
        private readonly DateTime _runStartedUtc = DateTime.UtcNow;
        // Over HTTPS the body is not hashed a second time for the signature (UNSIGNED-PAYLOAD): TLS and the
        // signed Content-MD5 or x-amz-checksum-crc32 header already protect it. The SDK refuses this over plain HTTP, where it signs the body.
        private readonly bool _unsignedPayload;
        // With flexible checksums on, uploads carry a CRC32 (computed here, checked by S3); parts carry it instead of an MD5.
        private readonly bool _crc32Parts;
        // The headers every object gets (-ObjectParameters), the same on single and multipart uploads.
        private readonly ObjectParameters _parameters;

        public S3Uploader(IAmazonS3 s3, string bucket, TransferSettings settings, ObjectParameters parameters = null)
        {
            _parameters = parameters ?? ObjectParameters.Parse(null);
            _s3 = s3;
            _bucket = bucket;
            _settings = settings;
            _partSlots = new SemaphoreSlim(settings.PartsInFlight);
            _unsignedPayload = IsHttps(s3.Config);
            _crc32Parts = s3.Config is AmazonS3Config config && config.RequestChecksumCalculation == Amazon.Runtime.RequestChecksumCalculation.WHEN_SUPPORTED;
            var maxBuffer = (int)Math.Max(settings.MultipartThreshold, settings.PartSize);
            _buffers = ArrayPool<byte>.Create(Math.Max(maxBuffer, 1024 * 1024), Math.Max(2, settings.Concurrency * 2));
        }

        /// <summary>Uploads the file; <paramref name="onBytes"/> gets the bytes as parts finish. Returns the bytes sent.</summary>
        public async Task<long> UploadAsync(LocalEntry file, string key, Action<long> onBytes, CancellationToken ct)
        {
            try
            {
                var (contentType, contentEncoding) = PythonMimeTypes.Guess(file.RelativePath);
                contentType = contentType ?? PythonMimeTypes.DefaultContentType;
                // What the file looked like before the first byte was read; compared again after the last one.
                var before = FileState.Of(file.FullName);
                if (file.Length <= _settings.MultipartThreshold)
                    return await PutSingleAsync(file, key, before, contentType, contentEncoding, onBytes, ct).ConfigureAwait(false);
                long length;
                using (var probe = OpenRead(file)) length = probe.Length;
                return await PutMultipartAsync(file, key, length, before, contentType, contentEncoding, onBytes, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (LocalFileError.From(ex, key, upload: true) is MediaOpsException local)
            {
                throw local;
            }
        }

        private async Task<long> PutSingleAsync(LocalEntry file, string key, FileState before, string contentType, string contentEncoding, Action<long> onBytes, CancellationToken ct)
        {
            // One read into a pooled buffer serves both the MD5 and the body: the file is read once.
            byte[] buffer = null;
            try
            {
                int read;
                using (var stream = OpenRead(file))
                {
                    var length = (int)stream.Length;
                    buffer = _buffers.Rent(Math.Max(length, 1));
                    read = await ReadFullyAsync(stream, buffer, length, ct).ConfigureAwait(false);
                }
                before.ThrowIfChanged(file.FullName);
                var md5 = ContentHasher.Md5(buffer, 0, read);
                var crc32 = _crc32Parts ? Crc32.Base64(buffer, 0, read) : null;
                var body = buffer;
                // A fresh request per attempt: the SDK closes the body stream of a request it gave up on.
                PutObjectRequest Request()
                {
                    var request = new PutObjectRequest
                    {
                        BucketName = _bucket,
                        Key = key,
                        InputStream = new MemoryStream(body, 0, read, writable: false),
                        AutoCloseStream = true,
                        ContentType = contentType,
                        MD5Digest = ContentHasher.Base64(md5),
                        UseChunkEncoding = false,
                        DisablePayloadSigning = _unsignedPayload,
                    };
                    if (contentEncoding != null) request.Headers.ContentEncoding = contentEncoding;
                    _parameters.ApplyTo(request.Headers, request.Metadata);
                    request.StorageClass = _parameters.StorageClassOrNull;
                    request.Metadata[ObjectDigest.Md5MetadataName] = ObjectDigest.StoredMd5Value(md5);
                    if (_crc32Parts)
                    {
                        request.ChecksumAlgorithm = ChecksumAlgorithm.CRC32;
                        request.ChecksumCRC32 = crc32;
                    }
                    return request;
                }
                await StallGuard.SendAsync(token => _s3.PutObjectAsync(Request(), token), _settings.UploadTimeoutFor(read), _settings, key, "PutObject", ct).ConfigureAwait(false);
                onBytes?.Invoke(read);
                return read;
            }
            finally
            {
                if (buffer != null) _buffers.Return(buffer);
            }
        }

        private async Task<long> PutMultipartAsync(LocalEntry file, string key, long length, FileState before, string contentType, string contentEncoding, Action<long> onBytes, CancellationToken ct)
        {
            await AbortLeftoverUploadsAsync(key, ct).ConfigureAwait(false);

            var create = new InitiateMultipartUploadRequest { BucketName = _bucket, Key = key, ContentType = contentType };
            if (contentEncoding != null) create.Headers.ContentEncoding = contentEncoding;
            _parameters.ApplyTo(create.Headers, create.Metadata);
            create.StorageClass = _parameters.StorageClassOrNull;
            // S3 refuses part checksums of an algorithm the upload was not created with.
            if (_crc32Parts) create.ChecksumAlgorithm = ChecksumAlgorithm.CRC32;
            var uploadId = (await _s3.InitiateMultipartUploadAsync(create, ct).ConfigureAwait(false)).UploadId;
            try
            {
                var partSize = _settings.PartSizeFor(length);
                var count = (int)((length + partSize - 1) / partSize);
                var tasks = new List<Task<PartETag>>(count);
                using (var partsFailed = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    for (var i = 0; i < count; i++)
                    {
                        var number = i + 1;
                        var offset = i * partSize;
                        var size = Math.Min(partSize, length - offset);
                        tasks.Add(UploadPartAsync(file, key, uploadId, number, offset, (int)size, onBytes, partsFailed));
                    }
                    await Task.WhenAll(tasks).ConfigureAwait(false);
                }
                // Every part read: a file written to meanwhile would complete as a mix of old and new bytes.
                before.ThrowIfChanged(file.FullName);
                var complete = new CompleteMultipartUploadRequest { BucketName = _bucket, Key = key, UploadId = uploadId };
                foreach (var t in tasks) complete.AddPartETags(t.Result);
                await _s3.CompleteMultipartUploadAsync(complete, ct).ConfigureAwait(false);
                return length;
            }
            catch (Exception)
            {
                // Ctrl+C or a failed part: leave no incomplete upload behind (they are billed and invisible).
                await AbortQuietlyAsync(key, uploadId).ConfigureAwait(false);
                throw;
            }
        }

        private async Task<PartETag> UploadPartAsync(LocalEntry file, string key, string uploadId, int number, long offset, int size, Action<long> onBytes, CancellationTokenSource partsFailed)
        {
            var ct = partsFailed.Token;
            await _partSlots.WaitAsync(ct).ConfigureAwait(false);
            var buffer = _buffers.Rent(size);
            try
            {
                int read;
                using (var stream = OpenRead(file))
                {
                    stream.Position = offset;
                    read = await ReadFullyAsync(stream, buffer, size, ct).ConfigureAwait(false);
                }
                if (read != size)
                    throw new LocalFileException(LocalFileProblem.Changed, file.FullName, $"'{file.FullName}' changed size while it was uploaded");
                var crc32 = _crc32Parts ? Crc32.Base64(buffer, 0, read) : null; // given, so the SDK's slower CRC32 is skipped
                var md5 = _crc32Parts ? null : ContentHasher.Base64(ContentHasher.Md5(buffer, 0, read));
                var body = buffer;
                UploadPartRequest Request()
                {
                    var request = new UploadPartRequest
                    {
                        BucketName = _bucket,
                        Key = key,
                        UploadId = uploadId,
                        PartNumber = number,
                        InputStream = new MemoryStream(body, 0, read, writable: false),
                        PartSize = read,
                        UseChunkEncoding = false,
                        DisablePayloadSigning = _unsignedPayload,
                    };
                    if (_crc32Parts)
                    {
                        request.ChecksumAlgorithm = ChecksumAlgorithm.CRC32;
                        request.ChecksumCRC32 = crc32;
                    }
                    else request.MD5Digest = md5;
                    return request;
                }
                var response = await StallGuard.SendAsync(token => _s3.UploadPartAsync(Request(), token), _settings.UploadTimeoutFor(read), _settings, key, $"UploadPart {number}", ct).ConfigureAwait(false);
                onBytes?.Invoke(read);
                // A CRC32 upload must list each part's checksum again when it is completed.
                return new PartETag(number, response.ETag) { ChecksumCRC32 = crc32 };
            }
            catch (Exception)
            {
                partsFailed.Cancel(); // stop the sibling parts: the upload is going to be aborted
                throw;
            }
            finally
            {
                _buffers.Return(buffer);
                _partSlots.Release();
            }
        }

        /// <summary>
        /// A process that was killed mid-multipart had no chance to abort. Before this run uploads
        /// <paramref name="key"/> again it aborts the incomplete uploads of exactly that key that were
        /// started before this run: they can only be leftovers, since the new upload replaces the
        /// object anyway. Uploads of other keys are left alone (the live app may be writing them);
        /// a bucket lifecycle rule (AbortIncompleteMultipartUpload) cleans up the rest.
        /// </summary>
        private async Task AbortLeftoverUploadsAsync(string key, CancellationToken ct)
        {
            ListMultipartUploadsResponse list;
            try
            {
                list = await _s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket, Prefix = key }, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (S3ErrorTranslator.IsAccessDenied(ex) || S3ErrorTranslator.IsNotImplemented(ex))
            {
                return; // cannot see them; the upload itself still works
            }
            foreach (var upload in list.MultipartUploads ?? new List<MultipartUpload>())
            {
                if (upload.Key != key) continue;
                if (upload.Initiated.HasValue && upload.Initiated.Value.ToUniversalTime() > _runStartedUtc) continue;
                await AbortQuietlyAsync(key, upload.UploadId).ConfigureAwait(false);
            }
        }

        private async Task AbortQuietlyAsync(string key, string uploadId)
        {
            // Not the run's token: the abort must still go out after Ctrl+C. Bounded so a dead endpoint cannot hang the stop.
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                try
                {
                    await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = key, UploadId = uploadId }, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Best effort: the next run for this key aborts it (AbortLeftoverUploadsAsync).
                }
            }
        }

        private static bool IsHttps(Amazon.Runtime.IClientConfig config) =>
            string.IsNullOrEmpty(config.ServiceURL)
                ? !config.UseHttp
                : config.ServiceURL.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// Opens the file the walk saw without following a link on the way (<see cref="ConfinedFolder"/>): a file or folder
        /// swapped for a link since the walk is refused, not read (it could be a root-only file elsewhere).
        /// </summary>
        private static FileStream OpenRead(LocalEntry file)
        {
            if (!ConfinedFolder.Supported)
                return new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var root = file.FullName.Substring(0, file.FullName.Length - file.RelativePath.Length);
            var slash = file.RelativePath.LastIndexOf('/');
            using (var folder = ConfinedFolder.Open(root, slash < 0 ? "" : file.RelativePath.Substring(0, slash), create: false))
            {
                var stream = folder.OpenRead(file.RelativePath.Substring(slash + 1));
                if (!stream.CanSeek)
                {
                    stream.Dispose();
                    throw new LocalFileException(LocalFileProblem.Other, file.FullName, $"'{file.FullName}' is no longer a regular file");
                }
                return stream;
            }
        }

        /// <summary>Length and modification time of a file: a write between two looks changes one of them.</summary>
        private readonly struct FileState
        {
            private readonly long _length;
            private readonly DateTime _written;

            private FileState(long length, DateTime written)
            {
                _length = length;
                _written = written;
            }

            public static FileState Of(string path)
            {
                var info = new FileInfo(path);
                return info.Exists ? new FileState(info.Length, info.LastWriteTimeUtc) : new FileState(-1, DateTime.MinValue);
            }

            public void ThrowIfChanged(string path)
            {
                var now = Of(path);
                if (now._length != _length || now._written != _written)
                    throw new LocalFileException(LocalFileProblem.Changed, path,
                        $"'{path}' was written to while it was uploaded (size {_length} → {now._length}, modified {_written:O} → {now._written:O})");
            }
        }

        private static async Task<int> ReadFullyAsync(Stream stream, byte[] buffer, int count, CancellationToken ct)
        {
            var total = 0;
            while (total < count)
            {
                var n = await stream.ReadAsync(buffer, total, count - total, ct).ConfigureAwait(false);
                if (n == 0) break;
                total += n;
            }
            return total;
        }
    }
}
