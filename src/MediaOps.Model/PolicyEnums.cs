namespace MediaOps
{
    /// <summary>What New-MediaIamPolicy grants on the media prefix.</summary>
    public enum PolicyAccess
    {
        /// <summary>List, read, write and delete objects under the prefix: what a Django app needs.</summary>
        ReadWrite = 0,
        /// <summary>List and read only (a reporting job, a CDN origin reader, a verification runbook).</summary>
        ReadOnly = 1,
    }

    /// <summary>The text New-MediaDjangoSettings writes.</summary>
    public enum DjangoSettingsFormat
    {
        /// <summary>A settings.py fragment.</summary>
        Python = 0,
        /// <summary>An environment file with names and non-secret values only.</summary>
        Env = 1,
    }
}
