using System.Management.Automation;
using MediaOps.Targets;

namespace MediaOps.Infrastructure
{
    /// <summary>
    /// Base of every cmdlet that names where the media lives: -BucketName, -Prefix, -Region and -EndpointUrl,
    /// declared once, with django-storages' environment variables as defaults. The same positions everywhere
    /// (bucket first, then prefix, after any position-0 parameter of the cmdlet), so one splat of these four
    /// works with every MediaOps cmdlet. Cmdlets that never talk to S3 derive from this directly.
    /// </summary>
    public abstract class MediaLocationCmdlet : MediaCmdlet
    {
        /// <summary>
        /// Bucket; defaults to $env:AWS_STORAGE_BUCKET_NAME. Virtual so that a cmdlet whose subject is the bucket
        /// (checks, initialisation) can also take plain bucket names from the pipeline ('a','b' | Test-MediaBucket).
        /// </summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Bucket")]
        [ValidateNotNullOrEmpty]
        public virtual string BucketName { get; set; }

        /// <summary>Key prefix; defaults to $env:AWS_LOCATION, else 'media'.</summary>
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("KeyPrefix", "Location")]
        [AllowEmptyString]
        public string Prefix { get; set; }

        /// <summary>Defaults to $env:AWS_S3_REGION_NAME, then the SDK chain.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string Region { get; set; }

        /// <summary>Defaults to $env:AWS_S3_ENDPOINT_URL; only for S3-compatible servers (path-style addressing).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string EndpointUrl { get; set; }

        /// <summary>The bucket, prefix, region and endpoint from the parameters and the environment; writes where each came from to verbose.</summary>
        protected MediaTarget ResolveLocation(bool requireBucket = true) =>
            ResolveTarget(new MediaTargetOptions { BucketName = BucketName, Prefix = Prefix, Region = Region, EndpointUrl = EndpointUrl }, requireBucket);

        /// <summary>Resolves <paramref name="options"/>; a bad value ends the call with an InvalidArgument error.</summary>
        protected MediaTarget ResolveTarget(MediaTargetOptions options, bool requireBucket) => WholeCall(() =>
        {
            var target = MediaTarget.Resolve(options, null, requireBucket);
            foreach (var note in target.Notes) WriteVerbose("MediaOps: " + note);
            return target;
        });
    }
}
