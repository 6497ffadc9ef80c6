#requires -Modules Pester
# tools/New-MamlHelp.ps1 must stop the build when help and code disagree (Contract.Tests.ps1 checks
# the help that a good build produces). Runs the generator on broken copies of docs/cmdlets.

BeforeAll {
    $script:Generator = Join-Path $PSScriptRoot '../../tools/New-MamlHelp.ps1'
    $script:Docs = Join-Path $PSScriptRoot '../../docs/cmdlets'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "mediaops-help-$([guid]::NewGuid().ToString('N'))"
    $script:Exported = @((Import-Module $env:MEDIAOPS_MODULE_PATH -PassThru -Force).ExportedCmdlets.Keys)

    function New-DocsCopy([string] $Name) {
        $path = Join-Path $Work $Name
        New-Item -ItemType Directory -Path $path -Force | Out-Null
        Copy-Item (Join-Path $Docs '*.md') $path
        return $path
    }
    function Invoke-Generator([string] $DocsPath) {
        & $Generator -DocsPath $DocsPath -OutputPath (Join-Path $DocsPath 'out/en-US/MediaOps.dll-Help.xml') -ModulePath $env:MEDIAOPS_MODULE_PATH 3>$null 6>$null
    }
}

AfterAll { Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'New-MamlHelp' {
    It 'fails naming every exported cmdlet that has no page' {
        $empty = New-Item -ItemType Directory -Path (Join-Path $Work 'empty') -Force
        $err = { Invoke-Generator $empty.FullName } | Should -Throw -PassThru
        foreach ($name in $Exported) { $err.Exception.Message | Should -BeLike "*$name has no help page*" }
    }

    It 'fails on a documented parameter the cmdlet lacks, missing examples, and a page for no cmdlet' {
        $docs = New-DocsCopy 'broken'
        $page = Join-Path $docs 'Test-MediaCredential.md'
        $text = (Get-Content -Raw $page) -replace '(?s)## EXAMPLES.*?(?=## OUTPUTS)', ''
        $text = $text -replace '## PARAMETERS', "## PARAMETERS`n`n### -NoSuchParameter`nDoes not exist.`n"
        Set-Content $page $text
        Set-Content (Join-Path $docs 'Get-NoSuchThing.md') "# Get-NoSuchThing`n`n## SYNOPSIS`nNothing.`n"
        $err = { Invoke-Generator $docs } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike '*documents -NoSuchParameter, which Test-MediaCredential does not have*'
        $err.Exception.Message | Should -BeLike "*Test-MediaCredential.md: '## EXAMPLES' has no*"
        $err.Exception.Message | Should -BeLike "*documents 'Get-NoSuchThing', which is neither a cmdlet*"
    }

    It 'writes MAML whose parameter metadata comes from the code, not the page' {
        $docs = New-DocsCopy 'good'
        Invoke-Generator $docs
        [xml] $maml = Get-Content -Raw (Join-Path $docs 'out/en-US/MediaOps.dll-Help.xml')
        $ns = [System.Xml.XmlNamespaceManager]::new($maml.NameTable)
        $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
        $prefix = $maml.SelectSingleNode("//command:command[command:details/command:name='Test-MediaCredential']/command:parameters/command:parameter[maml:name='Prefix']", $ns)
        $prefix.aliases | Should -Be 'KeyPrefix, Location'
        $bucket = $maml.SelectSingleNode("//command:command[command:details/command:name='Test-MediaCredential']/command:parameters/command:parameter[maml:name='BucketName']", $ns)
        $bucket.pipelineInput | Should -Be 'True (ByPropertyName)'
    }
}
