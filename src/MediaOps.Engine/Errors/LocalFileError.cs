using System;
using System.IO;
using MediaOps.Transfer;

namespace MediaOps.Errors
{
    /// <summary>
    /// A local file-system failure of one transfer as a MediaOps error named for its real cause (a link refused,
    /// a file gone, a name too long, a folder in the way, no permission), never as an unreachable endpoint.
    /// </summary>
    public static class LocalFileError
    {
        public const string SymlinkRefusedId = "MediaOps.SymlinkRefused";
        public const string FileGoneId = "MediaOps.LocalFileGone";
        public const string NameTooLongId = "MediaOps.LocalNameTooLong";
        public const string NameIsFolderId = "MediaOps.LocalNameIsFolder";
        public const string AccessDeniedId = "MediaOps.LocalAccessDenied";
        public const string FileChangedId = "MediaOps.FileChangedDuringUpload";
        public const string OtherId = "MediaOps.LocalIOError";

        /// <summary>
        /// The MediaOps error for a local failure while <paramref name="key"/> was uploaded (<paramref name="upload"/>) or
        /// restored, or null when <paramref name="ex"/> is not a local file-system failure.
        /// </summary>
        internal static MediaOpsException From(Exception ex, string key, bool upload)
        {
            var what = upload ? $"'{key}' was not uploaded" : $"nothing was written for '{key}'";
            switch (ex)
            {
                case MediaOpsException _: return null;
                case LocalFileException local: return Make(local.Problem, local.Message, local.Path, what, upload, ex);
                case PathTooLongException _: return Make(LocalFileProblem.NameTooLong, ex.Message, null, what, upload, ex);
                case FileNotFoundException fnf: return Make(LocalFileProblem.Gone, ex.Message, fnf.FileName, what, upload, ex);
                case DirectoryNotFoundException _: return Make(LocalFileProblem.Gone, ex.Message, null, what, upload, ex);
                case UnauthorizedAccessException _: return Make(LocalFileProblem.AccessDenied, ex.Message, null, what, upload, ex);
                default: return null;
            }
        }

        private static MediaOpsException Make(LocalFileProblem problem, string cause, string path, string what, bool upload, Exception inner)
        {
            cause = cause.TrimEnd('.');
            switch (problem)
            {
                case LocalFileProblem.LinkOnTheWay:
                    return new MediaOpsException(SymlinkRefusedId, FailureKind.Unsafe,
                        $"Refused: {cause}. It changed after the folder was checked; {what}, and nothing outside the folder was {(upload ? "read" : "written")}. " +
                        "Find out who replaced it; run again once it is a plain folder or file.", path, inner);
                case LocalFileProblem.Gone:
                    return new MediaOpsException(FileGoneId, FailureKind.NotFound,
                        $"{Capital(cause)}; {what}. Run the sync again (a file deleted on purpose is then handled as deleted).", path, inner);
                case LocalFileProblem.NameTooLong:
                    return new MediaOpsException(NameTooLongId, FailureKind.InvalidArgument,
                        $"{Capital(cause)}; {what}. Most file systems allow 255 bytes per name: rename the {(upload ? "file" : "object in S3")}" +
                        (upload ? "." : ", or restore into a file system that allows longer names."), path, inner);
                case LocalFileProblem.IsAFolder:
                    return new MediaOpsException(NameIsFolderId, FailureKind.Conflict,
                        $"{Capital(cause)}; {what}. An object and a folder cannot share a name on disk: rename one of them.", path, inner);
                case LocalFileProblem.AccessDenied:
                    return new MediaOpsException(AccessDeniedId, FailureKind.PermissionDenied,
                        $"{Capital(cause)}; {what}. Run as an account that can {(upload ? "read" : "write")} there, or fix the permissions.", path, inner);
                case LocalFileProblem.Changed:
                    return new MediaOpsException(FileChangedId, FailureKind.Conflict,
                        $"{Capital(cause)}; {what} (what S3 would hold would mix old and new bytes). Run the sync again when the file is no longer written to.", path, inner);
                default:
                    return new MediaOpsException(OtherId, FailureKind.Unknown, $"Local file system: {cause}; {what}.", path, inner);
            }
        }

        private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
    }
}
