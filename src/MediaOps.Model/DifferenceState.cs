namespace MediaOps
{
    public enum DifferenceState
    {
        Same = 0,
        OnlyLocal = 1,
        OnlyRemote = 2,
        Changed = 3,
    }
}
