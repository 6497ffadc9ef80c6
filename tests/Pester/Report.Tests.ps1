#requires -Modules Pester
# Export-MediaReport on the real output of a runbook against moto: every step lands in its section,
# the hostile database name is text, the file is written once, whole, and only when it should be.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'DjangoHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    Set-TestAwsEnvironment -Endpoint $Moto.Endpoint
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('report-' + [guid]::NewGuid().ToString('N'))
    $script:Root = New-TestMediaTree -Root (Join-Path $Work 'media') -Files @{
        'uploads/2024/a photo.jpg' = [byte[]](0..200)
        'docs/report (final).pdf'  = '%PDF-1.4'
    }
    $script:Bucket = New-BaselineBucket -Endpoint $Moto.Endpoint -BucketName (New-TestBucketName 'rp')
    $script:Target = @{ BucketName = $Bucket; Prefix = 'media' }
    $script:HostileName = "uploads/<script>alert('x')</script>.jpg"

    # One of each step of the runbook, as a runbook would collect it.
    $script:Rows = @(
        Get-MediaInventory -Path $Root -Summary
        Test-MediaBucket @Target
        Test-MediaCredential @Target
        Test-MediaAccess @Target -Confirm:$false
        Sync-MediaToS3 @Target -Path $Root -WhatIf
        Sync-MediaToS3 @Target -Path $Root -PassThru
        Compare-MediaStore @Target -Path $Root -IncludeEqual
        'uploads/2024/a photo.jpg', $HostileName | Test-MediaObject @Target
        Invoke-MediaSmokeTest @Target -Confirm:$false
    )
}

AfterAll {
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
    if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer }
}

Describe 'Export-MediaReport' {
    It 'writes one HTML page with the verdict, the failure first and every step in its section' {
        $path = Join-Path $Work 'runbook.html'
        $file = $Rows | Export-MediaReport -Path $path -Title 'CHG-1 media cutover' -RunBy 'jane'
        $file | Should -BeOfType System.IO.FileInfo
        $file.FullName | Should -Be $path
        $file.Failures | Should -Be 1 -Because 'only the hostile database name does not resolve'
        $file.Verdict | Should -Match '^1 failure'

        $html = Get-Content -Raw -LiteralPath $path
        $html | Should -Match '<p id="verdict" class="verdict fail">1 failure'
        # Every check name these cmdlets write is placed in its runbook step: nothing falls into "Other".
        $ids = [regex]::Matches($html, '<section class="step" id="step-([a-z-]+)">') | ForEach-Object { $_.Groups[1].Value }
        $ids | Should -Be @('audit', 'bucket', 'credentials', 'access', 'dry-run', 'sync', 'compare', 'names', 'smoke')
        $attention = $html.Substring($html.IndexOf('id="attention"'), $html.IndexOf('id="overview"') - $html.IndexOf('id="attention"'))
        $attention | Should -Match '<tr class="fail"><td><a href="#step-names">'
        $html | Should -Match "s3://$Bucket/media/"
        $html | Should -Match 'arn:aws:'
        $html | Should -Match '<dt>Run by</dt><dd>jane</dd>'
    }

    It 'shows a hostile key as text and carries no script' {
        $path = Join-Path $Work 'hostile.html'
        $null = $Rows | Export-MediaReport -Path $path
        $html = Get-Content -Raw -LiteralPath $path
        $html | Should -Not -Match '<script'
        $html | Should -Match ([regex]::Escape('uploads/&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;.jpg'))
    }

    It 'writes Markdown tables for a .md path, pipes in keys escaped' {
        $path = Join-Path $Work 'ticket.md'
        $null = $Rows | Export-MediaReport -Path $path
        $md = Get-Content -Raw -LiteralPath $path
        $md | Should -Match '^# Media cutover evidence'
        $md | Should -Match '\*\*FAIL: 1 failure'
        $md | Should -Match '\| Status \| Item \| Found \| What to do \|'
        $md | Should -Match ([regex]::Escape('uploads/&lt;script&gt;alert\(''x''\)&lt;/script&gt;.jpg'))
    }

    It 'reports each record as it comes and refuses what is not MediaOps output, one error each' {
        $path = Join-Path $Work 'mixed.html'
        $file = @($Rows[1], 'some text', $Rows[2], 42) | Export-MediaReport -Path $path -ErrorVariable bad -ErrorAction SilentlyContinue
        @($bad).Count | Should -Be 2
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'MediaOps.UnsupportedReportInput,*'
        $bad[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $file.Failures | Should -Be 0
        Get-Content -Raw $path | Should -Match 'All green: 2 rows'
    }

    It 'writes nothing under -WhatIf' {
        $path = Join-Path $Work 'whatif.html'
        $out = $Rows | Export-MediaReport -Path $path -WhatIf
        $out | Should -BeNullOrEmpty
        $path | Should -Not -Exist
    }

    It '-NoClobber refuses an existing file before reading any input' {
        $path = Join-Path $Work 'kept.html'
        Set-Content -LiteralPath $path -Value 'signed-off report'
        $script:read = 0
        { $Rows | ForEach-Object { $script:read++; $_ } | Export-MediaReport -Path $path -NoClobber -ErrorAction Stop } |
            Should -Throw -ErrorId 'MediaOps.ReportExists,MediaOps.Commands.ExportMediaReportCommand'
        $script:read | Should -Be 0
        Get-Content -Raw $path | Should -Be "signed-off report$([Environment]::NewLine)"
    }

    It 'writes no file when no MediaOps object arrives, and says what to pipe' {
        $path = Join-Path $Work 'empty.html'
        { @() | Export-MediaReport -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'MediaOps.NoReportInput,MediaOps.Commands.ExportMediaReportCommand'
        $path | Should -Not -Exist
        { $Rows[1] | Export-MediaReport -Path (Join-Path $Work 'no/such/folder/r.html') -ErrorAction Stop } | Should -Throw -ErrorId 'MediaOps.PathNotFound,*'
    }

    It 'takes an array through -InputObject' {
        $file = Export-MediaReport -Path (Join-Path $Work 'array.html') -InputObject (Test-MediaBucket @Target)
        (Get-Content -Raw $file.FullName) | Should -Match 'id="step-bucket"'
    }
}
