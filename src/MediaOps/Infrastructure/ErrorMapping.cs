using System;
using System.Management.Automation;

namespace MediaOps.Infrastructure
{
    /// <summary>Engine failure → ErrorRecord with a stable id, a real category and the original exception inside.</summary>
    internal static class ErrorMapping
    {
        public static ErrorRecord ToErrorRecord(Exception exception, object target)
        {
            while (exception is AggregateException ae && ae.InnerExceptions.Count == 1) exception = ae.InnerException;
            if (exception is MediaOpsException mex)
            {
                var record = new ErrorRecord(mex, mex.ErrorId, Category(mex.Kind), target ?? mex.Target);
                return record;
            }
            if (exception is ArgumentException)
                return new ErrorRecord(exception, "MediaOps.InvalidArgument", ErrorCategory.InvalidArgument, target);
            if (exception is UnauthorizedAccessException)
                return new ErrorRecord(exception, "MediaOps.LocalAccessDenied", ErrorCategory.PermissionDenied, target);
            if (exception is System.IO.FileNotFoundException || exception is System.IO.DirectoryNotFoundException)
                return new ErrorRecord(exception, "MediaOps.PathNotFound", ErrorCategory.ObjectNotFound, target);
            if (exception is System.IO.IOException)
                return new ErrorRecord(exception, "MediaOps.LocalIOError", ErrorCategory.WriteError, target);
            return new ErrorRecord(exception, "MediaOps.UnexpectedError", ErrorCategory.NotSpecified, target);
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
                default: return ErrorCategory.NotSpecified;
            }
        }
    }
}
