<#
.SYNOPSIS
    Rolls the Django media back from S3 to the local MEDIA_ROOT without losing what was uploaded after cutover;
    or, with -InBucket, undoes a bad change inside the bucket (a bulk overwrite or delete) from its version history.
.DESCRIPTION
    Brings every object modified in S3 since the cutover back into MEDIA_ROOT (Sync-MediaFromS3 -Since),
    then checks that each of them now exists locally with the object's size. Run it before switching the app's
    storage settings back to the file system. Nothing is written outside -Path and nothing in S3 is changed.
    Returns the SyncResult (the only output: shown once at the prompt); the files it moved are listed on the
    information stream (-InformationAction Ignore or 6>$null silences them). Stops with a clear message when a
    file could not be brought back.

    With -InBucket -AsOf T (S3-side recovery, versioned bucket): shows the plan (Restore-MediaVersion -WhatIf: which
    keys come back and why), copies each overwritten or deleted key's version of time T back on top (server-side, the
    history is kept, so this too can be undone), then proves it: a second plan is empty and the restored names pass
    Test-MediaObject. -RemoveNewer also hides keys created after T behind delete markers. MEDIA_ROOT is not touched.
.PARAMETER Since
    The cutover instant (Cutover.ps1 prints it and writes it to its -StateFile). Objects modified at or after it are copied.
.PARAMETER InBucket
    Recover inside the bucket from S3 versions instead of copying to MEDIA_ROOT.
.PARAMETER AsOf
    With -InBucket: the last good moment (server time; Get-MediaVersion shows the stamps).
.PARAMETER RemoveNewer
    With -InBucket: also put delete markers on keys created after -AsOf.
.PARAMETER StateFile
    The JSON file Cutover.ps1 -StateFile wrote; supplies Since, bucket, prefix, endpoint and path when not given.
.EXAMPLE
    ./Rollback.ps1 -Path /srv/app/media -BucketName myapp-prod-media -Since '2024-05-01T22:00:00Z'
.EXAMPLE
    ./Rollback.ps1 -StateFile ./cutover.json -WhatIf
.EXAMPLE
    ./Rollback.ps1 -InBucket -AsOf '2024-06-03T01:59:59Z' -BucketName myapp-prod-media
    Undoes a bad bulk overwrite made after 01:59:59 UTC, in the bucket, keeping the history.
#>
[CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'ToMediaRoot')]
param(
    [Parameter(ParameterSetName = 'ToMediaRoot')] [string] $Path,
    [Parameter(ParameterSetName = 'ToMediaRoot')] [datetime] $Since,
    [Parameter(Mandatory, ParameterSetName = 'InBucket')] [switch] $InBucket,
    [Parameter(Mandatory, ParameterSetName = 'InBucket')] [datetime] $AsOf,
    [Parameter(ParameterSetName = 'InBucket')] [switch] $RemoveNewer,
    [string] $StateFile,
    [string] $BucketName = $env:AWS_STORAGE_BUCKET_NAME,
    [string] $Prefix = $(if ($env:AWS_LOCATION) { $env:AWS_LOCATION } else { 'media' }),
    [string] $EndpointUrl = $env:AWS_S3_ENDPOINT_URL,
    [string] $Region = $env:AWS_S3_REGION_NAME,
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
# The file lists are shown unless the caller asked otherwise (-InformationAction).
if (-not $PSBoundParameters.ContainsKey('InformationAction')) { $InformationPreference = 'Continue' }
if ($ModulePath) { Import-Module $ModulePath } elseif (-not (Get-Module MediaOps)) { Import-Module MediaOps }

if ($StateFile) {
    $state = Get-Content -LiteralPath $StateFile -Raw | ConvertFrom-Json
    if (-not $PSBoundParameters.ContainsKey('Since') -and -not $InBucket) { $Since = [datetime]::Parse($state.CutoverUtc, $null, 'RoundtripKind') }
    if (-not $PSBoundParameters.ContainsKey('Path') -and -not $InBucket) { $Path = $state.Path }
    if (-not $PSBoundParameters.ContainsKey('BucketName')) { $BucketName = $state.BucketName }
    if (-not $PSBoundParameters.ContainsKey('Prefix')) { $Prefix = $state.Prefix }
    if (-not $PSBoundParameters.ContainsKey('EndpointUrl') -and $state.EndpointUrl) { $EndpointUrl = $state.EndpointUrl }
}
$target = @{ BucketName = $BucketName; Prefix = $Prefix }
if ($EndpointUrl) { $target.EndpointUrl = $EndpointUrl }
if ($Region) { $target.Region = $Region }

if ($InBucket) {
    $when = $AsOf.ToUniversalTime().ToString('u')
    Write-Host "`n== S3-side recovery: s3://$BucketName/$($Prefix.Trim('/'))/ back to its state at $when (history kept)" -ForegroundColor Cyan
    $plan = @(Restore-MediaVersion @target -AsOf $AsOf -RemoveNewer:$RemoveNewer -WhatIf)
    $planned = @($plan | Where-Object { $_ -is [MediaOps.SyncItem] })
    if ($planned) { Write-Information ($planned | Format-Table Action, RelativePath, Reason | Out-String -Width 120).TrimEnd() }
    $planResult = $plan | Where-Object { $_ -is [MediaOps.SyncResult] } | Select-Object -Last 1
    if ($WhatIfPreference -or $planned.Count -eq 0 -or -not $PSCmdlet.ShouldProcess("s3://$BucketName/$Prefix", "Restore $($planned.Count) key(s) to their state at $when")) {
        if ($planned.Count -eq 0) { Write-Host "Every key is already in its state at ${when}: nothing to do." -ForegroundColor Green }
        return $planResult
    }
    $items = @(Restore-MediaVersion @target -AsOf $AsOf -RemoveNewer:$RemoveNewer -Force -PassThru)
    $result = $items | Where-Object { $_ -is [MediaOps.SyncResult] } | Select-Object -Last 1
    if ($result.Failed -gt 0) {
        throw "S3-side recovery incomplete: $($result.Failed) key(s) failed: $(@($result.Errors) -join ' | '). Run again; keys already restored are skipped."
    }
    # Prove it: a new plan finds nothing left to do, and every restored name resolves to an object.
    $left = Restore-MediaVersion @target -AsOf $AsOf -RemoveNewer:$RemoveNewer -WhatIf | Where-Object { $_ -is [MediaOps.SyncResult] }
    if ($left.Planned -ne 0) { throw "S3-side recovery verification failed: $($left.Planned) key(s) are still not in their state at $when." }
    $restored = @($items | Where-Object { $_ -is [MediaOps.SyncItem] -and $_.Action -eq 'Restore' } | ForEach-Object RelativePath)
    if ($restored) {
        $bad = @($restored | Test-MediaObject @target | Where-Object { $_.Status -in 'Fail', 'Error' })
        if ($bad) { throw "S3-side recovery verification failed for: $(($bad | ForEach-Object { "$($_.Name) ($($_.Message))" }) -join ', ')" }
    }
    Write-Host "$($restored.Count) key(s) restored and $($result.Deleted) hidden; the prefix is in its state at $when." -ForegroundColor Green
    return $result
}

if (-not $Path) { throw 'Pass -Path (the MEDIA_ROOT to restore into) or -StateFile.' }
if (-not $Since -or $Since -eq [datetime]::MinValue) { throw 'Pass -Since (the cutover instant Cutover.ps1 printed) or -StateFile: without it the rollback would copy the whole bucket.' }

Write-Host "`n== Rollback: objects modified since $($Since.ToUniversalTime().ToString('u')) → $Path" -ForegroundColor Cyan
$items = @(Sync-MediaFromS3 @target -Path $Path -Since $Since -PassThru -WhatIf:$WhatIfPreference -Confirm:$false)
$result = $items | Where-Object { $_ -is [MediaOps.SyncResult] } | Select-Object -Last 1
$files = @($items | Where-Object { $_ -is [MediaOps.SyncItem] })
if ($files) { Write-Information ($files | Format-Table RelativePath, Action, Status, Length | Out-String -Width 120).TrimEnd() }
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
