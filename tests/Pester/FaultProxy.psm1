# Pester helpers for tests/tools/fault_proxy.py: a fault-injecting, request-counting proxy in front of
# moto. MediaOps gets the proxy's URL as -EndpointUrl; the aws CLI keeps talking to moto directly.

$script:ProxyScript = (Resolve-Path (Join-Path $PSScriptRoot '../tools/fault_proxy.py')).Path

function Start-FaultProxy {
    <#
    .SYNOPSIS
        Starts the proxy on a free loopback port in front of -Upstream (moto's URL). Returns an object
        with Endpoint, Process and ControlUrl; stop it with Stop-FaultProxy.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Upstream, [hashtable] $Config = @{})
    $psi = [System.Diagnostics.ProcessStartInfo]::new('python3')
    foreach ($a in @($script:ProxyScript, '--upstream', $Upstream, '--port', '0', '--config', (ConvertTo-Json $Config -Compress -Depth 5))) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $proc = [System.Diagnostics.Process]::Start($psi)
    $proc.BeginErrorReadLine()   # drain diagnostics so the pipe never blocks the proxy
    $line = $proc.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(15000) -or -not $line.Result) { $proc.Kill(); throw 'fault proxy did not start' }
    if ($line.Result -notmatch 'listening on (http://\S+)') { $proc.Kill(); throw "fault proxy said: $($line.Result)" }
    $endpoint = $Matches[1]
    return [pscustomobject]@{ Endpoint = $endpoint; ControlUrl = "$endpoint/__proxy"; Process = $proc }
}

function Stop-FaultProxy {
    param([Parameter(ValueFromPipeline)] $Proxy)
    process {
        if ($Proxy -and $Proxy.Process -and -not $Proxy.Process.HasExited) {
            $Proxy.Process.Kill()
            $Proxy.Process.WaitForExit(5000) | Out-Null
        }
    }
}

function Set-FaultProxyConfig {
    <# Merges -Config into the live configuration (rule counters restart). Returns the configuration. #>
    param([Parameter(Mandatory)] $Proxy, [Parameter(Mandatory)] [hashtable] $Config)
    Invoke-RestMethod -Method Post -Uri "$($Proxy.ControlUrl)/config" -Body (ConvertTo-Json $Config -Depth 5 -Compress) -ContentType 'application/json'
}

function Reset-FaultProxy {
    <# No faults, no rules, zeroed counters. #>
    param([Parameter(Mandatory)] $Proxy)
    $null = Set-FaultProxyConfig $Proxy @{ fault_rate = 0.0; rules = @(); verify_checksums = $true }
    $null = Invoke-RestMethod -Method Post -Uri "$($Proxy.ControlUrl)/reset"
}

function Get-FaultProxyStats {
    <# Counters: requests ("METHOD Operation" → n), operations, faults, injected, corrupted, bad_digest, verified. #>
    param([Parameter(Mandatory)] $Proxy)
    Invoke-RestMethod -Uri "$($Proxy.ControlUrl)/stats"
}

Export-ModuleMember -Function Start-FaultProxy, Stop-FaultProxy, Set-FaultProxyConfig, Reset-FaultProxy, Get-FaultProxyStats
