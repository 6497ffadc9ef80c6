using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Aws;
using MediaOps.Buckets;
using MediaOps.Errors;
using MediaOps.Runs;
using MediaOps.Targets;
using MediaOps.Urls;

namespace MediaOps.Verification
{
    /// <summary>
    /// The reference runbook's post-cutover smoke test as CheckResult rows: Upload, Head, ReadBack,
    /// SignedUrl, UnsignedUrl, Delete. The probe object is removed whatever happens (failure, Ctrl+C)
    /// unless the caller keeps it.
    /// </summary>
    public sealed class SmokeTester
    {
        public const string ProbeFolder = "mediaops-smoke-test/";
        private const string ProbeContentType = "text/plain";
        private static readonly HttpClient Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

        private readonly IAwsClientFactory _clients;

        public SmokeTester(IAwsClientFactory clients) => _clients = clients ?? throw new ArgumentNullException(nameof(clients));

        /// <summary>The probe key this run will write: unique, under the prefix, named so nobody mistakes it for user media.</summary>
        public static string NewProbeKey(MediaTarget target) =>
            $"{target.Prefix}{ProbeFolder}{DateTime.UtcNow:yyyyMMddTHHmmssZ}-{Guid.NewGuid():N}.txt";

        /// <summary>Runs every step; each row goes to <paramref name="observer"/> as soon as it is known.</summary>
        public async Task RunAsync(MediaTarget target, AccessModel accessModel, string probeKey, bool keepObject,
            IRunObserver<CheckResult> observer, CancellationToken ct)
        {
            void Report(string check, CheckStatus status, string expected, string actual, string message) =>
                observer.Row(new CheckResult($"s3://{target.BucketName}/{probeKey}", check, status, expected, actual, message));

            var payload = Encoding.UTF8.GetBytes($"MediaOps smoke test {Guid.NewGuid():N} written {DateTime.UtcNow:o}\n");
            var s3 = _clients.CreateS3(target);
            string versionId = null;
            var uploaded = false;
            try
            {
                // Upload: as django-storages writes (content type from the name, no ACL, bucket-default encryption).
                try
                {
                    var put = await s3.PutObjectAsync(new PutObjectRequest
                    {
                        BucketName = target.BucketName,
                        Key = probeKey,
                        InputStream = new MemoryStream(payload),
                        ContentType = ProbeContentType,
                        MD5Digest = Convert.ToBase64String(MD5.Create().ComputeHash(payload)),
                    }, ct).ConfigureAwait(false);
                    uploaded = true;
                    versionId = string.IsNullOrEmpty(put.VersionId) || put.VersionId == "null" ? null : put.VersionId;
                    Report("Upload", CheckStatus.Pass, $"PutObject under {target.Prefix}", $"{payload.Length} bytes written", "The app's credentials can write under the prefix.");
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    var translated = await new BlockPublicAclsRefusal(s3, target).ExplainAsync(ex, probeKey, ct).ConfigureAwait(false)
                                     ?? S3ErrorTranslator.Translate(ex, target.BucketName, probeKey, "s3:PutObject");
                    if (!(translated is MediaOpsException mex) || mex.Kind != FailureKind.PermissionDenied) throw translated;
                    Report("Upload", CheckStatus.Fail, $"PutObject under {target.Prefix}", "AccessDenied", mex.Message + " Django uploads will fail the same way.");
                    foreach (var step in new[] { "Head", "ReadBack", "SignedUrl", "UnsignedUrl", "Delete" })
                        Report(step, CheckStatus.Skipped, null, null, "Not run: the upload failed.");
                    return;
                }

                await HeadAsync(s3, target, probeKey, Report, ct).ConfigureAwait(false);
                await ReadBackAsync(s3, target, probeKey, payload, Report, ct).ConfigureAwait(false);

                var urls = new MediaUrlBuilder(s3, target);
                await FetchSignedAsync(urls.ForKey(null, probeKey, unsigned: false, expiresInSeconds: 300).Url, payload, Report, ct).ConfigureAwait(false);
                await FetchUnsignedAsync(urls.ForKey(null, probeKey, unsigned: true).Url, payload, accessModel, Report, ct).ConfigureAwait(false);

                if (keepObject)
                {
                    Report("Delete", CheckStatus.Skipped, null, "kept", $"-KeepObject: s3://{target.BucketName}/{probeKey} was left in place; delete it when done.");
                }
                else
                {
                    await DeleteAsync(s3, target, probeKey, versionId, Report, ct).ConfigureAwait(false);
                    uploaded = false;
                }
                return;
            }
            finally
            {
                // Failure or Ctrl+C after the upload: remove the probe anyway, without the cancelled token.
                if (uploaded && !keepObject)
                    await CleanUpQuietlyAsync(s3, target.BucketName, probeKey, versionId).ConfigureAwait(false);
                s3.Dispose();
            }
        }

        private static async Task HeadAsync(IAmazonS3 s3, MediaTarget target, string key, Action<string, CheckStatus, string, string, string> report, CancellationToken ct)
        {
            const string expected = "in the prefix, encrypted, text/plain";
            try
            {
                var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = target.BucketName, Key = key }, ct).ConfigureAwait(false);
                var sse = head.ServerSideEncryptionMethod?.Value;
                var encrypted = !string.IsNullOrEmpty(sse) && sse != "None";
                var contentType = head.Headers?.ContentType;
                var problems = new List<string>();
                if (!key.StartsWith(target.Prefix, StringComparison.Ordinal)) problems.Add($"the key is outside the prefix '{target.Prefix}'");
                if (!encrypted) problems.Add("the object is not encrypted at rest: the bucket has no default encryption (Initialize-MediaBucket sets it)");
                if (contentType != ProbeContentType) problems.Add($"content type is '{contentType}', not '{ProbeContentType}'");
                var actual = $"key {key}; encryption {(encrypted ? sse : "none")}; {contentType}";
                report("Head", problems.Count == 0 ? CheckStatus.Pass : CheckStatus.Fail, expected, actual,
                    problems.Count == 0 ? "The object landed where Django will look for it, encrypted, with the right content type." : "Fix: " + string.Join("; ", problems) + ".");
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                report("Head", CheckStatus.Fail, expected, Describe(ex), S3ErrorTranslator.Translate(ex, target.BucketName, key, "s3:GetObject (HEAD)").Message);
            }
        }

        private static async Task ReadBackAsync(IAmazonS3 s3, MediaTarget target, string key, byte[] payload, Action<string, CheckStatus, string, string, string> report, CancellationToken ct)
        {
            try
            {
                byte[] body;
                using (var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = target.BucketName, Key = key }, ct).ConfigureAwait(false))
                using (var buffer = new MemoryStream())
                {
                    await get.ResponseStream.CopyToAsync(buffer, 81920, ct).ConfigureAwait(false);
                    body = buffer.ToArray();
                }
                var same = SameBytes(body, payload);
                report("ReadBack", same ? CheckStatus.Pass : CheckStatus.Fail, $"{payload.Length} identical bytes", $"{body.Length} bytes{(same ? ", identical" : ", different")}",
                    same ? "The app's credentials read back exactly what they wrote." : "S3 returned other bytes than were written: check for a proxy or an object-transforming gateway.");
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                report("ReadBack", CheckStatus.Fail, $"{payload.Length} identical bytes", Describe(ex), S3ErrorTranslator.Translate(ex, target.BucketName, key, "s3:GetObject").Message);
            }
        }

        private static async Task FetchSignedAsync(string url, byte[] payload, Action<string, CheckStatus, string, string, string> report, CancellationToken ct)
        {
            const string expected = "200 with identical bytes";
            try
            {
                var (status, body) = await GetAsync(url, ct).ConfigureAwait(false);
                var ok = status == 200 && SameBytes(body, payload);
                report("SignedUrl", ok ? CheckStatus.Pass : CheckStatus.Fail, expected, $"{status}, {body.Length} bytes",
                    ok ? "A presigned URL like Django's url(name) opens over plain HTTP."
                       : status == 403 ? "The presigned URL was refused: check the server clock (SigV4 allows 15 minutes of skew), the region (-Region / AWS_S3_REGION_NAME) and that the signing credentials may s3:GetObject."
                       : $"The presigned URL answered {status}: browsers will not get the file.");
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) || !ct.IsCancellationRequested)
            {
                report("SignedUrl", CheckStatus.Fail, expected, Describe(ex), $"The presigned URL could not be fetched: {ex.Message}. Check that the endpoint is reachable over HTTP(S) from here.");
            }
        }

        private static async Task FetchUnsignedAsync(string url, byte[] payload, AccessModel model, Action<string, CheckStatus, string, string, string> report, CancellationToken ct)
        {
            var expected = model == AccessModel.Private ? "403 (denied to anonymous readers)" : "200 with identical bytes";
            try
            {
                var (status, body) = await GetAsync(url, ct).ConfigureAwait(false);
                var actual = $"{status}, {body.Length} bytes";
                if (model == AccessModel.Private)
                {
                    if (status == 200)
                        report("UnsignedUrl", CheckStatus.Fail, expected, actual,
                            "Objects are public: anyone with the plain URL can read them, although the access model is Private. Remove the public-read bucket policy or ACL and turn on Block Public Access (Initialize-MediaBucket), or pass -AccessModel Public if public media is intended.");
                    else if (status == 403 || status == 401)
                        report("UnsignedUrl", CheckStatus.Pass, expected, actual, "Anonymous readers are denied; only signed URLs open media.");
                    else
                        report("UnsignedUrl", CheckStatus.Warning, expected, actual, $"Expected 403 for an unsigned GET, got {status}; check the endpoint and any proxy in front of it.");
                }
                else
                {
                    var ok = status == 200 && SameBytes(body, payload);
                    report("UnsignedUrl", ok ? CheckStatus.Pass : CheckStatus.Fail, expected, actual,
                        ok ? "Public media opens without a signature, as AWS_QUERYSTRING_AUTH = False expects."
                           : $"Unsigned URLs answer {status}, so Django's plain media URLs will not open. Grant public read on the prefix (Initialize-MediaBucket -AccessModel Public) or use the Private model with AWS_QUERYSTRING_AUTH = True.");
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) || !ct.IsCancellationRequested)
            {
                report("UnsignedUrl", CheckStatus.Fail, expected, Describe(ex), $"The unsigned URL could not be fetched: {ex.Message}.");
            }
        }

        private static async Task DeleteAsync(IAmazonS3 s3, MediaTarget target, string key, string versionId, Action<string, CheckStatus, string, string, string> report, CancellationToken ct)
        {
            const string expected = "probe object removed";
            try
            {
                var leftVersion = false;
                if (versionId != null)
                {
                    try
                    {
                        // On a versioned bucket a plain delete only adds a delete marker; remove the version itself.
                        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = target.BucketName, Key = key, VersionId = versionId }, ct).ConfigureAwait(false);
                    }
                    catch (AmazonS3Exception ex) when (S3ErrorTranslator.IsAccessDenied(ex))
                    {
                        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = target.BucketName, Key = key }, ct).ConfigureAwait(false);
                        leftVersion = true;
                    }
                }
                else
                {
                    await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = target.BucketName, Key = key }, ct).ConfigureAwait(false);
                }
                if (leftVersion)
                    report("Delete", CheckStatus.Warning, expected, "delete marker added; a noncurrent version remains",
                        "The credentials may not s3:DeleteObjectVersion, so the probe's old version stays until the noncurrent-version lifecycle rule expires it.");
                else
                    report("Delete", CheckStatus.Pass, expected, versionId == null ? "deleted" : $"version {versionId} deleted", "The app's credentials can delete, and the probe left nothing behind.");
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                report("Delete", CheckStatus.Fail, expected, Describe(ex),
                    S3ErrorTranslator.Translate(ex, target.BucketName, key, "s3:DeleteObject").Message + $" Remove s3://{target.BucketName}/{key} by hand.");
            }
        }

        private static async Task CleanUpQuietlyAsync(IAmazonS3 s3, string bucket, string key, string versionId)
        {
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                try
                {
                    await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, VersionId = versionId }, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    try { await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key }, timeout.Token).ConfigureAwait(false); }
                    catch (Exception) { /* best effort: the run is already failing or stopping */ }
                }
            }
        }

        private static async Task<(int Status, byte[] Body)> GetAsync(string url, CancellationToken ct)
        {
            using (var response = await Http.GetAsync(url, ct).ConfigureAwait(false))
            {
                var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                return ((int)response.StatusCode, body);
            }
        }

        private static bool SameBytes(byte[] a, byte[] b)
        {
            if (a.Length != b.Length) return false;
            for (var i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
            return true;
        }

        private static string Describe(Exception ex)
        {
            var status = S3ErrorTranslator.StatusCode(ex);
            var code = S3ErrorTranslator.ErrorCode(ex);
            return status != null ? $"{status} {code}".Trim() : ex.GetType().Name;
        }
    }
}
