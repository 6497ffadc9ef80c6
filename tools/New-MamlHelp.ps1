#requires -Version 7.0
<#
.SYNOPSIS
    Turns the markdown help pages in docs/cmdlets into the MAML file Get-Help reads (MediaOps.dll-Help.xml).
.DESCRIPTION
    platyPS is not available here, so this is the small generator the build uses. Text (synopsis,
    description, parameter descriptions, examples, outputs, notes) comes from the markdown; parameter
    metadata (type, required, position, pipeline input, aliases, default, parameter sets) comes from the
    compiled cmdlets themselves, read from the built module in a fresh pwsh, so help never drifts from code.

    Strict for every cmdlet the built assembly exports: the build fails when such a cmdlet has no page,
    a page has no synopsis, description or examples, an example has no code, or a page documents a
    parameter the cmdlet does not have. Pages for manifest names that have no cmdlet class yet are
    skipped (other cmdlets are being written in parallel). Undocumented parameters and fewer than two
    examples are warnings here and failures in tests/Pester/Contract.Tests.ps1.
.EXAMPLE
    ./tools/New-MamlHelp.ps1 -DocsPath docs/cmdlets -OutputPath out/MediaOps/en-US/MediaOps.dll-Help.xml
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $OutputPath,
    # The built module folder; by default the folder above the culture folder of -OutputPath.
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$OutputPath = [IO.Path]::GetFullPath($OutputPath, (Get-Location).Path)
if (-not $ModulePath) { $ModulePath = Split-Path (Split-Path $OutputPath -Parent) -Parent }
$ModulePath = (Resolve-Path $ModulePath).Path
$DocsPath = (Resolve-Path $DocsPath).Path

#region Metadata from the compiled cmdlets (in a fresh pwsh: never load the module into the build session)

$metadataScript = {
    param($ModulePath)
    $ErrorActionPreference = 'Stop'
    $module = Import-Module $ModulePath -PassThru -DisableNameChecking
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    $shouldProcess = [System.Management.Automation.Cmdlet]::OptionalCommonParameters

    function Get-FriendlyTypeName([type] $Type) {
        if ($Type.IsArray) { return (Get-FriendlyTypeName $Type.GetElementType()) + '[]' }
        $inner = [Nullable]::GetUnderlyingType($Type)
        if ($inner) { return Get-FriendlyTypeName $inner }
        if ($Type.IsGenericType) {
            $typeArgs = ($Type.GetGenericArguments() | ForEach-Object { Get-FriendlyTypeName $_ }) -join ', '
            return ($Type.Name -replace '`\d+$') + "[$typeArgs]"
        }
        return $Type.Name
    }

    foreach ($command in $module.ExportedCmdlets.Values | Sort-Object Name) {
        $instance = try { [Activator]::CreateInstance($command.ImplementingType) } catch { $null }
        $parameters = foreach ($p in $command.Parameters.Values) {
            if ($p.Name -in $common) { continue }
            $default = 'None'
            $property = $command.ImplementingType.GetProperty($p.Name)
            if ($instance -and $property -and $p.ParameterType -ne [switch]) {
                $value = $property.GetValue($instance)
                if ($null -ne $value -and "$value" -ne '') { $default = "$value" }
            }
            elseif ($p.ParameterType -eq [switch]) { $default = 'False' }
            $validValues = @(
                foreach ($a in $p.Attributes) { if ($a -is [System.Management.Automation.ValidateSetAttribute]) { $a.ValidValues } }
                $enumType = [Nullable]::GetUnderlyingType($p.ParameterType) ?? $p.ParameterType
                if ($enumType.IsEnum) { [Enum]::GetNames($enumType) }
            ) | Select-Object -Unique
            [pscustomobject]@{
                Name          = $p.Name
                TypeName      = Get-FriendlyTypeName $p.ParameterType
                TypeFullName  = $p.ParameterType.FullName
                IsSwitch      = $p.ParameterType -eq [switch]
                Aliases       = @($p.Aliases)
                Default       = $default
                ValidValues   = @($validValues)
                Globbing      = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                IsShouldProcess = $p.Name -in $shouldProcess
            }
        }
        $sets = foreach ($set in $command.ParameterSets) {
            [pscustomobject]@{
                Name       = $set.Name
                IsDefault  = $set.IsDefault
                Parameters = @(foreach ($sp in $set.Parameters) {
                        if ($sp.Name -in $common) { continue }
                        [pscustomobject]@{
                            Name           = $sp.Name
                            Mandatory      = $sp.IsMandatory
                            Position       = $sp.Position
                            ByValue        = $sp.ValueFromPipeline
                            ByPropertyName = $sp.ValueFromPipelineByPropertyName
                        }
                    })
            }
        }
        [pscustomobject]@{
            Name        = $command.Name
            Verb        = $command.Verb
            Noun        = $command.Noun
            OutputTypes = @($command.OutputType | ForEach-Object { if ($_.Type) { $_.Type.FullName } else { $_.Name } })
            Parameters  = @($parameters)
            ParameterSets = @($sets | Sort-Object { -not $_.IsDefault })
        }
    }
}

function Get-CmdletMetadata([string] $Path) {
    $self = (Get-Process -Id $PID).Path
    $pwsh = if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { @($self, (Join-Path $PSHOME 'pwsh.dll')) } else { @($self) }
    $command = "& { $metadataScript } -ModulePath '$($Path -replace "'", "''")' | ConvertTo-Json -Depth 6 -Compress"
    $json = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $command
    if ($LASTEXITCODE -ne 0) { throw "Reading cmdlet metadata from '$Path' failed (exit $LASTEXITCODE): $json" }
    return @(($json -join "`n") | ConvertFrom-Json)
}
#endregion

#region Markdown

# Markdown inline text to plain help text: links become 'text (url)', emphasis and code ticks go.
function ConvertTo-PlainText([string] $Text) {
    $Text = $Text -replace '\[([^\]]+)\]\(([^)]+)\)', '$1 ($2)'
    $Text = $Text -replace '\*\*([^*]+)\*\*', '$1' -replace '(?<![\w*])\*([^*\s][^*]*)\*(?!\w)', '$1'
    return $Text -replace '`([^`]+)`', '$1'
}

# Lines of markdown to paragraphs: blank lines separate, each list item starts its own, code stays verbatim.
function ConvertTo-Paragraphs([string[]] $Lines) {
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $inCode = $false
    $flush = { if ($current.Count) { $paragraphs.Add(($current -join ' ').Trim()); $current.Clear() } }
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') {
            & $flush
            $inCode = -not $inCode
            continue
        }
        if ($inCode) { $paragraphs.Add('    ' + $line); continue }
        if ($line.Trim() -eq '') { & $flush; continue }
        if ($line -match '^\s*([-*+]|\d+\.)\s+') { & $flush }
        $current.Add((ConvertTo-PlainText $line.Trim()))
    }
    & $flush
    return @($paragraphs | Where-Object { $_ -ne '' })
}

# Splits lines at headings of one level ('## ' or '### '), ignoring headings inside fenced code.
function Split-Section([string[]] $Lines, [int] $Level) {
    $marker = '#' * $Level + ' '
    $sections = [ordered]@{}
    $name = $null
    $body = [System.Collections.Generic.List[string]]::new()
    $inCode = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inCode = -not $inCode }
        if (-not $inCode -and $line.StartsWith($marker)) {
            if ($null -ne $name) { $sections[$name] = $body.ToArray() }
            $name = $line.Substring($marker.Length).Trim()
            $body = [System.Collections.Generic.List[string]]::new()
        }
        elseif ($null -ne $name) { $body.Add($line) }
    }
    if ($null -ne $name) { $sections[$name] = $body.ToArray() }
    return $sections
}

function Read-HelpPage([string] $File) {
    $lines = Get-Content -LiteralPath $File
    $title = ($lines | Where-Object { $_ -match '^# ' } | Select-Object -First 1)
    $name = if ($title) { $title.Substring(2).Trim() } else { [IO.Path]::GetFileNameWithoutExtension($File) }
    $sections = Split-Section $lines 2
    $section = { param($n) $key = @($sections.Keys) | Where-Object { $_ -eq $n } | Select-Object -First 1; if ($key) { $sections[$key] } else { @() } }

    $parameters = [ordered]@{}
    foreach ($entry in (Split-Section (& $section 'PARAMETERS') 3).GetEnumerator()) {
        # platyPS pages carry a ```yaml metadata block per parameter: metadata comes from the code here.
        $text = [System.Collections.Generic.List[string]]::new(); $skip = $false
        foreach ($l in $entry.Value) {
            if ($l -match '^\s*```ya?ml') { $skip = $true; continue }
            if ($skip) { if ($l -match '^\s*```') { $skip = $false }; continue }
            $text.Add($l)
        }
        $parameters[$entry.Key.TrimStart('-').Trim()] = ConvertTo-Paragraphs $text
    }

    $examples = foreach ($entry in (Split-Section (& $section 'EXAMPLES') 3).GetEnumerator()) {
        $code = [System.Collections.Generic.List[string]]::new(); $remarks = [System.Collections.Generic.List[string]]::new()
        $state = 'before' # before the first code block, in it, after it
        foreach ($l in $entry.Value) {
            if ($state -ne 'after' -and $l -match '^\s*```') { $state = if ($state -eq 'before') { 'code' } else { 'after' }; continue }
            if ($state -eq 'code') { $code.Add($l) } else { $remarks.Add($l) }
        }
        [pscustomobject]@{ Title = $entry.Key; Code = ($code -join "`n").Trim(); Remarks = @(ConvertTo-Paragraphs $remarks) }
    }

    $typed = {
        param($lines)
        $entries = Split-Section $lines 3
        if ($entries.Count) { foreach ($e in $entries.GetEnumerator()) { [pscustomobject]@{ Type = (ConvertTo-PlainText $e.Key); Text = @(ConvertTo-Paragraphs $e.Value) } } }
        else { foreach ($p in ConvertTo-Paragraphs $lines) { [pscustomobject]@{ Type = $p; Text = @() } } }
    }
    $links = foreach ($l in (& $section 'RELATED LINKS')) {
        if ($l -match '\[([^\]]+)\]\(([^)]*)\)') { [pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] } }
        elseif ($l -match '^\s*[-*]?\s*(\S.*)$') { [pscustomobject]@{ Text = $Matches[1].Trim(); Uri = '' } }
    }
    [pscustomobject]@{
        File        = $File
        Name        = $name
        Synopsis    = (ConvertTo-Paragraphs (& $section 'SYNOPSIS')) -join ' '
        Description = @(ConvertTo-Paragraphs (& $section 'DESCRIPTION'))
        Parameters  = $parameters
        Examples    = @($examples)
        Inputs      = @(& $typed (& $section 'INPUTS'))
        Outputs     = @(& $typed (& $section 'OUTPUTS'))
        Notes       = @(ConvertTo-Paragraphs (& $section 'NOTES'))
        Links       = @($links)
    }
}
#endregion

#region Checks

$manifest = Import-PowerShellDataFile (Join-Path $ModulePath 'MediaOps.psd1')
$commands = Get-CmdletMetadata $ModulePath
$pages = @{}
foreach ($file in Get-ChildItem $DocsPath -Filter '*.md' | Sort-Object Name) {
    $page = Read-HelpPage $file.FullName
    $pages[$page.Name] = $page
}

# Parameters declared once on a base class (the target parameters) are described once, in _shared/;
# a cmdlet's own page wins where it describes one of them too.
$shared = [ordered]@{}
foreach ($file in Get-ChildItem (Join-Path $DocsPath '_shared') -Filter '*.md' -ErrorAction SilentlyContinue | Sort-Object Name) {
    foreach ($entry in (Read-HelpPage $file.FullName).Parameters.GetEnumerator()) { $shared[$entry.Key] = $entry.Value }
}

$problems = [System.Collections.Generic.List[string]]::new()
$relative = { param($path) [IO.Path]::GetRelativePath((Get-Location).Path, $path) }
foreach ($page in $pages.Values) {
    if ($page.Name -notin $commands.Name) {
        if ($page.Name -in $manifest.CmdletsToExport) { Write-Verbose "$($page.Name): no cmdlet class yet, page skipped" }
        else { $problems.Add("$(& $relative $page.File) documents '$($page.Name)', which is neither a cmdlet in the module nor in CmdletsToExport (title '# Name' must be the cmdlet name).") }
    }
}
foreach ($command in $commands) {
    $page = $pages[$command.Name]
    if (-not $page) { $problems.Add("$($command.Name) has no help page: add docs/cmdlets/$($command.Name).md in the format of docs/cmdlets/Test-MediaCredential.md."); continue }
    $where = & $relative $page.File
    if (-not $page.Synopsis) { $problems.Add("${where}: '## SYNOPSIS' is missing or empty.") }
    if (-not $page.Description) { $problems.Add("${where}: '## DESCRIPTION' is missing or empty.") }
    if (-not $page.Examples) { $problems.Add("${where}: '## EXAMPLES' has no '### Example N: title' with a code block.") }
    foreach ($example in $page.Examples | Where-Object { -not $_.Code }) { $problems.Add("${where}: example '$($example.Title)' has no ``````powershell code block.") }
    foreach ($documented in $page.Parameters.Keys) {
        if ($documented -notin $command.Parameters.Name) { $problems.Add("${where}: documents -$documented, which $($command.Name) does not have (parameters: $(($command.Parameters.Name | ForEach-Object { "-$_" }) -join ' ')).") }
    }
    foreach ($p in $command.Parameters | Where-Object { -not $_.IsShouldProcess -and -not $page.Parameters.Contains($_.Name) -and -not $shared.Contains($_.Name) }) {
        Write-Warning "${where}: -$($p.Name) is not documented ('### -$($p.Name)' under '## PARAMETERS')."
    }
    if ($page.Examples.Count -lt 2) { Write-Warning "${where}: has $($page.Examples.Count) example(s); every cmdlet needs at least two." }
}
if ($problems.Count) {
    throw ("Help generation failed:`n  " + ($problems -join "`n  "))
}
#endregion

#region MAML

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
New-Item -ItemType Directory -Path (Split-Path $OutputPath -Parent) -Force | Out-Null
$xml = [System.Xml.XmlWriter]::Create($OutputPath, $settings)

function Open([string] $Name) { $prefix, $local = $Name -split ':'; $xml.WriteStartElement($prefix, $local, $ns[$prefix]) }
function Close { $xml.WriteEndElement() }
function Leaf([string] $Name, [string] $Text, [System.Collections.IDictionary] $Attributes = @{}) {
    Open $Name
    foreach ($a in $Attributes.GetEnumerator()) { $xml.WriteAttributeString($a.Key, [string]$a.Value) }
    $xml.WriteString($Text)
    Close
}
function Paragraphs([string] $Element, [string[]] $Paragraphs) {
    Open $Element
    foreach ($p in $Paragraphs) { Leaf 'maml:para' $p }
    if (-not $Paragraphs) { Leaf 'maml:para' '' }
    Close
}
function TypeElement([string] $Name) { Open 'dev:type'; Leaf 'maml:name' $Name; Leaf 'maml:uri' ''; Close }

function Write-Parameter($Parameter, $Usage, [string[]] $Description, [bool] $InSyntax) {
    $pipeline = @(if ($Usage.ByValue) { 'ByValue' }; if ($Usage.ByPropertyName) { 'ByPropertyName' })
    Open 'command:parameter'
    $xml.WriteAttributeString('required', "$([bool]$Usage.Mandatory)".ToLowerInvariant())
    $xml.WriteAttributeString('variableLength', "$($Parameter.TypeName.EndsWith('[]'))".ToLowerInvariant())
    $xml.WriteAttributeString('globbing', "$($Parameter.Globbing)".ToLowerInvariant())
    $xml.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
    $xml.WriteAttributeString('position', $(if ($Usage.Position -ge 0) { "$($Usage.Position)" } else { 'named' }))
    $xml.WriteAttributeString('aliases', $(if ($Parameter.Aliases) { $Parameter.Aliases -join ', ' } else { 'none' }))
    Leaf 'maml:name' $Parameter.Name
    Paragraphs 'maml:description' $Description
    if ($InSyntax -and $Parameter.ValidValues) {
        Open 'command:parameterValueGroup'
        foreach ($v in $Parameter.ValidValues) { Leaf 'command:parameterValue' $v ([ordered]@{ required = 'false'; variableLength = 'false' }) }
        Close
    }
    if (-not ($InSyntax -and $Parameter.IsSwitch)) {
        Leaf 'command:parameterValue' $Parameter.TypeName ([ordered]@{ required = "$(-not $Parameter.IsSwitch)".ToLowerInvariant(); variableLength = 'false' })
    }
    TypeElement $Parameter.TypeFullName
    Leaf 'dev:defaultValue' $Parameter.Default
    Close
}

$shouldProcessText = @{
    WhatIf  = @('Shows what would happen if the cmdlet runs. Nothing is changed.')
    Confirm = @('Prompts you for confirmation before each change.')
}
function Get-ParameterText($Page, $Parameter) {
    if ($Page.Parameters.Contains($Parameter.Name)) { return @($Page.Parameters[$Parameter.Name]) }
    if ($shared.Contains($Parameter.Name)) { return @($shared[$Parameter.Name]) }
    if ($shouldProcessText.ContainsKey($Parameter.Name)) { return $shouldProcessText[$Parameter.Name] }
    return @()
}

$xml.WriteStartDocument()
$xml.WriteStartElement('helpItems', 'http://msh')
$xml.WriteAttributeString('schema', 'maml')
foreach ($command in $commands) {
    $page = $pages[$command.Name]
    $byName = @{}; foreach ($p in $command.Parameters) { $byName[$p.Name] = $p }
    Open 'command:command'
    foreach ($prefix in 'maml', 'command', 'dev', 'MSHelp') { $xml.WriteAttributeString('xmlns', $prefix, $null, $ns[$prefix]) }

    Open 'command:details'
    Leaf 'command:name' $command.Name
    Leaf 'command:verb' $command.Verb
    Leaf 'command:noun' $command.Noun
    Paragraphs 'maml:description' @($page.Synopsis)
    Close
    Paragraphs 'maml:description' $page.Description

    # One syntax block per parameter set: positional first, then mandatory, then the rest, WhatIf/Confirm last.
    Open 'command:syntax'
    foreach ($set in $command.ParameterSets) {
        Open 'command:syntaxItem'
        Leaf 'maml:name' $command.Name
        $ordered = $set.Parameters | Sort-Object { $byName[$_.Name].IsShouldProcess }, { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { -not $_.Mandatory }
        foreach ($usage in $ordered) { Write-Parameter $byName[$usage.Name] $usage (Get-ParameterText $page $byName[$usage.Name]) $true }
        Close
    }
    Close

    # The parameter list: per parameter, what holds across its sets (required in every set, first position).
    Open 'command:parameters'
    foreach ($p in $command.Parameters) {
        $usages = @($command.ParameterSets.Parameters | Where-Object Name -eq $p.Name)
        $usage = [pscustomobject]@{
            Mandatory      = $usages.Count -gt 0 -and -not ($usages | Where-Object { -not $_.Mandatory })
            Position       = ($usages.Position | Where-Object { $_ -ge 0 } | Select-Object -First 1) ?? -1
            ByValue        = [bool]($usages | Where-Object ByValue)
            ByPropertyName = [bool]($usages | Where-Object ByPropertyName)
        }
        Write-Parameter $p $usage (Get-ParameterText $page $p) $false
    }
    Close

    Open 'command:inputTypes'
    $inputs = if ($page.Inputs) { $page.Inputs } else {
        $piped = @($command.ParameterSets.Parameters | Where-Object { $_.ByValue -or $_.ByPropertyName } | Group-Object Name | ForEach-Object { $_.Group[0] })
        if ($piped) {
            foreach ($usage in $piped) {
                $p = $byName[$usage.Name]
                $names = @($p.Name) + @($p.Aliases)
                $properties = if ($names.Count -gt 1) { ($names[0..($names.Count - 2)] -join ', ') + ' or ' + $names[-1] } else { $names[0] }
                $text = @(
                    if ($usage.ByValue) { "Piped values bind to -$($p.Name)." }
                    if ($usage.ByPropertyName) { "Piped objects with a $properties property bind to -$($p.Name)." }
                ) -join ' '
                [pscustomobject]@{ Type = $p.TypeFullName; Text = @($text) }
            }
        }
        else { [pscustomobject]@{ Type = 'None'; Text = @('This cmdlet takes no pipeline input.') } }
    }
    foreach ($i in $inputs) { Open 'command:inputType'; TypeElement $i.Type; Paragraphs 'maml:description' $i.Text; Close }
    Close

    # Output types are the code's [OutputType]s, described by the page's OUTPUTS entries.
    Open 'command:returnValues'
    foreach ($type in $command.OutputTypes) {
        $short = $type.Split('.')[-1]
        $doc = $page.Outputs | Where-Object { $_.Type -eq $type -or $_.Type -eq $short -or $_.Type.Split('.')[-1] -eq $short } | Select-Object -First 1
        Open 'command:returnValue'; TypeElement $type; Paragraphs 'maml:description' $(if ($doc) { $doc.Text } else { @() }); Close
    }
    Close

    if ($page.Notes) { Open 'maml:alertSet'; Open 'maml:alert'; foreach ($n in $page.Notes) { Leaf 'maml:para' $n }; Close; Close }

    Open 'command:examples'
    foreach ($example in $page.Examples) {
        Open 'command:example'
        Leaf 'maml:title' "-------------------------- $($example.Title) --------------------------"
        Leaf 'dev:code' $example.Code
        Paragraphs 'dev:remarks' $example.Remarks
        Close
    }
    Close

    Open 'command:relatedLinks'
    foreach ($link in @($page.Links) + [pscustomobject]@{ Text = 'about_MediaOps'; Uri = '' } | Where-Object { $_ } | Group-Object Text | ForEach-Object { $_.Group[0] }) {
        Open 'maml:navigationLink'; Leaf 'maml:linkText' $link.Text; Leaf 'maml:uri' $link.Uri; Close
    }
    Close
    Close
}
$xml.WriteEndElement()
$xml.WriteEndDocument()
$xml.Dispose()
Write-Host "Help: $($commands.Count) cmdlet(s) into $OutputPath" -ForegroundColor DarkGray
#endregion
