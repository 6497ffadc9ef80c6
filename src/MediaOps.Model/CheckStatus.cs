namespace MediaOps
{
    /// <summary>Outcome of one check. Ordered by severity so callers can take the worst.</summary>
    public enum CheckStatus
    {
        Pass = 0,
        Skipped = 1,
        Warning = 2,
        Fail = 3,
        Error = 4,
    }
}
