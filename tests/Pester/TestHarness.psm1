# Test harness for the Pester tier: moto on a free loopback port, unique bucket names,
# the aws CLI pointed at moto, throwaway media trees. Nothing here ships in the module.

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:Launcher = Join-Path $script:RepoRoot 'tests/tools/moto_launcher.py'

function Invoke-FreshPwsh {
    <# Runs a new pwsh process like this one (installed pwsh, or the .NET tool's pwsh.dll). #>
    $self = (Get-Process -Id $PID).Path
    if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { & $self (Join-Path $PSHOME 'pwsh.dll') @args }
    else { & $self @args }
}

function Start-FreshPwsh {
    <# Starts a new pwsh like this one in the background and returns its Process (to wait for or kill). #>
    param([Parameter(Mandatory)] [string[]] $ArgumentList)
    $self = (Get-Process -Id $PID).Path
    $psi = [System.Diagnostics.ProcessStartInfo]::new($self)
    if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($a in $ArgumentList) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    return [System.Diagnostics.Process]::Start($psi)
}

function Get-FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { return $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-MotoServer {
    <#
    .SYNOPSIS
        Starts moto on a free 127.0.0.1 port and waits until it answers. Returns an object with
        Endpoint, Port, Process. -IamAuthAfter N enables IAM policy enforcement after N free calls.
        -LauncherArgument passes options to tests/tools/moto_launcher.py (e.g. --emulate-s3-prefix-condition).
    #>
    [CmdletBinding()]
    param([int] $IamAuthAfter = -1, [string[]] $LauncherArgument = @())
    $port = Get-FreeTcpPort
    $psi = [System.Diagnostics.ProcessStartInfo]::new('python3')
    foreach ($a in @($script:Launcher, '--port', "$port") + $LauncherArgument) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    if ($IamAuthAfter -ge 0) { $psi.Environment['INITIAL_NO_AUTH_ACTION_COUNT'] = "$IamAuthAfter" }
    else { [void]$psi.Environment.Remove('INITIAL_NO_AUTH_ACTION_COUNT') }
    $proc = [System.Diagnostics.Process]::Start($psi)
    # Drain moto's request log so its pipe never fills and blocks the server.
    $proc.BeginErrorReadLine()
    $proc.BeginOutputReadLine()
    $endpoint = "http://127.0.0.1:$port"
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($proc.HasExited) { throw "moto exited early with code $($proc.ExitCode)" }
        try {
            $null = Invoke-WebRequest -Uri "$endpoint/moto-api/" -TimeoutSec 2 -UseBasicParsing
            return [pscustomobject]@{ Endpoint = $endpoint; Port = $port; Process = $proc }
        } catch { Start-Sleep -Milliseconds 200 }
    }
    $proc.Kill()
    throw "moto did not start on $endpoint within 30 s"
}

function Stop-MotoServer {
    param([Parameter(ValueFromPipeline)] $Server)
    process {
        if ($Server -and $Server.Process -and -not $Server.Process.HasExited) {
            $Server.Process.Kill($true)
            $Server.Process.WaitForExit(5000) | Out-Null
        }
    }
}

function Get-TestEndpoint {
    <#
    .SYNOPSIS
        The shared moto that .ci/run (or build.ps1) started, or a new one for this file.
        Returns @{ Endpoint; Owned } — stop it with Stop-MotoServer when Owned.
    #>
    if ($env:MEDIAOPS_TEST_ENDPOINT) {
        return [pscustomobject]@{ Endpoint = $env:MEDIAOPS_TEST_ENDPOINT; Process = $null; Owned = $false }
    }
    $server = Start-MotoServer
    $server | Add-Member -NotePropertyName Owned -NotePropertyValue $true
    return $server
}

function Set-TestAwsEnvironment {
    <# Fake, non-root keys for the non-IAM moto, and no region/bucket leaking from the host. #>
    param([string] $Endpoint)
    $env:AWS_ACCESS_KEY_ID = 'AKIAMEDIAOPSTEST0001'
    $env:AWS_SECRET_ACCESS_KEY = 'mediaops-test-secret-not-real'
    Remove-Item Env:AWS_SESSION_TOKEN, Env:AWS_PROFILE, Env:AWS_STORAGE_BUCKET_NAME, Env:AWS_LOCATION, Env:AWS_S3_REGION_NAME -ErrorAction SilentlyContinue
    $env:AWS_DEFAULT_REGION = 'us-east-1'
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    # Without -Endpoint, clear it: a value left by an earlier test file points at a stopped moto.
    if ($Endpoint) { $env:AWS_S3_ENDPOINT_URL = $Endpoint } else { Remove-Item Env:AWS_S3_ENDPOINT_URL -ErrorAction SilentlyContinue }
}

function New-TestBucketName {
    param([string] $Stem = 'mo')
    $suffix = [guid]::NewGuid().ToString('N').Substring(0, 12)
    return "$Stem-$suffix".ToLowerInvariant()
}

function Invoke-AwsCli {
    <# The aws CLI against moto; returns parsed JSON when the output is JSON, else text. Throws on failure. #>
    param(
        [Parameter(Mandatory)] [string] $Endpoint,
        [Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Arguments
    )
    $out = & aws --endpoint-url $Endpoint --region us-east-1 @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "aws $($Arguments -join ' ') failed: $out" }
    $text = ($out | Out-String).Trim()
    if ($text.StartsWith('{') -or $text.StartsWith('[')) { return $text | ConvertFrom-Json }
    return $text
}

function New-TestMediaTree {
    <# A throwaway MEDIA_ROOT with the given relative paths (hashtable path → content string or byte[]). #>
    param([Parameter(Mandatory)] [hashtable] $Files, [string] $Root)
    if (-not $Root) { $Root = Join-Path ([System.IO.Path]::GetTempPath()) ("media-" + [guid]::NewGuid().ToString('N')) }
    foreach ($rel in $Files.Keys) {
        $full = Join-Path $Root $rel
        New-Item -ItemType Directory -Path (Split-Path $full -Parent) -Force | Out-Null
        $content = $Files[$rel]
        if ($content -is [byte[]]) { [System.IO.File]::WriteAllBytes($full, $content) }
        else { [System.IO.File]::WriteAllText($full, [string]$content) }
    }
    return $Root
}

# Ceph radosgw (issue 16): a second, real S3 server. tests/tools/radosgw_launcher.py starts a throwaway
# one-OSD cluster on loopback and prints one JSON line when S3 answers; closing its stdin stops it.
$script:RgwLauncher = Join-Path $script:RepoRoot 'tests/tools/radosgw_launcher.py'
$script:RgwAccessKey = 'MEDIAOPSRGWTEST00001'
$script:RgwSecretKey = 'mediaops-rgw-test-secret-not-real'

function Start-RadosGwServer {
    <# Starts radosgw on a free port; returns Endpoint, AccessKey, SecretKey, Pids, Process (stop with Stop-RadosGwServer). #>
    [CmdletBinding()]
    param([int] $TimeoutSeconds = 120)
    $psi = [System.Diagnostics.ProcessStartInfo]::new('python3')
    foreach ($a in $script:RgwLauncher, '--access-key', $script:RgwAccessKey, '--secret-key', $script:RgwSecretKey, '--exit-on-stdin-close') { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $proc = [System.Diagnostics.Process]::Start($psi)
    $errors = $proc.StandardError.ReadToEndAsync()
    $line = $proc.StandardOutput.ReadLineAsync()
    if (-not $line.Wait([TimeSpan]::FromSeconds($TimeoutSeconds)) -or -not $line.Result) {
        $proc.StandardInput.Close()
        if (-not $proc.WaitForExit(20000)) { $proc.Kill() }
        throw "radosgw did not start: $(if ($errors.IsCompleted) { $errors.Result })"
    }
    $info = $line.Result | ConvertFrom-Json
    return [pscustomobject]@{ Endpoint = $info.endpoint; AccessKey = $info.access_key; SecretKey = $info.secret_key; Pids = $info.pids; Process = $proc; Owned = $true }
}

function Stop-RadosGwServer {
    param([Parameter(ValueFromPipeline)] $Server)
    process {
        if ($Server -and $Server.Owned -and $Server.Process -and -not $Server.Process.HasExited) {
            $Server.Process.StandardInput.Close()
            if (-not $Server.Process.WaitForExit(30000)) { $Server.Process.Kill($true) }
        }
    }
}

function Get-RadosGwEndpoint {
    <# The radosgw .ci/run started (MEDIAOPS_TEST_RGW_ENDPOINT, the launcher's default keys), or a new one for this file. #>
    if ($env:MEDIAOPS_TEST_RGW_ENDPOINT) {
        return [pscustomobject]@{ Endpoint = $env:MEDIAOPS_TEST_RGW_ENDPOINT; AccessKey = $script:RgwAccessKey; SecretKey = $script:RgwSecretKey; Process = $null; Owned = $false }
    }
    return Start-RadosGwServer
}

function Set-RadosGwAwsEnvironment {
    <# As Set-TestAwsEnvironment, with the radosgw user's keys. #>
    param([Parameter(Mandatory)] $Server)
    Set-TestAwsEnvironment -Endpoint $Server.Endpoint
    $env:AWS_ACCESS_KEY_ID = $Server.AccessKey
    $env:AWS_SECRET_ACCESS_KEY = $Server.SecretKey
}

function Get-TestServerSecond {
    <# The second the server stamps a write with (a clock object outside the prefix): times that split a history come from the server, never from sleeps. #>
    param([Parameter(Mandatory)] [string] $Endpoint, [Parameter(Mandatory)] [string] $Bucket)
    Invoke-AwsCli -Endpoint $Endpoint s3api put-object --bucket $Bucket --key clock/tick | Out-Null
    [datetime]::Parse((Invoke-AwsCli -Endpoint $Endpoint s3api head-object --bucket $Bucket --key clock/tick).LastModified).ToUniversalTime()
}

function Wait-TestServerSecondAfter {
    <# Returns once the server stamps writes later than $Stamp, so what is written next is strictly after it (polls the server's own clock). #>
    param([Parameter(Mandatory)] [string] $Endpoint, [Parameter(Mandatory)] [string] $Bucket, [Parameter(Mandatory)] [datetime] $Stamp)
    $deadline = [datetime]::UtcNow.AddSeconds(120)
    while ((Get-TestServerSecond $Endpoint $Bucket) -le $Stamp) {
        if ([datetime]::UtcNow -gt $deadline) { throw 'the server clock did not move on' }
        Start-Sleep -Milliseconds 100
    }
}

Export-ModuleMember -Function Invoke-FreshPwsh, Start-FreshPwsh, Get-FreeTcpPort, Start-MotoServer, Stop-MotoServer, Get-TestEndpoint, Set-TestAwsEnvironment,
    New-TestBucketName, Invoke-AwsCli, New-TestMediaTree, Start-RadosGwServer, Stop-RadosGwServer, Get-RadosGwEndpoint, Set-RadosGwAwsEnvironment,
    Get-TestServerSecond, Wait-TestServerSecondAfter
