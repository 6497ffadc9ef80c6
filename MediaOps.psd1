@{
    # The one version source: build.ps1 reads it and stamps the assemblies and the package.
    ModuleVersion        = '0.1.0'
    RootModule           = 'MediaOps.dll'
    GUID                 = '6f0b8f3e-2c1d-4a57-9a0e-7d3f5c2b9e41'
    Author               = 'MediaOps'
    CompanyName          = 'MediaOps'
    Copyright            = '(c) MediaOps. Apache-2.0.'
    Description          = 'Moves a Django application''s user uploads (MEDIA_ROOT) to Amazon S3 and proves every step: bucket baseline, least-privilege credentials, dry-run and final-pass migration, object and URL verification, and a rollback that loses nothing.'
    # Supported: Windows PowerShell 5.1 (.NET Framework 4.7.2+) and PowerShell 7.2 or later. A minimum
    # cannot exclude 7.0/7.1; the module initializer refuses them (docs/compatibility.md).
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('MediaOps.Format.ps1xml')
    CmdletsToExport      = @(
        'Initialize-MediaBucket'
        'Test-MediaBucket'
        'Test-MediaCredential'
        'Test-MediaAccess'
        'New-MediaIamPolicy'
        'New-MediaDjangoSettings'
        'Get-MediaInventory'
        'Compare-MediaStore'
        'Sync-MediaToS3'
        'Sync-MediaFromS3'
        'Test-MediaObject'
        'Invoke-MediaSmokeTest'
        'Get-MediaUrl'
        'Export-MediaReport'
        'Get-MediaVersion'
        'Restore-MediaVersion'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('S3', 'AWS', 'Django', 'Media', 'Migration', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = ''
            ProjectUri   = ''
            ReleaseNotes = 'See README.md.'
        }
    }
}
