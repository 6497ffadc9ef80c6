using System;
using System.Management.Automation;

namespace MediaOps.Infrastructure
{
    /// <summary>
    /// Any exception a cmdlet sees → ErrorRecord with a stable MediaOps.* id, a real category, the target and the
    /// original exception inside; and whether it stops the whole call. Used only by <see cref="MediaCmdlet"/>'s error path.
    /// </summary>
    internal static class ErrorMapping
    {
        /// <summary>
        /// Failures after which no other item of the call can succeed (credentials, the endpoint); anything
        /// unexpected counts too. The rest concern one item when the cmdlet works item by item.
        /// </summary>
        public static bool StopsEverything(Exception exception)
        {
            var mex = Unwrap(exception) as MediaOpsException;
            return mex == null || mex.Kind == FailureKind.NoCredentials || mex.Kind == FailureKind.Authentication || mex.Kind == FailureKind.Connection;
        }

        public static ErrorRecord ToErrorRecord(Exception exception, object target)
        {
            exception = Unwrap(exception);
            if (exception is MediaOpsException mex)
            {
                return new ErrorRecord(mex, mex.ErrorId, Category(mex.Kind), target ?? mex.Target);
            }
            if (exception is ArgumentException)
                return new ErrorRecord(exception, "MediaOps.InvalidArgument", ErrorCategory.InvalidArgument, target);
            if (exception is UnauthorizedAccessException)
                return new ErrorRecord(exception, "MediaOps.LocalAccessDenied", ErrorCategory.PermissionDenied, target);
            if (exception is System.IO.FileNotFoundException || exception is System.IO.DirectoryNotFoundException)
                return new ErrorRecord(exception, "MediaOps.PathNotFound", ErrorCategory.ObjectNotFound, target);
            if (exception is System.IO.IOException)
                return new ErrorRecord(exception, "MediaOps.LocalIOError", ErrorCategory.WriteError, target);
            if (exception is OperationCanceledException)
                return new ErrorRecord(exception, "MediaOps.Cancelled", ErrorCategory.OperationStopped, target);
            return new ErrorRecord(exception, "MediaOps.UnexpectedError", ErrorCategory.NotSpecified, target);
        }

        private static Exception Unwrap(Exception exception)
        {
            while (exception is AggregateException ae && ae.InnerExceptions.Count == 1) exception = ae.InnerException;
            return exception;
        }

        public static ErrorCategory Category(FailureKind kind)
        {
            switch (kind)
            {
                case FailureKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case FailureKind.NotFound: return ErrorCategory.ObjectNotFound;
                case FailureKind.PermissionDenied: return ErrorCategory.PermissionDenied;
                case FailureKind.Authentication: return ErrorCategory.AuthenticationError;
                case FailureKind.NoCredentials: return ErrorCategory.AuthenticationError;
                case FailureKind.WrongRegion: return ErrorCategory.InvalidArgument;
                case FailureKind.NotSupported: return ErrorCategory.NotImplemented;
                case FailureKind.Connection: return ErrorCategory.ConnectionError;
                case FailureKind.Conflict: return ErrorCategory.ResourceExists;
                case FailureKind.Integrity: return ErrorCategory.InvalidData;
                case FailureKind.Timeout: return ErrorCategory.OperationTimeout;
                case FailureKind.Cancelled: return ErrorCategory.OperationStopped;
                case FailureKind.Unsafe: return ErrorCategory.SecurityError;
                case FailureKind.InvalidState: return ErrorCategory.InvalidOperation;
                default: return ErrorCategory.NotSpecified;
            }
        }
    }
}
