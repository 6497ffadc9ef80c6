#requires -Modules Pester
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    Set-TestAwsEnvironment -Endpoint $Moto.Endpoint
    $script:E = $Moto.Endpoint

    $script:Nfd = 'cafe' + [char]0x0301 + '.txt'
    $script:Files = @{
        'a b/c+d%e#f.txt'                 = 'spaces plus percent hash'
        "q'uo`"te.jpg"                    = 'quotes'
        '日本/写真.webp'                  = 'webp'
        'Ελληνικά/файл.avif'              = 'avif'
        $Nfd                              = 'nfd'
        'empty.bin'                       = [byte[]]@()
        'a-b'                             = 'dash'
        'a/b'                             = 'slash'
        'deep/1/2/3/4/5/6/7/8/9/10/x.svg' = '<svg/>'
        'fonts/f.woff2'                   = 'woff2'
        'js/app.js'                       = 'js'
        'logs/app.log.gz'                 = 'gz'
    }
    function script:New-Bucket {
        $name = New-TestBucketName -Stem 'sync'
        Invoke-AwsCli -Endpoint $E s3api create-bucket --bucket $name | Out-Null
        $name
    }
    function script:Get-Keys([string] $Bucket) {
        $list = Invoke-AwsCli -Endpoint $E s3api list-objects-v2 --bucket $Bucket
        if ($list -is [string] -or -not $list.Contents) { return @() }
        @($list.Contents.Key)
    }
    function script:Get-Uploads([string] $Bucket) {
        $list = Invoke-AwsCli -Endpoint $E s3api list-multipart-uploads --bucket $Bucket
        if ($list -is [string] -or -not $list.PSObject.Properties['Uploads']) { return @() }
        @($list.Uploads)
    }
    # The UTF-8 binary order S3 lists in.
    function script:Sort-Utf8([string[]] $Keys) {
        $Keys | Sort-Object { [BitConverter]::ToString([Text.Encoding]::UTF8.GetBytes($_)) }
    }
}
AfterAll { if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer } }

Describe 'Sync-MediaToS3' {
    BeforeAll {
        $script:Root = New-TestMediaTree -Files $Files
        $script:Bucket = New-Bucket
    }

    It 'says a file given as -Path is a file, not a folder (PathNotFolder), and uploads nothing' {
        $err = $null
        try { $null = Sync-MediaToS3 -Path (Join-Path $Root 'a-b') -BucketName $Bucket -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'MediaOps.PathNotFolder,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$err" | Should -Match "is a file, not a folder"
        "$err" | Should -Match ([regex]::Escape("'$Root'"))
        Get-Keys $Bucket | Should -BeNullOrEmpty
    }

    It '-WhatIf writes nothing and returns the plan' {
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket -WhatIf
        $r | Should -BeOfType ([MediaOps.SyncResult])
        $r.WhatIf | Should -BeTrue
        $r.Planned | Should -Be $Files.Count
        $r.Transferred | Should -Be 0
        Get-Keys $Bucket | Should -BeNullOrEmpty
        Get-Uploads $Bucket | Should -BeNullOrEmpty
    }

    It 'uploads every awkward name under its raw key (checked with the aws CLI), items first then one result' {
        $out = Sync-MediaToS3 -Path $Root -BucketName $Bucket -PassThru
        $items = $out | Select-Object -SkipLast 1
        $out[-1] | Should -BeOfType ([MediaOps.SyncResult])
        $items | ForEach-Object { $_ | Should -BeOfType ([MediaOps.SyncItem]) }
        $out[-1].Transferred | Should -Be $Files.Count
        $out[-1].Failed | Should -Be 0
        $expected = Sort-Utf8 ($Files.Keys | ForEach-Object { "media/$_" })
        Get-Keys $Bucket | Should -Be $expected
        @($items.Key) | Should -Be $expected
    }

    It 'sets Content-Type and Content-Encoding exactly as Python mimetypes does' {
        $names = 'fonts/f.woff2', 'js/app.js', '日本/写真.webp', 'Ελληνικά/файл.avif', 'deep/1/2/3/4/5/6/7/8/9/10/x.svg', 'logs/app.log.gz'
        $python = $names | ConvertTo-Json | & /usr/bin/python3 -c 'import json,sys,mimetypes; print(json.dumps([list(mimetypes.guess_type(n)) for n in json.load(sys.stdin)]))' | ConvertFrom-Json
        for ($i = 0; $i -lt $names.Count; $i++) {
            $head = Invoke-AwsCli -Endpoint $E s3api head-object --bucket $Bucket --key "media/$($names[$i])"
            $expectedType = if ($python[$i][0]) { $python[$i][0] } else { 'application/octet-stream' }
            $head.ContentType | Should -BeExactly $expectedType -Because $names[$i]
            $encoding = if ($head.PSObject.Properties['ContentEncoding']) { $head.ContentEncoding } else { $null }
            $encoding | Should -Be $python[$i][1] -Because $names[$i]
        }
    }

    It 'a no-op resync uploads nothing' {
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket
        $r.Transferred | Should -Be 0
        $r.Skipped | Should -Be $Files.Count
    }

    It 'uploads changed files and only them' {
        Set-Content -LiteralPath (Join-Path $Root 'a/b') -Value 'slash, now longer' -NoNewline
        $out = Sync-MediaToS3 -Path $Root -BucketName $Bucket -PassThru
        @($out | Where-Object { $_ -is [MediaOps.SyncItem] }).Key | Should -Be @('media/a/b')
        $tmp = New-TemporaryFile
        Invoke-AwsCli -Endpoint $E s3api get-object --bucket $Bucket --key 'media/a/b' $tmp.FullName | Out-Null
        Get-Content -LiteralPath $tmp.FullName -Raw | Should -BeExactly 'slash, now longer'
        Remove-Item $tmp
    }

    It 'Compare-MediaStore reports differences and -IncludeEqual everything' {
        Compare-MediaStore -Path $Root -BucketName $Bucket | Should -BeNullOrEmpty
        $all = Compare-MediaStore -Path $Root -BucketName $Bucket -IncludeEqual
        $all.Count | Should -Be $Files.Count
        $all | ForEach-Object { $_ | Should -BeOfType ([MediaOps.MediaDifference]); $_.State | Should -Be 'Same' }
        Set-Content -LiteralPath (Join-Path $Root 'new file.txt') -Value 'new'
        $d = Compare-MediaStore -Path $Root -BucketName $Bucket
        $d.State | Should -Be 'OnlyLocal'
        $d.Key | Should -BeExactly 'media/new file.txt'
        Remove-Item -LiteralPath (Join-Path $Root 'new file.txt')
    }

    It '-Delete refuses above -MaxDelete, then deletes only inside the prefix' {
        Invoke-AwsCli -Endpoint $E s3api put-object --bucket $Bucket --key 'mediaother/keep.txt' | Out-Null
        Remove-Item -LiteralPath (Join-Path $Root 'a-b'), (Join-Path $Root 'empty.bin')
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket -Delete -MaxDelete 1 -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err.FullyQualifiedErrorId | Should -BeLike 'MediaOps.MaxDeleteExceeded*'
        $r.Deleted | Should -Be 0
        Get-Keys $Bucket | Should -Contain 'media/a-b'

        $plan = Sync-MediaToS3 -Path $Root -BucketName $Bucket -Delete -WhatIf -PassThru
        @($plan | Where-Object { $_ -is [MediaOps.SyncItem] -and $_.Action -eq 'Delete' }).Key | Should -Be @('media/a-b', 'media/empty.bin')
        Get-Keys $Bucket | Should -Contain 'media/a-b'

        # No -Force in a non-interactive host: the delete batch cannot be confirmed, so nothing goes.
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket -Delete -ErrorVariable err -ErrorAction SilentlyContinue
        $err.FullyQualifiedErrorId | Should -BeLike 'MediaOps.DeleteNotConfirmed*'
        $r.Deleted | Should -Be 0
        Get-Keys $Bucket | Should -Contain 'media/a-b'

        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket -Delete -Force
        $r.Deleted | Should -Be 2
        $keys = Get-Keys $Bucket
        $keys | Should -Not -Contain 'media/a-b'
        $keys | Should -Contain 'mediaother/keep.txt'
    }

    It '-Exclude leaves matching files alone on both sides' {
        Set-Content -LiteralPath (Join-Path $Root 'skip.tmp') -Value 'tmp'
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket -Exclude '*.tmp' -Delete -Force
        $r.Transferred | Should -Be 0
        Get-Keys $Bucket | Should -Not -Contain 'media/skip.tmp'
    }

    It 'a missing bucket is one terminating error' {
        { Sync-MediaToS3 -Path $Root -BucketName 'no-such-bucket-mediaops' -ErrorAction Stop } | Should -Throw -ErrorId 'MediaOps.BucketNotFound*'
    }
}

Describe 'Sync-MediaFromS3' {
    BeforeAll {
        $script:Source = New-TestMediaTree -Files $Files
        $script:Bucket2 = New-Bucket
        Sync-MediaToS3 -Path $Source -BucketName $Bucket2 | Out-Null
    }

    It 'restores into an empty folder byte for byte, -WhatIf first writing nothing' {
        $dest = Join-Path ([IO.Path]::GetTempPath()) ('restore-' + [guid]::NewGuid())
        $plan = Sync-MediaFromS3 -Path $dest -Force -BucketName $Bucket2 -WhatIf
        $plan.WhatIf | Should -BeTrue
        $plan.Planned | Should -Be $Files.Count
        Test-Path $dest | Should -BeFalse

        $r = Sync-MediaFromS3 -Path $dest -Force -BucketName $Bucket2
        $r.Transferred | Should -Be $Files.Count
        foreach ($rel in $Files.Keys) {
            (Get-FileHash -LiteralPath (Join-Path $dest $rel)).Hash | Should -Be (Get-FileHash -LiteralPath (Join-Path $Source $rel)).Hash
        }
        (Sync-MediaFromS3 -Path $dest -BucketName $Bucket2).Transferred | Should -Be 0
        Get-ChildItem $dest -Recurse -Force -Filter '.mediaops-*' | Should -BeNullOrEmpty
    }

    It 'refuses a folder that does not exist unless -Force, and a file as -Path, creating nothing' {
        $missing = Join-Path ([IO.Path]::GetTempPath()) ('mistyped-' + [guid]::NewGuid())
        foreach ($whatIf in $false, $true) {
            $err = $null
            try { $null = Sync-MediaFromS3 -Path $missing -BucketName $Bucket2 -WhatIf:$whatIf -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'MediaOps.PathNotFound,*'
            "$err" | Should -Match 'does not exist, so nothing was restored'
            "$err" | Should -Match '-Force'
            Test-Path $missing | Should -BeFalse
        }
        $file = Join-Path $Source 'a-b'
        $err = $null
        try { $null = Sync-MediaFromS3 -Path $file -Force -BucketName $Bucket2 -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'MediaOps.PathNotFolder,*'
        "$err" | Should -Match 'is a file, not a folder'
        Get-Content -LiteralPath $file -Raw | Should -Be 'dash'
    }

    It 'refuses hostile keys planted with the aws CLI, one SecurityError each, nothing outside' {
        $b = New-Bucket
        $hostile = 'media/../outside.txt', 'media//tmp/mediaops-abs.txt', 'media/x\..\..\y.txt', 'media/C:/win.txt'
        foreach ($k in $hostile + 'media/fine.txt' + 'media/dir/') { Invoke-AwsCli -Endpoint $E s3api put-object --bucket $b --key $k | Out-Null }
        $planted = Get-Keys $b
        foreach ($k in $hostile) { $planted | Should -Contain $k }
        $outer = Join-Path ([IO.Path]::GetTempPath()) ('outer-' + [guid]::NewGuid())
        $dest = Join-Path $outer 'restore'
        $r = Sync-MediaFromS3 -Path $dest -Force -BucketName $b -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be $hostile.Count
        $errs | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -BeLike 'MediaOps.UnsafeKey*'
            $_.CategoryInfo.Category | Should -Be 'SecurityError'
        }
        $r.Failed | Should -Be $hostile.Count
        $r.Transferred | Should -Be 1
        @(Get-ChildItem $outer -Recurse -File | ForEach-Object { $_.FullName.Substring($outer.Length + 1) }) | Should -Be @('restore/fine.txt')
        Test-Path '/tmp/mediaops-abs.txt' | Should -BeFalse
    }

    It '-Since restores only what changed after the cutover' {
        # The cutover is the server's next second after every earlier write: no sleep, no local clock.
        $before = Get-TestServerSecond $E $Bucket2
        Wait-TestServerSecondAfter $E $Bucket2 $before
        $cutover = $before.AddSeconds(1)
        Invoke-AwsCli -Endpoint $E s3api put-object --bucket $Bucket2 --key 'media/after.txt' | Out-Null
        $out = Sync-MediaFromS3 -Path $Source -BucketName $Bucket2 -Since $cutover -PassThru
        @($out | Where-Object { $_ -is [MediaOps.SyncItem] }).Key | Should -Be @('media/after.txt')
        Test-Path -LiteralPath (Join-Path $Source 'after.txt') | Should -BeTrue
    }
}

Describe 'Interop and interruption' {
    It 'a tree uploaded by aws s3 sync compares as equal and needs no re-upload' {
        $root = New-TestMediaTree -Files $Files
        $b = New-Bucket
        Invoke-AwsCli -Endpoint $E s3 sync $root "s3://$b/media/" | Out-Null
        Get-Keys $b | Should -Be (Sort-Utf8 ($Files.Keys | ForEach-Object { "media/$_" }))
        Compare-MediaStore -Path $root -BucketName $b | Should -BeNullOrEmpty
        Compare-MediaStore -Path $root -BucketName $b -Checksum | Should -BeNullOrEmpty
        (Sync-MediaToS3 -Path $root -BucketName $b).Transferred | Should -Be 0
    }

    It 'a killed sync leaves no multipart upload after the rerun, which completes' {
        $root = New-TestMediaTree -Files @{ 'video/big.mp4' = [byte[]]::new(1) }
        $big = Join-Path $root 'video/big.mp4'
        $fs = [IO.File]::OpenWrite($big); $fs.SetLength(400MB); $fs.Close()
        $b = New-Bucket
        $script = "Import-Module '$env:MEDIAOPS_MODULE_PATH'; Sync-MediaToS3 -Path '$root' -BucketName '$b' -Concurrency 2"
        $proc = Start-FreshPwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', $script
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Get-Uploads $b) -and [DateTime]::UtcNow -lt $deadline -and -not $proc.HasExited) { Start-Sleep -Milliseconds 200 }
            $proc.HasExited | Should -BeFalse -Because 'the kill must land mid-multipart'
            @(Get-Uploads $b).Count | Should -Be 1
        } finally {
            if (-not $proc.HasExited) { $proc.Kill($true) }
            $proc.WaitForExit(10000) | Out-Null
        }
        $r = Sync-MediaToS3 -Path $root -BucketName $b
        $r.Transferred | Should -Be 1
        Get-Uploads $b | Should -BeNullOrEmpty
        (Invoke-AwsCli -Endpoint $E s3api head-object --bucket $b --key 'media/video/big.mp4').ContentLength | Should -Be 400MB
        Get-ChildItem $root -Recurse -Force -Filter '.mediaops-*' | Should -BeNullOrEmpty
        Remove-Item $root -Recurse -Force
    }
}

Describe 'SyncItem.Reason: why each file moved, and what was skipped on purpose' {
    BeforeAll {
        $script:RRoot = New-TestMediaTree -Files @{ 'same.txt' = 'same'; 'grown.txt' = 'grown'; 'touched.txt' = 'touch'; 'rewritten.txt' = 'old!'; 'cache/x.tmp' = 'tmp' }
        $script:RBucket = New-Bucket
        $script:Old = [datetime]::UtcNow.AddDays(-2)
        foreach ($f in Get-ChildItem $RRoot -Recurse -File) { $f.LastWriteTimeUtc = $Old }
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $RRoot 'linked') -Target ([IO.Path]::GetTempPath())
        function script:Reasons($items) { $h = @{}; foreach ($i in $items | Where-Object { $_ -is [MediaOps.SyncItem] }) { $h[$i.RelativePath] = "$($i.Action) $($i.Reason)" }; $h }
    }

    It 'uploads: new, size differs, newer, content differs; symlinks and excluded files are Skip rows' {
        $first = Reasons (Sync-MediaToS3 -Path $RRoot -BucketName $RBucket -Exclude '*.tmp' -PassThru -WarningAction SilentlyContinue)
        $first['same.txt'] | Should -Be 'Upload new'
        $first['cache/x.tmp'] | Should -Be 'Skip excluded by -Exclude'
        $first['linked'] | Should -Match '^Skip symbolic link to .*not followed'

        Set-Content -LiteralPath (Join-Path $RRoot 'grown.txt') -Value 'grown bigger' -NoNewline
        (Get-Item (Join-Path $RRoot 'grown.txt')).LastWriteTimeUtc = $Old
        (Get-Item (Join-Path $RRoot 'touched.txt')).LastWriteTimeUtc = [datetime]::UtcNow.AddDays(1)
        Set-Content -LiteralPath (Join-Path $RRoot 'rewritten.txt') -Value 'new!' -NoNewline
        (Get-Item (Join-Path $RRoot 'rewritten.txt')).LastWriteTimeUtc = $Old
        $plan = Reasons (Sync-MediaToS3 -Path $RRoot -BucketName $RBucket -Exclude '*.tmp' -Checksum -PassThru -WhatIf -WarningAction SilentlyContinue)
        $plan['grown.txt'] | Should -Be 'Upload size differs (local 12, remote 5)'
        $plan['rewritten.txt'] | Should -Match '^Upload content differs \(MD5'
        $plan.ContainsKey('same.txt') | Should -BeFalse -Because 'an unchanged file is counted, not output'
        $quick = Reasons (Sync-MediaToS3 -Path $RRoot -BucketName $RBucket -Exclude '*.tmp' -PassThru -WarningAction SilentlyContinue)
        $quick['touched.txt'] | Should -Be 'Upload local file is newer than the object'
        $quick['grown.txt'] | Should -Be 'Upload size differs (local 12, remote 5)'
        $quick.ContainsKey('rewritten.txt') | Should -BeFalse -Because 'same size and older: only -Checksum sees it'
    }

    It 'downloads: missing locally, size differs; excluded objects are Skip rows' {
        $back = New-TestMediaTree -Files @{ 'grown.txt' = 'g' }
        (Get-Item (Join-Path $back 'grown.txt')).LastWriteTimeUtc = $Old
        $items = Sync-MediaFromS3 -Path $back -BucketName $RBucket -Exclude 'touched.txt' -PassThru
        $r = Reasons $items
        $r['same.txt'] | Should -Be 'Download missing locally'
        $r['grown.txt'] | Should -Be 'Download size differs (local 1, remote 12)'
        $r['touched.txt'] | Should -Be 'Skip excluded by -Exclude'
        Test-Path -LiteralPath (Join-Path $back 'touched.txt') | Should -BeFalse
        ($items | Where-Object { $_ -is [MediaOps.SyncResult] }).Skipped | Should -Be 1
        Remove-Item $back -Recurse -Force
    }
}

Describe 'Sync-MediaToS3 -Delete at a console prompt (a scripted host answers)' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'ScriptedHost.psm1') -Force
        # Two of five gone: under the mass-delete guard's half.
        $script:DRoot = New-TestMediaTree -Files @{ 'keep.txt' = 'k'; 'keep2.txt' = 'k'; 'keep3.txt' = 'k'; 'gone1.txt' = '1'; 'gone2.txt' = '2' }
        $script:DBucket = New-Bucket
        $null = Sync-MediaToS3 -Path $DRoot -BucketName $DBucket
        Remove-Item -LiteralPath (Join-Path $DRoot 'gone1.txt'), (Join-Path $DRoot 'gone2.txt')
        $script:DeleteRun = { param($p, $b) Sync-MediaToS3 -Path $p -BucketName $b -Delete }
    }

    It 'asks once with No as the default: Enter deletes nothing and says it was declined, in a warning and in the result' {
        $run = Invoke-WithScriptedHost -Answers -1 -Script $DeleteRun -Arguments @{ p = $DRoot; b = $DBucket }
        $run.Errors | Should -BeNullOrEmpty
        $run.Prompts.Count | Should -Be 1
        $run.Prompts[0].Choices | Should -Be @('&Yes', '&No')
        $run.Prompts[0].DefaultChoice | Should -Be 1 -Because 'Enter at a High-impact question must not delete'
        $run.Prompts[0].Message | Should -Match '^Delete 2 object\(s\)'
        ($run.Warnings -join "`n") | Should -Match 'declined at the confirmation, so nothing was deleted'
        $r = $run.Output | Where-Object { $_ -is [MediaOps.SyncResult] }
        $r.Deleted | Should -Be 0
        $r.NotConfirmed | Should -Be 2
        Get-Keys $DBucket | Should -Contain 'media/gone1.txt'
    }

    It 'deletes when answered Yes, and -Force asks nothing' {
        $run = Invoke-WithScriptedHost -Answers 0 -Script $DeleteRun -Arguments @{ p = $DRoot; b = $DBucket }
        $run.Prompts.Count | Should -Be 1
        ($run.Output | Where-Object { $_ -is [MediaOps.SyncResult] }).Deleted | Should -Be 2
        Get-Keys $DBucket | Should -Not -Contain 'media/gone1.txt'
        Remove-Item -LiteralPath (Join-Path $DRoot 'keep.txt')
        $forced = Invoke-WithScriptedHost -Script { param($p, $b) Sync-MediaToS3 -Path $p -BucketName $b -Delete -Force -AllowMassDelete } -Arguments @{ p = $DRoot; b = $DBucket }
        $forced.Prompts | Should -BeNullOrEmpty
        ($forced.Output | Where-Object { $_ -is [MediaOps.SyncResult] }).Deleted | Should -Be 1
    }
}
