using System;

namespace MediaOps.Django
{
    /// <summary>What New-MediaDjangoSettings writes settings for.</summary>
    public sealed class DjangoSettingsOptions
    {
        public string BucketName { get; set; }
        /// <summary>Normalised prefix (<c>media/</c>); becomes django-storages' <c>location</c> (<c>media</c>).</summary>
        public string Prefix { get; set; }
        /// <summary>Null: the app's boto3 picks its region (the settings then say so).</summary>
        public string Region { get; set; }
        public string EndpointUrl { get; set; }
        public AccessModel AccessModel { get; set; } = AccessModel.Private;
        /// <summary>Host (and optional path) media URLs use instead of the S3 endpoint, e.g. a CloudFront domain.</summary>
        public string CustomDomain { get; set; }
        /// <summary>Django version of the app: 4.2 and later get STORAGES, earlier ones DEFAULT_FILE_STORAGE.</summary>
        public Version DjangoVersion { get; set; } = new Version(4, 2);
        public DjangoSettingsFormat Format { get; set; } = DjangoSettingsFormat.Python;
        /// <summary>AWS_S3_OBJECT_PARAMETERS: the headers of every file the app saves (null or empty: none).</summary>
        public Transfer.ObjectParameters ObjectParameters { get; set; }

        internal bool HasObjectParameters => ObjectParameters != null && !ObjectParameters.IsEmpty;

        /// <summary>True when the app's Django reads the STORAGES setting (4.2+).</summary>
        public bool UsesStoragesSetting => DjangoVersion >= new Version(4, 2);

        /// <summary>django-storages' location: the prefix without its trailing '/'.</summary>
        public string Location => (Prefix ?? "").TrimEnd('/');
    }
}
