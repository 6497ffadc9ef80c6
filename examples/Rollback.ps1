<#
.SYNOPSIS
    Rolls the Django media back from S3 to the local MEDIA_ROOT without losing what was uploaded after cutover.
.DESCRIPTION
    Brings every object modified in S3 since the cutover back into MEDIA_ROOT (Sync-MediaFromS3 -Since),
    then checks that each of them now exists locally with the object's size. Run it before switching the app's
    storage settings back to the file system. Nothing is written outside -Path and nothing in S3 is changed.
    Returns the SyncResult; stops with a clear message when a file could not be brought back.
.PARAMETER Since
    The cutover instant (Cutover.ps1 prints it and writes it to its -StateFile). Objects modified at or after it are copied.
.PARAMETER StateFile
    The JSON file Cutover.ps1 -StateFile wrote; supplies Since, bucket, prefix, endpoint and path when not given.
.EXAMPLE
    ./Rollback.ps1 -Path /srv/app/media -BucketName myapp-prod-media -Since '2024-05-01T22:00:00Z'
.EXAMPLE
    ./Rollback.ps1 -StateFile ./cutover.json -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string] $Path,
    [datetime] $Since,
    [string] $StateFile,
    [string] $BucketName = $env:AWS_STORAGE_BUCKET_NAME,
    [string] $Prefix = $(if ($env:AWS_LOCATION) { $env:AWS_LOCATION } else { 'media' }),
    [string] $EndpointUrl = $env:AWS_S3_ENDPOINT_URL,
    [string] $Region = $env:AWS_S3_REGION_NAME,
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
if ($ModulePath) { Import-Module $ModulePath } elseif (-not (Get-Module MediaOps)) { Import-Module MediaOps }

if ($StateFile) {
    $state = Get-Content -LiteralPath $StateFile -Raw | ConvertFrom-Json
    if (-not $PSBoundParameters.ContainsKey('Since')) { $Since = [datetime]::Parse($state.CutoverUtc, $null, 'RoundtripKind') }
    if (-not $PSBoundParameters.ContainsKey('Path')) { $Path = $state.Path }
    if (-not $PSBoundParameters.ContainsKey('BucketName')) { $BucketName = $state.BucketName }
    if (-not $PSBoundParameters.ContainsKey('Prefix')) { $Prefix = $state.Prefix }
    if (-not $PSBoundParameters.ContainsKey('EndpointUrl') -and $state.EndpointUrl) { $EndpointUrl = $state.EndpointUrl }
}
if (-not $Path) { throw 'Pass -Path (the MEDIA_ROOT to restore into) or -StateFile.' }
if (-not $Since -or $Since -eq [datetime]::MinValue) { throw 'Pass -Since (the cutover instant Cutover.ps1 printed) or -StateFile: without it the rollback would copy the whole bucket.' }

$target = @{ BucketName = $BucketName; Prefix = $Prefix }
if ($EndpointUrl) { $target.EndpointUrl = $EndpointUrl }
if ($Region) { $target.Region = $Region }

Write-Host "`n== Rollback: objects modified since $($Since.ToUniversalTime().ToString('u')) → $Path" -ForegroundColor Cyan
$items = @(Sync-MediaFromS3 @target -Path $Path -Since $Since -PassThru -WhatIf:$WhatIfPreference -Confirm:$false)
$result = $items | Where-Object { $_ -is [MediaOps.SyncResult] } | Select-Object -Last 1
$files = @($items | Where-Object { $_ -is [MediaOps.SyncItem] })
$files | Format-Table RelativePath, Action, Status, Length -AutoSize | Out-String -Width 160 | Write-Host
$result | Format-Table -AutoSize | Out-String -Width 160 | Write-Host
if ($result.Failed -gt 0) {
    throw "Rollback incomplete: $($result.Failed) file(s) failed: $(@($result.Errors) -join ' | '). Run again; finished files are skipped."
}

if (-not $WhatIfPreference) {
    # Prove it: every post-cutover object now exists locally with the object's size.
    $copied = @($files | Where-Object { $_.Action -eq 'Download' } | ForEach-Object { $_.RelativePath })
    if ($copied) {
        $checks = @($copied | Test-MediaObject @target -Path $Path)
        $bad = @($checks | Where-Object { $_.Status -in 'Fail', 'Error' })
        if ($bad) { throw "Rollback verification failed for: $(($bad | ForEach-Object { "$($_.Name) ($($_.Message))" }) -join ', ')" }
        Write-Host "$($checks.Count) post-cutover file(s) are back in $Path and match S3." -ForegroundColor Green
    }
    else {
        Write-Host 'No object was modified after the cutover: nothing to bring back.' -ForegroundColor Green
    }
}
$result
