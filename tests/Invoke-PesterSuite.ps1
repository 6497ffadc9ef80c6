<#
.SYNOPSIS
    Runs the Pester tier against the built module in this (fresh) pwsh process.
    Prints a closing 'N passed, N failed' line and exits non-zero on any failure.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $Filter = ''
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -MinimumVersion 5.7.1 -Force
$env:MEDIAOPS_MODULE_PATH = (Resolve-Path $ModulePath).Path

$files = Get-ChildItem (Join-Path $PSScriptRoot 'Pester') -Filter "*$Filter*.Tests.ps1" | Sort-Object Name
$config = New-PesterConfiguration
$config.Run.Path = @($files.FullName)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
# A log, not a terminal (or NO_COLOR): no ANSI colour codes from Pester or from PowerShell's own formatting.
if ([Console]::IsOutputRedirected -or $env:NO_COLOR) {
    $config.Output.RenderMode = 'Plaintext'
    if (Get-Variable PSStyle -ErrorAction Ignore) { $PSStyle.OutputRendering = 'PlainText' }
}
$config.TestResult.Enabled = $true
$config.TestResult.OutputPath = (Join-Path $PSScriptRoot '../out/pester-results.xml')
$result = Invoke-Pester -Configuration $config

"Pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
if ($result.FailedCount -gt 0 -or $result.Result -ne 'Passed') { exit 1 }
exit 0
