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
