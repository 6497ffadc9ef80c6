using System;

namespace MediaOps.Transfer
{
    /// <summary>What went wrong with a local file or folder, as the file system said it.</summary>
    internal enum LocalFileProblem
    {
        Other,
        /// <summary>A symbolic link (or a non-folder) where a folder or file below the root was expected.</summary>
        LinkOnTheWay,
        /// <summary>Deleted or renamed after the walk saw it.</summary>
        Gone,
        AccessDenied,
        NameTooLong,
        /// <summary>An existing folder has the name a file needs.</summary>
        IsAFolder,
        /// <summary>Changed while it was read for an upload.</summary>
        Changed,
    }

    /// <summary>
    /// A local file-system failure of a transfer, before it is given the key it concerns
    /// (<see cref="MediaOps.Errors.LocalFileError"/>). Not an IOException on purpose: the network's IOExceptions are
    /// "check -EndpointUrl", a local one never is.
    /// </summary>
    internal sealed class LocalFileException : Exception
    {
        public LocalFileException(LocalFileProblem problem, string path, string message) : base(message)
        {
            Problem = problem;
            Path = path;
        }

        public LocalFileProblem Problem { get; }
        public string Path { get; }
    }
}
