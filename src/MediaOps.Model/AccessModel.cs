namespace MediaOps
{
    /// <summary>How media objects are meant to be reached: signed URLs only, or public read on the prefix.</summary>
    public enum AccessModel
    {
        Private = 0,
        Public = 1,
    }
}
