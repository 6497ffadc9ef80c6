#requires -Modules Pester
# Issue 13, older PowerShell told truthfully. What can be proven on this Linux machine:
#   * PowerShell 7.2+ : the isolation layer targets net6.0; a self-contained .NET 8 process (the runtime of
#     PowerShell 7.4 LTS, from NuGet's runtime pack) loads the shipped isolation layer, engine and AWSSDK from
#     the built module the way the module initializer does, and uploads and lists against moto.
#   * PowerShell 7.0/7.1 : refused at import with one message (the decision, tested directly: no 7.0 here).
#   * Windows PowerShell 5.1 : every netstandard assembly we ship resolves against .NET Framework 4.7.2's
#     reference assemblies under the binding rule of our AssemblyResolve handler (tests/tools/RefCheck).
# The .NET 8 host and RefCheck build into out/hosts/ and are reused (incremental) on later runs.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    Set-TestAwsEnvironment
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:HostsOut = Join-Path $RepoRoot 'out/hosts'
    $script:NuGetRoot = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()

    # Builds a tool project into out/hosts/<name> unless the output is newer than every source file: a
    # rerun costs nothing, a first run one publish (measured in docs/compatibility.md).
    function script:Build-Tool([string] $Project, [string] $Name, [string] $Output, [string[]] $Verb) {
        $dir = Join-Path $HostsOut $Name
        $built = Join-Path $dir $Output
        $newest = (Get-ChildItem (Split-Path $Project) -File -Recurse | Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' } | Measure-Object LastWriteTimeUtc -Maximum).Maximum
        if (-not (Test-Path $built) -or (Get-Item $built).LastWriteTimeUtc -lt $newest) {
            $log = & dotnet @Verb $Project -c Release -o $dir --nologo -v q 2>&1
            if ($LASTEXITCODE -ne 0) { throw "dotnet $Verb $Project failed: $log" }
        }
        $built
    }

    function script:Invoke-RefCheck([string] $ModuleFolder) {
        $tool = Build-Tool (Join-Path $RepoRoot 'tests/tools/RefCheck/RefCheck.csproj') 'refcheck' 'RefCheck.dll' @('build')
        $framework = Join-Path $NuGetRoot 'microsoft.netframework.referenceassemblies.net472/1.0.3/build/.NETFramework/v4.7.2'
        $sma = Join-Path $NuGetRoot 'powershellstandard.library/5.1.1/lib/netstandard2.0/System.Management.Automation.dll'
        $lines = & dotnet $tool $ModuleFolder $framework $sma
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Lines = @($lines) }
    }
}
AfterAll { if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer } }

Describe 'Supported hosts' {
    It 'refuses PowerShell 7.0 and 7.1 (.NET Core 3.1, .NET 5) with one message that says what to install' {
        $decide = [MediaOps.Infrastructure.ModuleInitializer].GetMethod('UnsupportedHostMessage', [Reflection.BindingFlags]'NonPublic, Static')
        foreach ($runtime in '3.1.32', '5.0.17') {
            $message = $decide.Invoke($null, @($false, [version]$runtime, ".NET $runtime"))
            $message | Should -BeLike "MediaOps needs PowerShell 7.2 or later, or Windows PowerShell 5.1; this session runs on .NET $runtime*Install PowerShell 7.4 LTS*"
        }
        foreach ($supported in @(@($false, '6.0.36'), @($false, '8.0.31'), @($false, '10.0.0'), @($true, '4.0.30319'))) {
            $decide.Invoke($null, @($supported[0], [version]$supported[1], 'x')) | Should -BeNullOrEmpty
        }
    }

    It 'the manifest admits Desktop 5.1 and Core, and docs/compatibility.md names the supported hosts' {
        $manifest = Import-PowerShellDataFile (Join-Path $env:MEDIAOPS_MODULE_PATH 'MediaOps.psd1')
        $manifest.PowerShellVersion | Should -Be '5.1'
        $manifest.CompatiblePSEditions | Should -Be @('Core', 'Desktop')
        $compat = Get-Content (Join-Path $RepoRoot 'docs/compatibility.md') -Raw
        $compat | Should -Match 'PowerShell 7\.2 or later'
        $compat | Should -Match 'Azure Automation.*5\.1, 7\.2 and 7\.4'
    }
}

Describe 'PowerShell 7.4 LTS stand-in: a .NET 8 host' {
    It 'loads the isolation layer (net6.0), the engine and AWSSDK from the built module, uploads and lists on moto' {
        $bucket = New-TestBucketName -Stem 'net8'
        $null = Invoke-AwsCli -Endpoint $Moto.Endpoint s3api create-bucket --bucket $bucket
        $net8Host = Build-Tool (Join-Path $RepoRoot 'tests/hosts/Net8Host/Net8Host.csproj') 'net8' 'Net8Host' @('publish')
        $lines = & $net8Host $env:MEDIAOPS_MODULE_PATH $Moto.Endpoint $bucket
        $LASTEXITCODE | Should -Be 0 -Because ($lines -join "`n")
        $values = @{}; foreach ($l in $lines) { $k, $v = $l -split '=', 2; $values[$k] = $v }
        $values.runtime | Should -BeLike '8.0.*'
        $values.'engine.context' | Should -Be 'MediaOps'
        $values.'awssdk.context' | Should -Be 'MediaOps'
        $values.'default.awssdk' | Should -Be '0'
        $values.'put.status' | Should -Be '200'
        $values.listed | Should -Be "$($values.uploaded) 25"
        (Invoke-AwsCli -Endpoint $Moto.Endpoint s3api head-object --bucket $bucket --key $values.uploaded).ContentLength | Should -Be 25
    }
}

Describe 'Windows PowerShell 5.1 stand-in: .NET Framework 4.7.2 reference check' {
    It 'resolves every member reference of every netstandard assembly we ship (version-aware binding)' {
        $check = Invoke-RefCheck $env:MEDIAOPS_MODULE_PATH
        $check.ExitCode | Should -Be 0 -Because ($check.Lines -join "`n")
        $summary = $check.Lines[-1]
        $summary | Should -Match '^checked (\d+) assemblies, (\d+) member references, 0 unresolved$'
        $summary -match '^checked (\d+) assemblies, (\d+) member' | Out-Null
        [int]$Matches[1] | Should -BeGreaterOrEqual 10
        [int]$Matches[2] | Should -BeGreaterThan 3000
        $check.Lines | Should -Contain 'skip MediaOps.Isolation (.NETCoreApp,Version=v6.0)'
        Write-Host "RefCheck: $summary"
    }

    It 'fails when a dependency we ship is missing (the check can fail)' {
        $copy = Join-Path ([IO.Path]::GetTempPath()) "mediaops-refcheck-$([guid]::NewGuid().ToString('N'))"
        try {
            Copy-Item $env:MEDIAOPS_MODULE_PATH $copy -Recurse
            Remove-Item (Join-Path $copy 'Dependencies/System.Text.Json.dll')
            $check = Invoke-RefCheck $copy
            $check.ExitCode | Should -Be 1
            $check.Lines | Where-Object { $_ -like 'UNRESOLVED AWSSDK.Core:*System.Text.Json*' } | Should -Not -BeNullOrEmpty
        } finally { Remove-Item $copy -Recurse -Force -ErrorAction SilentlyContinue }
    }
}
