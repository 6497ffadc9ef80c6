#requires -Modules Pester
# Issue 17, first half: -Delete never removes what still exists locally (symlinked or unreadable
# subtrees, a listing that breaks S3's promises, an empty folder or a root prefix), restores miss
# nothing and overwrite nothing, and MediaOps' own temp files and spools never touch the user's.
# Every verdict is read straight from moto with the aws CLI; broken listings come from
# tests/tools/fault_proxy.py ("listing:<how>" rules).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'FaultProxy.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    Set-TestAwsEnvironment
    $script:E = $Moto.Endpoint
    $script:Proxy = Start-FaultProxy -Upstream $E
    $script:Roots = [System.Collections.Generic.List[string]]::new()
    $script:Direct = @{ Prefix = 'media'; EndpointUrl = $E; Region = 'us-east-1' }
    $script:ViaProxy = @{ Prefix = 'media'; EndpointUrl = $Proxy.Endpoint; Region = 'us-east-1' }

    function script:New-HardBucket {
        $name = New-TestBucketName 'hard'
        $null = Invoke-AwsCli $E s3api create-bucket --bucket $name
        return $name
    }
    function script:New-Tree([hashtable] $Files) {
        $root = New-TestMediaTree -Files $Files
        $Roots.Add($root)
        return $root
    }
    function script:New-TempDir {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('hard-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $dir
        $Roots.Add($dir)
        return $dir
    }
    function script:Get-Keys([string] $Bucket) {
        $list = Invoke-AwsCli $E s3api list-objects-v2 --bucket $Bucket
        if ($list -is [string] -or -not $list.Contents) { return @() }
        @($list.Contents.Key | Sort-Object)
    }
    function script:Get-DeleteRequests {
        $ops = (Get-FaultProxyStats $Proxy).operations
        return [int]$ops.DeleteObjects + [int]$ops.DeleteObject
    }
}

AfterAll {
    $script:Proxy | Stop-FaultProxy
    foreach ($r in $script:Roots) { Remove-Item $r -Recurse -Force -ErrorAction SilentlyContinue }
    if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer }
}

Describe 'Sync-MediaToS3 -Delete leaves subtrees the walk did not enter alone' {
    BeforeEach {
        # MEDIA_ROOT with uploads/ on another volume: media/uploads -> /vol/uploads, the common layout.
        $script:Bucket = New-HardBucket
        $script:Root = New-Tree @{ 'keep1.txt' = 'k1'; 'keep2.txt' = 'k2'; 'keep3.txt' = 'k3'; 'gone.txt' = 'g'; 'uploads/p1.jpg' = 'p1'; 'uploads/2024/p2.jpg' = 'p2' }
        $seed = Sync-MediaToS3 -Path $Root -BucketName $Bucket @Direct
        $seed.Transferred | Should -Be 6
        $script:Volume = New-TempDir
        Move-Item (Join-Path $Root 'uploads') (Join-Path $Volume 'uploads')
        Remove-Item (Join-Path $Root 'gone.txt')
    }

    It 'a symlinked folder: its objects stay, the link is reported, the real delete still happens' {
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $Root 'uploads') -Target (Join-Path $Volume 'uploads')
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket @Direct -Delete -Force -WarningVariable warn -WarningAction SilentlyContinue
        $r.Deleted | Should -Be 1
        $r.Failed | Should -Be 0
        Get-Keys $Bucket | Should -Be @('media/keep1.txt', 'media/keep2.txt', 'media/keep3.txt', 'media/uploads/2024/p2.jpg', 'media/uploads/p1.jpg')
        ($warn -join "`n") | Should -Match "Skipped 'uploads': it is a symbolic link to a folder"
        ($warn -join "`n") | Should -Match 'media/uploads/'
    }

    It 'a dangling link (the volume is not mounted): nothing under it is deleted' {
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $Root 'uploads') -Target (Join-Path $Volume 'not-mounted')
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket @Direct -Delete -Force -WarningVariable warn -WarningAction SilentlyContinue
        $r.Deleted | Should -Be 1
        Get-Keys $Bucket | Should -Contain 'media/uploads/p1.jpg'
        Get-Keys $Bucket | Should -Contain 'media/uploads/2024/p2.jpg'
        ($warn -join "`n") | Should -Match 'target is missing'
    }

    It 'an excluded symlink still shields the objects under it' {
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $Root 'uploads') -Target (Join-Path $Volume 'uploads')
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket @Direct -Delete -Force -Exclude 'uploads' -WarningAction SilentlyContinue
        $r.Deleted | Should -Be 1
        Get-Keys $Bucket | Should -Contain 'media/uploads/p1.jpg'
    }

    It 'a nested symlinked folder and a sibling that sorts between the link and its objects' {
        # "uploads" < "uploads-x" < "uploads/…" in key order: the shield must outlive the entries between.
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $Root 'uploads') -Target (Join-Path $Volume 'uploads')
        Set-Content -LiteralPath (Join-Path $Root 'uploads-x') -Value 'x'
        Set-Content -LiteralPath (Join-Path $Root 'uploads.txt') -Value 'x'
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket @Direct -Delete -Force -WarningAction SilentlyContinue
        $r.Deleted | Should -Be 1
        $r.Transferred | Should -Be 2
        Get-Keys $Bucket | Should -Contain 'media/uploads/2024/p2.jpg'
    }

    It 'Compare-MediaStore says why the objects under a link have no local file' {
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $Root 'uploads') -Target (Join-Path $Volume 'uploads')
        $d = Compare-MediaStore -Path $Root -BucketName $Bucket @Direct | Where-Object Key -like 'media/uploads/*'
        @($d).Count | Should -Be 2
        $d | ForEach-Object { $_.Reason | Should -Match "under 'uploads', which was not walked \(a symbolic link\)" }
    }
}

Describe 'Sync-MediaToS3 -Delete refuses a mass delete unless -AllowMassDelete' {
    BeforeEach {
        $script:Bucket = New-HardBucket
        $script:Root = New-Tree @{ 'a.txt' = 'a'; 'b.txt' = 'b'; 'c.txt' = 'c'; 'd.txt' = 'd' }
        $null = Sync-MediaToS3 -Path $Root -BucketName $Bucket @Direct
        Reset-FaultProxy $Proxy
    }

    It 'an empty source folder deletes nothing, with a MediaOps.MassDeleteRefused error' {
        $empty = New-TempDir
        $r = Sync-MediaToS3 -Path $empty -BucketName $Bucket @ViaProxy -Delete -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $r.Deleted | Should -Be 0
        $err.FullyQualifiedErrorId | Should -BeLike 'MediaOps.MassDeleteRefused*'
        "$($err[0])" | Should -Match 'every object under the prefix'
        "$($err[0])" | Should -Match '-AllowMassDelete'
        Get-DeleteRequests | Should -Be 0
        @(Get-Keys $Bucket).Count | Should -Be 4

        $plan = Sync-MediaToS3 -Path $empty -BucketName $Bucket @ViaProxy -Delete -WhatIf -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2.FullyQualifiedErrorId | Should -BeLike 'MediaOps.MassDeleteRefused*'

        $r = Sync-MediaToS3 -Path $empty -BucketName $Bucket @ViaProxy -Delete -Force -AllowMassDelete
        $r.Deleted | Should -Be 4
        Get-Keys $Bucket | Should -BeNullOrEmpty
    }

    It 'more than half of the prefix is refused; half is not' {
        Remove-Item (Join-Path $Root 'a.txt'), (Join-Path $Root 'b.txt'), (Join-Path $Root 'c.txt')
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket @ViaProxy -Delete -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err.FullyQualifiedErrorId | Should -BeLike 'MediaOps.MassDeleteRefused*'
        "$($err[0])" | Should -Match 'more than 50'
        $r.Deleted | Should -Be 0
        Get-DeleteRequests | Should -Be 0
        Set-Content -LiteralPath (Join-Path $Root 'c.txt') -Value 'c'
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket @ViaProxy -Delete -Force
        $r.Deleted | Should -Be 2
    }

    It "-Prefix '/' (the whole bucket) never deletes without -AllowMassDelete, even one object" {
        $null = Invoke-AwsCli $E s3api put-object --bucket $Bucket --key 'static/site.css'
        $null = Invoke-AwsCli $E s3api put-object --bucket $Bucket --key 'backups/db.dump'
        # The whole bucket mirrored locally except one file: one object to delete, still refused.
        $whole = New-Tree @{ 'media/a.txt' = 'a'; 'media/b.txt' = 'b'; 'media/c.txt' = 'c'; 'static/site.css' = ''; 'backups/db.dump' = '' }
        foreach ($prefix in '/', '') {
            $r = Sync-MediaToS3 -Path $whole -BucketName $Bucket -Prefix $prefix -EndpointUrl $Proxy.Endpoint -Region us-east-1 -Delete -Force -ErrorVariable err -ErrorAction SilentlyContinue
            $err.FullyQualifiedErrorId | Should -BeLike 'MediaOps.MassDeleteRefused*'
            "$($err[0])" | Should -Match 'whole bucket'
            $r.Deleted | Should -Be 0
        }
        Get-DeleteRequests | Should -Be 0
        Get-Keys $Bucket | Should -Contain 'media/d.txt'
        $r = Sync-MediaToS3 -Path $whole -BucketName $Bucket -Prefix '/' -EndpointUrl $Proxy.Endpoint -Region us-east-1 -Delete -Force -AllowMassDelete
        $r.Deleted | Should -Be 1
        Get-Keys $Bucket | Should -Be @('backups/db.dump', 'media/a.txt', 'media/b.txt', 'media/c.txt', 'static/site.css')
    }
}

Describe 'Sync-MediaToS3 -Delete validates the listing before a single delete' {
    BeforeAll {
        # 1,005 objects = two listing pages, so a break on page 2 comes after page 1 was merged.
        $files = @{}
        foreach ($i in 1..1003) { $files[('keep/{0:D4}.txt' -f $i)] = "$i" }
        $files['gone/1.txt'] = 'g1'
        $files['gone/2.txt'] = 'g2'
        $script:BigRoot = New-Tree $files
        $script:BigBucket = New-HardBucket
        $seed = Sync-MediaToS3 -Path $BigRoot -BucketName $BigBucket @Direct -Concurrency 32
        $seed.Transferred | Should -Be 1005
        Remove-Item (Join-Path $BigRoot 'gone') -Recurse
    }
    BeforeEach { Reset-FaultProxy $Proxy }

    It 'page <Page> rewritten "<How>": MediaOps.ListingInvalid, no delete request, every object still there' -ForEach @(
        @{ How = 'out_of_order'; Page = 1; Says = 'out of S3''s key order' }
        @{ How = 'out_of_order'; Page = 2; Says = 'out of S3''s key order' }
        @{ How = 'repeat'; Page = 1; Says = 'repeats the key' }
        @{ How = 'repeat'; Page = 2; Says = 'repeats the key' }
        @{ How = 'no_token'; Page = 1; Says = 'truncated but gives no continuation token' }
        @{ How = 'outside_prefix'; Page = 1; Says = 'not under the prefix' }
        @{ How = 'outside_prefix'; Page = 2; Says = 'not under the prefix' }
        @{ How = 'no_truncation_flag'; Page = 2; Says = 'not a ListObjectsV2 answer' }
        @{ How = 'not_xml'; Page = 1; Says = 'not a ListObjectsV2 answer' }
        @{ How = 'not_xml'; Page = 2; Says = 'not a ListObjectsV2 answer' }
        @{ How = 'cut'; Page = 2; Says = 'not a ListObjectsV2 answer' }
        @{ How = 'control_char'; Page = 1; Says = 'not a ListObjectsV2 answer' }
    ) {
        $match = if ($Page -eq 1) { '^(?!.*continuation-token)' } else { 'continuation-token' }
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'ListObjectsV2'; match = $match; nth = 1; action = "listing:$How" }) }
        $r = $null
        { $script:r = Sync-MediaToS3 -Path $BigRoot -BucketName $BigBucket @ViaProxy -Delete -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'MediaOps.ListingInvalid*' -ExpectedMessage "*$Says*Nothing was deleted*"
        $stats = Get-FaultProxyStats $Proxy
        $stats.injected | Should -Be 1 -Because 'the rewrite must really have happened'
        Get-DeleteRequests | Should -Be 0
        (Invoke-AwsCli $E s3 ls "s3://$BigBucket/media/" --recursive --summarize) | Should -Match 'Total Objects: 1005'
    }

    It 'the same listing, untouched, deletes exactly the two files that are gone' {
        $r = Sync-MediaToS3 -Path $BigRoot -BucketName $BigBucket @ViaProxy -Delete -Force
        $r.Deleted | Should -Be 2
        $r.Failed | Should -Be 0
        (Invoke-AwsCli $E s3 ls "s3://$BigBucket/media/" --recursive --summarize) | Should -Match 'Total Objects: 1003'
    }
}

Describe 'Sync-MediaFromS3 -Since compares at the server''s resolution' {
    It 'an object stamped in the same second as -Since is restored; one stamped a second earlier is not' {
        $bucket = New-HardBucket
        $body = Join-Path (New-TempDir) 'late.txt'
        Set-Content -LiteralPath $body -Value 'uploaded just after the cutover' -NoNewline
        $null = Invoke-AwsCli $E s3api put-object --bucket $bucket --key 'media/late.txt' --body $body
        # S3 keeps whole seconds: the upload happened somewhere in [stamp, stamp + 1 s), possibly after a cutover taken at stamp + 0.5 s.
        $stamp = [DateTimeOffset]::Parse((Invoke-AwsCli $E s3api head-object --bucket $bucket --key 'media/late.txt' --query LastModified --output text), [Globalization.CultureInfo]::InvariantCulture).UtcDateTime
        $stamp.Millisecond | Should -Be 0
        $dest = New-TempDir
        $r = Sync-MediaFromS3 -Path $dest -BucketName $bucket @Direct -Since $stamp.AddMilliseconds(500)
        $r.Transferred | Should -Be 1
        Get-Content -LiteralPath (Join-Path $dest 'late.txt') -Raw | Should -Be 'uploaded just after the cutover'
        $later = New-TempDir
        $r = Sync-MediaFromS3 -Path $later -BucketName $bucket @Direct -Since $stamp.AddSeconds(1)
        $r.Transferred | Should -Be 0
        Join-Path $later 'late.txt' | Should -Not -Exist
    }
}

Describe 'Temp files: a restore removes only its own and those of runs that are gone' {
    It 'a user file named .mediaops-*.tmp is uploaded, restored, and never removed; a running restore''s temp file is left alone, a killed one''s removed' {
        $bucket = New-HardBucket
        $root = New-Tree @{ '.mediaops-notes.tmp' = 'mine'; 'sub/.mediaops-backup.tmp' = 'mine too'; 'photo.jpg' = 'p' }
        $r = Sync-MediaToS3 -Path $root -BucketName $bucket @Direct
        $r.Transferred | Should -Be 3
        Get-Keys $bucket | Should -Be @('media/.mediaops-notes.tmp', 'media/photo.jpg', 'media/sub/.mediaops-backup.tmp')

        # The restore target holds a user file named like ours and another restore's partial download.
        $dest = New-TempDir
        $null = New-Item -ItemType Directory (Join-Path $dest 'sub')
        # A temp file names its creator (process id and start second): this pwsh stands for a restore still running,
        # a process that has exited for one that was killed.
        $started = [Math]::Floor([Diagnostics.Process]::GetCurrentProcess().StartTime.ToUniversalTime().Ticks / 1e7)
        $foreign = ".mediaops-$PID-$started-" + [guid]::NewGuid().ToString('N') + '.tmp'
        Set-Content -LiteralPath (Join-Path $dest "sub/$foreign") -Value 'another run is writing this'
        $dead = Start-Process /bin/true -PassThru; $dead.WaitForExit()
        $killed = ".mediaops-$($dead.Id)-$started-" + [guid]::NewGuid().ToString('N') + '.tmp'
        Set-Content -LiteralPath (Join-Path $dest "sub/$killed") -Value 'a killed run left this'
        Set-Content -LiteralPath (Join-Path $dest 'sub/.mediaops-diary.tmp') -Value 'a user file'
        $r = Sync-MediaFromS3 -Path $dest -BucketName $bucket @Direct -WarningVariable warn -WarningAction SilentlyContinue
        $r.Transferred | Should -Be 3
        $r.Failed | Should -Be 0
        Get-Content -LiteralPath (Join-Path $dest "sub/$foreign") -Raw | Should -Match 'another run'
        Join-Path $dest "sub/$killed" | Should -Not -Exist -Because 'the temp file of a run that is gone is removed'
        Get-Content -LiteralPath (Join-Path $dest 'sub/.mediaops-diary.tmp') -Raw | Should -Match 'a user file'
        Get-Content -LiteralPath (Join-Path $dest '.mediaops-notes.tmp') -Raw | Should -Be 'mine'
        ($warn -join "`n") | Should -Match ([regex]::Escape($foreign))

        # The partial download is never uploaded; the user's look-alike is.
        $r = Sync-MediaToS3 -Path $dest -BucketName $bucket @Direct -WarningVariable warn -WarningAction SilentlyContinue
        $r.Transferred | Should -Be 1
        Get-Keys $bucket | Should -Contain 'media/sub/.mediaops-diary.tmp'
        Get-Keys $bucket | Should -Not -Contain "media/sub/$foreign"
        ($warn -join "`n") | Should -Match 'not uploaded'
    }
}

Describe 'Keys with control characters list like any other (encoding-type=url)' {
    It 'uploads, lists as a no-op, restores and deletes keys with U+0001, TAB, DEL, + and %' {
        $names = @("ctl$([char]1)a.txt", "tab$([char]9)here.txt", "del$([char]0x7f).txt", 'plus+and space%41.txt', 'pct%2Fslash.txt', 'new')
        $files = @{}; foreach ($n in $names) { $files[$n] = "body of $n" }
        $root = New-Tree $files
        $bucket = New-HardBucket
        $r = Sync-MediaToS3 -Path $root -BucketName $bucket @Direct
        $r.Transferred | Should -Be 6
        $listed = (Invoke-AwsCli $E s3api list-objects-v2 --bucket $bucket --encoding-type url).Contents.Key | ForEach-Object { [Uri]::UnescapeDataString($_.Replace('+', ' ')) }
        # Compared as printable text: a failure message with a raw U+0001 would break Pester's XML report.
        $show = { param($k) [regex]::Replace($k, '[\x00-\x1f\x7f]', { param($m) '<U+{0:X4}>' -f [int][char]$m.Value }) }
        @($listed | ForEach-Object { & $show $_ } | Sort-Object) | Should -Be @($names | ForEach-Object { & $show "media/$_" } | Sort-Object)

        $again = Sync-MediaToS3 -Path $root -BucketName $bucket @Direct
        $again.Transferred | Should -Be 0
        $again.Skipped | Should -Be 6
        $diff = Compare-MediaStore -Path $root -BucketName $bucket @Direct
        $diff | Should -BeNullOrEmpty

        Remove-Item -LiteralPath (Join-Path $root "ctl$([char]1)a.txt")
        $r = Sync-MediaToS3 -Path $root -BucketName $bucket @Direct -Delete -Force
        $r.Deleted | Should -Be 1
        $r.Failed | Should -Be 0
        @((Invoke-AwsCli $E s3api list-objects-v2 --bucket $bucket --encoding-type url).Contents).Count | Should -Be 5
    }
}

Describe 'Local names that are not UTF-8' {
    BeforeAll {
        $script:BadRoot = New-Tree @{ 'good.txt' = 'g' }
        # Latin-1 "café" and a folder "Fotos-\xe9t\xe9" holding a file: bytes .NET cannot decode.
        & python3 -c "import os,sys; r=os.fsencode(sys.argv[1]); open(os.path.join(r, b'caf\xe9.txt'),'wb').write(b'x'); os.makedirs(os.path.join(r, b'fotos-\xe9t\xe9')); open(os.path.join(r, b'fotos-\xe9t\xe9', b'a.jpg'),'wb').write(b'y')" $BadRoot
        $LASTEXITCODE | Should -Be 0
    }

    It 'each is a failed item with its real reason, not a silently skipped "symlink"' {
        $bucket = New-HardBucket
        $r = Sync-MediaToS3 -Path $BadRoot -BucketName $bucket @Direct -ErrorVariable err -ErrorAction SilentlyContinue
        $r.Transferred | Should -Be 1
        $r.Failed | Should -Be 2
        @($err | Where-Object { $_.FullyQualifiedErrorId -like 'MediaOps.LocalNameInvalid*' }).Count | Should -Be 2
        "$($err[0])" | Should -Match 'not valid UTF-8'
        "$($err[0])" | Should -Not -Match 'symbolic link'
    }

    It 'Get-MediaInventory reports NotUtf8, not Symlink' {
        $rows = Get-MediaInventory -Path $BadRoot | Where-Object { $_.Problem }
        @($rows).Count | Should -Be 2
        $rows | ForEach-Object { $_.Problem | Should -Match '^NotUtf8: ' ; $_.Problem | Should -Not -Match 'Symlink' }
    }
}

Describe 'A killed -Delete run leaves no spool behind' {
    It 'the spool of key names has no name while the run lives, so a kill leaves nothing in TMPDIR' {
        $bucket = New-HardBucket
        $root = New-Tree @{ 'a.txt' = 'a'; 'b.txt' = 'b'; 'c.txt' = 'c'; 'gone.txt' = 'g' }
        $null = Sync-MediaToS3 -Path $root -BucketName $bucket @Direct
        Remove-Item (Join-Path $root 'gone.txt')
        Reset-FaultProxy $Proxy
        # The delete request is held at the proxy: the run is alive, its spool written, when it is killed.
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'DeleteObjects'; action = 'hold:spool-delete' }) }
        $tmp = New-TempDir
        $self = (Get-Process -Id $PID).Path
        $psi = [System.Diagnostics.ProcessStartInfo]::new($self)
        if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        $command = "Import-Module '$env:MEDIAOPS_MODULE_PATH'; Sync-MediaToS3 -Path '$root' -BucketName $bucket -Prefix media -EndpointUrl $($Proxy.Endpoint) -Region us-east-1 -Delete -Force"
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $command) { $psi.ArgumentList.Add($a) }
        $psi.Environment['TMPDIR'] = $tmp
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
        $proc = [System.Diagnostics.Process]::Start($psi)
        $proc.BeginOutputReadLine(); $proc.BeginErrorReadLine()
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            # Held until released (never, here): however slow the machine, the run is alive at the kill.
            while ([int](Invoke-RestMethod "$($Proxy.ControlUrl)/held").waiting.'spool-delete' -lt 1) {
                if ([DateTime]::UtcNow -gt $deadline -or $proc.HasExited) { throw 'the -Delete run never reached its delete request' }
                Start-Sleep -Milliseconds 100
            }
            @(Get-ChildItem -LiteralPath $tmp -Filter 'mediaops-delete-*' -Force).Count | Should -Be 0 -Because 'the open spool has no name'
            $proc.Kill($true)
            $proc.WaitForExit(10000) | Should -BeTrue
        } finally {
            if (-not $proc.HasExited) { $proc.Kill($true) }
            $null = Invoke-RestMethod -Method Post -Uri "$($Proxy.ControlUrl)/release" -Body (@{ name = 'spool-delete' } | ConvertTo-Json) -ContentType 'application/json'
        }
        @(Get-ChildItem -LiteralPath $tmp -Filter 'mediaops-delete-*' -Force).Count | Should -Be 0
        Reset-FaultProxy $Proxy
    }
}

Describe 'Sync-MediaFromS3 onto a case- and normalisation-insensitive file system' {
    # tests/tools/casefold_fs.py: a FUSE file system that folds case and Unicode normalisation and keeps
    # names as given, as APFS and NTFS do. The restore learns it by probing the folder, not from a flag.
    BeforeAll {
        if (-not (Test-Path /dev/fuse)) { throw '/dev/fuse is missing: this test needs FUSE (and python3-fusepy, fuse3), as .ci/run installs' }
        $script:Backing = New-TempDir
        $script:Mount = New-TempDir
        $script:Fs = Start-Process /usr/bin/python3 -ArgumentList (Join-Path $PSScriptRoot '../tools/casefold_fs.py'), $Backing, $Mount -PassThru -RedirectStandardError (Join-Path $Backing '../casefold.err')
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not ((Get-Content /proc/mounts) -match [regex]::Escape(" $Mount "))) {
            if ($Fs.HasExited -or [DateTime]::UtcNow -gt $deadline) { throw "casefold_fs.py did not mount: $(Get-Content (Join-Path $Backing '../casefold.err') -Raw)" }
            Start-Sleep -Milliseconds 100
        }
        Set-Content -LiteralPath (Join-Path $Mount 'Notes.TXT') -Value 'a local file, not in the bucket' -NoNewline
        Test-Path -LiteralPath (Join-Path $Mount 'notes.txt') | Should -BeTrue -Because 'the mount must really fold case'

        $script:FoldBucket = New-HardBucket
        $src = New-TempDir
        $script:FoldKeys = @('Photo.jpg', 'photo.jpg', "cafe$([char]0x301).txt", "caf$([char]0xe9).txt", 'notes.txt', 'ok.txt', 'sub/Deep.png')
        foreach ($k in $FoldKeys) {
            $body = Join-Path $src ([guid]::NewGuid().ToString('N'))
            Set-Content -LiteralPath $body -Value "object $k" -NoNewline
            $null = Invoke-AwsCli $E s3api put-object --bucket $FoldBucket --key "media/$k" --body $body
        }
    }
    AfterAll {
        & fusermount3 -u $Mount 2>$null
        if ($Fs -and -not $Fs.HasExited) { $Fs.Kill() }
    }

    It 'keys that are one name there are Fail rows and none of them is written; the rest is restored' {
        $r = Sync-MediaFromS3 -Path $Mount -BucketName $FoldBucket @Direct -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $result = $r | Where-Object { $_ -is [MediaOps.SyncResult] }
        $items = $r | Where-Object { $_ -is [MediaOps.SyncItem] }
        $result.Transferred | Should -Be 2
        $result.Failed | Should -Be 5
        @($items | Where-Object Status -eq 'Failed' | ForEach-Object RelativePath | Sort-Object) |
            Should -Be @(@('Photo.jpg', 'photo.jpg', "cafe$([char]0x301).txt", "caf$([char]0xe9).txt", 'notes.txt') | Sort-Object)
        @($err | Where-Object { $_.FullyQualifiedErrorId -like 'MediaOps.LocalNameCollision*' }).Count | Should -Be 5
        ($err | Where-Object { "$_" -match "'Photo.jpg' and 'photo.jpg' are one name" }) | Should -Not -BeNullOrEmpty
        "$($err[0])" | Should -Match 'case- and normalisation-insensitive'
        # Nothing of the colliding names reached the disk; the local file kept its bytes.
        @(Get-ChildItem -LiteralPath $Backing -Force | ForEach-Object Name | Sort-Object) | Should -Be @('Notes.TXT', 'ok.txt', 'sub')
        Get-Content -LiteralPath (Join-Path $Backing 'Notes.TXT') -Raw | Should -Be 'a local file, not in the bucket'
        Get-Content -LiteralPath (Join-Path $Backing 'sub/Deep.png') -Raw | Should -Be 'object sub/Deep.png'
    }

    It 'the same keys restore in full into a case-sensitive folder (the probe, not a guess, decides)' {
        $plain = New-TempDir
        $r = Sync-MediaFromS3 -Path $plain -BucketName $FoldBucket @Direct
        $r.Failed | Should -Be 0
        $r.Transferred | Should -Be $FoldKeys.Count
    }
}
