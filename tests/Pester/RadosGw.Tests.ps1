#requires -Modules Pester
# The runbook's steps against Ceph's RADOS Gateway (radosgw 16, Debian 12), a second real S3 server next to moto.
# .ci/run starts one and exports MEDIAOPS_TEST_RGW_ENDPOINT; otherwise this file starts its own
# (tests/tools/radosgw_launcher.py: one monitor, one memstore OSD, auth none, loopback only).
# What radosgw does differently from AWS, and how MediaOps reports it, is listed in docs/s3-compatible.md.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Rgw = Get-RadosGwEndpoint
    Set-RadosGwAwsEnvironment -Server $Rgw
    $script:E = $Rgw.Endpoint

    $script:Files = @{
        'a b/c+d%e#f.txt'                 = 'spaces plus percent hash'
        "q'uo`"te.jpg"                    = 'quotes'
        '日本/写真.webp'                  = 'webp'
        'Ελληνικά/файл.avif'              = 'avif'
        ('cafe' + [char]0x0301 + '.txt')  = 'nfd'
        'empty.bin'                       = [byte[]]@()
        'a-b'                             = 'dash'
        'a/b'                             = 'slash'
        'deep/1/2/3/4/5/6/7/8/9/10/x.svg' = '<svg/>'
    }
    function script:Row($rows, $check) { $rows | Where-Object Check -eq $check }
    function script:New-RgwBucket([switch] $Versioned) {
        $name = New-TestBucketName -Stem 'rgw'
        Invoke-AwsCli -Endpoint $E s3api create-bucket --bucket $name | Out-Null
        if ($Versioned) { Invoke-AwsCli -Endpoint $E s3api put-bucket-versioning --bucket $name --versioning-configuration Status=Enabled | Out-Null }
        $name
    }
    function script:Get-Keys([string] $Bucket) {
        $list = Invoke-AwsCli -Endpoint $E s3api list-objects-v2 --bucket $Bucket
        if ($list -is [string] -or -not $list.PSObject.Properties['Contents']) { return @() }
        @($list.Contents.Key)
    }
    function script:Get-Uploads([string] $Bucket) {
        $list = Invoke-AwsCli -Endpoint $E s3api list-multipart-uploads --bucket $Bucket
        if ($list -is [string] -or -not $list.PSObject.Properties['Uploads']) { return @() }
        @($list.Uploads)
    }
    function script:Set-BlockPublicAcls([string] $Bucket, [string] $On) {
        Invoke-AwsCli -Endpoint $E s3api put-public-access-block --bucket $Bucket --public-access-block-configuration "BlockPublicAcls=$On,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true" | Out-Null
    }
    function script:Get-Utf8Sorted([string[]] $Keys) {
        $Keys | Sort-Object { [BitConverter]::ToString([Text.Encoding]::UTF8.GetBytes($_)) }
    }
}
AfterAll { $script:Rgw | Stop-RadosGwServer }

Describe 'Bucket checks on radosgw' {
    It 'Test-MediaBucket reads a raw bucket without a crash or a false Fail' {
        $bucket = New-RgwBucket
        $rows = Test-MediaBucket -BucketName $bucket -ErrorAction Stop
        $rows.Check | Should -Be @('BucketExists', 'Region', 'Versioning', 'DefaultEncryption', 'PublicAccessBlock', 'ObjectOwnership', 'BucketPolicy', 'SecureTransport', 'Prefix', 'NoncurrentVersionLifecycle', 'Inventory')
        @($rows | Where-Object Status -eq 'Error') | Should -BeNullOrEmpty
        (Row $rows 'BucketExists').Status | Should -Be 'Pass'
        # radosgw names its zone group where AWS names a region.
        (Row $rows 'Region').Status | Should -Be 'Skipped'
        (Row $rows 'Region').Actual | Should -Be 'default'
        (Row $rows 'Versioning').Status | Should -Be 'Fail'
        # radosgw 16 answers ?encryption, ?ownershipControls and ?inventory with a bucket listing: not implemented
        # (the Inventory row must not say "none configured": radosgw has no inventory to configure).
        foreach ($c in 'DefaultEncryption', 'ObjectOwnership', 'Inventory') {
            (Row $rows $c).Status | Should -Be 'Skipped' -Because $c
            (Row $rows $c).Message | Should -Match 'radosgw 16 ignores the call' -Because $c
        }
        # The Block Public Access answer has a root element the SDK does not read: Skipped with the reason, never Fail.
        (Row $rows 'PublicAccessBlock').Status | Should -Be 'Skipped'
        (Row $rows 'PublicAccessBlock').Message | Should -Match 'BlockPublicAccessBlockConfiguration'
    }

    It 'Test-MediaBucket -ExpectedRegion still fails on a name that differs' {
        $rows = Test-MediaBucket -BucketName (New-RgwBucket) -ExpectedRegion 'eu-west-1'
        (Row $rows 'Region').Status | Should -Be 'Fail'
    }

    It 'Initialize-MediaBucket skips what radosgw lacks with a warning and applies the rest' {
        $bucket = New-TestBucketName -Stem 'rgwinit'
        $rows = Initialize-MediaBucket -BucketName $bucket -RequireTls -NoncurrentVersionExpirationDays 30 -Confirm:$false -ErrorVariable err -WarningVariable warn -ErrorAction SilentlyContinue
        $err | Should -BeNullOrEmpty
        @($warn | Where-Object { "$_" -match 'ObjectOwnership.*does not support it' }).Count | Should -Be 1
        @($warn | Where-Object { "$_" -match 'default encryption.*does not support it' }).Count | Should -Be 1
        (Row $rows 'Versioning').Status | Should -Be 'Pass'
        (Row $rows 'SecureTransport').Status | Should -Be 'Pass'
        (Row $rows 'NoncurrentVersionLifecycle').Status | Should -Be 'Pass'
        foreach ($c in 'DefaultEncryption', 'ObjectOwnership', 'PublicAccessBlock') { (Row $rows $c).Status | Should -Be 'Skipped' -Because $c }
        # What the SDK cannot read, the aws CLI can: the four flags were set.
        $pab = (Invoke-AwsCli -Endpoint $E s3api get-public-access-block --bucket $bucket).PublicAccessBlockConfiguration
        @($pab.BlockPublicAcls, $pab.IgnorePublicAcls, $pab.BlockPublicPolicy, $pab.RestrictPublicBuckets) | Should -Be @($true, $true, $true, $true)
        (Invoke-AwsCli -Endpoint $E s3api get-bucket-versioning --bucket $bucket).Status | Should -Be 'Enabled'
        # Idempotent: a second run changes nothing and still reports no error.
        Initialize-MediaBucket -BucketName $bucket -RequireTls -NoncurrentVersionExpirationDays 30 -Confirm:$false -ErrorVariable err2 -WarningAction SilentlyContinue | Out-Null
        $err2 | Should -BeNullOrEmpty
        $script:InitBucket = $bucket
    }

    It 'explains the PutObject refusal BlockPublicAcls causes, and uploads once it is off' {
        $root = New-TestMediaTree -Files @{ 'one.txt' = 'one'; 'two.txt' = 'two' }
        try {
            $r = Sync-MediaToS3 -Path $root -BucketName $InitBucket -ErrorVariable err -ErrorAction SilentlyContinue
            $r.Failed | Should -Be 2
            $err.Count | Should -Be 2
            foreach ($failure in $err) {
                $failure.FullyQualifiedErrorId | Should -BeLike 'MediaOps.PutRefusedByBlockPublicAcls,*' -Because $failure.Exception.Message
                $failure.Exception.Message | Should -Match 'BlockPublicAcls'
                $failure.Exception.Message | Should -Not -Match 'lack that permission'
            }
            Get-Uploads $InitBucket | Should -BeNullOrEmpty
            $smoke = Invoke-MediaSmokeTest -BucketName $InitBucket
            (Row $smoke 'Upload').Status | Should -Be 'Fail'
            (Row $smoke 'Upload').Message | Should -Match 'BlockPublicAcls'
        } finally { Set-BlockPublicAcls $InitBucket 'false' }

        $r = Sync-MediaToS3 -Path $root -BucketName $InitBucket
        $r.Transferred | Should -Be 2
        $r.Failed | Should -Be 0
    }

    It 'a TLS-only policy is stored but radosgw does not enforce it for the owner over plain HTTP' {
        # Documented in docs/s3-compatible.md: the SecureTransport row passes, the server lets HTTP through.
        (Row (Test-MediaBucket -BucketName $InitBucket) 'SecureTransport').Status | Should -Be 'Pass'
        $root = New-TestMediaTree -Files @{ 'http.txt' = 'plain http' }
        (Sync-MediaToS3 -Path $root -BucketName $InitBucket).Transferred | Should -Be 1
    }
}

Describe 'The migration on radosgw' {
    BeforeAll {
        $script:Root = New-TestMediaTree -Files $Files
        $script:Bucket = New-RgwBucket -Versioned
    }

    It 'uploads every awkward name under its raw key' {
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket
        $r.Transferred | Should -Be $Files.Count
        $r.Failed | Should -Be 0
        Get-Keys $Bucket | Should -Be (Get-Utf8Sorted ($Files.Keys | ForEach-Object { "media/$_" }))
    }

    It 'a no-op resync transfers nothing and compares equal, by size and by checksum' {
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket
        $r.Transferred | Should -Be 0
        $r.Skipped | Should -Be $Files.Count
        Compare-MediaStore -Path $Root -BucketName $Bucket | Should -BeNullOrEmpty
        Compare-MediaStore -Path $Root -BucketName $Bucket -Checksum | Should -BeNullOrEmpty
    }

    It 'downloads the tree back byte for byte' {
        $back = Join-Path ([IO.Path]::GetTempPath()) ("rgw-back-" + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $back | Out-Null
        $r = Sync-MediaFromS3 -Path $back -Force -BucketName $Bucket
        $r.Transferred | Should -Be $Files.Count
        $r.Failed | Should -Be 0
        foreach ($rel in $Files.Keys) {
            $expected = if ($Files[$rel] -is [byte[]]) { $Files[$rel] } else { [Text.Encoding]::UTF8.GetBytes($Files[$rel]) }
            [IO.File]::ReadAllBytes((Join-Path $back $rel)) | Should -Be $expected -Because $rel
        }
        (Sync-MediaFromS3 -Path $back -BucketName $Bucket).Transferred | Should -Be 0
    }

    It 'Test-MediaObject resolves the names, compares local files and flags a missing one' {
        $names = @('a b/c+d%e#f.txt', '日本/写真.webp', 'missing/never.txt')
        $rows = $names | Test-MediaObject -BucketName $Bucket -Path $Root
        $rows.Name | Should -Be $names
        $rows[0].Exists | Should -BeTrue
        $rows[0].Status | Should -Be 'Pass'
        $rows[0].Length | Should -Be ([Text.Encoding]::UTF8.GetByteCount($Files['a b/c+d%e#f.txt']))
        $rows[0].VersionId | Should -Not -BeNullOrEmpty
        $rows[1].Status | Should -Be 'Pass'
        $rows[2].Exists | Should -BeFalse
        $rows[2].Status | Should -Be 'Fail'
    }

    It 'Get-MediaUrl gives a signed URL an HTTP client can fetch, and radosgw refuses the unsigned one' {
        $url = Get-MediaUrl -BucketName $Bucket -Name 'a b/c+d%e#f.txt'
        (Invoke-WebRequest -Uri $url.Url -UseBasicParsing).Content | Should -BeExactly $Files['a b/c+d%e#f.txt']
        $plain = Get-MediaUrl -BucketName $Bucket -Name 'a b/c+d%e#f.txt' -Unsigned
        (Invoke-WebRequest -Uri $plain.Url -UseBasicParsing -SkipHttpErrorCheck).StatusCode | Should -Be 403
    }

    It 'Invoke-MediaSmokeTest runs every step and says what radosgw cannot do' {
        $rows = Invoke-MediaSmokeTest -BucketName $Bucket -ErrorAction Stop
        $rows.Check | Should -Be @('Upload', 'Head', 'ReadBack', 'SignedUrl', 'UnsignedUrl', 'Delete')
        foreach ($c in 'Upload', 'ReadBack', 'SignedUrl', 'UnsignedUrl', 'Delete') { (Row $rows $c).Status | Should -Be 'Pass' -Because $c }
        # No default encryption on radosgw: the object is stored unencrypted and the row says so.
        (Row $rows 'Head').Status | Should -Be 'Fail'
        (Row $rows 'Head').Message | Should -Match 'encrypt'
        Get-Keys $Bucket | Where-Object { $_ -like 'media/mediaops-smoke-test/*' } | Should -BeNullOrEmpty
    }

    It 'Sync-MediaFromS3 -Since brings back only what was uploaded after the cutover' {
        $back = Join-Path ([IO.Path]::GetTempPath()) ("rgw-since-" + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $back | Out-Null
        # The cutover is the server's next second after every earlier write (read from its clock, not slept for).
        $before = Get-TestServerSecond $E $Bucket
        Wait-TestServerSecondAfter $E $Bucket $before
        $cutover = $before.AddSeconds(1)
        Invoke-AwsCli -Endpoint $E s3api put-object --bucket $Bucket --key 'media/after cutover.txt' | Out-Null
        $out = Sync-MediaFromS3 -Path $back -Force -BucketName $Bucket -Since $cutover -PassThru
        @($out | Where-Object { $_ -is [MediaOps.SyncItem] }).Key | Should -Be @('media/after cutover.txt')
        @(Get-ChildItem $back -Recurse -File).Name | Should -Be @('after cutover.txt')
    }
}

Describe 'Point-in-time recovery on radosgw (versioning as AWS)' {
    It 'Get-MediaVersion lists the history, Restore-MediaVersion -AsOf brings it back, Sync-MediaFromS3 -AsOf downloads it' {
        $bucket = New-RgwBucket -Versioned
        $good = New-TestMediaTree -Files @{ 'a.txt' = 'good a'; 'b.jpg' = 'good b'; 'c.png' = 'kept c' }
        Invoke-AwsCli -Endpoint $E s3 cp $good "s3://$bucket/media/" --recursive | Out-Null
        # T: the server's own stamp (a clock object outside the prefix), then writes strictly after it.
        function Get-RgwSecond { Invoke-AwsCli -Endpoint $E s3api put-object --bucket $bucket --key clock/tick | Out-Null
            [datetime]::Parse((Invoke-AwsCli -Endpoint $E s3api head-object --bucket $bucket --key clock/tick).LastModified).ToUniversalTime() }
        $t = Get-RgwSecond
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while ((Get-RgwSecond) -le $t) { if ([datetime]::UtcNow -gt $deadline) { throw 'the server clock did not move on' }; Start-Sleep -Milliseconds 200 }
        $bad = New-TestMediaTree -Files @{ 'a.txt' = 'overwritten by a bad job' }
        Invoke-AwsCli -Endpoint $E s3 cp (Join-Path $bad 'a.txt') "s3://$bucket/media/a.txt" | Out-Null
        Invoke-AwsCli -Endpoint $E s3 rm "s3://$bucket/media/b.jpg" | Out-Null
        Invoke-AwsCli -Endpoint $E s3api put-object --bucket $bucket --key 'media/new.txt' | Out-Null

        $history = @(Get-MediaVersion -BucketName $bucket -IncludeDeleteMarkers -ErrorAction Stop)
        @($history | Where-Object Name -eq 'a.txt') | Should -HaveCount 2
        ($history | Where-Object Name -eq 'a.txt')[0].IsLatest | Should -BeTrue   # newest first
        @($history | Where-Object { $_.Name -eq 'b.jpg' -and $_.IsDeleteMarker }) | Should -HaveCount 1
        @(Get-MediaVersion -BucketName $bucket -Until $t).Name | Sort-Object | Should -Be 'a.txt', 'b.jpg', 'c.png'

        $plan = @(Restore-MediaVersion -BucketName $bucket -AsOf $t -RemoveNewer -WhatIf | Where-Object { $_ -is [MediaOps.SyncItem] })
        ($plan | ForEach-Object { "$($_.Action) $($_.Key)" } | Sort-Object) | Should -Be 'Delete media/new.txt', 'Restore media/a.txt', 'Restore media/b.jpg'
        $result = Restore-MediaVersion -BucketName $bucket -AsOf $t -RemoveNewer -Force -ErrorAction Stop
        $result.Failed | Should -Be 0
        $back = Join-Path ([IO.Path]::GetTempPath()) ("rgw-asof-" + [guid]::NewGuid().ToString('N'))
        Invoke-AwsCli -Endpoint $E s3 cp "s3://$bucket/media/" $back --recursive | Out-Null
        foreach ($name in 'a.txt', 'b.jpg', 'c.png') { Get-Content -Raw (Join-Path $back $name) | Should -Be (Get-Content -Raw (Join-Path $good $name)) -Because $name }
        Test-Path (Join-Path $back 'new.txt') | Should -BeFalse   # a delete marker, history kept
        (Restore-MediaVersion -BucketName $bucket -AsOf $t -RemoveNewer -Force).Transferred | Should -Be 0   # converged

        $asOf = Join-Path ([IO.Path]::GetTempPath()) ("rgw-asof-dl-" + [guid]::NewGuid().ToString('N'))
        Sync-MediaFromS3 -Path $asOf -Force -BucketName $bucket -AsOf $t -ErrorAction Stop | Out-Null
        (Get-ChildItem $asOf -Recurse -File).Name | Sort-Object | Should -Be 'a.txt', 'b.jpg', 'c.png'
        foreach ($name in 'a.txt', 'b.jpg', 'c.png') { Get-Content -Raw (Join-Path $asOf $name) | Should -Be (Get-Content -Raw (Join-Path $good $name)) -Because $name }
        Remove-Item $back, $asOf -Recurse -Force
    }
}
