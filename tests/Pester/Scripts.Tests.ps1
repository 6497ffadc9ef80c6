#requires -Modules Pester
# The repository's own scripts, as files: what Windows PowerShell 5.1 and a runbook's log need of them.

BeforeDiscovery {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $skip = [regex]'[\\/](out|bin|obj|node_modules|\.git)[\\/]'
    $script:Scripts = @(Get-ChildItem $root -Recurse -File -Include '*.ps1', '*.psm1', '*.psd1' |
        Where-Object { -not $skip.IsMatch($_.FullName.Substring($root.Length)) } |
        ForEach-Object { @{ Name = $_.FullName.Substring($root.Length + 1); Path = $_.FullName } })
    $script:Examples = @(Get-ChildItem (Join-Path $root 'examples') -Recurse -File -Include '*.ps1' |
        ForEach-Object { @{ Name = $_.FullName.Substring($root.Length + 1); Path = $_.FullName } })
}

Describe 'Script files' {
    It 'finds the scripts to check' {
        $Scripts.Count | Should -BeGreaterThan 20
    }

    # Windows PowerShell 5.1 reads a BOM-less script as the ANSI code page: UTF-8 accents turn into two odd characters each.
    It '<Name> is ASCII or UTF-8 with a BOM' -ForEach $Scripts {
        $bytes = [IO.File]::ReadAllBytes($Path)
        $hasBom = $bytes.Length -ge 3 -and $bytes[0] -eq 0xEF -and $bytes[1] -eq 0xBB -and $bytes[2] -eq 0xBF
        $nonAscii = [regex]::Matches([Text.Encoding]::Latin1.GetString($bytes), '[\x80-\xFF]').Count
        ($hasBom -or $nonAscii -eq 0) | Should -BeTrue -Because "$Name has $nonAscii non-ASCII byte(s) and no UTF-8 BOM"
    }
}

Describe 'Example scripts' {
    # Tables and counts are data: Write-Output or Write-Information (silenced with -InformationAction
    # Ignore or 6>$null), never Write-Host, which a caller cannot capture as what it is.
    It '<Name> does not send formatted tables to Write-Host' -ForEach $Examples {
        $text = Get-Content -Raw -LiteralPath $Path
        $text | Should -Not -Match 'Out-String[^\r\n|]*\|\s*Write-Host'
    }
}
