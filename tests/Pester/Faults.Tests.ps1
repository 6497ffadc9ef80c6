#requires -Modules Pester
# Fault tolerance: MediaOps talks to moto through tests/tools/fault_proxy.py, which injects 503 SlowDown,
# 500 InternalError and dropped connections, fails chosen requests, corrupts upload bodies (and checks
# Content-MD5/x-amz-checksum-* as AWS does; moto does not). Every verdict is read straight from moto
# with the aws CLI, never through the proxy.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'FaultProxy.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    Set-TestAwsEnvironment
    $script:Proxy = Start-FaultProxy -Upstream $Moto.Endpoint
    $script:Roots = [System.Collections.Generic.List[string]]::new()

    function New-FaultBucket {
        $name = New-TestBucketName 'fault'
        $null = Invoke-AwsCli $Moto.Endpoint s3api create-bucket --bucket $name
        return $name
    }

    function New-RandomTree([hashtable] $Sizes) {
        # path → byte count; random content so a flipped byte is never masked by a repeated pattern
        $files = @{}
        foreach ($rel in $Sizes.Keys) {
            $bytes = [byte[]]::new($Sizes[$rel])
            [System.Random]::new($rel.GetHashCode()).NextBytes($bytes)
            $files[$rel] = $bytes
        }
        $root = New-TestMediaTree -Files $files
        $Roots.Add($root)
        return $root
    }

    function Get-TreeHashes([string] $Root) {
        $map = @{}
        foreach ($f in Get-ChildItem $Root -Recurse -File) {
            $rel = [System.IO.Path]::GetRelativePath($Root, $f.FullName).Replace('\', '/')
            $map[$rel] = (Get-FileHash $f.FullName -Algorithm SHA256).Hash
        }
        return $map
    }

    function Assert-BucketMatchesTree([string] $Bucket, [string] $Root) {
        # Downloaded by the aws CLI straight from moto, then compared byte for byte (SHA-256).
        $back = Join-Path ([System.IO.Path]::GetTempPath()) ('fault-back-' + [guid]::NewGuid().ToString('N'))
        $Roots.Add($back)
        $null = Invoke-AwsCli $Moto.Endpoint s3 sync "s3://$Bucket/media/" $back --only-show-errors
        $expected = Get-TreeHashes $Root
        $actual = Get-TreeHashes $back
        @($actual.Keys | Sort-Object) | Should -Be @($expected.Keys | Sort-Object)
        foreach ($k in $expected.Keys) { $actual[$k] | Should -Be $expected[$k] -Because "$k must arrive intact" }
    }

    function Get-MultipartUploads([string] $Bucket) {
        $list = Invoke-AwsCli $Moto.Endpoint s3api list-multipart-uploads --bucket $Bucket
        if ($list -is [string] -or -not $list -or -not ($list.PSObject.Properties.Name -contains 'Uploads')) { return @() }
        return @($list.Uploads)
    }

    function Start-SyncProcess([string] $Command) {
        # A separate pwsh running a sync against the proxy, so the test can kill it mid-transfer.
        $self = (Get-Process -Id $PID).Path
        $psi = [System.Diagnostics.ProcessStartInfo]::new($self)
        if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$env:MEDIAOPS_MODULE_PATH'; $Command") { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $proc = [System.Diagnostics.Process]::Start($psi)
        $proc.BeginOutputReadLine(); $proc.BeginErrorReadLine()
        return $proc
    }

    function Wait-Until([scriptblock] $Condition, [int] $Seconds = 60, [string] $What) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            if (& $Condition) { return }
            Start-Sleep -Milliseconds 100
        }
        throw "timed out waiting for $What"
    }

    $script:Target = @{ Prefix = 'media'; EndpointUrl = $Proxy.Endpoint; Region = 'us-east-1' }
}

AfterAll {
    $script:Proxy | Stop-FaultProxy
    foreach ($r in $script:Roots) { Remove-Item $r -Recurse -Force -ErrorAction SilentlyContinue }
    if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer }
}

Describe 'Sync-MediaToS3 through a faulty network' {
    BeforeEach { Reset-FaultProxy $Proxy }

    It 'completes under 503 SlowDown, 500 and dropped connections, with every byte intact and the retries counted' {
        $sizes = @{}
        foreach ($i in 1..60) { $sizes["photos/$($i % 6)/img_$i.jpg"] = 1024 + 997 * $i }
        $sizes['videos/talk.mp4'] = 20MB   # multipart: its parts meet the faults too
        $root = New-RandomTree $sizes
        $bucket = New-FaultBucket
        $null = Set-FaultProxyConfig $Proxy @{
            seed = 6; fault_rate = 0.25; fault_kinds = @('503', '500', 'drop')
            # a PUT the server stored but whose answer was lost: the retry must simply overwrite it
            rules = @(@{ op = 'PutObject'; action = 'drop_after'; times = 3 })
        }

        $result = Sync-MediaToS3 -Path $root -BucketName $bucket @Target -ErrorVariable errs

        $stats = Get-FaultProxyStats $Proxy
        $stats.injected | Should -BeGreaterThan 10 -Because 'the proxy really failed a share of the requests'
        $errs | Should -BeNullOrEmpty
        $result.Failed | Should -Be 0
        $result.Transferred | Should -Be 61
        $result.Retries | Should -BeGreaterThan 0
        $result.Retries | Should -BeLessOrEqual $stats.injected -Because 'a retry is counted only for a failed attempt'
        $stats.requests.'PUT UploadPart' | Should -BeGreaterOrEqual 3
        Assert-BucketMatchesTree $bucket $root
    }

    It 'deletes nothing with -Delete when a listing page keeps failing' {
        # 1,010 objects = two listing pages; the files gone locally sort into page 1, so a planner that
        # acted on a partial listing would delete them.
        $sizes = @{}
        foreach ($i in 1..1005) { $sizes[('keep/{0:D5}.txt' -f $i)] = 8 }
        foreach ($i in 1..5) { $sizes["gone/$i.txt"] = 8 }
        $root = New-RandomTree $sizes
        $bucket = New-FaultBucket
        $seed = Sync-MediaToS3 -Path $root -BucketName $bucket -Prefix media -EndpointUrl $Moto.Endpoint -Region us-east-1
        $seed.Transferred | Should -Be 1010
        Remove-Item (Join-Path $root 'gone') -Recurse -Force
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'ListObjectsV2'; match = 'continuation-token'; nth = 1; sticky = $true; action = '500' }) }

        { Sync-MediaToS3 -Path $root -BucketName $bucket @Target -Delete -Force -ErrorAction Stop } | Should -Throw -ExpectedMessage '*'

        $stats = Get-FaultProxyStats $Proxy
        $stats.faults.'500 ListObjectsV2' | Should -BeGreaterThan 1 -Because 'the page was retried before the sync gave up'
        $stats.operations.PSObject.Properties.Name | Should -Not -Contain 'DeleteObjects'
        $stats.operations.PSObject.Properties.Name | Should -Not -Contain 'DeleteObject'
        $listed = Invoke-AwsCli $Moto.Endpoint s3 ls "s3://$bucket/media/" --recursive --summarize
        $listed | Should -Match 'Total Objects: 1010'
    }

    It 'reports an upload whose bytes were corrupted in transit as failed, and stores nothing for it' {
        $root = New-RandomTree @{ 'a/ok.jpg' = 5000; 'a/victim.jpg' = 7000; 'b/big.bin' = 12MB; 'c/ok2.png' = 3000 }
        $bucket = New-FaultBucket
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(
                @{ op = 'PutObject'; match = 'victim'; action = 'corrupt' }
                @{ op = 'UploadPart'; match = 'big\.bin'; nth = 2; action = 'corrupt' }
            ) }

        $result = Sync-MediaToS3 -Path $root -BucketName $bucket @Target -PassThru -ErrorVariable errs -ErrorAction SilentlyContinue

        $stats = Get-FaultProxyStats $Proxy
        $stats.corrupted | Should -BeGreaterOrEqual 2
        $stats.bad_digest | Should -Be $stats.corrupted -Because 'every corrupted body carried a checksum that exposed it'
        $summary = $result | Where-Object { $_ -is [MediaOps.SyncResult] }
        $items = $result | Where-Object { $_ -is [MediaOps.SyncItem] }
        $summary.Failed | Should -Be 2
        @($items | Where-Object Status -eq 'Failed').RelativePath | Sort-Object | Should -Be @('a/victim.jpg', 'b/big.bin')
        @($errs).Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -Match '^MediaOps\.'
        $keys = (Invoke-AwsCli $Moto.Endpoint s3api list-objects-v2 --bucket $bucket).Contents.Key
        $keys | Should -Not -Contain 'media/a/victim.jpg'
        $keys | Should -Not -Contain 'media/b/big.bin'
        $keys | Should -Contain 'media/a/ok.jpg'
        Get-MultipartUploads $bucket | Should -BeNullOrEmpty -Because 'the failed multipart upload was aborted'
    }

    It 'with flexible checksums on (the AWS default), checks every part by CRC32 and refuses a corrupted one' {
        # S3ChecksumPolicy keeps the SDK default (WHEN_SUPPORTED) only for AWS hosts; the standard setting forces it here.
        $root = New-RandomTree @{ 'v/good.bin' = 17MB; 'v/bad.bin' = 17MB }
        $bucket = New-FaultBucket
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'UploadPart'; match = 'bad\.bin'; nth = 2; action = 'corrupt' }) }
        $env:AWS_REQUEST_CHECKSUM_CALCULATION = 'when_supported'
        try {
            $proc = Start-SyncProcess "Sync-MediaToS3 -Path '$root' -BucketName $bucket -Prefix media -EndpointUrl '$($Proxy.Endpoint)' -Region us-east-1 -Concurrency 1 -ErrorAction SilentlyContinue"
        } finally { Remove-Item Env:AWS_REQUEST_CHECKSUM_CALCULATION }
        $proc.WaitForExit(120000) | Should -BeTrue

        $stats = Get-FaultProxyStats $Proxy
        $stats.requests.'PUT UploadPart' | Should -Be 5 -Because 'good.bin has three 8 MiB parts; bad.bin stops at its corrupted second (one part in flight)'
        $stats.verified.crc32 | Should -Be $stats.requests.'PUT UploadPart' -Because 'every part carried an x-amz-checksum-crc32 the proxy checked'
        $stats.verified_by_op.'md5 UploadPart' | Should -BeNullOrEmpty -Because 'CRC32 replaces the per-part MD5'
        $stats.framing.PSObject.Properties.Name | Should -Not -Contain 'aws-chunked'
        $stats.corrupted | Should -Be 1
        $stats.bad_digest | Should -Be 1
        $keys = (Invoke-AwsCli $Moto.Endpoint s3api list-objects-v2 --bucket $bucket).Contents.Key
        $keys | Should -Contain 'media/v/good.bin'
        $keys | Should -Not -Contain 'media/v/bad.bin'
        Get-MultipartUploads $bucket | Should -BeNullOrEmpty -Because 'the failed multipart upload was aborted'
        (Invoke-AwsCli $Moto.Endpoint s3api head-object --bucket $bucket --key media/v/good.bin --checksum-mode ENABLED).ChecksumCRC32 | Should -Not -BeNullOrEmpty
    }

    It 'refuses downloads whose bytes were corrupted in transit, multipart ones by their ETag, and writes nothing for them' {
        # big.bin goes up in 8 MiB parts with aws CLI (ETag "<md5 of part md5s>-2", no md5chksum), small.jpg in one PUT.
        $source = New-RandomTree @{ 'v/big.bin' = 9MB + 123; 'p/small.jpg' = 6000; 'p/fine.png' = 4000 }
        $bucket = New-FaultBucket
        $null = Invoke-AwsCli $Moto.Endpoint s3 sync $source "s3://$bucket/media/" --only-show-errors
        (Invoke-AwsCli $Moto.Endpoint s3api head-object --bucket $bucket --key media/v/big.bin).ETag | Should -Match '-2"$'
        $restore = Join-Path ([System.IO.Path]::GetTempPath()) ('fault-corrupt-' + [guid]::NewGuid().ToString('N'))
        $Roots.Add($restore)
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'GetObject'; match = 'big\.bin|small\.jpg'; action = 'corrupt_response' }) }

        $result = Sync-MediaFromS3 -BucketName $bucket @Target -Path $restore -Force -PassThru -ErrorVariable errs -ErrorAction SilentlyContinue

        (Get-FaultProxyStats $Proxy).corrupted | Should -Be 2
        $summary = $result | Where-Object { $_ -is [MediaOps.SyncResult] }
        $summary.Failed | Should -Be 2
        @($errs | ForEach-Object FullyQualifiedErrorId) | Should -BeLike 'MediaOps.IntegrityCheckFailed*' -Because ($errs | Out-String)
        Test-Path (Join-Path $restore 'v/big.bin') | Should -BeFalse
        Test-Path (Join-Path $restore 'p/small.jpg') | Should -BeFalse
        Test-Path (Join-Path $restore 'p/fine.png') | Should -BeTrue
        @(Get-ChildItem $restore -Recurse -File -Filter '.mediaops-*') | Should -BeNullOrEmpty -Because 'a refused download leaves no temp file'

        Reset-FaultProxy $Proxy
        (Sync-MediaFromS3 -BucketName $bucket @Target -Path $restore).Failed | Should -Be 0
        (Get-FileHash (Join-Path $restore 'v/big.bin')).Hash | Should -Be (Get-FileHash (Join-Path $source 'v/big.bin')).Hash
    }
}

Describe 'A sync killed mid-transfer' {
    BeforeEach { Reset-FaultProxy $Proxy }

    It 'reruns to completion after a kill mid-multipart, leaving no multipart upload behind' {
        $sizes = @{ 'videos/lecture.mp4' = 24MB }
        foreach ($i in 1..20) { $sizes["img/$i.jpg"] = 2048 + $i }
        $root = New-RandomTree $sizes
        $bucket = New-FaultBucket
        # Parts crawl, so the process is surely killed after CreateMultipartUpload and before Complete.
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'UploadPart'; action = 'delay:20000' }) }
        $proc = Start-SyncProcess "Sync-MediaToS3 -Path '$root' -BucketName $bucket -Prefix media -EndpointUrl '$($Proxy.Endpoint)' -Region us-east-1"
        try {
            Wait-Until { (Get-FaultProxyStats $Proxy).operations.PSObject.Properties.Name -contains 'UploadPart' } -Seconds 90 -What 'the first UploadPart'
        } finally { $proc.Kill($true); $proc.WaitForExit(10000) | Out-Null }
        @(Get-MultipartUploads $bucket).Count | Should -BeGreaterThan 0 -Because 'the kill left an incomplete upload (the scenario under test)'

        Reset-FaultProxy $Proxy
        $result = Sync-MediaToS3 -Path $root -BucketName $bucket @Target

        $result.Failed | Should -Be 0
        Get-MultipartUploads $bucket | Should -BeNullOrEmpty
        Assert-BucketMatchesTree $bucket $root
    }

    It 'restores after a kill mid-download with no temp file and every file intact' {
        $source = New-RandomTree @{ 'videos/a.mp4' = 6MB; 'videos/b.mp4' = 6MB; 'docs/c.pdf' = 30000 }
        $bucket = New-FaultBucket
        $null = Invoke-AwsCli $Moto.Endpoint s3 sync $source "s3://$bucket/media/" --only-show-errors
        $restore = Join-Path ([System.IO.Path]::GetTempPath()) ('fault-restore-' + [guid]::NewGuid().ToString('N'))
        $Roots.Add($restore)
        # Bodies trickle at 256 KiB/s: the kill lands while a temp file is half written.
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'GetObject'; action = 'throttle:256' }) }
        $proc = Start-SyncProcess "Sync-MediaFromS3 -Path '$restore' -Force -BucketName $bucket -Prefix media -EndpointUrl '$($Proxy.Endpoint)' -Region us-east-1"
        try {
            Wait-Until { (Test-Path $restore) -and @(Get-ChildItem $restore -Recurse -File -Force -Filter '*.tmp' | Where-Object Length -gt 0).Count -gt 0 } -Seconds 90 -What 'a partly written temp file'
        } finally { $proc.Kill($true); $proc.WaitForExit(10000) | Out-Null }
        @(Get-ChildItem $restore -Recurse -File -Force | Where-Object Name -like '.mediaops-*.tmp').Count | Should -BeGreaterThan 0 -Because 'the kill left a partial temp file (the scenario under test)'
        Test-Path (Join-Path $restore 'videos/a.mp4') | Should -BeFalse -Because 'a partial file never appears under its real name'

        Reset-FaultProxy $Proxy
        $result = Sync-MediaFromS3 -Path $restore -BucketName $bucket @Target

        $result.Failed | Should -Be 0
        @(Get-ChildItem $restore -Recurse -File -Force | Where-Object Name -like '.mediaops-*').Count | Should -Be 0
        $expected = Get-TreeHashes $source
        $actual = Get-TreeHashes $restore
        @($actual.Keys | Sort-Object) | Should -Be @($expected.Keys | Sort-Object)
        foreach ($k in $expected.Keys) { $actual[$k] | Should -Be $expected[$k] }
    }
}

Describe 'Integrity on an S3-compatible endpoint' {
    BeforeEach { Reset-FaultProxy $Proxy }

    It 'sends Content-MD5 with every upload body and no aws-chunked checksum trailer' {
        $root = New-RandomTree @{ 'a/one.jpg' = 4000; 'a/two.webp' = 9000; 'v/clip.mp4' = 17MB }
        $bucket = New-FaultBucket

        $result = Sync-MediaToS3 -Path $root -BucketName $bucket @Target

        $result.Failed | Should -Be 0
        $stats = Get-FaultProxyStats $Proxy
        $bodies = $stats.requests.'PUT PutObject' + $stats.requests.'PUT UploadPart'
        $bodies | Should -Be (2 + 3)
        # every body (the parts, the objects, and the CompleteMultipartUpload XML) carried a digest
        $stats.verified.md5 | Should -BeGreaterOrEqual $bodies -Because 'the server can reject a body that does not match'
        $stats.unverified_bodies | Should -Be 0
        $stats.framing.PSObject.Properties.Name | Should -Not -Contain 'aws-chunked'
        Assert-BucketMatchesTree $bucket $root
    }
}
