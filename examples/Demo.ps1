<#
.SYNOPSIS
    The MediaOps demo: the Django media cutover runbook against a local moto S3 on sample media.
.DESCRIPTION
    Starts moto on a free loopback port, then runs the runbook steps with MediaOps and prints
    each step's results. Run it with: dotnet tool run pwsh -File ./build.ps1 Demo
#>
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/TestHarness.psm1') -Force
Import-Module $ModulePath -Force

$moto = Start-MotoServer
try {
    Set-TestAwsEnvironment -Endpoint $moto.Endpoint
    $env:AWS_STORAGE_BUCKET_NAME = 'myapp-demo-media'
    Write-Host "moto S3 at $($moto.Endpoint); bucket $env:AWS_STORAGE_BUCKET_NAME, prefix media/" -ForegroundColor Cyan

    Write-Host "`n== Step 3: whose credentials are these?" -ForegroundColor Cyan
    Test-MediaCredential | Format-Table -AutoSize | Out-Host
}
finally {
    $moto | Stop-MotoServer
}
