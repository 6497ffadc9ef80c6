#requires -Version 7.0
<#
.SYNOPSIS
    Benchmarks Restore-MediaVersion (issue 12): restoring 3,000 changed keys against the per-object
    `aws s3api copy-object` loop a sysadmin would write, and the memory of planning 100,000 keys x 3 versions.
.DESCRIPTION
    Restore: a versioned moto bucket with -Keys objects, T read from the server's stamps, every object overwritten
    after T. MediaOps: a fresh pwsh runs Restore-MediaVersion -AsOf T -Force (pwsh start-up and import included).
    aws: one list-object-versions of the prefix, then for each changed key one
    `aws s3api copy-object --copy-source bucket/key?versionId=V --metadata-directive COPY`. One CLI process per key
    costs the same every time, so the loop is timed on -AwsSample keys and scaled to -Keys (printed as such).
    Planning memory: Restore-MediaVersion -AsOf ... -WhatIf against bench/versions_server.py, a synthetic versioned
    bucket of -PlanKeys keys with 3 versions each (moto copies every version of a bucket per listing page, so
    300,000 versions there take hours); peak RSS of the pwsh process from /usr/bin/time, target < 300 MB.
.EXAMPLE
    ./bench/Invoke-RestoreBenchmark.ps1 -ModulePath ./out/MediaOps
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(10, 100000)] [int] $Keys = 3000,
    [ValidateRange(5, 3000)] [int] $AwsSample = 100,
    [ValidateRange(1000, 10000000)] [int] $PlanKeys = 100000,
    [ValidateRange(1, 256)] [int] $Concurrency = 32
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$ModulePath = (Resolve-Path $ModulePath).Path
Import-Module (Join-Path $RepoRoot 'tests/Pester/TestHarness.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'BenchSupport.psm1') -Force
$Pwsh = Get-BenchPwsh
$Work = Join-Path ([IO.Path]::GetTempPath()) ('mediaops-bench-restore-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $Work -Force | Out-Null

# Runs a MediaOps script in a fresh pwsh under /usr/bin/time; returns wall seconds, peak RSS (MiB), the script's
# last line, and where the time went (client CPU, the server's CPU from /proc).
function Measure-Pwsh([string] $Script, $Server) {
    $outFile = Join-Path $Work ([guid]::NewGuid().ToString('N').Substring(0, 8) + '.out')
    $run = Measure-BenchProcess -Command (@($Pwsh) + @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModulePath'; $Script")) -OutFile $outFile -Server $Server
    if ($run.Exit -ne 0) { throw "MediaOps run failed: $(Get-Content $outFile -Raw)" }
    $split = 'client CPU {0:N1} s + server CPU {1:N1} s + waiting {2:N1} s (load {3})' -f $run.Cpu, $run.ServerCpu, ($run.Wall - $run.Cpu - $run.ServerCpu), (Get-BenchLoad)
    [pscustomobject]@{ Seconds = $run.Wall; PeakMiB = $run.RssMB; Last = (Get-Content $outFile | Select-Object -Last 1); Split = $split }
}

$moto = Start-BenchServer -Kind moto -WorkPath $Work
try {
    Set-TestAwsEnvironment -Endpoint $moto.Endpoint
    $E = $moto.Endpoint
    $bucket = New-TestBucketName -Stem 'restore'
    Invoke-AwsCli -Endpoint $E s3api create-bucket --bucket $bucket | Out-Null
    Invoke-AwsCli -Endpoint $E s3api put-bucket-versioning --bucket $bucket --versioning-configuration Status=Enabled | Out-Null
    $files = @{}; for ($i = 0; $i -lt $Keys; $i++) { $files["d$($i % 30)/f$i.jpg"] = "good $i " + ('x' * ($i % 500)) }
    $good = New-TestMediaTree -Files $files
    Write-Host "Seeding $Keys objects, then overwriting them all after T ..." -ForegroundColor DarkGray
    Invoke-AwsCli -Endpoint $E s3 cp $good "s3://$bucket/media/" --recursive --only-show-errors | Out-Null
    $listed = Invoke-AwsCli -Endpoint $E s3api list-object-versions --bucket $bucket --prefix media/
    $T = ($listed.Versions | ForEach-Object { [datetime]::Parse($_.LastModified).ToUniversalTime() } | Measure-Object -Maximum).Maximum
    do {
        Start-Sleep -Milliseconds 200
        Invoke-AwsCli -Endpoint $E s3api put-object --bucket $bucket --key clock/tick | Out-Null
        $now = [datetime]::Parse((Invoke-AwsCli -Endpoint $E s3api head-object --bucket $bucket --key clock/tick).LastModified).ToUniversalTime()
    } while ($now -le $T)
    $badFiles = @{}; foreach ($k in $files.Keys) { $badFiles[$k] = 'overwritten by a bad job' }
    $bad = New-TestMediaTree -Files $badFiles
    Invoke-AwsCli -Endpoint $E s3 cp $bad "s3://$bucket/media/" --recursive --only-show-errors | Out-Null
    $asOf = $T.ToString('o')

    # The sysadmin's loop, on a sample: one listing, then one copy-object per key (version ids from the listing).
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $history = Invoke-AwsCli -Endpoint $E s3api list-object-versions --bucket $bucket --prefix media/
    $sample = @($history.Versions | Where-Object { -not $_.IsLatest } | Select-Object -First $AwsSample)
    foreach ($v in $sample) {
        Invoke-AwsCli -Endpoint $E s3api copy-object --bucket $bucket --key $v.Key --copy-source "$bucket/$($v.Key)?versionId=$($v.VersionId)" --metadata-directive COPY | Out-Null
    }
    $watch.Stop()
    $awsSeconds = $watch.Elapsed.TotalSeconds / $sample.Count * $Keys

    $run = Measure-Pwsh "`$r = Restore-MediaVersion -BucketName '$bucket' -Prefix media -EndpointUrl '$E' -Region us-east-1 -AsOf ([datetime]::Parse('$asOf').ToUniversalTime()) -Force -Concurrency $Concurrency; if (`$r.Failed) { exit 3 }; '{0} {1}' -f `$r.Transferred, `$r.Duration.TotalSeconds" $moto
    $restored, $engineSeconds = ($run.Last -split ' ')
    if ([int]$restored -ne $Keys - $sample.Count) { throw "Restore-MediaVersion restored $restored keys, expected $($Keys - $sample.Count) (the aws loop did $($sample.Count))." }
    $mediaOpsSeconds = $run.Seconds / [int]$restored * $Keys
}
finally { Stop-BenchServer $moto }

# Planning memory against the synthetic versioned bucket.
$port = Get-FreeTcpPort
$server = Start-Process python3 -ArgumentList (Join-Path $PSScriptRoot 'versions_server.py'), $port, $PlanKeys, 3 -PassThru
try {
    $deadline = [datetime]::UtcNow.AddSeconds(30)
    while ($true) {
        try { Invoke-WebRequest "http://127.0.0.1:$port/bench?versioning" -TimeoutSec 2 | Out-Null; break }
        catch { if ([datetime]::UtcNow -gt $deadline) { throw 'versions_server.py did not start' }; Start-Sleep -Milliseconds 200 }
    }
    # As of 90 minutes in: version 1 is the state then, so every key is planned (100,000 SyncItems stream out).
    $plan = Measure-Pwsh "`$n = 0; Restore-MediaVersion -BucketName bench -Prefix media -EndpointUrl 'http://127.0.0.1:$port' -Region us-east-1 -AsOf ([datetime]'2026-01-01T01:30:00Z').ToUniversalTime() -WhatIf | ForEach-Object { if (`$_ -is [MediaOps.SyncItem]) { `$n++ } }; `$n" ([pscustomobject]@{ Pids = @($server.Id) })
    if ([int]$plan.Last -ne $PlanKeys) { throw "The plan listed $($plan.Last) keys, expected $PlanKeys." }
}
finally { Stop-Process -Id $server.Id -ErrorAction SilentlyContinue }

$rows = @(
    [pscustomobject]@{ Scenario = "restore $Keys changed keys"; Client = 'MediaOps'; Seconds = [math]::Round($mediaOpsSeconds, 1); Note = "Restore-MediaVersion -Concurrency $Concurrency, whole process (engine $([math]::Round([double]$engineSeconds, 1)) s for $restored keys; $($run.Split)), scaled to $Keys" }
    [pscustomobject]@{ Scenario = "restore $Keys changed keys"; Client = 'aws loop'; Seconds = [math]::Round($awsSeconds, 1); Note = "list-object-versions + copy-object per key, timed on $($sample.Count) keys, scaled to $Keys" }
    [pscustomobject]@{ Scenario = "plan $PlanKeys keys x 3 versions"; Client = 'MediaOps'; Seconds = [math]::Round($plan.Seconds, 1); Note = "peak RSS $($plan.PeakMiB) MiB (target < 300 MB); $($plan.Split)" }
)
Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
$rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
Write-Host ("Restore ratio MediaOps / aws copy-object loop: {0:0.000}x ({1:0.0}x faster)" -f ($mediaOpsSeconds / $awsSeconds), ($awsSeconds / $mediaOpsSeconds)) -ForegroundColor Cyan
Write-Host ("Planning memory: peak RSS {0} MiB for {1:N0} keys x 3 versions: {2}" -f $plan.PeakMiB, $PlanKeys, $(if ($plan.PeakMiB * 1MB -lt 300MB) { 'PASS' } else { 'FAIL' })) -ForegroundColor Cyan
$rows
