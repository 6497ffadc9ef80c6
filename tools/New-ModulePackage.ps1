#requires -Version 7.0
<#
.SYNOPSIS
    Packs the built module folder into MediaOps.<version>.nupkg for a NuGet-style PowerShell repository.
.DESCRIPTION
    The nuspec is generated from the module manifest (the one version source) with the tags
    PowerShellGet/PSResourceGet expect of a module (PSModule, PSCmdlet_*, PSEdition_*), and the package
    content is the built module folder at the package root, as Publish-PSResource lays it out.
    NuGet's own packer (dotnet pack with the generated nuspec) writes the package, so the OPC parts
    ([Content_Types].xml, _rels, core properties) are whatever NuGet clients expect.

    Install it from a local folder repository:
        Register-PSResourceRepository -Name MediaOpsLocal -Uri <OutputPath> -Trusted
        Install-PSResource MediaOps -Repository MediaOpsLocal
.EXAMPLE
    ./tools/New-ModulePackage.ps1 -ModulePath out/MediaOps -OutputPath out/repo
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
$manifestPath = Join-Path $ModulePath 'MediaOps.psd1'
if (-not (Test-Path $manifestPath)) { throw "No MediaOps.psd1 in '$ModulePath': build the module first (./build.ps1)." }
$manifest = Import-PowerShellDataFile $manifestPath
$psData = $manifest.PrivateData.PSData
$id = [IO.Path]::GetFileNameWithoutExtension($manifestPath)
$version = $manifest.ModuleVersion
if ($psData.ContainsKey('Prerelease') -and $psData.Prerelease) { $version += '-' + $psData.Prerelease }

# Only what the module manifest can load belongs in the package: refuse a half-built folder.
foreach ($required in @($manifest.RootModule) + $manifest.FormatsToProcess) {
    if (-not (Test-Path (Join-Path $ModulePath $required))) { throw "'$required' (named in the manifest) is missing from '$ModulePath'." }
}

$tags = @($psData.Tags) + 'PSModule' + 'PSIncludes_Cmdlet' +
    ($manifest.CmdletsToExport | ForEach-Object { "PSCmdlet_$_"; "PSCommand_$_" }) +
    ($manifest.CompatiblePSEditions | ForEach-Object { "PSEdition_$_" }) | Select-Object -Unique

$staging = Join-Path ([IO.Path]::GetTempPath()) "mediaops-pack-$([guid]::NewGuid().ToString('N'))"
New-Item -ItemType Directory -Path $staging | Out-Null
try {
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $nuspec = Join-Path $staging "$id.nuspec"
    $xml = [System.Xml.XmlWriter]::Create($nuspec, $settings)
    $nuspecNs = 'http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd'
    $xml.WriteStartElement('package', $nuspecNs)
    $xml.WriteStartElement('metadata', $nuspecNs)
    $fields = [ordered]@{
        id = $id; version = $version; authors = $manifest.Author; owners = $manifest.CompanyName
        description = $manifest.Description; releaseNotes = $psData.ReleaseNotes; copyright = $manifest.Copyright
        tags = $tags -join ' '; projectUrl = $psData.ProjectUri; licenseUrl = $psData.LicenseUri
    }
    foreach ($f in $fields.GetEnumerator() | Where-Object { $_.Value }) { $xml.WriteElementString($f.Key, $nuspecNs, [string]$f.Value) }
    $xml.WriteElementString('requireLicenseAcceptance', $nuspecNs, 'false')
    $xml.WriteEndElement()
    $xml.WriteStartElement('files', $nuspecNs)
    $xml.WriteStartElement('file', $nuspecNs)
    $xml.WriteAttributeString('src', (Join-Path $ModulePath '**'))
    $xml.WriteAttributeString('target', '')
    $xml.WriteEndElement()
    $xml.WriteEndElement()
    $xml.WriteEndElement()
    $xml.Dispose()

    # A throwaway project only to give `dotnet pack` something to run; the nuspec decides the content.
    # NU5100/NU5128: module assemblies live at the package root, not lib/<tfm>, by PowerShell convention.
    $project = Join-Path $staging 'pack.csproj'
    Set-Content $project @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>netstandard2.0</TargetFramework>
    <NuspecFile>$nuspec</NuspecFile>
    <IncludeBuildOutput>false</IncludeBuildOutput>
    <NoBuild>true</NoBuild>
    <NoWarn>`$(NoWarn);NU5100;NU5110;NU5111;NU5128</NoWarn>
    <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
    <DisableImplicitFrameworkReferences>true</DisableImplicitFrameworkReferences>
  </PropertyGroup>
</Project>
"@
    New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
    $package = Join-Path $OutputPath "$id.$version.nupkg"
    if (Test-Path $package) { Remove-Item $package -Force }
    $log = & dotnet pack $project -o $OutputPath --nologo -v q 2>&1
    if ($LASTEXITCODE -ne 0) { throw "dotnet pack failed (exit $LASTEXITCODE):`n$($log -join "`n")" }
    if (-not (Test-Path $package)) { throw "dotnet pack did not produce '$package':`n$($log -join "`n")" }
    Write-Host "Packaged $id $version into $package" -ForegroundColor Green
    Get-Item $package
}
finally {
    Remove-Item $staging -Recurse -Force -ErrorAction SilentlyContinue
}
