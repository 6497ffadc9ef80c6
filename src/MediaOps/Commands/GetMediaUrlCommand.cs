using System.Management.Automation;
using MediaOps.Infrastructure;
using MediaOps.Urls;

namespace MediaOps.Commands
{
    /// <summary>The URL Django would hand out for a file name: presigned SigV4 GET, or plain for public media.</summary>
    [Cmdlet(VerbsCommon.Get, "MediaUrl", DefaultParameterSetName = SignedSet)]
    [OutputType(typeof(MediaUrl))]
    public sealed class GetMediaUrlCommand : MediaTargetCmdlet
    {
        private const string SignedSet = "Signed";
        private const string UnsignedSet = "Unsigned";

        /// <summary>Django file names (FileField values).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Key", "FileName", "File")]
        [AllowEmptyString]
        public string[] Name { get; set; }

        /// <summary>Seconds the URL stays valid; django-storages' AWS_QUERYSTRING_EXPIRE defaults to 3600.</summary>
        [Parameter(ParameterSetName = SignedSet)]
        [ValidateRange(1, MediaUrlBuilder.MaxExpiresInSeconds)]
        public int ExpiresIn { get; set; } = MediaUrlBuilder.DefaultExpiresInSeconds;

        /// <summary>A plain URL without signature, for public media (AWS_QUERYSTRING_AUTH = False).</summary>
        [Parameter(Mandatory = true, ParameterSetName = UnsignedSet)]
        [Alias("Public")]
        public SwitchParameter Unsigned { get; set; }

        private MediaUrlBuilder _urls;

        protected override void OnBegin() => _urls = new MediaUrlBuilder(Clients, ResolveTarget());

        protected override void OnRecord()
        {
            // Each name is its own item: a name django-storages would refuse is an error for that name only.
            foreach (var name in Name ?? new string[0])
                ForItem(name, () => WriteObject(_urls.For(name, Unsigned, ExpiresIn)));
        }

        protected override void OnEnd() => _urls.Dispose();
    }
}
