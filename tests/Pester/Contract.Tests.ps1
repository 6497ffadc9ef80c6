#requires -Modules Pester
# The module's public contract, checked on the BUILT module and data-driven over the exported cmdlets,
# so a new cmdlet is held to it the moment it is exported: help with examples, [OutputType] with a
# table view, approved verb, sealed class, ShouldProcess where it changes state, the target parameters
# where it talks to S3, and no AWSSDK type anywhere a script can see.

BeforeDiscovery {
    $module = Import-Module $env:MEDIAOPS_MODULE_PATH -PassThru -Force
    # Cmdlets that do not change anything (or only locally read) and talk to no S3 endpoint.
    $localOnly = 'New-MediaIamPolicy', 'New-MediaDjangoSettings', 'Get-MediaInventory', 'Export-MediaReport'
    # Write probes, objects or buckets: must honour -WhatIf/-Confirm.
    $stateVerbs = 'Initialize', 'Sync', 'Invoke', 'Set', 'Remove', 'Add', 'Clear', 'Install', 'Publish', 'Update', 'Reset', 'Restore', 'Write'
    # ...and these, whose verb does not say so: Test-MediaAccess writes probes, Export-MediaReport a file.
    $writesProbes = 'Test-MediaAccess', 'Export-MediaReport'
    $Cmdlets = foreach ($command in $module.ExportedCmdlets.Values | Sort-Object Name) {
        @{
            Name          = $command.Name
            TalksToS3     = $command.Name -notin $localOnly
            ChangesState  = $command.Verb -in $stateVerbs -or $command.Name -in $writesProbes
            TakesPipeline = [bool]@($command.Parameters.Values.Attributes | Where-Object {
                    $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) })
        }
    }
    # DESIGN.md's output types, plus every type a cmdlet declares that scripts receive as objects.
    $designTypes = 'CheckResult', 'LocalMediaFile', 'MediaInventorySummary', 'MediaDifference', 'SyncItem', 'SyncResult', 'ObjectCheck', 'MediaUrl', 'MediaVersion' |
        ForEach-Object { "MediaOps.$_" }
    # Framework types (string, FileInfo) come with PowerShell's own views.
    $declared = $module.ExportedCmdlets.Values.OutputType.Type | Where-Object { $_ -and -not $_.IsPrimitive -and $_.Namespace -notlike 'System*' } | ForEach-Object FullName
    $OutputTypes = @($designTypes) + @($declared) | Sort-Object -Unique | ForEach-Object { @{ TypeName = $_ } }
}

BeforeAll {
    $script:Module = Import-Module $env:MEDIAOPS_MODULE_PATH -PassThru -Force
    $script:Manifest = Import-PowerShellDataFile (Join-Path $env:MEDIAOPS_MODULE_PATH 'MediaOps.psd1')
    $script:CmdletAssembly = [System.Reflection.Assembly]::LoadFrom((Join-Path $Module.ModuleBase 'MediaOps.dll'))
    $script:CmdletClasses = @($CmdletAssembly.GetExportedTypes() | Where-Object {
            $_.IsSubclassOf([System.Management.Automation.Cmdlet]) -and -not $_.IsAbstract -and
            $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)
        })
    $script:ClassNames = @($CmdletClasses | ForEach-Object {
            $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
            "$($a.VerbName)-$($a.NounName)"
        })
    $script:CommonParameters = [System.Management.Automation.Cmdlet]::CommonParameters
    [xml] $script:Formats = Get-Content -Raw (Join-Path $Module.ModuleBase 'MediaOps.Format.ps1xml')

    # DESIGN.md's public surface: the manifest must export exactly these, each implemented.
    $script:DesignCmdlets = @(
        'Initialize-MediaBucket', 'Test-MediaBucket', 'Test-MediaCredential', 'Test-MediaAccess', 'New-MediaIamPolicy',
        'New-MediaDjangoSettings', 'Get-MediaInventory', 'Compare-MediaStore', 'Sync-MediaToS3', 'Sync-MediaFromS3',
        'Test-MediaObject', 'Invoke-MediaSmokeTest', 'Get-MediaUrl', 'Export-MediaReport', 'Get-MediaVersion', 'Restore-MediaVersion'
    )

    # MediaOps commands in a piece of PowerShell, and the parameters they name that do not exist.
    function Get-MediaOpsCall([string] $Code) {
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$null, [ref]$null)
        foreach ($call in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            $command = $Module.ExportedCmdlets[$call.GetCommandName()]
            if (-not $command) { continue }
            $known = @($command.Parameters.Keys) + @($command.Parameters.Values.Aliases)
            $named = @($call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object ParameterName)
            [pscustomobject]@{ Name = $command.Name; Unknown = @($named | Where-Object { $_ -notin $known }) }
        }
    }

    # Every type a parameter or output exposes, looking through arrays, nullables and generics.
    function Get-ExposedType([type] $Type) {
        if (-not $Type) { return }
        $Type
        if ($Type.HasElementType) { Get-ExposedType $Type.GetElementType() }
        if ($Type.IsGenericType) { foreach ($t in $Type.GetGenericArguments()) { Get-ExposedType $t } }
    }
}

Describe 'Manifest and cmdlet assembly' {
    It 'lists every cmdlet class of MediaOps.dll in CmdletsToExport, and exports exactly those' {
        $ClassNames | Should -Not -BeNullOrEmpty
        foreach ($name in $ClassNames) { $Manifest.CmdletsToExport | Should -Contain $name -Because "$name is a cmdlet class in MediaOps.dll" }
        @($Module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($ClassNames | Sort-Object)
    }

    It 'exports the cmdlets of DESIGN.md, each with a cmdlet class in MediaOps.dll' {
        @($Manifest.CmdletsToExport | Sort-Object) | Should -Be @($DesignCmdlets | Sort-Object)
        $missing = @($Manifest.CmdletsToExport | Where-Object { $_ -notin $ClassNames })
        $missing | Should -BeNullOrEmpty -Because 'every cmdlet the manifest exports must exist in MediaOps.dll'
    }

    It 'MediaOps.dll references no AWSSDK assembly' {
        $references = $CmdletAssembly.GetReferencedAssemblies().Name
        $references | Should -Contain 'MediaOps.Model'
        @($references | Where-Object { $_ -like 'AWSSDK*' }) | Should -BeNullOrEmpty
    }

    It 'ships, for Windows PowerShell 5.1, a file that satisfies every reference between its assemblies' {
        # 5.1 has no load contexts: ModuleInitializer's AssemblyResolve handler binds these references,
        # answering only when ModuleInitializer.Satisfies(requested, shipped) (see docs/compatibility.md).
        $satisfies = [MediaOps.Infrastructure.ModuleInitializer].GetMethod('Satisfies', [System.Reflection.BindingFlags]'NonPublic, Static')
        $files = Get-ChildItem (Join-Path $Module.ModuleBase '*.dll'), (Join-Path $Module.ModuleBase 'Dependencies/*.dll')
        $shipped = @{}
        foreach ($f in $files) { $shipped[$f.BaseName] = [System.Reflection.AssemblyName]::GetAssemblyName($f.FullName) }
        $checked = 0
        foreach ($f in $files) {
            $pe = [System.Reflection.PortableExecutable.PEReader]::new([IO.File]::OpenRead($f.FullName))
            try {
                $metadata = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
                foreach ($handle in $metadata.AssemblyReferences) {
                    $reference = $metadata.GetAssemblyReference($handle)
                    $name = $metadata.GetString($reference.Name)
                    if (-not $shipped.ContainsKey($name)) { continue } # the framework's (netstandard, mscorlib...)
                    $requested = [System.Reflection.AssemblyName]::new("$name, Version=$($reference.Version)")
                    $satisfies.Invoke($null, @($requested, $shipped[$name])) | Should -BeTrue -Because "$($f.Name) needs $requested and ships $($shipped[$name])"
                    $checked++
                }
            }
            finally { $pe.Dispose() }
        }
        $checked | Should -BeGreaterThan 10
        # ...and it never hands our AWSSDK to another module (AWS.Tools 4 binds AWSSDK.Core 3.3.0.0).
        $satisfies.Invoke($null, @([System.Reflection.AssemblyName]::new('AWSSDK.Core, Version=3.3.0.0'), $shipped['AWSSDK.Core'])) | Should -BeFalse
    }

    It 'ships the help file and the about_MediaOps topic' {
        Join-Path $Module.ModuleBase 'en-US/MediaOps.dll-Help.xml' | Should -Exist
        (Get-Help about_MediaOps | Out-String) | Should -Match 'AWS_STORAGE_BUCKET_NAME'
    }

    It 'about_MediaOps uses only parameters the cmdlets have' {
        $topic = Get-Content -Raw (Join-Path $Module.ModuleBase 'en-US/about_MediaOps.help.txt')
        $lines = @($topic -split "`n" | Where-Object { $_ -match '^\s+\w+-Media\w+' } | ForEach-Object Trim)
        $lines.Count | Should -BeGreaterThan 10 -Because 'the topic walks through the runbook with MediaOps commands'
        foreach ($line in $lines) {
            foreach ($call in Get-MediaOpsCall $line) { $call.Unknown | Should -BeNullOrEmpty -Because "about_MediaOps shows '$line'" }
        }
    }
}

Describe 'Output type <TypeName>' -ForEach $OutputTypes {
    It 'is a sealed public class from MediaOps.Model' {
        $type = $TypeName -as [type]
        $type | Should -Not -BeNullOrEmpty -Because "scripts must be able to write [$TypeName]"
        $type.IsSealed | Should -BeTrue
        $type.Assembly.GetName().Name | Should -Be 'MediaOps.Model'
    }

    It 'has a default table view in MediaOps.Format.ps1xml' {
        $views = @($Formats.Configuration.ViewDefinitions.View | Where-Object { $_.ViewSelectedBy.TypeName -eq $TypeName -and $_.TableControl })
        $views | Should -Not -BeNullOrEmpty -Because "every output type needs a <View> with a <TableControl> for $TypeName"
        $columns = @($views[0].TableControl.TableHeaders.TableColumnHeader).Count
        $columns | Should -BeGreaterOrEqual 3
        $columns | Should -BeLessOrEqual 7
    }
}

Describe '<Name>' -ForEach $Cmdlets {
    BeforeAll {
        $script:Command = Get-Command $Name -Module MediaOps
        $script:Parameters = @($Command.Parameters.Values | Where-Object Name -NotIn $CommonParameters)
        $script:Help = Get-Help $Name -Full
    }

    It 'is a sealed class' {
        $Command.ImplementingType.IsSealed | Should -BeTrue
    }

    It 'uses an approved verb' {
        (Get-Verb).Verb | Should -Contain $Command.Verb
    }

    It 'declares [OutputType]' {
        @($Command.OutputType) | Should -Not -BeNullOrEmpty
    }

    It 'exposes no Amazon.* or engine type in parameters or output' {
        $exposed = @($Parameters.ParameterType) + @($Command.OutputType.Type) | ForEach-Object { Get-ExposedType $_ }
        foreach ($type in $exposed) {
            $type.FullName | Should -Not -BeLike 'Amazon.*'
            $type.Assembly.GetName().Name | Should -Not -BeLike 'AWSSDK*'
            $type.Assembly.GetName().Name | Should -Not -Be 'MediaOps.Engine' -Because 'engine types live in the isolated load context, where scripts cannot name them'
        }
    }

    It 'has help with a synopsis and a description' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($Name))\s+\[" -Because 'a synopsis that is the syntax line means no help was found'
        ($Help.description.Text -join ' ') | Should -Not -BeNullOrEmpty
    }

    It 'shows at least two examples with code in Get-Help -Examples' {
        $examples = @((Get-Help $Name -Examples).examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) { $example.code | Should -Not -BeNullOrEmpty }
    }

    It 'has examples that parse and use only parameters <Name> has' {
        foreach ($example in @((Get-Help $Name -Examples).examples.example)) {
            $errors = $null
            $null = [System.Management.Automation.Language.Parser]::ParseInput($example.code, [ref]$null, [ref]$errors)
            $errors | Should -BeNullOrEmpty -Because "'$($example.title.Trim(' -'))' must be valid PowerShell"
            $calls = @(Get-MediaOpsCall $example.code)
            foreach ($call in $calls) { $call.Unknown | Should -BeNullOrEmpty -Because "'$($example.title.Trim(' -'))' calls $($call.Name)" }
        }
    }

    It 'describes every parameter, with the metadata of the code' {
        @($Help.parameters.parameter.name | Sort-Object) | Should -Be @($Parameters.Name | Sort-Object)
        foreach ($p in $Parameters) {
            $doc = Get-Help $Name -Parameter $p.Name
            ($doc.description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "-$($p.Name) needs '### -$($p.Name)' in docs/cmdlets/$Name.md"
            $mandatory = @($p.ParameterSets.Values | Where-Object { -not $_.IsMandatory }).Count -eq 0
            $doc.required | Should -Be "$mandatory".ToLowerInvariant() -Because "-$($p.Name)'s help must match the code"
        }
    }

    It 'has one syntax block per parameter set' {
        @($Help.syntax.syntaxItem).Count | Should -Be @($Command.ParameterSets).Count
    }

    if ($ChangesState) {
        It 'supports -WhatIf and -Confirm (it changes state)' {
            $attribute = $Command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
            $attribute.SupportsShouldProcess | Should -BeTrue
            $Command.Parameters.Keys | Should -Contain 'WhatIf'
        }
    }

    if ($TalksToS3) {
        It 'takes the target parameters (it talks to S3)' {
            foreach ($name in 'BucketName', 'Prefix', 'Region', 'EndpointUrl', 'ProfileName') {
                $Command.Parameters.Keys | Should -Contain $name
                $Command.Parameters[$name].ParameterType | Should -Be ([string])
            }
            $Command.Parameters['Credential'].ParameterType | Should -Be ([pscredential])
            $Command.Parameters['Prefix'].Aliases | Should -Contain 'KeyPrefix'
            $Command.Parameters['Prefix'].Aliases | Should -Contain 'Location'
        }
    }
}

# DESIGN.md: "Pipeline input is handled per record, never only the last one." Every cmdlet that binds a
# parameter from the pipeline gets two records here and must answer for both; a cmdlet without a sample fails.
Describe 'Pipeline input' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
        $script:Moto = Get-TestEndpoint
        Set-TestAwsEnvironment -Endpoint $Moto.Endpoint
        $script:One = New-TestBucketName 'pipe-one'
        $script:Two = New-TestBucketName 'pipe-two'
        foreach ($b in $One, $Two) { $null = Invoke-AwsCli $Moto.Endpoint s3api create-bucket --bucket $b }
        $script:TreeOne = New-TestMediaTree @{ 'first-file.txt' = 'one' }
        $script:TreeTwo = New-TestMediaTree @{ 'second-file.txt' = 'two' }
        $script:DownOne = New-TestMediaTree @{}; New-Item -ItemType Directory $DownOne -Force | Out-Null
        $script:DownTwo = New-TestMediaTree @{}; New-Item -ItemType Directory $DownTwo -Force | Out-Null
        $null = Invoke-AwsCli $Moto.Endpoint s3 cp (Join-Path $TreeOne 'first-file.txt') "s3://$One/media/first-file.txt"
        $null = Invoke-AwsCli $Moto.Endpoint s3 cp (Join-Path $TreeTwo 'second-file.txt') "s3://$One/media/second-file.txt"
        # Versions need a versioned bucket: both files there too.
        $script:Three = New-TestBucketName 'pipe-ver'
        $null = Invoke-AwsCli $Moto.Endpoint s3api create-bucket --bucket $Three
        $null = Invoke-AwsCli $Moto.Endpoint s3api put-bucket-versioning --bucket $Three --versioning-configuration Status=Enabled
        $null = Invoke-AwsCli $Moto.Endpoint s3 cp (Join-Path $TreeOne 'first-file.txt') "s3://$Three/media/first-file.txt"
        $null = Invoke-AwsCli $Moto.Endpoint s3 cp (Join-Path $TreeTwo 'second-file.txt') "s3://$Three/media/second-file.txt"
        # Two records each and the words the output must contain for each of them.
        $buckets = @{ Records = @($One, $Two); Markers = @($One, $Two) }
        $bucketObjects = @{ Records = @([pscustomobject]@{ BucketName = $One }, [pscustomobject]@{ BucketName = $Two }); Markers = @($One, $Two) }
        $trees = @{ Records = @([pscustomobject]@{ Path = $TreeOne; BucketName = $One }, [pscustomobject]@{ Path = $TreeTwo; BucketName = $Two }); Markers = @($One, $Two) }
        $names = @{ Records = @('first-file.txt', 'second-file.txt'); Markers = @('first-file.txt', 'second-file.txt'); Splat = @{ BucketName = $One } }
        $script:Samples = @{
            'Compare-MediaStore'     = @{ Records = $trees.Records; Markers = @('first-file.txt', 'second-file.txt'); Splat = @{ IncludeEqual = $true } }
            # Reports collect every piped object: both checks must be in the one file written.
            'Export-MediaReport'     = @{ Records = { (Test-MediaCredential -BucketName $One)[0]; (Test-MediaCredential -BucketName $Two)[0] }
                Markers = @($One, $Two); Splat = @{ Path = (Join-Path $DownOne 'report.md'); Format = 'Markdown' } }
            'Get-MediaInventory'     = @{ Records = @([pscustomobject]@{ Path = $TreeOne }, [pscustomobject]@{ Path = $TreeTwo }); Markers = @('first-file.txt', 'second-file.txt') }
            'Get-MediaUrl'           = $names
            'Get-MediaVersion'       = @{ Records = $names.Records; Markers = $names.Markers; Splat = @{ BucketName = $Three } }
            # Both names were created after -AsOf: the plan must put a delete marker on each.
            'Restore-MediaVersion'   = @{ Records = $names.Records; Markers = $names.Markers
                Splat = @{ BucketName = $Three; AsOf = (Get-Date).AddHours(-1); RemoveNewer = $true; WhatIf = $true } }
            'Initialize-MediaBucket' = $buckets
            'Invoke-MediaSmokeTest'  = $buckets
            'New-MediaDjangoSettings' = $bucketObjects
            'New-MediaIamPolicy'     = $bucketObjects
            'Sync-MediaFromS3'       = @{ Records = @([pscustomobject]@{ Path = $DownOne; BucketName = $One }, [pscustomobject]@{ Path = $DownTwo; BucketName = $Two }); Markers = @($One, $Two) }
            'Sync-MediaToS3'         = $trees
            'Test-MediaAccess'       = $buckets
            'Test-MediaBucket'       = $buckets
            'Test-MediaCredential'   = $bucketObjects
            'Test-MediaObject'       = $names
        }
    }
    AfterAll {
        Remove-Item $TreeOne, $TreeTwo, $DownOne, $DownTwo -Recurse -Force -ErrorAction SilentlyContinue
        if ($Moto.Owned) { $Moto | Stop-MotoServer }
    }

    It '<Name> handles both of two piped records' -ForEach @($Cmdlets | Where-Object TakesPipeline) {
        $Samples.Keys | Should -Contain $Name -Because "$Name takes pipeline input: add a two-record sample to this Describe"
        $sample = $Samples[$Name]
        $splat = if ($sample['Splat']) { $sample.Splat } else { @{} }
        $records = if ($sample.Records -is [scriptblock]) { & $sample.Records } else { $sample.Records }
        $text = $records | & $Name @splat 3>$null 6>$null | ForEach-Object {
            $_ | Format-List * | Out-String -Width 500; "$_"
            if ($_ -is [System.IO.FileInfo]) { Get-Content -Raw -LiteralPath $_.FullName }
        } | Out-String
        foreach ($marker in $sample.Markers) { $text | Should -Match ([regex]::Escape($marker)) -Because "$Name was given a record for '$marker'" }
    }
}
