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

Describe 'Test prerequisites (tools/test-prerequisites)' {
    BeforeAll {
        $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
        $script:Script = Join-Path $Repo 'tools/test-prerequisites'
    }

    It 'is the one list: .ci/run and ./build.ps1 Test both run it, and .ci/run installs nothing itself' {
        $ci = Get-Content -Raw (Join-Path $Repo '.ci/run')
        $ci | Should -Match '(?m)^tools/test-prerequisites\b'
        $ci | Should -Not -Match 'apt-get|npm ci'
        $build = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $Repo 'build.ps1'), [ref]$null, [ref]$null)
        $switch = @($build.FindAll({ param($n) $n -is [System.Management.Automation.Language.SwitchStatementAst] }, $true))[0]
        $testBody = ($switch.Clauses | Where-Object { $_.Item1.Value -eq 'Test' }).Item2.Extent.Text
        $testBody | Should -Match 'Invoke-TestPrerequisites'
        $build.Extent.Text | Should -Match "tools/test-prerequisites"
    }

    It 'on a machine without the tools, names the exact apt-get command and fails (check mode installs nothing)' {
        # A PATH with only what the script itself runs: rclone, aws, java, npm, fusermount3 and radosgw are "missing".
        $bin = Join-Path ([IO.Path]::GetTempPath()) ('bare-path-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $bin | Out-Null
        try {
            foreach ($tool in 'bash', 'dirname', 'id', 'python3') {
                $found = (Get-Command $tool -CommandType Application | Select-Object -First 1).Source
                New-Item -ItemType SymbolicLink -Path (Join-Path $bin $tool) -Target $found | Out-Null
            }
            $out = & /usr/bin/env "PATH=$bin" bash $Script --check 2>&1 | Out-String
            $LASTEXITCODE | Should -Be 1 -Because $out
            $out | Should -Match 'sudo apt-get install -y [^\n]*\brclone\b[^\n]*\bawscli\b[^\n]*\bfuse3\b'
            $out | Should -Match 'sudo apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd'
        }
        finally { Remove-Item $bin -Recurse -Force }
    }
}
