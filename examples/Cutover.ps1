<#
.SYNOPSIS
    The Django media cutover runbook with MediaOps: audit, checks, dry run, sync, final pass, verify, smoke test.
.DESCRIPTION
    Runs the steps of the reference runbook in order and stops at the first failure with a message that says
    what failed and what to do. Every step's result objects are printed; the script returns one summary object
    (Status 'Completed', the CutoverUtc to give Rollback.ps1 -Since, and each step's rows).

    Between the first sync and the final pass, put the app in maintenance (or stop uploads): the final pass then
    copies what changed meanwhile, and CutoverUtc (taken just before it) is the instant from which a rollback
    must bring new uploads back. Switch the app's storage settings to S3 after the final pass.
.PARAMETER Path
    The Django MEDIA_ROOT to migrate.
.PARAMETER NamesCsv
    A CSV export of the file names the database points at, e.g. from
    psql -c "\copy (SELECT id, file FROM app_document) TO 'names.csv' CSV HEADER". Any column called
    name, file, key or filename is read. Every name must resolve, or the cutover stops.
.PARAMETER StateFile
    Where to write the cutover state (bucket, prefix, CutoverUtc) as JSON for Rollback.ps1.
.PARAMETER ReportPath
    Write the evidence of every step that ran with Export-MediaReport to each of these files (.html; .md for
    Markdown), also when the cutover stops: the report then shows the failure that stopped it first, with what to do.
.PARAMETER SkipFinalPassPause
    Do not wait for Enter before the final pass. The script waits only on an interactive console; under
    -NonInteractive, with redirected input, or in a runbook host it never waits (stop uploads before starting it).
.EXAMPLE
    ./Cutover.ps1 -Path /srv/app/media -BucketName myapp-prod-media -NamesCsv ./names.csv -StateFile ./cutover.json -ReportPath ./cutover-report.html, ./cutover-report.md
.EXAMPLE
    ./Cutover.ps1 -Path ./media -BucketName media-test -EndpointUrl http://127.0.0.1:5000 -NamesCsv ./names.csv -SkipFinalPassPause
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Path,
    [string] $BucketName = $env:AWS_STORAGE_BUCKET_NAME,
    [string] $Prefix = $(if ($env:AWS_LOCATION) { $env:AWS_LOCATION } else { 'media' }),
    [string] $EndpointUrl = $env:AWS_S3_ENDPOINT_URL,
    [string] $Region = $env:AWS_S3_REGION_NAME,
    [ValidateSet('Private', 'Public')] [string] $AccessModel = 'Private',
    [string] $NamesCsv,
    [string] $StateFile,
    [string[]] $ReportPath,
    [switch] $SkipFinalPassPause,
    # Import MediaOps from here instead of the installed module.
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
# Tables and counts are shown unless the caller asked otherwise (-InformationAction).
if (-not $PSBoundParameters.ContainsKey('InformationAction')) { $InformationPreference = 'Continue' }
if ($ModulePath) { Import-Module $ModulePath } elseif (-not (Get-Module MediaOps)) { Import-Module MediaOps }

# The target parameters every MediaOps cmdlet takes; empty values fall back to the app's environment.
$target = @{ BucketName = $BucketName; Prefix = $Prefix }
if ($EndpointUrl) { $target.EndpointUrl = $EndpointUrl }
if ($Region) { $target.Region = $Region }

$steps = [ordered]@{}
# Every step's rows in runbook order: the evidence report, written when the cutover completes or stops.
$evidence = [System.Collections.Generic.List[object]]::new()
function Add-Evidence([object[]] $Rows) { foreach ($row in $Rows) { if ($null -ne $row) { $evidence.Add($row) } } }
function Write-Evidence {
    if ($evidence.Count -eq 0) { return }
    foreach ($file in $ReportPath) {
        $report = $evidence | Export-MediaReport -Path $file -Title "Media cutover s3://$BucketName/$($Prefix.Trim('/'))/" -Confirm:$false
        Write-Information "Evidence report ($($report.Verdict)): $($report.FullName)"
    }
}
function Write-Step([string] $Title) { Write-Host "`n== $Title" -ForegroundColor Cyan }
# Tables go to the information stream, so callers can silence them with -InformationAction Ignore or 6>$null.
function Show([object[]] $Rows) { if ($Rows) { Write-Information ($Rows | Format-Table -Wrap | Out-String -Width 120).TrimEnd() } }
# Read-Host would wait forever (or fail) where nobody can press Enter: -NonInteractive, piped input, runbook hosts.
function Test-InteractiveConsole {
    $nonInteractiveSwitch = @([Environment]::GetCommandLineArgs() | Where-Object { $_ -match '^-noni' }).Count -gt 0
    $Host.Name -eq 'ConsoleHost' -and [Environment]::UserInteractive -and -not [Console]::IsInputRedirected -and -not $nonInteractiveSwitch
}
function Stop-Cutover([string] $Step, [string] $Why) {
    Write-Host "Cutover stopped at '$Step': $Why" -ForegroundColor Red
    Write-Evidence
    throw "Cutover stopped at '$Step': $Why"
}
function Assert-Checks([string] $Step, [object[]] $Rows) {
    $bad = @($Rows | Where-Object { $_.Status -in 'Fail', 'Error' })
    if ($bad) { Stop-Cutover $Step (($bad | ForEach-Object { "$($_.Check): $($_.Message)" }) -join ' | ') }
}
function Assert-Sync([string] $Step, $Result) {
    if ($Result.Failed -gt 0) { Stop-Cutover $Step "$($Result.Failed) file(s) failed: $(@($Result.Errors) -join ' | '). Fix them and run again; finished files are skipped." }
}

Write-Step "1. Audit MEDIA_ROOT $Path"
$summary = Get-MediaInventory -Path $Path -Prefix $Prefix -Summary
Show $summary
if ($summary.ProblemFiles -gt 0) {
    Show (Get-MediaInventory -Path $Path -Prefix $Prefix | Where-Object Problem | Select-Object RelativePath, Problem)
    Write-Warning "$($summary.ProblemFiles) file name(s) will be awkward as S3 keys (listed above); they are migrated as they are."
}
$steps.Audit = $summary
Add-Evidence $summary

Write-Step "2. Bucket and credentials"
$bucketRows = Test-MediaBucket @target -AccessModel $AccessModel
Show $bucketRows
$steps.Bucket = $bucketRows
Add-Evidence $bucketRows
Assert-Checks 'Test-MediaBucket' $bucketRows
$credentialRows = Test-MediaCredential @target
Show $credentialRows
$steps.Credential = $credentialRows
Add-Evidence $credentialRows
Assert-Checks 'Test-MediaCredential' $credentialRows

Write-Step "3. Dry run (nothing is copied)"
$dryRun = Sync-MediaToS3 @target -Path $Path -WhatIf
Show $dryRun
$steps.DryRun = $dryRun
Add-Evidence $dryRun
Assert-Sync 'dry run' $dryRun

Write-Step "4. Sync"
$sync = Sync-MediaToS3 @target -Path $Path
Show $sync
$steps.Sync = $sync
Add-Evidence $sync
Assert-Sync 'sync' $sync

if (-not $SkipFinalPassPause -and (Test-InteractiveConsole)) {
    Read-Host 'Put the app in maintenance (stop uploads), then press Enter for the final pass' | Out-Null
}
Write-Step "5. Final pass (copies what changed since the sync)"
# Anything modified in S3 from here on is a post-cutover upload that a rollback must bring back.
$cutoverUtc = [datetime]::UtcNow
$final = Sync-MediaToS3 @target -Path $Path
Show $final
$steps.FinalPass = $final
Add-Evidence $final
Assert-Sync 'final pass' $final
if ($StateFile) {
    [ordered]@{ BucketName = $BucketName; Prefix = $Prefix; EndpointUrl = $EndpointUrl; Path = (Resolve-Path $Path).Path; CutoverUtc = $cutoverUtc.ToString('o') } |
        ConvertTo-Json | Set-Content -LiteralPath $StateFile -Encoding utf8
}

if ($NamesCsv) {
    Write-Step "6. Every file the database points at resolves ($NamesCsv)"
    $names = @(Import-Csv -LiteralPath $NamesCsv)
    if (-not $names) { Stop-Cutover 'Test-MediaObject' "$NamesCsv has no rows: export the names with a header (id,file) and run again." }
    $checks = @($names | Test-MediaObject @target -Path $Path)
    $failed = @($checks | Where-Object { $_.Status -in 'Fail', 'Error' })
    Write-Information ("{0} names: {1} pass, {2} fail" -f $checks.Count, ($checks.Count - $failed.Count), $failed.Count)
    Show ($failed | Select-Object Name, Key, Status, Message)
    $steps.Objects = $checks
    Add-Evidence $checks
    if ($failed) { Stop-Cutover 'Test-MediaObject' "$($failed.Count) database name(s) do not resolve: $(($failed.Name | Select-Object -First 5) -join ', '). Copy the files or fix the rows, then run again." }
}
else {
    Write-Step "6. (no -NamesCsv: database names not verified)"
}

Write-Step "7. Smoke test ($AccessModel model)"
$smoke = Invoke-MediaSmokeTest @target -AccessModel $AccessModel -Confirm:$false
Show $smoke
$steps.Smoke = $smoke
Add-Evidence $smoke
Assert-Checks 'Invoke-MediaSmokeTest' $smoke

Write-Evidence
$rollback = if ($StateFile) { "./Rollback.ps1 -StateFile '$StateFile'" } else { "./Rollback.ps1 -Path '$Path' -BucketName '$BucketName' -Prefix '$Prefix' -Since '$($cutoverUtc.ToString('o'))'" }
Write-Host "`nCutover complete. Switch the app's storage to S3 now; roll back with: $rollback" -ForegroundColor Green
[pscustomobject]@{ Status = 'Completed'; Target = "s3://$BucketName/$($Prefix.Trim('/'))/"; CutoverUtc = $cutoverUtc; Steps = [pscustomobject]$steps; Report = $ReportPath }
