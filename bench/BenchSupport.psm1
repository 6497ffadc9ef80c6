# What every benchmark script in bench/ shares: the fresh pwsh to measure, the fake credentials, the S3
# server (radosgw or moto, started fresh, with its request log and its processes' CPU), the generated
# trees, and one whole process timed by /usr/bin/time. Benchmark only; nothing here ships.

$script:BenchRoot = $PSScriptRoot
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$script:Tools = Join-Path $PSScriptRoot 'bench_tools.py'

function Get-BenchPwsh {
    <# The command line of a fresh pwsh like this one (installed pwsh, or the .NET tool's pwsh.dll run by dotnet). #>
    $self = (Get-Process -Id $PID).Path
    if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { return @($self, (Join-Path $PSHOME 'pwsh.dll')) }
    return @($self)
}

function Set-BenchAwsEnvironment {
    <# Fake keys every client and server of a run shares; nothing from the caller's AWS profile leaks in. #>
    $env:AWS_ACCESS_KEY_ID = 'AKIAMEDIAOPSBENCH001'
    $env:AWS_SECRET_ACCESS_KEY = 'mediaops-bench-secret-not-real'
    $env:AWS_DEFAULT_REGION = 'us-east-1'
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    # AWS_CA_BUNDLE: rclone refuses a CA bundle on its plain-HTTP transport (the endpoint is http:// anyway).
    Remove-Item Env:AWS_SESSION_TOKEN, Env:AWS_PROFILE, Env:AWS_STORAGE_BUCKET_NAME, Env:AWS_LOCATION, Env:AWS_S3_REGION_NAME,
        Env:AWS_S3_ENDPOINT_URL, Env:AWS_CA_BUNDLE -ErrorAction SilentlyContinue
}

function Get-BenchLoad {
    <# The 1/5/15-minute load averages, printed beside every figure: on a shared machine they say how far to trust it. #>
    ((Get-Content /proc/loadavg -Raw).Trim() -split ' ')[0..2] -join ' '
}

function Initialize-BenchTree {
    <# A deterministic tree made once by bench_tools.py (ARGUMENTS: its command line) and reused by later runs. #>
    param([Parameter(Mandatory)] [string] $DataPath, [Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [string[]] $Arguments)
    $path = Join-Path $DataPath $Name
    $complete = "$path.complete"
    if (-not (Test-Path $complete)) {
        if (Test-Path $path) { Remove-Item $path -Recurse -Force }
        Write-Host "Generating $Name ..." -ForegroundColor DarkGray
        & python3 $script:Tools @Arguments
        if ($LASTEXITCODE -ne 0) { throw "bench_tools.py $($Arguments[0]) failed" }
        New-Item -ItemType File $complete -Force | Out-Null
    }
    return $path
}

function Start-BenchServer {
    <#
    .SYNOPSIS
        Starts a fresh radosgw (tests/tools/radosgw_launcher.py) or moto (bench_tools.py moto, -Seed "bucket=prefix=DIR"
        filled straight into its backend) on a free loopback port. Returns Kind, Endpoint, Process, Log (the request
        log Get-BenchRequestCount reads) and Pids (whose CPU Get-BenchServerCpu reads).
    #>
    param([Parameter(Mandatory)] [ValidateSet('radosgw', 'moto')] [string] $Kind, [Parameter(Mandatory)] [string] $WorkPath,
          [string[]] $Seed = @(), [int] $TimeoutSeconds = 180)
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    if ($Kind -eq 'radosgw') {
        # One monitor, one memstore OSD, radosgw; the launcher stops them all when its stdin closes.
        $psi = [System.Diagnostics.ProcessStartInfo]::new('python3')
        foreach ($a in (Join-Path $script:RepoRoot 'tests/tools/radosgw_launcher.py'), '--port', "$port", '--access-key', $env:AWS_ACCESS_KEY_ID,
                       '--secret-key', $env:AWS_SECRET_ACCESS_KEY, '--memstore-gib', '8', '--exit-on-stdin-close') { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardInput = $true; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
        $proc = [System.Diagnostics.Process]::Start($psi)
        $errors = $proc.StandardError.ReadToEndAsync()
        $line = $proc.StandardOutput.ReadLineAsync()
        if (-not $line.Wait([TimeSpan]::FromSeconds($TimeoutSeconds)) -or -not $line.Result) { $proc.StandardInput.Close(); throw "radosgw did not start: $(if ($errors.IsCompleted) { $errors.Result })" }
        $info = $line.Result | ConvertFrom-Json
        return [pscustomobject]@{ Kind = $Kind; Endpoint = $info.endpoint; Process = $proc; Log = (Join-Path $info.dir 'log/client.rgw.log')
                                  Pids = @($info.pids.rgw, $info.pids.osd, $info.pids.mon) }
    }
    $log = Join-Path $WorkPath "moto-$port.log"
    $out = Join-Path $WorkPath "moto-$port.out"
    $quoted = (@('python3', $script:Tools, 'moto', "$port") + $Seed | ForEach-Object { "'" + ($_ -replace "'", "'\''") + "'" }) -join ' '
    $psi = [System.Diagnostics.ProcessStartInfo]::new('bash')
    $psi.ArgumentList.Add('-c'); $psi.ArgumentList.Add("exec $quoted >'$out' 2>'$log'")
    $psi.UseShellExecute = $false
    [void]$psi.Environment.Remove('INITIAL_NO_AUTH_ACTION_COUNT')
    $proc = [System.Diagnostics.Process]::Start($psi)
    $endpoint = "http://127.0.0.1:$port"
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($proc.HasExited) { throw "moto exited early: $(Get-Content $log -Raw)" }
        if ((Test-Path $out) -and (Select-String -Path $out -Pattern 'listening' -Quiet)) {
            return [pscustomobject]@{ Kind = $Kind; Endpoint = $endpoint; Process = $proc; Log = $log; Pids = @($proc.Id) }
        }
        Start-Sleep -Milliseconds 200
    }
    $proc.Kill(); throw "moto did not start on $endpoint"
}

function Stop-BenchServer {
    param([Parameter(ValueFromPipeline)] $Server)
    process {
        if (-not $Server -or $Server.Process.HasExited) { return }
        if ($Server.Kind -eq 'radosgw') {
            $Server.Process.StandardInput.Close()
            if (-not $Server.Process.WaitForExit(60000)) { $Server.Process.Kill($true) }
        } else { $Server.Process.Kill(); $Server.Process.WaitForExit(5000) | Out-Null }
    }
}

function Get-BenchServerCpu {
    <# utime + stime of the server's processes from /proc/<pid>/stat, in seconds (clock ticks of 1/100 s). #>
    param([Parameter(Mandatory)] $Server)
    $ticks = 0L
    foreach ($id in $Server.Pids) {
        $stat = Get-Content "/proc/$id/stat" -Raw -ErrorAction SilentlyContinue
        if (-not $stat) { continue }
        $fields = $stat.Substring($stat.LastIndexOf(')') + 2) -split ' '
        $ticks += [long]$fields[11] + [long]$fields[12]
    }
    return $ticks / 100.0
}

function Get-BenchLogMark {
    <# Where the server's request log and CPU stand now; Get-BenchRequestCount and Measure-BenchProcess count from here. #>
    param([Parameter(Mandatory)] $Server)
    [pscustomobject]@{ Log = if ($Server.PSObject.Properties['Log'] -and $Server.Log) { (Get-Item $Server.Log).Length } else { -1L }; Cpu = Get-BenchServerCpu $Server }
}

function Get-BenchRequestCount {
    <# Requests the server logged since MARK, by "METHOD Operation" (a hashtable). #>
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] $Mark)
    & python3 $script:Tools count $Server.Log $Mark.Log (Get-Item $Server.Log).Length | ConvertFrom-Json -AsHashtable
}

function Measure-BenchProcess {
    <#
    .SYNOPSIS
        Runs COMMAND as a whole process under /usr/bin/time (output to OUTFILE) and returns Wall and Cpu seconds,
        RssMB (peak of the largest process) and Exit. With -Server (Pids, and Log if it has a request log), also
        ServerCpu (the server's CPU meanwhile, read from /proc) and Requests (from its log): where the time went.
    #>
    param([Parameter(Mandatory)] [string[]] $Command, [Parameter(Mandatory)] [string] $OutFile, $Server)
    $timeFile = "$OutFile.time"
    $mark = if ($Server) { Get-BenchLogMark $Server }
    & /usr/bin/time -f '%e %U %S %M' -o $timeFile -- @Command *> $OutFile
    $exit = $LASTEXITCODE
    $fields = (Get-Content $timeFile | Select-Object -Last 1) -split ' '
    $run = [pscustomobject]@{ Wall = [double]$fields[0]; Cpu = [double]$fields[1] + [double]$fields[2]
                              RssMB = [math]::Round([double]$fields[3] / 1024, 1); Exit = $exit; ServerCpu = [double]::NaN; Requests = @{} }
    if ($Server) {
        Start-Sleep -Milliseconds 300   # the server writes its log line after the response
        $run.ServerCpu = (Get-BenchServerCpu $Server) - $mark.Cpu
        if ($mark.Log -ge 0) { $run.Requests = Get-BenchRequestCount $Server $mark }
    }
    return $run
}

Export-ModuleMember -Function Get-BenchPwsh, Set-BenchAwsEnvironment, Get-BenchLoad, Initialize-BenchTree, Start-BenchServer, Stop-BenchServer,
    Get-BenchServerCpu, Get-BenchLogMark, Get-BenchRequestCount, Measure-BenchProcess
