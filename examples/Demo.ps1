<#
.SYNOPSIS
    The MediaOps demo: the whole Django media cutover runbook against a local moto S3 on generated sample media.
.DESCRIPTION
    Starts moto on a free loopback port, generates a small MEDIA_ROOT with awkward names and a database export of
    file names (one of them missing), then:
      1. Initialize-MediaBucket (secure baseline)
      2. examples/Cutover.ps1: audit, checks, dry run, sync, final pass, verify names, smoke test. It stops at the
         missing name, as it must; the stale row is removed and the cutover runs again (the sync skips what is done).
      3. a post-cutover upload through Django (django-storages) when it is installed, else through the aws CLI,
         and its URL from Get-MediaUrl
      4. examples/Rollback.ps1: the post-cutover upload comes back to MEDIA_ROOT.
      5. a bad batch job overwrites the migrated files in the bucket; examples/Rollback.ps1 -InBucket -AsOf puts
         them back from S3 versions (planned first, history kept), proven by an empty second plan.
    Each cutover run writes its evidence report (Export-MediaReport) to -ReportFolder: the stopped run's report
    leads with the names that do not resolve (one of them a hostile <script> name, shown as text), the second is
    all green; the second also as Markdown.
    Run it with: dotnet tool run pwsh -File ./build.ps1 Demo
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    # Where the evidence reports go (kept after the demo); default out/demo/ in the repository.
    [string] $ReportFolder = (Join-Path $PSScriptRoot '../out/demo')
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/TestHarness.psm1') -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/DjangoHarness.psm1') -Force
Import-Module $ModulePath -Force

function Write-Banner([string] $Text) { Write-Host "`n######## $Text" -ForegroundColor Yellow }

$work = Join-Path ([IO.Path]::GetTempPath()) ('mediaops-demo-' + [guid]::NewGuid().ToString('N'))
$mediaRoot = Join-Path $work 'media'
$moto = Start-MotoServer
$site = $null
try {
    Set-TestAwsEnvironment -Endpoint $moto.Endpoint
    $env:AWS_STORAGE_BUCKET_NAME = 'myapp-demo-media'
    $env:AWS_LOCATION = 'media'
    Write-Host "moto S3 at $($moto.Endpoint); bucket $env:AWS_STORAGE_BUCKET_NAME, prefix media/ (the app's environment variables)" -ForegroundColor Cyan

    Write-Banner 'Sample MEDIA_ROOT and a database export of file names'
    $files = [ordered]@{
        'uploads/2024/05/holiday photo.jpg'      = [byte[]]((0..255) * 40)
        'uploads/2024/05/ünïcødé café.png'       = [byte[]]((255..0) * 12)
        'documents/contract (signed) v2.pdf'     = '%PDF-1.4 demo contract'
        'avatars/user+42&friends.png'            = [byte[]](1..64)
        'exports/report.2024.final.csv'          = "id,total`n1,42`n"
    }
    New-TestMediaTree -Files $files -Root $mediaRoot | Out-Null
    Get-ChildItem $mediaRoot -Recurse -File | Select-Object @{ n = 'File'; e = { $_.FullName.Substring($mediaRoot.Length + 1) } }, Length | Format-Table -AutoSize | Out-Host
    $namesCsv = Join-Path $work 'names.csv'
    $rows = @(1..$files.Count | ForEach-Object { [pscustomobject]@{ id = $_; file = @($files.Keys)[$_ - 1] } })
    $rows += [pscustomobject]@{ id = 99; file = 'uploads/2019/01/lost before the move.jpg' }
    # Names are user-controlled: the evidence report must show this one as text, never run it.
    $rows += [pscustomobject]@{ id = 100; file = "uploads/2019/01/<script>alert('lost')</script>.jpg" }
    $rows | Export-Csv -LiteralPath $namesCsv -NoTypeInformation
    Write-Host "names.csv (SELECT id, file FROM app_document): $($rows.Count) rows, two of which point at files that no longer exist."
    $null = New-Item -ItemType Directory -Path $ReportFolder -Force
    $ReportFolder = (Resolve-Path $ReportFolder).Path

    if (Get-Command Initialize-MediaBucket -ErrorAction SilentlyContinue) {
        Write-Banner 'Initialize-MediaBucket: create the bucket with the secure baseline'
        Initialize-MediaBucket -Confirm:$false | Format-Table Check, Status, Actual -AutoSize | Out-Host
    }
    else {
        Write-Banner 'Create the bucket with the secure baseline (aws CLI; this build has no Initialize-MediaBucket yet)'
        $null = New-BaselineBucket -Endpoint $moto.Endpoint -BucketName $env:AWS_STORAGE_BUCKET_NAME
    }

    Write-Banner 'Cutover.ps1 (first run: the database export has names that do not resolve)'
    $state = Join-Path $work 'cutover.json'
    try {
        & (Join-Path $PSScriptRoot 'Cutover.ps1') -Path $mediaRoot -NamesCsv $namesCsv -StateFile $state -SkipFinalPassPause -ReportPath (Join-Path $ReportFolder 'cutover-1-stopped.html'), (Join-Path $ReportFolder 'cutover-1-stopped.md') | Out-Null
        throw 'The cutover should have stopped at the missing name.'
    }
    catch [System.Management.Automation.RuntimeException] {
        if ($_.Exception.Message -notmatch 'Test-MediaObject') { throw }
        Write-Host 'As expected, the cutover stopped at the database check, before the smoke test.' -ForegroundColor Magenta
    }
    Write-Host 'The rows point at files lost before the migration; the DBA clears them. Running the cutover again.' -ForegroundColor Magenta
    (Import-Csv $namesCsv) | Where-Object id -notin 99, 100 | Export-Csv -LiteralPath $namesCsv -NoTypeInformation

    Write-Banner 'Cutover.ps1 (second run: sync skips what is already there)'
    $cutover = & (Join-Path $PSScriptRoot 'Cutover.ps1') -Path $mediaRoot -NamesCsv $namesCsv -StateFile $state -SkipFinalPassPause -ReportPath (Join-Path $ReportFolder 'cutover-2.html')
    $cutover | Select-Object Status, Target, CutoverUtc | Format-List | Out-Host
    Write-Host "Evidence reports in $ReportFolder`: cutover-1-stopped.html/.md (the failures first), cutover-2.html (all green)" -ForegroundColor Green

    Write-Banner 'After cutover: the app uploads a new file to S3'
    Start-Sleep -Seconds 1
    $newName = $null
    if (Test-DjangoAvailable) {
        $site = New-DjangoSite -Endpoint $moto.Endpoint -BucketName $env:AWS_STORAGE_BUCKET_NAME
        $upload = Join-Path $work 'invoice.pdf'
        [IO.File]::WriteAllText($upload, '%PDF-1.4 uploaded after cutover')
        $newName = (Invoke-Django $site save "invoice 2024-06.pdf=$upload")[0].name
        Write-Host "Django (django-storages) saved FileField name '$newName'"
    }
    else {
        $newName = 'uploads/2024/06/invoice 2024-06.pdf'
        $upload = New-TestMediaTree -Files @{ 'invoice.pdf' = '%PDF-1.4 uploaded after cutover' }
        Invoke-AwsCli -Endpoint $moto.Endpoint s3 cp (Join-Path $upload 'invoice.pdf') "s3://$env:AWS_STORAGE_BUCKET_NAME/media/$newName" | Out-Null
        Write-Host "Uploaded '$newName' with the aws CLI (Django is not installed here)"
    }
    Test-MediaObject $newName | Format-Table Name, Status, Length, ContentType, ServerSideEncryption -AutoSize | Out-Host
    $url = Get-MediaUrl $newName
    Write-Host "Get-MediaUrl (what Django hands out, valid until $($url.ExpiresUtc.ToString('u'))):`n$($url.Url)"
    Write-Host "GET with the signed URL: $((Invoke-WebRequest $url.Url -SkipHttpErrorCheck).StatusCode); unsigned: $((Invoke-WebRequest (Get-MediaUrl $newName -Unsigned).Url -SkipHttpErrorCheck).StatusCode) (private bucket)"
    Write-Host "In MEDIA_ROOT before rollback: $(Test-Path -LiteralPath (Join-Path $mediaRoot $newName))"

    Write-Banner 'Rollback.ps1: bring post-cutover uploads back to MEDIA_ROOT'
    & (Join-Path $PSScriptRoot 'Rollback.ps1') -StateFile $state | Out-Host
    Write-Host "In MEDIA_ROOT after rollback: $(Test-Path -LiteralPath (Join-Path $mediaRoot $newName))" -ForegroundColor Green

    Write-Banner 'S3-side recovery: a bad batch job overwrites the migrated files in the bucket'
    # The last good moment, from the server's own stamps; then wait until the server stamps a later second.
    $lastGood = (Get-MediaVersion | Measure-Object -Property LastModifiedUtc -Maximum).Maximum
    do {
        Start-Sleep -Milliseconds 200
        Invoke-AwsCli -Endpoint $moto.Endpoint s3api put-object --bucket $env:AWS_STORAGE_BUCKET_NAME --key clock/tick | Out-Null
        $serverNow = [datetime]::Parse((Invoke-AwsCli -Endpoint $moto.Endpoint s3api head-object --bucket $env:AWS_STORAGE_BUCKET_NAME --key clock/tick).LastModified).ToUniversalTime()
    } while ($serverNow -le $lastGood)
    $garbage = @{}; foreach ($name in $files.Keys) { $garbage[$name] = 'corrupted by a bad batch job' }
    Invoke-AwsCli -Endpoint $moto.Endpoint s3 cp (New-TestMediaTree -Files $garbage) "s3://$env:AWS_STORAGE_BUCKET_NAME/media/" --recursive | Out-Null
    Get-MediaVersion ([string[]]$files.Keys)[0] | Format-Table | Out-Host
    & (Join-Path $PSScriptRoot 'Rollback.ps1') -StateFile $state -InBucket -AsOf $lastGood | Out-Host
    $ok = Test-MediaObject ([string[]]$files.Keys) -Path $mediaRoot -Checksum -Quiet
    Write-Host "Every migrated file in the bucket matches MEDIA_ROOT again: $ok" -ForegroundColor Green
}
finally {
    if ($site) { $site | Remove-DjangoSite }
    $moto | Stop-MotoServer
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
