#requires -Modules Pester
# The Package task's .nupkg, installed the way a user would: from a local folder repository with
# PSResourceGet (Install-PSResource) and PowerShellGet 2 (Install-Module), into a throwaway home so
# nothing touches the real user's repositories or module folders, then imported by name and run.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Moto = Get-TestEndpoint
    $script:ModulePath = $env:MEDIAOPS_MODULE_PATH
    $script:Manifest = Import-PowerShellDataFile (Join-Path $ModulePath 'MediaOps.psd1')
    $script:Repo = Join-Path ([IO.Path]::GetTempPath()) "mediaops-repo-$([guid]::NewGuid().ToString('N'))"
    $script:Package = & (Join-Path $PSScriptRoot '../../tools/New-ModulePackage.ps1') -ModulePath $ModulePath -OutputPath $Repo 6>$null

    # A pwsh whose user folders (module install path, repository stores, NuGet config) live under $HomeDir.
    function Invoke-IsolatedPwsh([string] $HomeDir, [string] $Script) {
        $names = 'HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'PSModulePath'
        $saved = @{}; foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
        try {
            $env:HOME = $HomeDir
            $env:XDG_DATA_HOME = New-Item -ItemType Directory -Force -Path (Join-Path $HomeDir '.local/share')
            $env:XDG_CONFIG_HOME = New-Item -ItemType Directory -Force -Path (Join-Path $HomeDir '.config')
            $env:XDG_CACHE_HOME = New-Item -ItemType Directory -Force -Path (Join-Path $HomeDir '.cache')
            $env:PSModulePath = $null
            Invoke-FreshPwsh -NoProfile -NonInteractive -Command $Script 2>&1
        }
        finally {
            foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
        }
    }
}

AfterAll {
    Remove-Item $Repo -Recurse -Force -ErrorAction SilentlyContinue
    if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer }
}

Describe 'MediaOps package' {
    It 'is named and versioned from the manifest, with the module folder at its root' {
        $Package.Name | Should -Be "MediaOps.$($Manifest.ModuleVersion).nupkg"
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Package.FullName)
        try {
            $entries = @($zip.Entries.FullName)
            [xml] $nuspec = [IO.StreamReader]::new($zip.GetEntry('MediaOps.nuspec').Open()).ReadToEnd()
        }
        finally { $zip.Dispose() }
        $nuspec.package.metadata.id | Should -Be 'MediaOps'
        $nuspec.package.metadata.version | Should -Be $Manifest.ModuleVersion
        $tags = $nuspec.package.metadata.tags -split ' '
        $tags | Should -Contain 'PSModule'
        foreach ($name in $Manifest.CmdletsToExport) { $tags | Should -Contain "PSCmdlet_$name" }
        $built = Get-ChildItem $ModulePath -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($ModulePath, $_.FullName).Replace('\', '/') }
        foreach ($file in $built) { $entries | Should -Contain $file }
        @($entries | Where-Object { $_ -like 'AWSSDK*' }) | Should -BeNullOrEmpty -Because 'AWSSDK stays in Dependencies/'
    }

    It 'installs with Install-PSResource from a local folder repository, and the installed copy works' {
        $homeDir = Join-Path ([IO.Path]::GetTempPath()) "mediaops-home-$([guid]::NewGuid().ToString('N'))"
        Set-TestAwsEnvironment -Endpoint $Moto.Endpoint
        try {
            $out = Invoke-IsolatedPwsh $homeDir @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name MediaOpsLocal -Uri '$Repo' -Trusted
Install-PSResource -Name MediaOps -Repository MediaOpsLocal -Scope CurrentUser
`$module = Import-Module MediaOps -PassThru
"base=`$(`$module.ModuleBase)"
"version=`$(`$module.Version)"
"help=`$((Get-Help Test-MediaCredential).Synopsis)"
"identity=`$((Test-MediaCredential | Where-Object Check -eq 'Identity').Status)"
"@
            $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
            $text = $out | Out-String
            $text | Should -Match "base=$([regex]::Escape($homeDir))/.+/MediaOps/$([regex]::Escape($Manifest.ModuleVersion))"
            $text | Should -Match "version=$([regex]::Escape($Manifest.ModuleVersion))"
            $text | Should -Match 'help=Shows whose AWS credentials'
            $text | Should -Match 'identity=Pass'
        }
        finally { Remove-Item $homeDir -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'installs with Install-Module (PowerShellGet 2) from a local folder repository' {
        $homeDir = Join-Path ([IO.Path]::GetTempPath()) "mediaops-home-$([guid]::NewGuid().ToString('N'))"
        try {
            $out = Invoke-IsolatedPwsh $homeDir @"
`$ErrorActionPreference = 'Stop'
Register-PSRepository -Name MediaOpsLocal -SourceLocation '$Repo' -InstallationPolicy Trusted
Install-Module -Name MediaOps -Repository MediaOpsLocal -Scope CurrentUser
`$module = Import-Module MediaOps -PassThru
"base=`$(`$module.ModuleBase)"
"cmdlets=`$(`$module.ExportedCmdlets.Count)"
"@
            $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
            $text = $out | Out-String
            $text | Should -Match "base=$([regex]::Escape($homeDir))/"
            $text | Should -Match "cmdlets=$((Import-Module $ModulePath -PassThru -Force).ExportedCmdlets.Count)\b"
        }
        finally { Remove-Item $homeDir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}
