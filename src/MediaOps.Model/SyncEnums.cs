namespace MediaOps
{
    public enum SyncDirection
    {
        ToS3 = 0,
        FromS3 = 1,
    }

    public enum SyncAction
    {
        Upload = 0,
        Download = 1,
        Delete = 2,
        Skip = 3,
    }

    public enum SyncItemStatus
    {
        Planned = 0,
        Done = 1,
        Failed = 2,
    }
}
