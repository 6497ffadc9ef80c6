#requires -Modules Pester
# Tab completion for the parameters whose values come from a list: -Region, -ProfileName, -DjangoVersion.
# None of them is a file name, so none may offer the files of the current folder.

BeforeAll {
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    function script:Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object CompletionText)
    }
    # A folder of files whose names start like the words typed below: file-name completion would offer them.
    $script:Folder = Join-Path ([IO.Path]::GetTempPath()) ('completion-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $Folder | Out-Null
    foreach ($name in 'eu-notes.txt', 'zz-file.txt', 'prod-backup.txt', '4.2-notes.txt') { Set-Content -LiteralPath (Join-Path $Folder $name) -Value x }
    Push-Location $Folder
    $script:SavedEnv = @{ AWS_CONFIG_FILE = $env:AWS_CONFIG_FILE; AWS_SHARED_CREDENTIALS_FILE = $env:AWS_SHARED_CREDENTIALS_FILE }
}

AfterAll {
    Pop-Location
    foreach ($name in $SavedEnv.Keys) { Set-Item "env:$name" -Value $SavedEnv[$name] -ErrorAction SilentlyContinue; if (-not $SavedEnv[$name]) { Remove-Item "env:$name" -ErrorAction SilentlyContinue } }
    Remove-Item $Folder -Recurse -Force -ErrorAction SilentlyContinue
}

Describe '-Region completion' {
    It 'offers the AWS regions that start with what was typed, on every cmdlet that takes -Region' {
        foreach ($command in 'Test-MediaBucket', 'Sync-MediaToS3', 'New-MediaDjangoSettings') {
            $offered = Get-Completion "$command -Region eu-"
            $offered | Should -Contain 'eu-west-1' -Because $command
            $offered | Should -Contain 'eu-central-1' -Because $command
            $offered | ForEach-Object { $_ | Should -BeLike 'eu-*' }
        }
    }

    It 'offers every region for an empty word, and no file names when nothing matches' {
        $all = Get-Completion 'Test-MediaBucket -Region '
        $all | Should -Contain 'us-east-1'
        $all.Count | Should -BeGreaterThan 20
        $all | Should -Not -Contain './eu-notes.txt'
        Get-Completion 'Test-MediaBucket -Region zz' | Should -BeNullOrEmpty
    }
}

Describe '-ProfileName completion' {
    BeforeAll {
        $config = Join-Path $Folder 'aws-config'
        $credentials = Join-Path $Folder 'aws-credentials'
        Set-Content -LiteralPath $config -Value "[default]`nregion = eu-west-1`n[profile prod-admin]`nregion = eu-west-1`n[profile prod-readonly]`nregion = eu-west-1"
        Set-Content -LiteralPath $credentials -Value "[prod-app]`naws_access_key_id = AKIAEXAMPLE`naws_secret_access_key = example"
        $env:AWS_CONFIG_FILE = $config
        $env:AWS_SHARED_CREDENTIALS_FILE = $credentials
    }

    It 'offers the profiles of the config and credentials files that AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name' {
        $offered = Get-Completion 'Test-MediaCredential -ProfileName prod'
        $offered | Should -Contain 'prod-admin'
        $offered | Should -Contain 'prod-readonly'
        $offered | Should -Contain 'prod-app'
        $offered | Should -Not -Contain './prod-backup.txt'
        Get-Completion 'Sync-MediaToS3 -ProfileName ' | Should -Contain 'default'
    }

    It 'offers nothing, not file names, when no profile matches or the files do not exist' {
        Get-Completion 'Test-MediaCredential -ProfileName zz' | Should -BeNullOrEmpty
        $env:AWS_CONFIG_FILE = Join-Path $Folder 'missing-config'
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $Folder 'missing-credentials'
        Get-Completion 'Test-MediaCredential -ProfileName prod' | Should -BeNullOrEmpty
    }
}

Describe '-DjangoVersion completion' {
    It 'offers Django releases, not file names' {
        $offered = Get-Completion 'New-MediaDjangoSettings -DjangoVersion 4'
        $offered | Should -Contain '4.2'
        $offered | Should -Not -Contain './4.2-notes.txt'
        Get-Completion 'New-MediaDjangoSettings -DjangoVersion ' | Should -Contain '3.2'
    }
}
