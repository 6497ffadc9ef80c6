namespace MediaOps
{
    /// <summary>Why an operation could not proceed. Cmdlets map these to PowerShell's ErrorCategory.</summary>
    public enum FailureKind
    {
        Unknown = 0,
        InvalidArgument,
        NotFound,
        PermissionDenied,
        Authentication,
        NoCredentials,
        WrongRegion,
        NotSupported,
        Connection,
        Conflict,
        Integrity,
        Timeout,
        Cancelled,
        /// <summary>Refused because it would be unsafe (e.g. a key that would write outside the restore folder).</summary>
        Unsafe,
        /// <summary>The resource is not in a state that allows the operation (e.g. a bucket without versioning).</summary>
        InvalidState,
    }
}
