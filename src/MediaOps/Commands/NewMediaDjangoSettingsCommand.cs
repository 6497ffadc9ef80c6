using System;
using System.Collections;
using System.Management.Automation;
using MediaOps.Django;
using MediaOps.Infrastructure;

namespace MediaOps.Commands
{
    /// <summary>django-storages settings (settings.py fragment or environment file) for the media bucket. Talks to nothing.</summary>
    [Cmdlet(VerbsCommon.New, "MediaDjangoSettings")]
    [OutputType(typeof(string))]
    public sealed class NewMediaDjangoSettingsCommand : MediaLocationCmdlet
    {
        [Parameter]
        public AccessModel AccessModel { get; set; } = AccessModel.Private;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string CustomDomain { get; set; }

        /// <summary>The app's Django version (e.g. 3.2, 4.2, 5): 4.2+ gets STORAGES, earlier DEFAULT_FILE_STORAGE.</summary>
        [Parameter]
        [ValidatePattern(@"^\d+(\.\d+){0,2}$")]
        [ArgumentCompleter(typeof(DjangoVersionCompleter))]
        public string DjangoVersion { get; set; } = "4.2";

        [Parameter]
        public DjangoSettingsFormat Format { get; set; } = DjangoSettingsFormat.Python;

        /// <summary>Cache-Control of every file the app saves (AWS_S3_OBJECT_PARAMETERS CacheControl), as Sync-MediaToS3 -CacheControl.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string CacheControl { get; set; }

        /// <summary>AWS_S3_OBJECT_PARAMETERS, validated as Sync-MediaToS3 -ObjectParameters, so saved and migrated files look alike.</summary>
        [Parameter]
        [ValidateNotNull]
        public Hashtable ObjectParameters { get; set; }

        protected override void OnRecord()
        {
            var target = ResolveLocation();
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
                ObjectParameters = ObjectParameterBinding.Parse(ObjectParameters, CacheControl),
            };
            var text = DjangoSettingsWriter.Write(options);
            foreach (var warning in DjangoSettingsWriter.Warnings(options)) WriteWarning(warning);
            WriteObject(text);
        }
    }
}
