using System;
using System.Management.Automation;
using MediaOps.Django;
using MediaOps.Infrastructure;
using MediaOps.Targets;

namespace MediaOps.Commands
{
    /// <summary>django-storages settings (settings.py fragment or environment file) for the media bucket. Talks to nothing.</summary>
    [Cmdlet(VerbsCommon.New, "MediaDjangoSettings")]
    [OutputType(typeof(string))]
    public sealed class NewMediaDjangoSettingsCommand : MediaCmdlet
    {
        /// <summary>Bucket; defaults to $env:AWS_STORAGE_BUCKET_NAME.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Bucket")]
        [ValidateNotNullOrEmpty]
        public string BucketName { get; set; }

        /// <summary>Key prefix; defaults to $env:AWS_LOCATION, else 'media'.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("KeyPrefix", "Location")]
        [AllowEmptyString]
        public string Prefix { get; set; }

        /// <summary>Defaults to $env:AWS_S3_REGION_NAME.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Region { get; set; }

        /// <summary>Defaults to $env:AWS_S3_ENDPOINT_URL; only for S3-compatible servers.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string EndpointUrl { get; set; }

        [Parameter]
        public AccessModel AccessModel { get; set; } = AccessModel.Private;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string CustomDomain { get; set; }

        /// <summary>The app's Django version (e.g. 3.2, 4.2, 5): 4.2+ gets STORAGES, earlier DEFAULT_FILE_STORAGE.</summary>
        [Parameter]
        [ValidatePattern(@"^\d+(\.\d+){0,2}$")]
        public string DjangoVersion { get; set; } = "4.2";

        [Parameter]
        public DjangoSettingsFormat Format { get; set; } = DjangoSettingsFormat.Python;

        protected override void ProcessRecord()
        {
            try
            {
                var target = MediaTarget.Resolve(new MediaTargetOptions { BucketName = BucketName, Prefix = Prefix, Region = Region, EndpointUrl = EndpointUrl });
                foreach (var note in target.Notes) WriteVerbose("MediaOps: " + note);
                var options = new DjangoSettingsOptions
                {
                    BucketName = target.BucketName,
                    Prefix = target.Prefix,
                    Region = target.Region,
                    EndpointUrl = target.EndpointUrl,
                    AccessModel = AccessModel,
                    CustomDomain = CustomDomain,
                    DjangoVersion = Version.Parse(DjangoVersion.Contains(".") ? DjangoVersion : DjangoVersion + ".0"),
                    Format = Format,
                };
                var text = DjangoSettingsWriter.Write(options);
                foreach (var warning in DjangoSettingsWriter.Warnings(options)) WriteWarning(warning);
                WriteObject(text);
            }
            catch (MediaOpsException ex)
            {
                ThrowMediaError(ex, ex.Target ?? BucketName);
            }
        }
    }
}
