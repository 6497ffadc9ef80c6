namespace MediaOps
{
    public enum SyncDirection
    {
        ToS3 = 0,
        FromS3 = 1,
        /// <summary>Restore-MediaVersion: old versions copied back on top, inside the bucket.</summary>
        Restore = 2,
    }

    public enum SyncAction
    {
        Upload = 0,
        Download = 1,
        Delete = 2,
        Skip = 3,
        /// <summary>An old version copied back on top of the key (Restore-MediaVersion).</summary>
        Restore = 4,
        /// <summary>Same content, headers replaced by a server-side copy (Sync-MediaToS3 -UpdateMetadata); no bytes sent.</summary>
        UpdateMetadata = 5,
    }

    public enum SyncItemStatus
    {
        Planned = 0,
        Done = 1,
        Failed = 2,
    }
}
