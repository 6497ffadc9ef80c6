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
    # The S3 servers, each started fresh by the benchmark: Ceph radosgw (tests/tools/radosgw_launcher.py) and moto.
    [ValidateSet('radosgw', 'moto')] [string[]] $Server = @('radosgw', 'moto'),
    # radosgw is seeded through S3 for the compare scenario (moto straight into its backend), so it gets its own count.
    [ValidateRange(1000, 10000000)] [int] $RgwCompareFiles = 20000,
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
Import-Module (Join-Path $PSScriptRoot 'BenchSupport.psm1') -Force
$Tools = Join-Path $PSScriptRoot 'bench_tools.py'
$ModulePath = (Resolve-Path $ModulePath).Path
$Stamp = [DateTime]::UtcNow.ToString('yyyyMMdd-HHmmss')
$Work = Join-Path $DataPath "run-$Stamp"
New-Item -ItemType Directory -Force -Path $Work, $ResultPath | Out-Null

foreach ($tool in 'python3', 'aws', 'rclone', '/usr/bin/time') {
    if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) { throw "The benchmark needs '$tool' (Debian: apt-get install time rclone; pip install awscli 'moto[server]')." }
}

$PwshCommand = Get-BenchPwsh
Set-BenchAwsEnvironment

function Initialize-Tree([string] $Name, [string[]] $Arguments) { Initialize-BenchTree -DataPath $DataPath -Name $Name -Arguments $Arguments }

function Get-TreeBytes([string] $Path) {
    (Get-ChildItem $Path -Recurse -File | Measure-Object Length -Sum).Sum
}

function Start-Server([string] $Kind, [string[]] $Seed = @()) { Start-BenchServer -Kind $Kind -WorkPath $Work -Seed $Seed }

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
            # On radosgw MediaOps runs as any user gets it there: Content-MD5 (S3ChecksumPolicy's choice for a non-AWS host).
            $checksums = if ($MediaOpsChecksums -eq 'Aws' -and $Moto.Kind -ne 'radosgw') { @('env', 'AWS_REQUEST_CHECKSUM_CALCULATION=when_supported') } else { @() }
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
    $outFile = Join-Path $Work "$tag.out"
    $resultFile = Join-Path $Work "$tag.result"
    $command = Get-ClientCommand $Name $Action $Source $Moto $Bucket $resultFile
    $run = Measure-BenchProcess -Command $command -OutFile $outFile -Server $Moto
    if ($run.Exit -ne 0) { throw "$Name $Action exited with $($run.Exit)`n$(Get-Content $outFile -Raw)" }
    # MediaOps reports its own duration (SyncResult.Duration): the wall time without pwsh start-up and import.
    $engine = if (Test-Path $resultFile) { [double]((Get-Content $resultFile -Raw).Trim() -split ' ')[0] } else { [double]::NaN }
    return [pscustomobject]@{
        Client = $Name; Wall = $run.Wall; Cpu = $run.Cpu; RssMB = $run.RssMB; Requests = $run.Requests; Engine = $engine; ServerCpu = $run.ServerCpu
    }
}

function Invoke-Scenario([string] $Title, [long] $Files, [long] $Bytes, [scriptblock] $RunOnce, [int] $Times = $Repeat) {
    $Title = "[$ServerKind] $Title"
    Write-Host "`n== $Title (load $(Get-BenchLoad))" -ForegroundColor Cyan
    $runs = [System.Collections.Generic.List[object]]::new()
    for ($r = 0; $r -lt $Times; $r++) {
        # rotate the order so no client always runs first (cache, moto warm-up)
        $order = for ($i = 0; $i -lt $Client.Count; $i++) { $Client[($i + $r) % $Client.Count] }
        foreach ($c in $order) {
            $run = & $RunOnce $c
            Write-Host ("   {0,-9} run {1}: {2,7:N2} s wall, {3,7:N2} s CPU, {4,6:N0} MB, server {5,6:N2} s CPU" -f $c, ($r + 1), $run.Wall, $run.Cpu, $run.RssMB, $run.ServerCpu) -ForegroundColor DarkGray
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
            Engine = & $median $mine.Engine; ServerCpu = & $median $mine.ServerCpu; Server = $ServerKind
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
        @{ n = 'Peak RSS MB'; e = { $_.RssMB } }, @{ n = 'In-cmdlet s'; e = { if ([double]::IsNaN($_.Engine)) { '' } else { '{0:N2}' -f $_.Engine } } },
        @{ n = 'Server CPU s'; e = { '{0:N2}' -f $_.ServerCpu } }, @{ n = 'Client CPU/wall'; e = { '{0:N2}' -f ($_.Cpu / [math]::Max(0.001, $_.Wall)) } } -AutoSize | Out-String -Width 200 | Write-Host
    foreach ($row in $rows) {
        Write-Host ("   {0,-9} requests: {1}" -f $row.Client, (($row.Requests.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ', '))
    }
    return $rows
}

# ------------------------------------------------------------------ scenarios

$results = [System.Collections.Generic.List[object]]::new()
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

$sessions = [System.Collections.Generic.List[object]]::new()
$floors = @{}

# "In a runbook session": a fresh pwsh times itself from the inside (no process start-up): Import-Module
# alone, then the first no-op sync (cold: JIT, SDK client, credentials), then a second one (warm), what a
# runbook or a Pester file pays once the module is loaded.
function Measure-Session($Server, [string] $Source, [string] $Bucket) {
    $out = Join-Path $Work ("session-" + [guid]::NewGuid().ToString('N').Substring(0, 6) + '.out')
    $sync = "Sync-MediaToS3 -Path '$Source' -BucketName '$Bucket' -Prefix media -EndpointUrl '$($Server.Endpoint)' -Region us-east-1 -Confirm:`$false"
    # With each phase's CPU (the process's own), which a loaded machine inflates far less than the wall time.
    $script = "`$ErrorActionPreference = 'Stop'; `$p = [Diagnostics.Process]::GetCurrentProcess(); function cpu { `$p.Refresh(); `$p.TotalProcessorTime.TotalSeconds }; `$c0 = cpu; " +
              "`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$ModulePath'; `$import = `$sw.Elapsed.TotalSeconds; `$ci = (cpu) - `$c0; " +
              "`$r = $sync; `$cold = `$sw.Elapsed.TotalSeconds; `$cc = (cpu) - `$c0; `$c1 = cpu; `$sw.Restart(); `$r = $sync; `$warm = `$sw.Elapsed.TotalSeconds; `$cw = (cpu) - `$c1; " +
              "if (`$r.Transferred) { throw 'not a no-op' }; Set-Content '$out' ('{0} {1} {2} {3} {4} {5}' -f `$import, `$cold, `$warm, `$ci, `$cc, `$cw)"
    $checksums = if ($MediaOpsChecksums -eq 'Aws' -and $Server.Kind -ne 'radosgw') { @{ AWS_REQUEST_CHECKSUM_CALCULATION = 'when_supported' } } else { @{} }
    foreach ($k in $checksums.Keys) { Set-Item "Env:$k" $checksums[$k] }
    try { & $PwshCommand[0] @($PwshCommand | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script | Out-Null } finally { foreach ($k in $checksums.Keys) { Remove-Item "Env:$k" } }
    if ($LASTEXITCODE -ne 0) { throw "session measurement failed" }
    $v = (Get-Content $out -Raw).Trim() -split ' '
    return [pscustomobject]@{ Import = [double]$v[0]; ImportAndFirst = [double]$v[1]; Warm = [double]$v[2]; ImportCpu = [double]$v[3]; ImportAndFirstCpu = [double]$v[4]; WarmCpu = [double]$v[5] }
}

function Invoke-ServerScenarios([string] $ServerKind) {
    $script:ServerKind = $ServerKind
    if ($Scenario -contains 'SmallFirst' -or $Scenario -contains 'SmallNoop') {
        $small = Initialize-Tree "small-$SmallFiles" @('tree', (Join-Path $DataPath "small-$SmallFiles"), "$SmallFiles", '1024', '32768', '42')
        $smallBytes = Get-TreeBytes $small
        $moto = Start-Server $ServerKind
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
                $bucket = @($buckets['MediaOps'] | Where-Object { $_ })[0]
                if (-not $bucket) { $bucket = @($buckets.Values | ForEach-Object { $_ } | Where-Object { $_ })[0] }
                $f = foreach ($i in 1..3) { & python3 $Tools listfloor $moto.Endpoint $bucket 'media/' | ConvertFrom-Json }
                $floors[$ServerKind] = ($f | Sort-Object seconds)[1]
                Write-Host ("   server floor: {0} answers the {1} listing pages in {2:N2} s (a bare client, median of 3)" -f $ServerKind, $floors[$ServerKind].pages, $floors[$ServerKind].seconds)
                if ($Client -contains 'MediaOps') {
                    $runs = foreach ($i in 1..[math]::Max(3, $Repeat)) { Measure-Session $moto $small $bucket }
                    $med = { param($v) $x = @($v | Sort-Object); $x[[int][math]::Floor($x.Count / 2)] }
                    $session = [pscustomobject]@{ Server = $ServerKind; Import = & $med $runs.Import; ImportAndFirst = & $med $runs.ImportAndFirst; Warm = & $med $runs.Warm
                                                  ImportCpu = & $med $runs.ImportCpu; ImportAndFirstCpu = & $med $runs.ImportAndFirstCpu; WarmCpu = & $med $runs.WarmCpu }
                    $sessions.Add($session)
                    $aws = $noop | Where-Object Client -eq 'aws'
                    Write-Host ("   [{0}] runbook session (stopwatch in a fresh pwsh, median of {1}): Import-Module {2:N3} s; import + first no-op {3:N3} s; second no-op {4:N3} s{5}" -f $ServerKind, @($runs).Count,
                        $session.Import, $session.ImportAndFirst, $session.Warm, $(if ($aws) { '; aws whole process {0:N2} s -> {1:N2}x cold, {2:N2}x warm' -f $aws.Wall, ($session.ImportAndFirst / $aws.Wall), ($session.Warm / $aws.Wall) }))
                }
            }
        } finally { Stop-BenchServer $moto }
    }

    if ($Scenario -contains 'Large') {
        $largeDir = Join-Path $DataPath "large-$LargeFileMiB"
        $large = Initialize-Tree "large-$LargeFileMiB" @('big', (Join-Path $largeDir 'videos/lecture.mp4'), "$LargeFileMiB")
        $rows = Invoke-Scenario "one file of $LargeFileMiB MiB" 1 ([long]$LargeFileMiB * 1MB) {
            param($c)
            $m = Start-Server $ServerKind   # a fresh server per client: each holds the GiB in memory
            try {
                $b = New-BenchBucket $m $c.ToLowerInvariant()
                $run = Measure-Client $c 'sync' $large $m $b
                if ((Get-ObjectCount $m $b) -ne 1) { throw "$c did not store the large file" }
                $run
            } finally { Stop-BenchServer $m }
        } -Times $HeavyRepeat
        $rows | ForEach-Object { $results.Add($_) }
    }

    if ($Scenario -contains 'Compare') {
        # moto is seeded straight into its backend; radosgw through S3 (MediaOps, 32 at a time), which costs
        # the server about 4 ms of CPU per object, hence its own, smaller default count.
        $n = if ($ServerKind -eq 'radosgw') { $RgwCompareFiles } else { $CompareFiles }
        $compare = Initialize-Tree "compare-$n" @('tree', (Join-Path $DataPath "compare-$n"), "$n", '0', '64', '7')
        $bucket = 'compare-' + [guid]::NewGuid().ToString('N').Substring(0, 10)
        Write-Host "Seeding $n objects into $ServerKind ..." -ForegroundColor DarkGray
        $moto = if ($ServerKind -eq 'moto') { Start-Server $ServerKind -Seed @("$bucket=media/=$compare") } else { Start-Server $ServerKind }
        try {
            if ($ServerKind -ne 'moto') {
                & aws --endpoint-url $moto.Endpoint s3api create-bucket --bucket $bucket | Out-Null
                & $PwshCommand[0] @($PwshCommand | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "`$ErrorActionPreference = 'Stop'; Import-Module '$ModulePath'; `$r = Sync-MediaToS3 -Path '$compare' -BucketName '$bucket' -Prefix media -EndpointUrl '$($moto.Endpoint)' -Region us-east-1 -Concurrency 32 -Confirm:`$false; if (`$r.Failed) { exit 3 }" | Out-Null
                if ($LASTEXITCODE -ne 0) { throw "seeding $n objects into radosgw failed" }
            }
            $rows = Invoke-Scenario "compare, $n files (all equal)" $n 0 {
                param($c) Measure-Client $c 'compare' $compare $moto $bucket
            } -Times $HeavyRepeat
            $rows | ForEach-Object { $results.Add($_) }
        } finally { Stop-BenchServer $moto }
    }
}

foreach ($kind in $Server) { Invoke-ServerScenarios $kind }

# ------------------------------------------------------------------ targets

function Get-Row([string] $Kind, [string] $Like, [string] $Name) { $results | Where-Object { $_.Server -eq $Kind -and $_.Scenario -like "*$Like" -and $_.Client -eq $Name } | Select-Object -First 1 }
$targets = [System.Collections.Generic.List[object]]::new()
function Add-Target([string] $Name, [bool] $Pass, [string] $Detail) { $targets.Add([pscustomobject]@{ Target = $Name; Result = if ($Pass) { 'PASS' } else { 'FAIL' }; Detail = $Detail }) }
# Where the time went: client CPU, server CPU, and the rest (waiting: network, locks, round trips).
# Waiting = wall - client CPU - server CPU (round trips, locks, the other processes of a shared machine; on two
# cores client and server CPU overlap, so a negative rest means both were busy at once).
function Get-Split($Row) { '{0:N2} s = client CPU {1:N2} s + server CPU {2:N2} s + waiting {3:N2} s' -f $Row.Wall, $Row.Cpu, $Row.ServerCpu, ($Row.Wall - $Row.Cpu - $Row.ServerCpu) }

# Issue 16's targets are on radosgw (moto is the bottleneck of its own figures); moto's rows are printed above.
foreach ($kind in @($Server | Where-Object { $_ -eq 'radosgw' }) + @($Server | Where-Object { $_ -ne 'radosgw' })) {
    $tag = "[$kind]"
    $mo = Get-Row $kind 'first sync*' 'MediaOps'; $aw = Get-Row $kind 'first sync*' 'aws'
    if ($mo -and $aw) {
        Add-Target "$tag first sync <= 0.4x aws" ($mo.Ratio -le 0.4) ('{0:N2}x (MediaOps {1}; aws {2}; in the cmdlet {3:N2} s)' -f $mo.Ratio, (Get-Split $mo), (Get-Split $aw), $mo.Engine)
        Add-Target "$tag client CPU per file <= 0.5x aws" ($mo.CpuMsPerFile -le 0.5 * $aw.CpuMsPerFile) ('{0:N3} vs {1:N3} ms/file = {2:N2}x' -f $mo.CpuMsPerFile, $aw.CpuMsPerFile, ($mo.CpuMsPerFile / $aw.CpuMsPerFile))
    }
    $mo = Get-Row $kind 'no-op*' 'MediaOps'; $aw = Get-Row $kind 'no-op*' 'aws'
    if ($mo) {
        $lists = [long]$mo.Requests['GET ListObjectsV2']
        $writes = 0
        foreach ($kv in $mo.Requests.GetEnumerator()) { if ($kv.Name -notlike 'GET List*') { $writes += $kv.Value } }
        $expected = [math]::Ceiling($SmallFiles / 1000)
        Add-Target "$tag no-op: $expected LIST, nothing else" ($lists -eq $expected -and -not $writes) ("LIST=$lists, other requests=$([long]$writes)")
        if ($aw) {
            $floor = $floors[$kind]
            Add-Target "$tag no-op whole process (reported)" $true ('{0:N2}x ({1}; aws {2}; pwsh start-up + import {3:N2} s{4})' -f $mo.Ratio, (Get-Split $mo), (Get-Split $aw), $startupWall,
                $(if ($floor) { '; server listing floor {0:N2} s' -f $floor.seconds }))
        }
    }
    $session = $sessions | Where-Object Server -eq $kind | Select-Object -First 1
    if ($session) {
        Add-Target "$tag Import-Module <= 100 ms" ($session.Import -le 0.1) ('{0:N0} ms (stopwatch inside a fresh pwsh; {1:N0} ms CPU)' -f (1000 * $session.Import), (1000 * $session.ImportCpu))
        if ($aw) {
            Add-Target "$tag cold import + first no-op <= 0.15x aws" ($session.ImportAndFirst / $aw.Wall -le 0.15) ('{0:N2}x ({1:N3} s, {3:N3} s CPU, vs aws whole process {2:N2} s, {4:N2} s CPU)' -f ($session.ImportAndFirst / $aw.Wall), $session.ImportAndFirst, $aw.Wall, $session.ImportAndFirstCpu, $aw.Cpu)
            Add-Target "$tag warm no-op <= 0.05x aws" ($session.Warm / $aw.Wall -le 0.05) ('{0:N3}x ({1:N3} s, {3:N3} s CPU, vs {2:N2} s, {4:N2} s CPU)' -f ($session.Warm / $aw.Wall), $session.Warm, $aw.Wall, $session.WarmCpu, $aw.Cpu)
        }
    }
    $mo = Get-Row $kind 'one file*' 'MediaOps'; $aw = Get-Row $kind 'one file*' 'aws'
    if ($mo) {
        $parts = [long]$mo.Requests['PUT UploadPart']
        if ($aw) { Add-Target "$tag large: throughput >= 1.2x aws, multipart" ($mo.MBps -ge 1.2 * $aw.MBps -and $parts -gt 1) ('{0:N0} vs {1:N0} MB/s = {2:N2}x, {3} parts (MediaOps {4}; aws {5})' -f $mo.MBps, $aw.MBps, ($mo.MBps / $aw.MBps), $parts, (Get-Split $mo), (Get-Split $aw)) }
        Add-Target "$tag large: peak RSS < 300 MB" ($mo.RssMB -lt 300) "$($mo.RssMB) MB"
    }
    $mo = Get-Row $kind 'compare*' 'MediaOps'; $aw = Get-Row $kind 'compare*' 'aws'
    if ($mo) {
        if ($aw) { Add-Target "$tag compare $($mo.Files) files <= 0.5x aws" ($mo.Ratio -le 0.5) ('{0:N2}x (MediaOps {1}; aws {2})' -f $mo.Ratio, (Get-Split $mo), (Get-Split $aw)) }
        Add-Target "$tag compare $($mo.Files) files: peak RSS < 300 MB" ($mo.RssMB -lt 300) "$($mo.RssMB) MB"
    }
}

Write-Host "`n== Targets (issue 16; on moto for reference)" -ForegroundColor Cyan
$targets | Format-Table -AutoSize -Wrap | Out-String -Width 200 | Write-Host
$elapsed = [DateTime]::UtcNow - $started
Write-Host ("Benchmark took {0:N0} s; data in {1}" -f $elapsed.TotalSeconds, $DataPath)

$summary = [pscustomobject]@{
    Utc = $Stamp; LoadAtEnd = Get-BenchLoad; Machine = "$([Environment]::ProcessorCount) cores, $([Environment]::OSVersion.VersionString)"
    Versions = [pscustomobject]@{ aws = (& aws --version 2>&1 | Out-String).Trim(); rclone = (& rclone version | Select-Object -First 1); pwsh = $PSVersionTable.PSVersion.ToString() }
    PwshStartupSeconds = $startupWall; NoopListFloor = $floors; Sessions = $sessions; Repeat = $Repeat; MediaOpsChecksums = $MediaOpsChecksums; Results = $results; Targets = $targets
}
$json = Join-Path $ResultPath "bench-$Stamp.json"
$summary | ConvertTo-Json -Depth 6 | Set-Content $json
Write-Host "Results: $json"
Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
