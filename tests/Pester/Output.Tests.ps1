#requires -Modules Pester
# What runbooks and sysadmins see of our objects: the default table views at 80 and 120 columns,
# ConvertTo-Json, and output redirected to a log.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'DjangoHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    Set-TestAwsEnvironment -Endpoint $Moto.Endpoint
    $env:AWS_STORAGE_BUCKET_NAME = New-BaselineBucket -Endpoint $Moto.Endpoint

    # Long names and messages, so every view has to wrap something.
    $script:Root = New-TestMediaTree -Files @{
        'uploads/2024/a rather long folder name for wrapping/quarterly report with a long name (final version).pdf' = '%PDF-1.4 first'
        'uploads/2024/photo.jpg' = [byte[]](1..64)
        'docs/contract.txt'      = 'signed'
    }
    $script:Samples = [ordered]@{}
    function script:Add-Sample([object[]] $Rows) {
        foreach ($row in $Rows) {
            if ($null -eq $row) { continue }
            $name = $row.GetType().FullName
            if (-not $Samples.Contains($name)) { $Samples[$name] = [Collections.Generic.List[object]]::new() }
            $Samples[$name].Add($row)
        }
    }
    Add-Sample (Get-MediaInventory -Path $Root)
    Add-Sample (Get-MediaInventory -Path $Root -Summary)
    Add-Sample (Sync-MediaToS3 -Path $Root -PassThru)
    Add-Sample (Sync-MediaToS3 -Path $Root -WhatIf -PassThru)
    Set-Content -LiteralPath (Join-Path $Root 'docs/contract.txt') -Value 'signed, and changed since the sync'
    Add-Sample (Compare-MediaStore -Path $Root)
    Add-Sample (Test-MediaBucket)
    Add-Sample (Test-MediaCredential)
    Add-Sample (Test-MediaAccess)
    Add-Sample (Test-MediaBucket -BucketName (New-TestBucketName 'missing'))
    Add-Sample (Test-MediaObject 'uploads/2024/photo.jpg', 'uploads/2019/lost in the migration with a long name.jpg')
    Add-Sample (Get-MediaUrl 'uploads/2024/photo.jpg')
    Add-Sample (Get-MediaVersion)

    # Every type a cmdlet declares it returns, except the plain .NET ones.
    $script:OutputTypes = @(Get-Command -Module MediaOps | ForEach-Object { $_.OutputType.Type } |
        Where-Object { $_ -and $_.Namespace -eq 'MediaOps' } | ForEach-Object FullName | Sort-Object -Unique)
    # The column that says what to do (or why), per type: never dropped, whatever the width.
    $script:KeyColumn = @{
        'MediaOps.CheckResult' = 'Message'; 'MediaOps.ObjectCheck' = 'Message'; 'MediaOps.SyncItem' = 'Error'
        'MediaOps.MediaDifference' = 'Reason'; 'MediaOps.LocalMediaFile' = 'Problem'; 'MediaOps.SyncResult' = 'Failed'
        'MediaOps.MediaInventorySummary' = 'ProblemFiles'; 'MediaOps.MediaUrl' = 'Url'; 'MediaOps.MediaVersion' = 'Name'
    }
}

AfterAll {
    Remove-Item $script:Root -Recurse -Force -ErrorAction SilentlyContinue
    if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer }
}

Describe 'Default table views' {
    It 'has a sample of every output type a cmdlet declares' {
        $OutputTypes.Count | Should -BeGreaterThan 8
        foreach ($type in $OutputTypes) { $Samples.Contains($type) | Should -BeTrue -Because "$type needs a sample here" }
    }

    It 'fits <_> columns without cutting a word, and keeps the column that says what to do' -ForEach 80, 120 {
        $width = $_
        foreach ($type in $OutputTypes) {
            foreach ($autoSize in $false, $true) {
                $text = $Samples[$type] | Format-Table -AutoSize:$autoSize | Out-String -Width $width
                $how = "$type at $width columns$(if ($autoSize) { ' with -AutoSize' })"
                foreach ($line in $text -split "`r?`n") { $line.Length | Should -BeLessOrEqual $width -Because "$how`n$text" }
                $text.Contains([char]0x2026) | Should -BeFalse -Because "nothing is cut short ($how)`n$text"
                # -AutoSize sizes a column by its whole text, so a long early column can push later ones out;
                # the "what to do" Message comes right after Check/Name and Status so that it never is.
                if (-not $autoSize -or $KeyColumn[$type] -eq 'Message') {
                    $text | Should -Match "(?m)\b$($KeyColumn[$type])\b" -Because "$how keeps $($KeyColumn[$type])`n$text"
                }
            }
        }
    }

    It 'wraps messages at word boundaries at <_> columns' -ForEach 80, 120 {
        $width = $_
        foreach ($type in 'MediaOps.CheckResult', 'MediaOps.ObjectCheck') {
            $text = $Samples[$type] | Out-String -Width $width
            foreach ($row in $Samples[$type]) {
                foreach ($word in @("$($row.Message)" -split '\s+' | Where-Object { $_.Length -gt 0 -and $_.Length -le 40 })) {
                    $text | Should -Match ([regex]::Escape($word)) -Because "'$word' of '$($row.Message)' stays whole ($type at $width)"
                }
            }
        }
    }

    It 'shows Test-MediaAccess rows with their check, status and message at 120 columns' {
        $rows = @($Samples['MediaOps.CheckResult'] | Where-Object Check -eq 'ListInPrefix')
        $rows | Should -Not -BeNullOrEmpty
        $text = $rows | Out-String -Width 120
        $text | Should -Match '(?m)^ListInPrefix\s+Pass\s+The app can list its media'
    }
}

Describe 'Redirected output' {
    BeforeAll {
        # A runbook's log: a child pwsh whose stdout and stderr go to a pipe, not a terminal.
        function script:Invoke-Logged([string] $Before = '') {
            $missing = New-TestBucketName 'nolog'
            $command = "$Before; Import-Module '$env:MEDIAOPS_MODULE_PATH'; Test-MediaBucket -BucketName '$missing'; " +
                "Test-MediaBucket | Select-Object -First 1 | Format-List; Write-Warning 'a warning'; " +
                "Sync-MediaToS3 -Path '$Root' -WhatIf; Get-MediaUrl 'x.txt' -ExpiresIn 0"
            Invoke-FreshPwsh -NoProfile -NonInteractive -Command $command 2>&1 | Out-String
        }
    }

    It 'carries no ANSI escape codes: tables, lists, warnings and errors are plain text' {
        $log = Invoke-Logged
        $log | Should -Match 'Check\s+Status\s+Message' -Because 'the table is there'
        $log | Should -Match 'WARNING: a warning'
        $log | Should -Match 'ExpiresIn' -Because 'the error is there'
        $log.Contains([char]27) | Should -BeFalse -Because "no escape code in:`n$($log.Replace([string][char]27, '<ESC>'))"
    }

    It 'keeps colour when the user asked for it ($PSStyle.OutputRendering = Ansi)' {
        $log = Invoke-Logged '$PSStyle.OutputRendering = ''Ansi'''
        $log.Contains([char]27) | Should -BeTrue
    }
}
