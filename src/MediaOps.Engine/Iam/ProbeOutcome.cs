using System;
using System.Threading.Tasks;
using MediaOps.Errors;

namespace MediaOps.Iam
{
    /// <summary>How S3 answered one access probe.</summary>
    public enum ProbeVerdict
    {
        /// <summary>The request passed authorisation (it may still have failed later, e.g. MalformedPolicy, NoSuchBucketPolicy).</summary>
        Allowed,
        Denied,
        NotSupported,
        /// <summary>Some other error: the probe says nothing about permissions.</summary>
        Failed,
    }

    /// <summary>The answer to one probe, with the S3 error code when there was one.</summary>
    public sealed class ProbeOutcome
    {
        public ProbeOutcome(ProbeVerdict verdict, string errorCode = null, string detail = null, int? status = null)
        {
            Verdict = verdict;
            ErrorCode = errorCode;
            Detail = detail;
            Status = status;
        }

        public ProbeVerdict Verdict { get; }
        public string ErrorCode { get; }
        public string Detail { get; }
        public int? Status { get; }

        /// <summary>"allowed", "denied (AccessDenied)", ... for the Actual column.</summary>
        public string Describe() => Verdict switch
        {
            ProbeVerdict.Allowed => ErrorCode == null ? "allowed" : $"allowed (then {ErrorCode})",
            ProbeVerdict.Denied => $"denied ({ErrorCode ?? "403"})",
            ProbeVerdict.NotSupported => "not supported by this endpoint",
            _ => $"error ({ErrorCode ?? "unknown"})",
        };

        /// <summary>
        /// Run one S3 call and classify the answer. Errors after authorisation that the caller names in
        /// <paramref name="allowedErrors"/> (e.g. MalformedPolicy) count as Allowed. Failures that stop the
        /// whole run (bucket missing, bad keys, endpoint unreachable, wrong region) are thrown, translated.
        /// </summary>
        public static async Task<ProbeOutcome> RunAsync(Func<Task> call, string bucket, string key, string operation, params string[] allowedErrors)
        {
            try
            {
                await call().ConfigureAwait(false);
                return new ProbeOutcome(ProbeVerdict.Allowed);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                var code = S3ErrorTranslator.ErrorCode(ex);
                var status = S3ErrorTranslator.StatusCode(ex);
                if (code != null && Array.IndexOf(allowedErrors, code) >= 0) return new ProbeOutcome(ProbeVerdict.Allowed, code, null, status);
                if (S3ErrorTranslator.IsAccessDenied(ex)) return new ProbeOutcome(ProbeVerdict.Denied, code, null, status);
                if (S3ErrorTranslator.IsNotImplemented(ex)) return new ProbeOutcome(ProbeVerdict.NotSupported, code, null, status);
                var translated = S3ErrorTranslator.Translate(ex, bucket, key, operation);
                if (translated is MediaOpsException mex && StopsTheRun(mex, key)) throw mex;
                return new ProbeOutcome(ProbeVerdict.Failed, code, translated.Message, status);
            }
        }

        private static bool StopsTheRun(MediaOpsException ex, string key)
        {
            switch (ex.Kind)
            {
                case FailureKind.Authentication:
                case FailureKind.NoCredentials:
                case FailureKind.Connection:
                case FailureKind.WrongRegion:
                    return true;
                case FailureKind.NotFound:
                    return ex.ServiceErrorCode == "NoSuchBucket" || (key == null && ex.ErrorId == "MediaOps.BucketNotFound");
                default:
                    return false;
            }
        }
    }
}
