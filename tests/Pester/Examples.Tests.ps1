#requires -Modules Pester
# The examples users copy must run: Cutover.ps1, Rollback.ps1 and MediaStorage.Tests.ps1 against moto.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'DjangoHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    $script:Endpoint = $Moto.Endpoint
    Set-TestAwsEnvironment -Endpoint $Endpoint
    $script:Examples = (Resolve-Path (Join-Path $PSScriptRoot '../../examples')).Path
    $script:Module = $env:MEDIAOPS_MODULE_PATH

    $script:Files = [ordered]@{
        'uploads/2024/a photo.jpg' = [byte[]](0..200)
        'uploads/ünï/café.png'     = 'png bytes'
        'docs/report (final).pdf'  = '%PDF-1.4'
    }
    $script:Dirs = [Collections.Generic.List[string]]::new()
    function script:New-Deployment {
        $bucket = New-BaselineBucket -Endpoint $Endpoint -BucketName (New-TestBucketName 'ex')
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('examples-' + [guid]::NewGuid().ToString('N'))
        $root = New-TestMediaTree -Files $Files -Root (Join-Path $dir 'media')
        $csv = Join-Path $dir 'names.csv'
        $i = 0
        $Files.Keys | ForEach-Object { [pscustomobject]@{ id = ++$i; file = $_ } } | Export-Csv -LiteralPath $csv -NoTypeInformation
        $script:Dirs.Add($dir)
        [pscustomobject]@{ Bucket = $bucket; Dir = $dir; Root = $root; Csv = $csv; State = Join-Path $dir 'cutover.json' }
    }
    function script:Invoke-Cutover($Deployment, [string] $NamesCsv = $Deployment.Csv, [string[]] $ReportPath) {
        & (Join-Path $Examples 'Cutover.ps1') -Path $Deployment.Root -BucketName $Deployment.Bucket -EndpointUrl $Endpoint `
            -NamesCsv $NamesCsv -StateFile $Deployment.State -SkipFinalPassPause -ModulePath $Module -ReportPath $ReportPath 6>$null
    }
}

AfterAll {
    foreach ($dir in $script:Dirs) { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer }
}

Describe 'examples/Cutover.ps1' {
    It 'runs every step and completes on a baselined bucket' {
        $d = New-Deployment
        $result = Invoke-Cutover $d
        $result.Status | Should -Be 'Completed'
        $result.Steps.DryRun.WhatIf | Should -BeTrue
        $result.Steps.DryRun.Transferred | Should -Be 0
        $result.Steps.Sync.Transferred | Should -Be $Files.Count
        $result.Steps.FinalPass.Transferred | Should -Be 0
        @($result.Steps.Objects | Where-Object Status -eq 'Pass').Count | Should -Be $Files.Count
        $result.Steps.Smoke | ForEach-Object { $_.Status | Should -Be 'Pass' -Because $_.Message }
        (Get-Content $d.State -Raw | ConvertFrom-Json).CutoverUtc | Should -Not -BeNullOrEmpty
        (Test-MediaObject ([string[]]$Files.Keys) -BucketName $d.Bucket -Path $d.Root -Checksum -Quiet) | Should -BeTrue
    }

    It 'stops at the first failure with a message naming the missing database name' {
        $d = New-Deployment
        $csv = Join-Path $d.Dir 'with-missing.csv'
        Copy-Item $d.Csv $csv
        Add-Content -LiteralPath $csv -Value '"42","uploads/2019/gone.jpg"'
        { Invoke-Cutover $d $csv } | Should -Throw -ExpectedMessage "*stopped at 'Test-MediaObject'*uploads/2019/gone.jpg*"
    }

    It 'writes the evidence report when it stops, the failure that stopped it first' {
        $d = New-Deployment
        $csv = Join-Path $d.Dir 'with-missing.csv'
        Copy-Item $d.Csv $csv
        Add-Content -LiteralPath $csv -Value '"42","uploads/2019/gone.jpg"'
        $html, $md = (Join-Path $d.Dir 'evidence.html'), (Join-Path $d.Dir 'evidence.md')
        { Invoke-Cutover $d $csv -ReportPath $html, $md } | Should -Throw -ExpectedMessage "*stopped at 'Test-MediaObject'*"
        $page = Get-Content -Raw -LiteralPath $html
        $page | Should -Match '<p id="verdict" class="verdict fail">1 failure'
        $page | Should -Match '<tr class="fail"><td><a href="#step-names">[^<]*</a></td><td class="status s-fail">Fail</td><td class="item">uploads/2019/gone.jpg</td>'
        foreach ($step in 'audit', 'bucket', 'credentials', 'dry-run', 'sync', 'names') { $page | Should -Match "id=`"step-$step`"" }
        $page | Should -Not -Match 'id="step-smoke"' -Because 'the cutover stopped before the smoke test'
        Get-Content -Raw -LiteralPath $md | Should -Match '\*\*FAIL: 1 failure'
    }

    It 'stops before copying anything when the bucket fails its checks' {
        $bucket = New-TestBucketName 'raw'
        Invoke-AwsCli -Endpoint $Endpoint s3api create-bucket --bucket $bucket | Out-Null
        $d = New-Deployment
        $d.Bucket = $bucket
        { Invoke-Cutover $d } | Should -Throw -ExpectedMessage "*stopped at 'Test-MediaBucket'*"
        Invoke-AwsCli -Endpoint $Endpoint s3 ls --recursive "s3://$bucket/" | Should -BeNullOrEmpty
    }
}

Describe 'examples/Rollback.ps1' {
    It 'brings back exactly the uploads made after cutover' {
        $d = New-Deployment
        $null = Invoke-Cutover $d
        # The late upload lands in a later server second than every cutover write (the server's clock, not a sleep).
        Wait-TestServerSecondAfter $Endpoint $d.Bucket (Get-TestServerSecond $Endpoint $d.Bucket)
        $late = New-TestMediaTree -Files @{ 'late upload.txt' = 'uploaded after cutover' }
        Invoke-AwsCli -Endpoint $Endpoint s3 cp (Join-Path $late 'late upload.txt') "s3://$($d.Bucket)/media/uploads/2024/late upload.txt" | Out-Null
        $before = Get-ChildItem $d.Root -Recurse -File | ForEach-Object { $_.FullName + $_.LastWriteTimeUtc.Ticks }

        $result = & (Join-Path $Examples 'Rollback.ps1') -StateFile $d.State -ModulePath $Module 6>$null
        $result.Transferred | Should -Be 1
        $result.Failed | Should -Be 0
        Get-Content -LiteralPath (Join-Path $d.Root 'uploads/2024/late upload.txt') -Raw | Should -Be 'uploaded after cutover'
        $after = Get-ChildItem $d.Root -Recurse -File | Where-Object Name -ne 'late upload.txt' | ForEach-Object { $_.FullName + $_.LastWriteTimeUtc.Ticks }
        $after | Should -Be $before -Because 'files from before the cutover are left alone'
    }
}

Describe 'examples/Rollback.ps1 -InBucket (S3-side recovery)' {
    It 'undoes a bulk overwrite and a delete inside the bucket from the version history, and proves it' {
        $d = New-Deployment
        $null = Invoke-Cutover $d
        # T: the server's own stamp of the migrated objects; then wait until the server stamps a later second.
        $T = (Get-MediaVersion -BucketName $d.Bucket | Measure-Object -Property LastModifiedUtc -Maximum).Maximum
        $deadline = [datetime]::UtcNow.AddSeconds(120)
        do {
            Invoke-AwsCli -Endpoint $Endpoint s3api put-object --bucket $d.Bucket --key clock/tick | Out-Null
            $now = [datetime]::Parse((Invoke-AwsCli -Endpoint $Endpoint s3api head-object --bucket $d.Bucket --key clock/tick).LastModified).ToUniversalTime()
            if ($now -le $T -and [datetime]::UtcNow -gt $deadline) { throw 'the server clock did not move on' }
        } while ($now -le $T)
        $bad = New-TestMediaTree -Files @{ 'uploads/2024/a photo.jpg' = 'garbage from a bad batch job' }
        Invoke-AwsCli -Endpoint $Endpoint s3 cp $bad "s3://$($d.Bucket)/media/" --recursive | Out-Null
        Invoke-AwsCli -Endpoint $Endpoint s3api delete-object --bucket $d.Bucket --key 'media/docs/report (final).pdf' | Out-Null
        $local = Get-ChildItem $d.Root -Recurse -File | ForEach-Object { $_.FullName + $_.LastWriteTimeUtc.Ticks }

        $plan = & (Join-Path $Examples 'Rollback.ps1') -InBucket -AsOf $T -StateFile $d.State -ModulePath $Module -WhatIf 6>$null
        $plan.Planned | Should -Be 2
        $result = & (Join-Path $Examples 'Rollback.ps1') -InBucket -AsOf $T -StateFile $d.State -ModulePath $Module 6>$null
        $result.Transferred | Should -Be 2
        $result.Failed | Should -Be 0
        $check = Join-Path $d.Dir 'check'
        Invoke-AwsCli -Endpoint $Endpoint s3 cp "s3://$($d.Bucket)/media/" $check --recursive | Out-Null
        foreach ($name in $Files.Keys) {
            (Get-FileHash -LiteralPath (Join-Path $check $name)).Hash | Should -Be (Get-FileHash -LiteralPath (Join-Path $d.Root $name)).Hash -Because $name
        }
        Get-ChildItem $d.Root -Recurse -File | ForEach-Object { $_.FullName + $_.LastWriteTimeUtc.Ticks } | Should -Be $local -Because 'MEDIA_ROOT is not touched'
        (& (Join-Path $Examples 'Rollback.ps1') -InBucket -AsOf $T -StateFile $d.State -ModulePath $Module 6>$null).Planned | Should -Be 0
    }
}

Describe 'examples/MediaStorage.Tests.ps1 (run by users with Invoke-Pester)' {
    BeforeAll {
        $script:PesterPath = (Get-Module Pester).Path
        # Runs the example as a user would, in a fresh pwsh; -JUnitPath also writes JUnit XML as its help shows.
        function script:Invoke-UserPester($Deployment, [string] $AccessModel = 'Private', [string] $JUnitPath) {
            $data = "@{ BucketName = '$($Deployment.Bucket)'; EndpointUrl = '$Endpoint'; AccessModel = '$AccessModel'; NamesCsv = '$($Deployment.Csv)'; ModulePath = '$Module' }"
            $script = @"
Import-Module '$PesterPath'
`$config = New-PesterConfiguration
`$config.Run.Container = New-PesterContainer -Path '$Examples/MediaStorage.Tests.ps1' -Data $data
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'None'
if ('$JUnitPath') {
    `$config.TestResult.Enabled = `$true
    `$config.TestResult.OutputFormat = 'JUnitXml'
    `$config.TestResult.OutputPath = '$JUnitPath'
}
`$r = Invoke-Pester -Configuration `$config
"`$(`$r.PassedCount) `$(`$r.FailedCount) `$(`$r.SkippedCount)"
"@
            $out = Invoke-FreshPwsh -NoProfile -NonInteractive -Command $script 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
            $passed, $failed, $skipped = ($out | Select-Object -Last 1) -split ' '
            [pscustomobject]@{ Passed = [int]$passed; Failed = [int]$failed; Skipped = [int]$skipped }
        }
        # JUnit XML as CI systems read it: valid against the JUnit 4 schema Pester ships, one testcase per It.
        function script:Read-JUnit([string] $Path) {
            $settings = [System.Xml.XmlReaderSettings]::new()
            $settings.ValidationType = 'Schema'
            $null = $settings.Schemas.Add($null, (Join-Path (Split-Path $PesterPath) 'schemas/JUnit4/junit_schema_4.xsd'))
            $reader = [System.Xml.XmlReader]::Create($Path, $settings)
            try { $xml = [xml]::new(); $xml.Load($reader) } finally { $reader.Dispose() }
            return $xml
        }
    }

    It 'passes every check on a migrated private deployment, and writes JUnit XML for CI' {
        $d = New-Deployment
        $null = Invoke-Cutover $d
        $junit = Join-Path $d.Dir 'media-storage.junit.xml'
        $r = Invoke-UserPester $d -JUnitPath $junit
        $r.Failed | Should -Be 0
        $r.Skipped | Should -Be 0
        $r.Passed | Should -Be 5
        $xml = Read-JUnit $junit
        $xml.testsuites.tests | Should -Be 5
        $xml.testsuites.failures | Should -Be 0
        @($xml.SelectNodes('//testcase')).Count | Should -Be 5
        @($xml.SelectNodes('//testcase').name) | Should -Contain "Media storage s3://$($d.Bucket)/media/ (Private).every file the database points at resolves"
    }

    It 'fails when the media of a Private deployment are made public' {
        $d = New-Deployment
        $null = Invoke-Cutover $d
        $policy = @{ Version = '2012-10-17'; Statement = @(@{ Effect = 'Allow'; Principal = '*'; Action = 's3:GetObject'; Resource = "arn:aws:s3:::$($d.Bucket)/media/*" }) } | ConvertTo-Json -Depth 5 -Compress
        Invoke-AwsCli -Endpoint $Endpoint s3api delete-public-access-block --bucket $d.Bucket | Out-Null
        Invoke-AwsCli -Endpoint $Endpoint s3api put-bucket-policy --bucket $d.Bucket --policy $policy | Out-Null
        $junit = Join-Path $d.Dir 'media-storage.junit.xml'
        $r = Invoke-UserPester $d -JUnitPath $junit
        $r.Failed | Should -BeGreaterOrEqual 2 -Because 'the bucket check and the smoke test''s UnsignedUrl both catch it'
        $xml = Read-JUnit $junit
        [int]$xml.testsuites.failures | Should -Be $r.Failed
        ($xml.SelectNodes('//testcase/failure').message -join ' ') | Should -Match 'UnsignedUrl'
    }
}

Describe 'README commands run as shown (a fresh, non-interactive pwsh)' {
    BeforeAll {
        # Runs one example in a child pwsh as a runbook or CI job would: -NonInteractive, output redirected.
        function script:Invoke-Example([string] $Command) {
            $text = Invoke-FreshPwsh -NoProfile -NonInteractive -Command "`$ErrorActionPreference = 'Stop'; $Command" 2>&1 | Out-String
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = $text }
        }
    }

    It 'Cutover.ps1 without -SkipFinalPassPause does not wait for Enter, and its rollback hint names the -StateFile' {
        $d = New-Deployment
        $run = Invoke-Example "& '$Examples/Cutover.ps1' -Path '$($d.Root)' -BucketName '$($d.Bucket)' -EndpointUrl '$Endpoint' -NamesCsv '$($d.Csv)' -StateFile '$($d.State)' -ModulePath '$Module'"
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -Match 'Completed'
        $run.Text | Should -Match ([regex]::Escape("./Rollback.ps1 -StateFile '$($d.State)'"))
        Test-Path $d.State | Should -BeTrue
    }

    It 'Rollback.ps1 prints its SyncResult once' {
        $d = New-Deployment
        $null = Invoke-Cutover $d
        $run = Invoke-Example "& '$Examples/Rollback.ps1' -StateFile '$($d.State)' -ModulePath '$Module'"
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $plain = $run.Text -replace "\x1b\[[0-9;]*m", ''
        ([regex]::Matches($plain, '(?m)^Direction\b')).Count | Should -Be 1 -Because $plain
    }
}
