#requires -Modules Pester
# Module-level contract: loads, exports what the manifest says, co-loads with another AWSSDK.Core.

BeforeAll {
    $script:ModulePath = $env:MEDIAOPS_MODULE_PATH
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $root = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $script:OldCore = Join-Path $root.Trim() 'awssdk.core/3.7.402/lib/netstandard2.0/AWSSDK.Core.dll'
    $script:Moto = Get-TestEndpoint
}

AfterAll {
    if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer }
}

Describe 'MediaOps module' {
    It 'imports and exports exactly the manifest cmdlets that exist' {
        $manifest = Import-PowerShellDataFile (Join-Path $ModulePath 'MediaOps.psd1')
        $module = Import-Module $ModulePath -PassThru -Force
        $exported = @($module.ExportedCmdlets.Keys | Sort-Object)
        $exported | Should -Not -BeNullOrEmpty
        foreach ($name in $exported) { $manifest.CmdletsToExport | Should -Contain $name }
    }

    It 'keeps AWSSDK out of the module root' {
        Get-ChildItem $ModulePath -Filter 'AWSSDK*.dll' | Should -BeNullOrEmpty
        Get-ChildItem (Join-Path $ModulePath 'Dependencies') -Filter 'AWSSDK.Core.dll' | Should -Not -BeNullOrEmpty
    }

    It 'works when an older AWSSDK.Core was loaded first (AWS.Tools style)' {
        Test-Path $OldCore | Should -BeTrue
        $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$OldCore'
Import-Module '$ModulePath'
`$rows = Test-MediaCredential -EndpointUrl '$($Moto.Endpoint)'
`$old = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'AWSSDK.Core' -and `$_.GetName().Version.Major -eq 3 }
if (-not `$old) { throw 'old AWSSDK.Core not loaded' }
(`$rows | Where-Object Check -eq 'Identity').Status.ToString()
"@
        Set-TestAwsEnvironment
        $out = Invoke-FreshPwsh -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
        ($out | Select-Object -Last 1) | Should -Be 'Pass'
    }

    It 'keeps working when an older AWSSDK.Core is loaded after it' {
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$null = Test-MediaCredential -EndpointUrl '$($Moto.Endpoint)'
Add-Type -Path '$OldCore'
`$rows = Test-MediaCredential -EndpointUrl '$($Moto.Endpoint)'
`$versions = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'AWSSDK.Core' } | ForEach-Object { `$_.GetName().Version.Major }
if (@(`$versions).Count -lt 2) { throw 'expected both AWSSDK.Core versions side by side' }
(`$rows | Where-Object Check -eq 'Identity').Status.ToString()
"@
        Set-TestAwsEnvironment
        $out = Invoke-FreshPwsh -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
        ($out | Select-Object -Last 1) | Should -Be 'Pass'
    }
}
