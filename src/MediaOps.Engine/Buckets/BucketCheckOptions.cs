namespace MediaOps.Buckets
{
    /// <summary>What Test-MediaBucket verifies against.</summary>
    public sealed class BucketCheckOptions
    {
        public AccessModel AccessModel { get; set; } = AccessModel.Private;
        /// <summary>Region the bucket must be in; null means the region the requests use.</summary>
        public string ExpectedRegion { get; set; }
        /// <summary>Where static files live (STATICFILES location); must not overlap the media prefix.</summary>
        public string StaticPrefix { get; set; }
    }
}
