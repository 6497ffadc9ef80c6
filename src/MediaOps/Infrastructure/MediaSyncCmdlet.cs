using System;
using System.Management.Automation;
using MediaOps.Runs;

namespace MediaOps.Infrastructure
{
    /// <summary>
    /// Base of Compare-MediaStore and the two syncs: -Path, -Exclude and -Checksum, -WhatIf as the dry run.
    /// </summary>
    public abstract class MediaSyncCmdlet : MediaTargetCmdlet
    {
        /// <summary>The local MEDIA_ROOT.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "MediaRoot")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Globs over the relative path ('*' crosses '/'); a pattern without '/' also matches the file name.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[] Exclude { get; set; } = Array.Empty<string>();

        /// <summary>Compare content (MD5, or the multipart ETag) instead of trusting size and time.</summary>
        [Parameter]
        public SwitchParameter Checksum { get; set; }

        /// <summary>-Path resolved against the current PowerShell location (not the process directory).</summary>
        protected string ResolvedPath => GetUnresolvedProviderPathFromPSPath(Path);

        /// <summary>The observer of a sync: with -PassThru each SyncItem is written as it is reported.</summary>
        protected IRunObserver<SyncItem> SyncObserver(bool passThru) => Observer<SyncItem>(passThru ? item => WriteObject(item) : (Action<SyncItem>)null);
    }
}
