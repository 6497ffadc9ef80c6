#requires -Version 7.0
<#
.SYNOPSIS
    Benchmarks S3 Inventory as the listing and partitioned workers (issue 14) on moto.
.DESCRIPTION
    Every MediaOps run is a whole fresh pwsh process under /usr/bin/time (peak RSS is that process's maxrss);
    requests are counted from moto's request log. Reports are written in AWS's format by
    tests/tools/inventory_report.py (boto3). Scenarios:
      InventoryNames   Test-MediaObject -Inventory on -InventoryNames names piped from a CSV (Import-Csv), against a
                       report of that many rows (synthetic keys; moto holds none of them, so any HEAD for them would
                       answer 404 and fail the row), plus -MissingNames names the report lacks (each must cost one HEAD).
      HeadNames        -HeadNames real objects seeded into moto: Test-MediaObject -Inventory (report of the real
                       listing) next to the path without a report (one HEAD per name), and the server's time for a
                       LIST of the prefix (bench_tools listfloor).
      PartitionedSync  -PartitionFiles files uploaded by four Sync-MediaToS3 -Partition k/4 processes at once into a
                       versioned bucket; the aws CLI then counts the versions (one per key = each file once).
    Prints one row per run and writes bench/results/inventory-<time>.json.
.EXAMPLE
    ./build.ps1 Bench
.EXAMPLE
    ./bench/Invoke-InventoryBenchmark.ps1 -ModulePath ./out/MediaOps -Scenario InventoryNames -InventoryNames 200000
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(1000, 10000000)] [int] $InventoryNames = 1000000,
    [ValidateRange(0, 100000)] [int] $MissingNames = 1000,
    [ValidateRange(1000, 1000000)] [int] $HeadNames = 100000,
    [ValidateRange(100, 1000000)] [int] $PartitionFiles = 10000,
    [ValidateSet('InventoryNames', 'HeadNames', 'PartitionedSync')] [string[]] $Scenario = @('InventoryNames', 'HeadNames', 'PartitionedSync'),
    [string] $DataPath = (Join-Path ([IO.Path]::GetTempPath()) 'mediaops-bench-inventory'),
    [string] $ResultPath = (Join-Path $PSScriptRoot 'results')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$Tools = Join-Path $PSScriptRoot 'bench_tools.py'
$Writer = Join-Path $RepoRoot 'tests/tools/inventory_report.py'
$ModulePath = (Resolve-Path $ModulePath).Path
$Work = Join-Path $DataPath ("run-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $Work -Force | Out-Null
Import-Module (Join-Path $PSScriptRoot 'BenchSupport.psm1') -Force
Set-BenchAwsEnvironment
$Pwsh = Get-BenchPwsh
$results = [System.Collections.Generic.List[object]]::new()

function Start-Moto([string[]] $Seed = @()) { Start-BenchServer -Kind moto -WorkPath $Work -Seed $Seed -TimeoutSeconds 900 }
function Stop-Moto($Moto) { Stop-BenchServer $Moto }

function Invoke-Writer([string[]] $Arguments) {
    $out = & python3 $Writer @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "inventory_report.py failed: $out" }
    "$out".Trim()
}

# One MediaOps process under /usr/bin/time; the script writes '<seconds> <detail>' to $Out. Returns wall, CPU, RSS, requests.
function Measure-MediaOps($Moto, [string] $Script) {
    $tag = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $outFile = Join-Path $Work "$tag.out"; $resultFile = Join-Path $Work "$tag.result"
    $full = "`$ErrorActionPreference = 'Stop'; Import-Module '$ModulePath'; `$Out = '$resultFile'; $Script"
    $run = Measure-BenchProcess -Command (@($Pwsh) + @('-NoProfile', '-NonInteractive', '-Command', $full)) -OutFile $outFile -Server $Moto
    if ($run.Exit -ne 0) { throw "MediaOps run failed:`n$(Get-Content $outFile -Raw)" }
    $result = ((Get-Content $resultFile -Raw).Trim() -split ' ')
    [pscustomobject]@{
        Wall = $run.Wall; Cpu = $run.Cpu; RssMB = $run.RssMB; ServerCpu = $run.ServerCpu
        Seconds = [double]$result[0]; Detail = ($result | Select-Object -Skip 1) -join ' '; Requests = $run.Requests
    }
}

function Get-Count($Requests, [string] $Kind) { if ($Requests.ContainsKey($Kind)) { [long]$Requests[$Kind] } else { 0 } }

function Add-Result([string] $Name, [long] $Names, $Run, [string] $Note) {
    $row = [pscustomobject]@{
        Scenario = $Name; Names = $Names; Seconds = $Run.Seconds; Wall = $Run.Wall; NamesPerSecond = [math]::Round($Names / [math]::Max($Run.Seconds, 0.001))
        PeakRssMB = $Run.RssMB; Cpu = $Run.Cpu; ServerCpu = $Run.ServerCpu; Head = Get-Count $Run.Requests 'HEAD HeadObject'; GetObject = Get-Count $Run.Requests 'GET GetObject'
        List = Get-Count $Run.Requests 'GET ListObjectsV2'; Put = Get-Count $Run.Requests 'PUT PutObject'; Detail = $Run.Detail; Note = $Note
    }
    $results.Add($row)
    Write-Host ("   {0,-34} {1,9:N0} names {2,8:N1} s {3,9:N0}/s {4,7:N0} MB  HEAD {5,7:N0}  GET {6,3}  LIST {7,4}  {8}" -f $row.Scenario, $row.Names, $row.Seconds, $row.NamesPerSecond, $row.PeakRssMB, $row.Head, $row.GetObject, $row.List, $row.Detail)
    # Where the time went (whole process): client CPU, the server's CPU from /proc, the rest waiting.
    Write-Host ("   {0,-34} whole process {1:N1} s = client CPU {2:N1} s + server CPU {3:N1} s + waiting {4:N1} s (load {5})" -f '', $Run.Wall, $Run.Cpu, $Run.ServerCpu, ($Run.Wall - $Run.Cpu - $Run.ServerCpu), (Get-BenchLoad))
}

# Counts rows by status without keeping them: the pipeline stays streaming, so the RSS is MediaOps's.
$CountRows = "ForEach-Object -Begin { `$pass = 0; `$fail = 0 } -Process { if (`$_.Status -eq 'Pass') { `$pass++ } else { `$fail++ } } -End { Set-Content `$Out ('{0} pass={1} fail={2}' -f `$t.Elapsed.TotalSeconds, `$pass, `$fail) }"

if ('InventoryNames' -in $Scenario) {
    Write-Host "`n== Test-MediaObject -Inventory: $InventoryNames-row report, $($InventoryNames + $MissingNames) names from a CSV" -ForegroundColor Cyan
    $moto = Start-Moto
    try {
        $names = Join-Path $Work 'names.csv'
        $manifest = Invoke-Writer @('--endpoint', $moto.Endpoint, '--source', 'bench-media', '--dest', 'bench-inventory', '--create', '--synthetic', "$InventoryNames",
            '--names-csv', $names, '--missing-names', "$MissingNames", '--data-files', '4')
        $run = Measure-MediaOps $moto ("`$t = [Diagnostics.Stopwatch]::StartNew(); Import-Csv '$names' | Test-MediaObject -BucketName bench-media -Prefix media -EndpointUrl '$($moto.Endpoint)' -Region us-east-1 -Inventory '$manifest' | $CountRows")
        Add-Result 'Inventory, synthetic report' ($InventoryNames + $MissingNames) $run "HEADs expected: $MissingNames (the names the report lacks)"
    } finally { Stop-Moto $moto }
}

if ('HeadNames' -in $Scenario) {
    Write-Host "`n== $HeadNames real objects: with a report, without one (a HEAD a name), and the LIST" -ForegroundColor Cyan
    $tree = Join-Path $DataPath "head-tree-$HeadNames"
    if (-not (Test-Path (Join-Path $tree 'done'))) {
        & python3 -c "import os,sys; r=sys.argv[1]; n=int(sys.argv[2]); [os.makedirs(os.path.join(r,'bench',f'{i//1000:04d}'),exist_ok=True) for i in range(0,n,1000)]; [open(os.path.join(r,'bench',f'{i//1000:04d}',f'{i:07d}.jpg'),'wb').write(b'x'*(1+i%64)) for i in range(n)]; open(os.path.join(r,'done'),'w').close()" $tree $HeadNames
        if ($LASTEXITCODE -ne 0) { throw "tree generation failed" }
    }
    Remove-Item (Join-Path $tree 'done') -ErrorAction SilentlyContinue
    try {
        $moto = Start-Moto @("bench-media=media/=$tree")
        $names = Join-Path $Work 'head-names.csv'
        $manifest = Invoke-Writer @('--endpoint', $moto.Endpoint, '--source', 'bench-media', '--dest', 'bench-inventory', '--create-dest', '--names-csv', $names, '--missing-names', "$MissingNames", '--data-files', '2')
        $with = Measure-MediaOps $moto ("`$t = [Diagnostics.Stopwatch]::StartNew(); Import-Csv '$names' | Test-MediaObject -BucketName bench-media -Prefix media -EndpointUrl '$($moto.Endpoint)' -Region us-east-1 -Inventory '$manifest' | $CountRows")
        Add-Result 'Inventory, report of the listing' ($HeadNames + $MissingNames) $with "HEADs expected: $MissingNames"
        $without = Measure-MediaOps $moto ("`$t = [Diagnostics.Stopwatch]::StartNew(); Import-Csv '$names' | Test-MediaObject -BucketName bench-media -Prefix media -EndpointUrl '$($moto.Endpoint)' -Region us-east-1 | $CountRows")
        Add-Result 'HEAD per name (no report)' ($HeadNames + $MissingNames) $without "HEADs expected: $($HeadNames + $MissingNames)"
        $floor = & python3 $Tools listfloor $moto.Endpoint bench-media media/ | ConvertFrom-Json
        $results.Add([pscustomobject]@{ Scenario = 'LIST of the prefix (server alone)'; Names = $HeadNames; Seconds = $floor.seconds; Wall = $floor.seconds
                NamesPerSecond = [math]::Round($HeadNames / [math]::Max($floor.seconds, 0.001)); PeakRssMB = $null; Cpu = $null; Head = 0; GetObject = 0; List = $floor.pages; Put = 0
                Detail = "$($floor.pages) pages"; Note = 'sequential: each page needs the previous page''s continuation token' })
        Write-Host ("   {0,-34} {1,9:N0} keys  {2,8:N1} s in {3} sequential pages" -f 'LIST of the prefix (server alone)', $HeadNames, $floor.seconds, $floor.pages)
    } finally {
        Stop-Moto $moto
        New-Item -ItemType File (Join-Path $tree 'done') -Force | Out-Null
    }
}

if ('PartitionedSync' -in $Scenario) {
    Write-Host "`n== Sync-MediaToS3 -Partition k/4: four processes, $PartitionFiles files" -ForegroundColor Cyan
    $tree = Join-Path $DataPath "partition-tree-$PartitionFiles"
    if (-not (Test-Path $tree)) { & python3 $Tools tree $tree $PartitionFiles 1024 8192 14; if ($LASTEXITCODE -ne 0) { throw "tree failed" } }
    $moto = Start-Moto
    try {
        $null = Invoke-Writer @('--endpoint', $moto.Endpoint, '--source', 'bench-parts', '--dest', 'bench-parts-inventory', '--create', '--versioned')
        $logStart = (Get-Item $moto.Log).Length
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $workers = foreach ($k in 1..4) {
            $script = "`$ErrorActionPreference = 'Stop'; Import-Module '$ModulePath'; `$r = Sync-MediaToS3 -Path '$tree' -BucketName bench-parts -Prefix media -EndpointUrl '$($moto.Endpoint)' -Region us-east-1 -Partition $k/4; Set-Content '$Work/part-$k.txt' ('{0} {1} {2}' -f `$r.Transferred, `$r.Failed, `$r.Duration.TotalSeconds)"
            $psi = [System.Diagnostics.ProcessStartInfo]::new($Pwsh[0])
            foreach ($a in @($Pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $psi.ArgumentList.Add($a) }
            $psi.UseShellExecute = $false
            [System.Diagnostics.Process]::Start($psi)
        }
        foreach ($w in $workers) { $w.WaitForExit(); if ($w.ExitCode -ne 0) { throw "worker exited with $($w.ExitCode)" } }
        $seconds = $clock.Elapsed.TotalSeconds
        Start-Sleep -Milliseconds 500
        $requests = & python3 $Tools count $moto.Log $logStart (Get-Item $moto.Log).Length | ConvertFrom-Json -AsHashtable
        $parts = foreach ($k in 1..4) { ,((Get-Content "$Work/part-$k.txt" -Raw).Trim() -split ' ') }
        $versions = & aws --endpoint-url $moto.Endpoint s3api list-object-versions --bucket bench-parts --output json | ConvertFrom-Json
        $keys = @($versions.Versions | ForEach-Object Key)
        $unique = @($keys | Sort-Object -Unique).Count
        $detail = "per worker transferred $(($parts | ForEach-Object { $_[0] }) -join '/'); aws CLI: $($keys.Count) versions of $unique keys"
        $row = [pscustomobject]@{ Scenario = 'Sync -Partition k/4, 4 processes'; Names = $PartitionFiles; Seconds = [math]::Round($seconds, 1); Wall = [math]::Round($seconds, 1)
            NamesPerSecond = [math]::Round($PartitionFiles / $seconds); PeakRssMB = $null; Cpu = $null; Head = Get-Count $requests 'HEAD HeadObject'; GetObject = 0
            List = Get-Count $requests 'GET ListObjectsV2'; Put = Get-Count $requests 'PUT PutObject'; Detail = $detail
            Note = if ($keys.Count -eq $PartitionFiles -and $unique -eq $PartitionFiles) { 'PASS: every file exactly once' } else { 'FAIL' } }
        $results.Add($row)
        Write-Host ("   {0,-34} {1,9:N0} files {2,8:N1} s  PUT {3:N0}  LIST {4}  {5}  {6}" -f $row.Scenario, $PartitionFiles, $row.Seconds, $row.Put, $row.List, $detail, $row.Note)
    } finally { Stop-Moto $moto }
}

New-Item -ItemType Directory -Path $ResultPath -Force | Out-Null
$file = Join-Path $ResultPath ("inventory-" + [DateTime]::UtcNow.ToString('yyyyMMdd-HHmm') + '.json')
[pscustomobject]@{ When = [DateTime]::UtcNow.ToString('o'); Load = (Get-Content /proc/loadavg -Raw).Trim(); Results = $results } | ConvertTo-Json -Depth 5 | Set-Content $file
Write-Host "`nResults: $file"
Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
