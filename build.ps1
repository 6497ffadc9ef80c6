#requires -Version 7.0
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates MediaOps.
.DESCRIPTION
    With no arguments: Build, which lays out the importable module in out/MediaOps/.
    Tasks: Build, Test, UnitTest, PesterTest, Demo, Package, Bench, Clean.
.EXAMPLE
    ./build.ps1                # build out/MediaOps
.EXAMPLE
    ./build.ps1 Test           # xunit + Pester against moto
.EXAMPLE
    ./build.ps1 Demo           # the cutover runbook against a local moto S3
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'UnitTest', 'PesterTest', 'Demo', 'Package', 'Bench', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester: run only test files whose name contains this (e.g. 'Bucket').
    [string] $TestFilter = ''
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'MediaOps'
$Manifest = Import-PowerShellDataFile (Join-Path $Root 'MediaOps.psd1')
$Version = $Manifest.ModuleVersion

function Invoke-Native {
    param([string] $File, [string[]] $Arguments)
    Write-Host "> $File $($Arguments -join ' ')" -ForegroundColor DarkGray
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File exited with $LASTEXITCODE" }
}

function Invoke-Build {
    $staging = Join-Path $Out 'obj'
    $publish = Join-Path $staging 'publish'
    if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/MediaOps/MediaOps.csproj'), '-c', $Configuration, '-o', $publish, "-p:ModuleVersion=$Version", '--nologo', '-v', 'q')
    $isolation = Join-Path $staging 'isolation'
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/MediaOps.Isolation/MediaOps.Isolation.csproj'), '-c', $Configuration, '-o', $isolation, "-p:ModuleVersion=$Version", '--nologo', '-v', 'q')
    # ReadyToRun copies of the engine and AWSSDK for PowerShell 7.6 on linux-x64 (see MediaOps.ReadyToRun.csproj).
    $readyToRun = Join-Path $staging 'r2r'
    if (Test-Path $readyToRun) { Remove-Item $readyToRun -Recurse -Force }
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/MediaOps.ReadyToRun/MediaOps.ReadyToRun.csproj'), '-c', $Configuration, '-o', $readyToRun, "-p:ModuleVersion=$Version", '--nologo', '-v', 'q')

    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    $deps = Join-Path $ModuleOut 'Dependencies'
    New-Item -ItemType Directory -Path $deps -Force | Out-Null

    # The module root holds only what PowerShell loads directly; every other assembly the publish
    # produced (engine, AWSSDK, netstandard shims) goes to Dependencies/, derived, never hand-listed.
    $rootFiles = 'MediaOps.dll', 'MediaOps.pdb', 'MediaOps.Model.dll', 'MediaOps.Model.pdb'
    foreach ($file in Get-ChildItem $publish -File) {
        if ($file.Name -in $rootFiles) { Copy-Item $file.FullName $ModuleOut }
        elseif ($file.Extension -in '.dll', '.pdb') { Copy-Item $file.FullName $deps }
    }
    Copy-Item (Join-Path $isolation 'MediaOps.Isolation.dll') $ModuleOut
    $nativeDeps = New-Item -ItemType Directory -Path (Join-Path $deps 'net10.0-linux-x64') -Force
    foreach ($file in Get-ChildItem $readyToRun -File -Filter '*.dll') {
        if ($file.Name -like 'AWSSDK.*' -or $file.Name -eq 'MediaOps.Engine.dll') { Copy-Item $file.FullName $nativeDeps }
    }
    Copy-Item (Join-Path $Root 'MediaOps.psd1') $ModuleOut
    Copy-Item (Join-Path $Root 'src/MediaOps/MediaOps.Format.ps1xml') $ModuleOut

    $helpGenerator = Join-Path $Root 'tools/New-MamlHelp.ps1'
    if (Test-Path $helpGenerator) {
        & $helpGenerator -DocsPath (Join-Path $Root 'docs/cmdlets') -OutputPath (Join-Path $ModuleOut 'en-US/MediaOps.dll-Help.xml')
    }
    foreach ($topic in Get-ChildItem (Join-Path $Root 'docs') -Filter 'about_*.help.txt') {
        Copy-Item $topic.FullName (New-Item -ItemType Directory -Path (Join-Path $ModuleOut 'en-US') -Force)
    }
    Write-Host "Built MediaOps $Version into $ModuleOut" -ForegroundColor Green
}

function Get-NuGetPackageRoot {
    $line = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    return $line.Trim()
}

# Runs another pwsh like this one: installed pwsh, or the .NET tool (where this process is 'dotnet pwsh.dll').
function Invoke-FreshPwsh {
    $self = (Get-Process -Id $PID).Path
    if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { & $self (Join-Path $PSHOME 'pwsh.dll') @args }
    else { & $self @args }
}

# The README's test command must pass on a fresh machine by itself: the Debian packages, moto and npm packages
# the suite uses are checked (installed when root) by the script .ci/run runs too, so the list lives in one place.
function Invoke-TestPrerequisites {
    if (-not $IsLinux) { Write-Warning 'Test prerequisites are checked on Linux only (tools/test-prerequisites); the interop tests need Debian packages.'; return }
    Invoke-Native bash @((Join-Path $Root 'tools/test-prerequisites'))
}

# verbosity=normal: one line per test as it finishes, so a long xunit phase shows progress in the log.
function Invoke-UnitTest {
    Invoke-Native dotnet @('test', (Join-Path $Root 'tests/MediaOps.Engine.Tests/MediaOps.Engine.Tests.csproj'), '-c', $Configuration, '--nologo', '--logger', 'console;verbosity=normal')
}

function Invoke-PesterTest {
    Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/tools/TestTools.csproj'), '--nologo', '-v', 'q')
    $pester = Join-Path (Get-NuGetPackageRoot) 'pester/5.7.1/tools/Pester.psd1'
    # A fresh pwsh so the freshly built DLL is never locked by this session.
    # ShouldProcess writes "What if:" straight to the host, where no stream redirection reaches it; the tests that
    # use -WhatIf assert on the objects, so those lines are only noise in the log: dropped here, line by line.
    Invoke-FreshPwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Invoke-PesterSuite.ps1') -PesterPath $pester -ModulePath $ModuleOut @(if ($TestFilter) { '-Filter', $TestFilter }) |
        Where-Object { $_ -notlike 'What if: *' }
    if ($LASTEXITCODE -ne 0) { throw "Pester reported failures (exit $LASTEXITCODE)" }
}

function Invoke-Package {
    $repo = Join-Path $Out 'repo'
    New-Item -ItemType Directory -Path $repo -Force | Out-Null
    $null = & (Join-Path $Root 'tools/New-ModulePackage.ps1') -ModulePath $ModuleOut -OutputPath $repo
    # The same folder as a zip for Azure Automation and SSM aws:executeScript attachments.
    $zip = & (Join-Path $Root 'tools/New-ModuleZip.ps1') -ModulePath $ModuleOut -OutputPath (Join-Path $Out 'MediaOps.zip')
    Write-Host "Packaged $($zip.FullName)" -ForegroundColor Green
}

foreach ($t in $Task) {
    switch ($t) {
        'Clean' { if (Test-Path $Out) { Remove-Item $Out -Recurse -Force } }
        'Build' { Invoke-Build }
        'UnitTest' { Invoke-UnitTest }
        'PesterTest' { Invoke-Build; Invoke-PesterTest }
        'Test' {
            # No MEDIAOPS_TEST_ENDPOINT: each xunit class and Pester file starts its own moto on a free port.
            Invoke-TestPrerequisites
            Invoke-Build
            Invoke-UnitTest
            Invoke-PesterTest
        }
        'Demo' {
            Invoke-Build
            & (Join-Path $Root 'examples/Demo.ps1') -ModulePath $ModuleOut
        }
        'Package' { Invoke-Build; Invoke-Package }
        'Bench' {
            Invoke-Build
            & (Join-Path $Root 'bench/Invoke-Benchmark.ps1') -ModulePath $ModuleOut
            & (Join-Path $Root 'bench/Invoke-InventoryBenchmark.ps1') -ModulePath $ModuleOut
            & (Join-Path $Root 'bench/Invoke-RestoreBenchmark.ps1') -ModulePath $ModuleOut
        }
    }
}
