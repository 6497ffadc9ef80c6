#requires -Version 7.0
<#
.SYNOPSIS
    Benchmarks Sync-MediaToS3 and Compare-MediaStore against `aws s3 sync` and `rclone` on one moto server.
.DESCRIPTION
    Every client runs as a whole process (MediaOps: a fresh pwsh that imports the module and runs the
    cmdlet; pwsh start-up and module import are part of its time) under /usr/bin/time, against the same
    moto, each on a fresh bucket. Requests are counted from moto's request log. Scenarios:
      SmallFirst  first sync of -SmallFiles files of 1-32 KiB
      SmallNoop   the same sync again (nothing changed)
      Large       one file of -LargeFileMiB MiB (moto restarted for each client)
      Compare     -CompareFiles files against a bucket that already holds them (read-only, one bucket;
                  seeded straight into moto's backend so the run does not spend minutes on PUTs)
    Prints per scenario: median wall time, ratio to aws, client CPU seconds, CPU ms per file, requests per
    file by kind, peak RSS; then the targets of issue 6 as PASS/FAIL. Results also go to bench/results/.

    Checksums: aws CLI uses the SDK's flexible checksums (CRC32) on every endpoint; MediaOps uses them on
    AWS hosts and Content-MD5 on other endpoints (Aws/S3ChecksumPolicy.cs). moto is not an AWS host, so
    by default (-MediaOpsChecksums Aws) MediaOps runs with the standard AWS_REQUEST_CHECKSUM_CALCULATION=
    when_supported, as it runs against Amazon S3. -MediaOpsChecksums Compatible measures the Content-MD5
    mode; on moto its multipart uploads are slower because moto then gives the object a full-object
    CRC64NVME computed in Python on CompleteMultipartUpload (S3 does that on its own hardware).
.EXAMPLE
    ./build.ps1 Bench
.EXAMPLE
    ./bench/Invoke-Benchmark.ps1 -ModulePath ./out/MediaOps -Scenario SmallFirst, SmallNoop -Repeat 5
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(1000, 1000000)] [int] $SmallFiles = 3000,
    [ValidateRange(1000, 10000000)] [int] $CompareFiles = 100000,
    [ValidateRange(16, 65536)] [int] $LargeFileMiB = 1024,
    [ValidateSet('SmallFirst', 'SmallNoop', 'Large', 'Compare')] [string[]] $Scenario = @('SmallFirst', 'SmallNoop', 'Large', 'Compare'),
    [ValidateSet('MediaOps', 'aws', 'rclone')] [string[]] $Client = @('MediaOps', 'aws', 'rclone'),
    # Runs per client of the small-file scenarios (the median is reported); Large and Compare run -HeavyRepeat times.
    [ValidateRange(1, 20)] [int] $Repeat = 2,
    [ValidateRange(1, 20)] [int] $HeavyRepeat = 1,
    # Checksum mode of the MediaOps process: as against Amazon S3 (CRC32 flexible checksums) or as against an S3-compatible server (Content-MD5).
    [ValidateSet('Aws', 'Compatible')] [string] $MediaOpsChecksums = 'Aws',
    # Generated trees are kept here and reused by later runs (they are deterministic).
    [string] $DataPath = (Join-Path ([IO.Path]::GetTempPath()) 'mediaops-bench'),
    [string] $ResultPath = (Join-Path $PSScriptRoot 'results')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$Tools = Join-Path $PSScriptRoot 'bench_tools.py'
$ModulePath = (Resolve-Path $ModulePath).Path
$Stamp = [DateTime]::UtcNow.ToString('yyyyMMdd-HHmmss')
$Work = Join-Path $DataPath "run-$Stamp"
New-Item -ItemType Directory -Force -Path $Work, $ResultPath | Out-Null

foreach ($tool in 'python3', 'aws', 'rclone', '/usr/bin/time') {
    if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) { throw "The benchmark needs '$tool' (Debian: apt-get install time rclone; pip install awscli 'moto[server]')." }
}

# A fresh pwsh like this one (installed pwsh, or the .NET tool's pwsh.dll run by dotnet).
$self = (Get-Process -Id $PID).Path
$PwshCommand = if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { @($self, (Join-Path $PSHOME 'pwsh.dll')) } else { @($self) }

$env:AWS_ACCESS_KEY_ID = 'AKIAMEDIAOPSBENCH001'
$env:AWS_SECRET_ACCESS_KEY = 'mediaops-bench-secret-not-real'
$env:AWS_DEFAULT_REGION = 'us-east-1'
$env:AWS_EC2_METADATA_DISABLED = 'true'
# AWS_CA_BUNDLE: rclone refuses a CA bundle on its plain-HTTP transport (the endpoint is http:// anyway).
Remove-Item Env:AWS_SESSION_TOKEN, Env:AWS_PROFILE, Env:AWS_STORAGE_BUCKET_NAME, Env:AWS_LOCATION, Env:AWS_S3_REGION_NAME, Env:AWS_S3_ENDPOINT_URL, Env:AWS_CA_BUNDLE -ErrorAction SilentlyContinue

# ------------------------------------------------------------------ data

function Initialize-Tree([string] $Name, [string[]] $Arguments) {
    $path = Join-Path $DataPath $Name
    $complete = "$path.complete"
    if (-not (Test-Path $complete)) {
        if (Test-Path $path) { Remove-Item $path -Recurse -Force }
        Write-Host "Generating $Name ..." -ForegroundColor DarkGray
        & python3 $Tools @Arguments
        if ($LASTEXITCODE -ne 0) { throw "bench_tools.py $($Arguments[0]) failed" }
        New-Item -ItemType File $complete | Out-Null
    }
    return $path
}

function Get-TreeBytes([string] $Path) {
    (Get-ChildItem $Path -Recurse -File | Measure-Object Length -Sum).Sum
}

# ------------------------------------------------------------------ moto

function Start-BenchMoto([string[]] $Seed = @()) {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $log = Join-Path $Work "moto-$port.log"
    $out = Join-Path $Work "moto-$port.out"
    $quoted = (@('python3', $Tools, 'moto', "$port") + $Seed | ForEach-Object { "'" + ($_ -replace "'", "'\''") + "'" }) -join ' '
    $psi = [System.Diagnostics.ProcessStartInfo]::new('bash')
    $psi.ArgumentList.Add('-c'); $psi.ArgumentList.Add("exec $quoted >'$out' 2>'$log'")
    $psi.UseShellExecute = $false
    [void]$psi.Environment.Remove('INITIAL_NO_AUTH_ACTION_COUNT')
    $proc = [System.Diagnostics.Process]::Start($psi)
    $endpoint = "http://127.0.0.1:$port"
    $deadline = [DateTime]::UtcNow.AddSeconds(180)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($proc.HasExited) { throw "moto exited early: $(Get-Content $log -Raw)" }
        if ((Test-Path $out) -and (Select-String -Path $out -Pattern 'listening' -Quiet)) {
            return [pscustomobject]@{ Endpoint = $endpoint; Process = $proc; Log = $log }
        }
        Start-Sleep -Milliseconds 200
    }
    $proc.Kill(); throw "moto did not start on $endpoint"
}

function Stop-BenchMoto($Moto) {
    if ($Moto -and -not $Moto.Process.HasExited) { $Moto.Process.Kill(); $Moto.Process.WaitForExit(5000) | Out-Null }
}

function New-BenchBucket($Moto, [string] $Stem) {
    $name = "$Stem-" + [guid]::NewGuid().ToString('N').Substring(0, 10)
    & aws --endpoint-url $Moto.Endpoint s3api create-bucket --bucket $name | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "create-bucket $name failed" }
    return $name
}

function Get-ObjectCount($Moto, [string] $Bucket) {
    $text = & aws --endpoint-url $Moto.Endpoint s3 ls "s3://$Bucket/media/" --recursive --summarize | Select-Object -Last 2
    return [long](($text | Select-String 'Total Objects: (\d+)').Matches[0].Groups[1].Value)
}

# ------------------------------------------------------------------ clients

function Get-ClientCommand([string] $Name, [string] $Action, [string] $Source, $Moto, [string] $Bucket, [string] $Out) {
    $endpoint = $Moto.Endpoint
    switch ($Name) {
        'MediaOps' {
            $cmdlet = if ($Action -eq 'compare') {
                "`$t = [Diagnostics.Stopwatch]::StartNew(); `$n = @(Compare-MediaStore -Path '$Source' -BucketName '$Bucket' -Prefix media -EndpointUrl '$endpoint' -Region us-east-1).Count; Set-Content '$Out' `$t.Elapsed.TotalSeconds; if (`$n) { throw `"`$n differences`" }"
            } else {
                # No formatting of the result: the first Format-* in a process loads the format data (~0.5 s CPU).
                "`$r = Sync-MediaToS3 -Path '$Source' -BucketName '$Bucket' -Prefix media -EndpointUrl '$endpoint' -Region us-east-1 -Confirm:`$false; Set-Content '$Out' ('{0} {1} {2} {3}' -f `$r.Duration.TotalSeconds, `$r.Transferred, `$r.Failed, `$r.Retries); if (`$r.Failed) { exit 3 }"
            }
            $script = "`$ErrorActionPreference = 'Stop'; Import-Module '$ModulePath'; $cmdlet"
            $checksums = if ($MediaOpsChecksums -eq 'Aws') { @('env', 'AWS_REQUEST_CHECKSUM_CALCULATION=when_supported') } else { @() }
            return $checksums + $PwshCommand + @('-NoProfile', '-NonInteractive', '-Command', $script)
        }
        'aws' {
            if ($Action -eq 'compare') { return @('aws', '--endpoint-url', $endpoint, 's3', 'sync', '--dryrun', '--only-show-errors', $Source, "s3://$Bucket/media/") }
            return @('aws', '--endpoint-url', $endpoint, 's3', 'sync', '--only-show-errors', $Source, "s3://$Bucket/media/")
        }
        'rclone' {
            $env:RCLONE_CONFIG_BENCH_TYPE = 's3'
            $env:RCLONE_CONFIG_BENCH_PROVIDER = 'Other'
            $env:RCLONE_CONFIG_BENCH_ENDPOINT = $endpoint
            $env:RCLONE_CONFIG_BENCH_ACCESS_KEY_ID = $env:AWS_ACCESS_KEY_ID
            $env:RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY = $env:AWS_SECRET_ACCESS_KEY
            $env:RCLONE_CONFIG_BENCH_REGION = 'us-east-1'
            $env:RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE = 'true'
            $env:RCLONE_CONFIG_BENCH_NO_CHECK_BUCKET = 'true'
            $env:RCLONE_CONFIG = '/dev/null'
            if ($Action -eq 'compare') { return @('rclone', 'check', '--one-way', $Source, "bench:$Bucket/media") }
            return @('rclone', 'sync', $Source, "bench:$Bucket/media")
        }
    }
}

function Measure-Client([string] $Name, [string] $Action, [string] $Source, $Moto, [string] $Bucket) {
    $tag = "$Name-$Action-" + [guid]::NewGuid().ToString('N').Substring(0, 6)
    $timeFile = Join-Path $Work "$tag.time"
    $outFile = Join-Path $Work "$tag.out"
    $resultFile = Join-Path $Work "$tag.result"
    $command = Get-ClientCommand $Name $Action $Source $Moto $Bucket $resultFile
    $logStart = (Get-Item $Moto.Log).Length
    & /usr/bin/time -f '%e %U %S %M' -o $timeFile -- @command *> $outFile
    $exit = $LASTEXITCODE
    Start-Sleep -Milliseconds 300   # moto writes its log line after the response
    $logEnd = (Get-Item $Moto.Log).Length
    $fields = (Get-Content $timeFile | Select-Object -Last 1) -split ' '
    if ($exit -ne 0) { throw "$Name $Action exited with $exit`n$(Get-Content $outFile -Raw)" }
    $requests = & python3 $Tools count $Moto.Log $logStart $logEnd | ConvertFrom-Json -AsHashtable
    # MediaOps reports its own duration (SyncResult.Duration): the wall time without pwsh start-up and import.
    $engine = if (Test-Path $resultFile) { [double]((Get-Content $resultFile -Raw).Trim() -split ' ')[0] } else { [double]::NaN }
    return [pscustomobject]@{
        Client = $Name; Wall = [double]$fields[0]; Cpu = [double]$fields[1] + [double]$fields[2]
        RssMB = [math]::Round([double]$fields[3] / 1024, 1); Requests = $requests; Engine = $engine
    }
}

function Invoke-Scenario([string] $Title, [long] $Files, [long] $Bytes, [scriptblock] $RunOnce, [int] $Times = $Repeat) {
    Write-Host "`n== $Title" -ForegroundColor Cyan
    $runs = [System.Collections.Generic.List[object]]::new()
    for ($r = 0; $r -lt $Times; $r++) {
        # rotate the order so no client always runs first (cache, moto warm-up)
        $order = for ($i = 0; $i -lt $Client.Count; $i++) { $Client[($i + $r) % $Client.Count] }
        foreach ($c in $order) {
            $run = & $RunOnce $c
            Write-Host ("   {0,-9} run {1}: {2,7:N2} s wall, {3,7:N2} s CPU, {4,6:N0} MB" -f $c, ($r + 1), $run.Wall, $run.Cpu, $run.RssMB) -ForegroundColor DarkGray
            $runs.Add($run)
        }
    }
    $rows = foreach ($c in $Client) {
        $mine = @($runs | Where-Object Client -eq $c)
        $median = {
            param($v)
            $s = @($v | Where-Object { -not [double]::IsNaN($_) } | Sort-Object)
            if ($s.Count -eq 0) { return [double]::NaN }
            $mid = [int][math]::Floor($s.Count / 2)
            if ($s.Count % 2) { $s[$mid] } else { ($s[$mid - 1] + $s[$mid]) / 2 }
        }
        $req = $mine[0].Requests
        $total = ($req.Values | Measure-Object -Sum).Sum
        [pscustomobject]@{
            Scenario = $Title; Client = $c; Files = $Files; Bytes = $Bytes
            Wall = & $median $mine.Wall; Cpu = & $median $mine.Cpu; RssMB = ($mine.RssMB | Measure-Object -Maximum).Maximum
            Engine = & $median $mine.Engine
            Requests = $req; RequestTotal = [long]$total
        }
    }
    $aws = $rows | Where-Object Client -eq 'aws'
    foreach ($row in $rows) {
        $ratio = if ($aws) { $row.Wall / $aws.Wall } else { [double]::NaN }
        $row | Add-Member Ratio $ratio
        $row | Add-Member CpuMsPerFile (1000 * $row.Cpu / [math]::Max(1, $Files))
        $row | Add-Member RequestsPerFile ($row.RequestTotal / [math]::Max(1, $Files))
        $row | Add-Member MBps ($Bytes / 1MB / [math]::Max(0.001, $row.Wall))
    }
    $rows | Format-Table Client, @{ n = 'Wall s'; e = { '{0:N2}' -f $_.Wall } }, @{ n = 'x aws'; e = { '{0:N2}' -f $_.Ratio } },
        @{ n = 'CPU s'; e = { '{0:N2}' -f $_.Cpu } }, @{ n = 'CPU ms/file'; e = { '{0:N3}' -f $_.CpuMsPerFile } },
        @{ n = 'MB/s'; e = { '{0:N1}' -f $_.MBps } }, @{ n = 'Req/file'; e = { '{0:N3}' -f $_.RequestsPerFile } },
        @{ n = 'Peak RSS MB'; e = { $_.RssMB } }, @{ n = 'In-cmdlet s'; e = { if ([double]::IsNaN($_.Engine)) { '' } else { '{0:N2}' -f $_.Engine } } } -AutoSize | Out-Host
    foreach ($row in $rows) {
        Write-Host ("   {0,-9} requests: {1}" -f $row.Client, (($row.Requests.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ', '))
    }
    return $rows
}

# ------------------------------------------------------------------ scenarios

$results = [System.Collections.Generic.List[object]]::new()
$ListFloor = $null
$started = [DateTime]::UtcNow

# pwsh start-up + Import-Module, the fixed cost inside every MediaOps wall time (reported, not subtracted).
$startup = foreach ($i in 1..3) {
    $t = Join-Path $Work "startup-$i.time"
    & /usr/bin/time -f '%e %U %S %M' -o $t -- @PwshCommand -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'" | Out-Null
    [double]((Get-Content $t | Select-Object -Last 1) -split ' ')[0]
}
$startupWall = ($startup | Sort-Object)[1]
Write-Host ("pwsh start-up + Import-Module MediaOps: {0:N2} s (median of 3)" -f $startupWall)
Write-Host "MediaOps checksum mode: $MediaOpsChecksums (see Get-Help ./bench/Invoke-Benchmark.ps1)"

if ($Scenario -contains 'SmallFirst' -or $Scenario -contains 'SmallNoop') {
    $small = Initialize-Tree "small-$SmallFiles" @('tree', (Join-Path $DataPath "small-$SmallFiles"), "$SmallFiles", '1024', '32768', '42')
    $smallBytes = Get-TreeBytes $small
    $moto = Start-BenchMoto
    try {
        $buckets = @{}
        $first = Invoke-Scenario "first sync, $SmallFiles small files" $SmallFiles $smallBytes {
            param($c)
            $b = New-BenchBucket $moto $c.ToLowerInvariant()
            $buckets[$c] = @($buckets[$c]) + $b | Where-Object { $_ }
            $run = Measure-Client $c 'sync' $small $moto $b
            $count = Get-ObjectCount $moto $b
            if ($count -ne $SmallFiles) { throw "$c stored $count objects, expected $SmallFiles" }
            $run
        }
        if ($Scenario -contains 'SmallFirst') { $first | ForEach-Object { $results.Add($_) } }
        if ($Scenario -contains 'SmallNoop') {
            $rounds = @{}
            $noop = Invoke-Scenario "no-op resync, $SmallFiles small files" $SmallFiles 0 {
                param($c)
                $i = [int]$rounds[$c]; $rounds[$c] = $i + 1
                Measure-Client $c 'sync' $small $moto @($buckets[$c])[$i % @($buckets[$c]).Count]
            }
            $noop | ForEach-Object { $results.Add($_) }
            # The server's own time for the listing every no-op client must make: a bare client pages
            # through it (median of 3). No client can finish sooner than this plus its own start-up.
            $floors = foreach ($i in 1..3) { & python3 $Tools listfloor $moto.Endpoint @($buckets.Values | ForEach-Object { $_ } | Where-Object { $_ })[0] 'media/' | ConvertFrom-Json }
            $script:ListFloor = ($floors | Sort-Object seconds)[1]
            Write-Host ("   server floor: moto answers the {0} listing pages in {1:N2} s (a bare client, median of 3)" -f $ListFloor.pages, $ListFloor.seconds)
        }
    } finally { Stop-BenchMoto $moto }
}

if ($Scenario -contains 'Large') {
    $largeDir = Join-Path $DataPath "large-$LargeFileMiB"
    $large = Initialize-Tree "large-$LargeFileMiB" @('big', (Join-Path $largeDir 'videos/lecture.mp4'), "$LargeFileMiB")
    $rows = Invoke-Scenario "one file of $LargeFileMiB MiB" 1 ([long]$LargeFileMiB * 1MB) {
        param($c)
        $m = Start-BenchMoto   # a fresh moto per client: it holds a GiB per upload in memory/temp files
        try {
            $b = New-BenchBucket $m $c.ToLowerInvariant()
            $run = Measure-Client $c 'sync' $large $m $b
            if ((Get-ObjectCount $m $b) -ne 1) { throw "$c did not store the large file" }
            $run
        } finally { Stop-BenchMoto $m }
    } -Times $HeavyRepeat
    $rows | ForEach-Object { $results.Add($_) }
}

if ($Scenario -contains 'Compare') {
    $compare = Initialize-Tree "compare-$CompareFiles" @('tree', (Join-Path $DataPath "compare-$CompareFiles"), "$CompareFiles", '0', '64', '7')
    $bucket = 'compare-' + [guid]::NewGuid().ToString('N').Substring(0, 10)
    Write-Host "Seeding $CompareFiles objects into moto ..." -ForegroundColor DarkGray
    $moto = Start-BenchMoto -Seed @("$bucket=media/=$compare")
    try {
        $rows = Invoke-Scenario "compare, $CompareFiles files (all equal)" $CompareFiles 0 {
            param($c) Measure-Client $c 'compare' $compare $moto $bucket
        } -Times $HeavyRepeat
        $rows | ForEach-Object { $results.Add($_) }
    } finally { Stop-BenchMoto $moto }
}

# ------------------------------------------------------------------ targets

function Get-Row([string] $Like, [string] $Name) { $results | Where-Object { $_.Scenario -like $Like -and $_.Client -eq $Name } | Select-Object -First 1 }
$targets = [System.Collections.Generic.List[object]]::new()
function Add-Target([string] $Name, [bool] $Pass, [string] $Detail) { $targets.Add([pscustomobject]@{ Target = $Name; Result = if ($Pass) { 'PASS' } else { 'FAIL' }; Detail = $Detail }) }

$mo = Get-Row 'first sync*' 'MediaOps'; $aw = Get-Row 'first sync*' 'aws'
if ($mo -and $aw) {
    Add-Target 'first sync <= 0.8x aws' ($mo.Ratio -le 0.8) ('{0:N2}x ({1:N2} s vs {2:N2} s; in the cmdlet {3:N2} s)' -f $mo.Ratio, $mo.Wall, $aw.Wall, $mo.Engine)
    Add-Target 'CPU per file <= aws' ($mo.CpuMsPerFile -le $aw.CpuMsPerFile) ('{0:N3} vs {1:N3} ms/file' -f $mo.CpuMsPerFile, $aw.CpuMsPerFile)
}
$mo = Get-Row 'no-op*' 'MediaOps'; $aw = Get-Row 'no-op*' 'aws'
if ($mo) {
    $lists = [long]$mo.Requests['GET ListObjectsV2']
    $writes = 0
    foreach ($kv in $mo.Requests.GetEnumerator()) { if ($kv.Name -notlike 'GET List*') { $writes += $kv.Value } }
    $expected = [math]::Ceiling($SmallFiles / 1000)
    Add-Target "no-op: $expected LIST, nothing else" ($lists -eq $expected -and -not $writes) ("LIST=$lists, other requests=$([long]$writes)")
    if ($aw) {
        $floorText = if ($ListFloor) { '; floor: moto listing {0:N2} s + pwsh start-up = {1:N2}x' -f $ListFloor.seconds, (($ListFloor.seconds + $startupWall) / $aw.Wall) } else { '' }
        Add-Target 'no-op <= 0.5x aws' ($mo.Ratio -le 0.5) ('{0:N2}x ({1:N2} s vs {2:N2} s; pwsh start-up + import {3:N2} s of it; in the cmdlet {4:N2} s = {5:N2}x{6})' -f $mo.Ratio, $mo.Wall, $aw.Wall, $startupWall, $mo.Engine, ($mo.Engine / $aw.Wall), $floorText)
    }
}
$mo = Get-Row 'one file*' 'MediaOps'; $aw = Get-Row 'one file*' 'aws'
if ($mo) {
    $parts = [long]$mo.Requests['PUT UploadPart']
    if ($aw) { Add-Target 'large: throughput >= aws, multipart' ($mo.MBps -ge $aw.MBps -and $parts -gt 1) ('{0:N0} vs {1:N0} MB/s, {2} parts' -f $mo.MBps, $aw.MBps, $parts) }
    Add-Target 'large: peak RSS < 300 MB' ($mo.RssMB -lt 300) "$($mo.RssMB) MB"
}
$mo = Get-Row 'compare*' 'MediaOps'
if ($mo) { Add-Target "compare $CompareFiles files: peak RSS < 300 MB" ($mo.RssMB -lt 300) "$($mo.RssMB) MB" }

Write-Host "`n== Targets (issue 6)" -ForegroundColor Cyan
$targets | Format-Table -AutoSize | Out-Host
$elapsed = [DateTime]::UtcNow - $started
Write-Host ("Benchmark took {0:N0} s; data in {1}" -f $elapsed.TotalSeconds, $DataPath)

$summary = [pscustomobject]@{
    Utc = $Stamp; Machine = "$([Environment]::ProcessorCount) cores, $([Environment]::OSVersion.VersionString)"
    Versions = [pscustomobject]@{ aws = (& aws --version 2>&1 | Out-String).Trim(); rclone = (& rclone version | Select-Object -First 1); pwsh = $PSVersionTable.PSVersion.ToString() }
    PwshStartupSeconds = $startupWall; NoopListFloor = $ListFloor; Repeat = $Repeat; MediaOpsChecksums = $MediaOpsChecksums; Results = $results; Targets = $targets
}
$json = Join-Path $ResultPath "bench-$Stamp.json"
$summary | ConvertTo-Json -Depth 6 | Set-Content $json
Write-Host "Results: $json"
Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
