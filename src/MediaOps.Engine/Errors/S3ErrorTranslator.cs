using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;

namespace MediaOps.Errors
{
    /// <summary>Turns SDK exceptions into <see cref="MediaOpsException"/> with a message that says what to do.</summary>
    public static class S3ErrorTranslator
    {
        /// <summary>S3 error code of an exception, or null when it did not come from the service.</summary>
        public static string ErrorCode(Exception ex) => (Unwrap(ex) as AmazonServiceException)?.ErrorCode;

        public static int? StatusCode(Exception ex)
        {
            var se = Unwrap(ex) as AmazonServiceException;
            return se == null || se.StatusCode == 0 ? (int?)null : (int)se.StatusCode;
        }

        public static bool IsAccessDenied(Exception ex) =>
            StatusCode(ex) == 403 && ErrorCode(ex) is string c && (c == "AccessDenied" || c == "AllAccessDisabled" || c == "Forbidden" || c == "403");

        public static bool IsNotImplemented(Exception ex) =>
            StatusCode(ex) == 501 || ErrorCode(ex) == "NotImplemented" || ErrorCode(ex) == "XNotImplemented";

        public static bool IsNotFound(Exception ex) => StatusCode(ex) == 404;

        /// <summary>Translate any exception from an S3/STS call. <paramref name="operation"/> names the S3 action (e.g. s3:GetObject).</summary>
        public static Exception Translate(Exception ex, string bucket, string key = null, string operation = null)
        {
            ex = Unwrap(ex);
            if (ex is MediaOpsException || ex is OperationCanceledException) return ex;
            var target = key == null ? $"s3://{bucket}" : $"s3://{bucket}/{key}";
            var op = operation == null ? "" : $" ({operation})";

            if (ex is AmazonServiceException se)
            {
                var code = se.ErrorCode ?? "";
                var status = (int)se.StatusCode;
                MediaOpsException Make(string id, FailureKind kind, string msg) =>
                    new MediaOpsException(id, kind, msg, target, ex) { ServiceErrorCode = code, HttpStatus = status == 0 ? (int?)null : status };

                switch (code)
                {
                    case "NoSuchBucket":
                        return Make("BucketNotFound", FailureKind.NotFound,
                            $"Bucket '{bucket}' does not exist. Check -BucketName (or AWS_STORAGE_BUCKET_NAME), or create it with Initialize-MediaBucket.");
                    case "NoSuchKey":
                        return Make("ObjectNotFound", FailureKind.NotFound, $"Object {target} does not exist.");
                    case "InvalidAccessKeyId":
                        return Make("InvalidAccessKeyId", FailureKind.Authentication,
                            "The access key id is not known to this endpoint. Check -Credential, -ProfileName or AWS_ACCESS_KEY_ID, and that -EndpointUrl points at the right service.");
                    case "SignatureDoesNotMatch":
                        return Make("SignatureDoesNotMatch", FailureKind.Authentication,
                            "The secret access key does not match the access key id. Re-enter the secret (it is never shown) or use another profile.");
                    case "ExpiredToken":
                    case "TokenRefreshRequired":
                    case "RequestExpired":
                        return Make("ExpiredCredentials", FailureKind.Authentication,
                            "The credentials have expired. Refresh the session (aws sso login, re-assume the role) and run again.");
                    case "PermanentRedirect":
                    case "AuthorizationHeaderMalformed":
                    case "IllegalLocationConstraintException":
                        return Make("WrongRegion", FailureKind.WrongRegion,
                            $"Bucket '{bucket}' is in another region than the one used{RegionHint(se)}. Pass -Region with the bucket's region (or set AWS_S3_REGION_NAME).");
                    case "BucketAlreadyExists":
                        return Make("BucketNameTaken", FailureKind.Conflict,
                            $"Bucket name '{bucket}' is taken by another AWS account. Bucket names are global: choose another name.");
                    case "InvalidBucketName":
                        return Make("InvalidBucketName", FailureKind.InvalidArgument, $"'{bucket}' is not a valid bucket name: {se.Message}");
                    case "SlowDown":
                        return Make("SlowDown", FailureKind.Timeout, $"S3 kept throttling{op} after retries. Lower -Concurrency and run again; the run resumes where it stopped.");
                    case "BadDigest":
                    case "InvalidDigest":
                    case "XAmzContentSHA256Mismatch":
                        return Make("IntegrityCheckFailed", FailureKind.Integrity, $"S3 rejected the bytes of {target}: the checksum did not match what was sent. Run again; nothing was stored.");
                }
                if (IsNotImplemented(se))
                    return Make("NotSupported", FailureKind.NotSupported, $"This endpoint does not support {operation ?? "that call"}.");
                if (status == 403)
                    return Make("AccessDenied", FailureKind.PermissionDenied,
                        $"Access denied to {target}{op}. The credentials in use lack that permission (see New-MediaIamPolicy for what the app needs), or a bucket policy denies it: e.g. a TLS-only statement (aws:SecureTransport) denies every request over http://, as Initialize-MediaBucket -RequireTls adds.");
                if (status == 404)
                    return key == null
                        ? Make("BucketNotFound", FailureKind.NotFound, $"Bucket '{bucket}' was not found. Check -BucketName or create it with Initialize-MediaBucket.")
                        : Make("ObjectNotFound", FailureKind.NotFound, $"Object {target} does not exist.");
                if (status == 301)
                    return Make("WrongRegion", FailureKind.WrongRegion,
                        $"Bucket '{bucket}' is in another region{RegionHint(se)}. Pass -Region with the bucket's region (or set AWS_S3_REGION_NAME).");
                return Make("S3Error", status >= 500 ? FailureKind.Connection : FailureKind.Unknown,
                    $"S3 answered {status} {code}{op} for {target}: {se.Message}");
            }

            // Credentials loaded lazily (a profile read at the first request) fail here: never with the SDK's text.
            if (CredentialLoadError.IsFileError(ex)) return CredentialLoadError.From(ex);
            if (ex is AmazonClientException ace && ace.Message.IndexOf("credential", StringComparison.OrdinalIgnoreCase) >= 0)
                return NoCredentials();
            if (ex is HttpRequestException || ex is WebException || ex is SocketException || ex is IOException
                || ex.InnerException is SocketException || ex.InnerException is HttpRequestException)
                return new MediaOpsException("EndpointUnreachable", FailureKind.Connection,
                    $"Could not reach S3{op} for {target}: {ex.Message}. Check -EndpointUrl / AWS_S3_ENDPOINT_URL, proxy and network, then run again.", target, ex);
            if (ex is TimeoutException || ex is TaskCanceledException)
                return new MediaOpsException("Timeout", FailureKind.Timeout, $"S3 did not answer in time{op} for {target}. Run again; nothing partial was kept.", target, ex);
            return ex;
        }

        /// <summary>
        /// For the cmdlets' one error path: an exception that left the engine untranslated, if it came from the SDK or
        /// the network, as a <see cref="MediaOpsException"/>; anything else (a local IOException, a bug) unchanged.
        /// </summary>
        public static Exception TranslateEscaped(Exception ex, string bucket)
        {
            var inner = Unwrap(ex);
            var fromAws = inner is AmazonServiceException || inner is AmazonClientException
                || inner is HttpRequestException || inner is WebException || inner is SocketException || inner is TimeoutException;
            return fromAws ? Translate(inner, bucket ?? "-") : ex;
        }

        /// <summary>No inner exception: what the SDK says about credentials can quote them (see <see cref="CredentialLoadError"/>).</summary>
        public static MediaOpsException NoCredentials() =>
            new MediaOpsException("NoCredentials", FailureKind.NoCredentials,
                "No AWS credentials were found. Pass -Credential (user = access key id, password = secret), -ProfileName, " +
                "or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance/task role is available.");

        /// <summary>
        /// STS refused (or could not be asked) to assume <paramref name="role"/>: one Authentication error that
        /// names the role and what to check. Never contains the web identity token, even if STS echoed it.
        /// </summary>
        public static MediaOpsException RoleNotAssumed(Exception ex, Targets.RoleRequest role, string baseSource)
        {
            ex = Unwrap(ex);
            if (ex is MediaOpsException mex && mex.ErrorId == "MediaOps.RoleNotAssumed") return mex;
            var se = ex as AmazonServiceException;
            var code = se?.ErrorCode;
            var how = role.UsesWebIdentity ? "with the web identity token" : "with " + baseSource;
            string check;
            switch (code)
            {
                case "InvalidIdentityToken":
                case "ExpiredTokenException":
                case "ExpiredToken":
                case "IDPRejectedClaim":
                case "IDPCommunicationError":
                    check = "Check that the token is fresh (ask the managed identity for a new one), that its issuer is an IAM OIDC identity provider in the role's account, and that its audience and subject match the role's trust policy.";
                    break;
                case "ValidationError":
                    check = "Check -DurationSeconds (AWS accepts 900 up to the role's maximum session duration) and -RoleSessionName.";
                    break;
                case "AccessDenied":
                default:
                    check = role.UsesWebIdentity
                        ? "Check that the role's trust policy allows sts:AssumeRoleWithWebIdentity for the token's issuer (Federated principal), audience and subject."
                        : "Check that the role's trust policy names this caller as Principal" + (role.ExternalId != null ? " with an sts:ExternalId condition equal to -ExternalId" : "") +
                          ", and that the caller's own policy allows sts:AssumeRole on the role.";
                    break;
            }
            if (se == null)
                check = "STS did not answer: check the network and proxy (and -EndpointUrl for an S3-compatible server, whose STS is on the same endpoint).";
            var said = se == null ? ex.Message : $"STS answered {(int)se.StatusCode} {code}: {se.Message}";
            if (role.WebIdentityToken != null) said = said.Replace(role.WebIdentityToken, "<token>");
            var inner = role.WebIdentityToken != null && (ex.ToString().IndexOf(role.WebIdentityToken, StringComparison.Ordinal) >= 0) ? null : ex;
            return new MediaOpsException("RoleNotAssumed", FailureKind.Authentication,
                $"Could not assume role '{role.RoleArn}' {how}. {said.TrimEnd('.')}. {check}", role.RoleArn, inner)
            {
                ServiceErrorCode = code,
                HttpStatus = se == null || se.StatusCode == 0 ? (int?)null : (int)se.StatusCode,
            };
        }

        private static string RegionHint(AmazonServiceException se)
        {
            var region = RegionFromError(se);
            return region == null ? "" : $" (the bucket is in '{region}')";
        }

        /// <summary>Best-effort region named by S3 in a redirect or malformed-authorization error.</summary>
        public static string RegionFromError(Exception ex)
        {
            if (!(Unwrap(ex) is AmazonServiceException se)) return null;
            var m = System.Text.RegularExpressions.Regex.Match(se.Message ?? "", "expecting '([a-z0-9-]+)'");
            if (m.Success) return m.Groups[1].Value;
            // PermanentRedirect / AuthorizationHeaderMalformed bodies carry <Region> (or an <Endpoint> naming it).
            var body = (se as AmazonS3Exception)?.ResponseBody ?? "";
            m = System.Text.RegularExpressions.Regex.Match(body, "<Region>([a-z0-9-]+)</Region>");
            if (m.Success) return m.Groups[1].Value;
            m = System.Text.RegularExpressions.Regex.Match(body, @"<Endpoint>[^<]*s3[.-]([a-z]{2}(-gov)?-[a-z]+-\d)\.amazonaws");
            if (m.Success) return m.Groups[1].Value;
            m = System.Text.RegularExpressions.Regex.Match(se.Message ?? "", @"\b([a-z]{2}(-gov)?-[a-z]+-\d)\b");
            return m.Success ? m.Groups[1].Value : null;
        }

        internal static Exception Unwrap(Exception ex)
        {
            while (ex is AggregateException ae && ae.InnerExceptions.Count == 1) ex = ae.InnerException;
            return ex;
        }
    }
}
