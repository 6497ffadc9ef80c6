using System;

namespace MediaOps
{
    /// <summary>
    /// A failure the engine has already understood: a stable id, a kind, the target
    /// (bucket or key) and a message that says what to do. Never carries a secret.
    /// </summary>
    public sealed class MediaOpsException : Exception
    {
        public MediaOpsException(string errorId, FailureKind kind, string message, string target = null, Exception inner = null)
            : base(message, inner)
        {
            ErrorId = errorId.StartsWith("MediaOps.", StringComparison.Ordinal) ? errorId : "MediaOps." + errorId;
            Kind = kind;
            Target = target;
        }

        /// <summary>Stable id, e.g. <c>MediaOps.BucketNotFound</c>.</summary>
        public string ErrorId { get; }
        public FailureKind Kind { get; }
        /// <summary>Bucket, key or path the failure is about.</summary>
        public string Target { get; }
        /// <summary>S3 error code when the failure came from S3 (AccessDenied, NoSuchBucket, ...).</summary>
        public string ServiceErrorCode { get; internal set; }
        public int? HttpStatus { get; internal set; }
    }
}
