#requires -Version 7.0
<#
.SYNOPSIS
    Zips the built module folder as MediaOps.zip for Azure Automation and AWS Systems Manager.
.DESCRIPTION
    Both hosts take a module as a .zip whose root holds the module folder, named like the module,
    with the manifest inside (MediaOps/MediaOps.psd1): Azure Automation's "Add a module" (Runtime
    version 5.1, 7.2 or 7.4) and an SSM Automation document's attachment for aws:executeScript.
    Entry names use '/' whatever the build machine, as Windows hosts expect of a zip.
.EXAMPLE
    ./tools/New-ModuleZip.ps1 -ModulePath out/MediaOps -OutputPath out/MediaOps.zip
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ModulePath = (Resolve-Path $ModulePath).Path
$OutputPath = [IO.Path]::GetFullPath($OutputPath, (Get-Location).Path)
$name = Split-Path $ModulePath -Leaf
if (-not (Test-Path (Join-Path $ModulePath "$name.psd1"))) { throw "No $name.psd1 in '$ModulePath': build the module first (./build.ps1)." }

Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem
if (Test-Path $OutputPath) { Remove-Item $OutputPath -Force }
$zip = [System.IO.Compression.ZipFile]::Open($OutputPath, [System.IO.Compression.ZipArchiveMode]::Create)
try {
    foreach ($file in Get-ChildItem $ModulePath -Recurse -File | Sort-Object FullName) {
        $entry = "$name/" + [IO.Path]::GetRelativePath($ModulePath, $file.FullName).Replace('\', '/')
        $null = [System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($zip, $file.FullName, $entry, [System.IO.Compression.CompressionLevel]::Optimal)
    }
}
finally { $zip.Dispose() }
Get-Item $OutputPath
