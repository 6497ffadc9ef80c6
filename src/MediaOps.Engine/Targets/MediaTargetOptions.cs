namespace MediaOps.Targets
{
    /// <summary>What the caller gave explicitly; nulls fall back to django-storages' environment variables, then the SDK.</summary>
    public sealed class MediaTargetOptions
    {
        public string BucketName { get; set; }
        public string Prefix { get; set; }
        public string Region { get; set; }
        public string EndpointUrl { get; set; }
        public string ProfileName { get; set; }
        public string AccessKeyId { get; set; }
        /// <summary>Never printed, logged or stored.</summary>
        public string SecretAccessKey { get; set; }
        public string SessionToken { get; set; }
        /// <summary>A role to assume with the base credentials, or through a web identity token; null: none.</summary>
        public RoleRequest Role { get; set; }
    }
}
