#requires -Modules Pester
# S3 Inventory reports as the listing (-Inventory) and partitioned workers (-Partition), through the cmdlets,
# against moto over HTTP. moto never writes inventory reports: S3InventoryHarness writes them in AWS's format
# for the objects really in moto, and the aws CLI is the judge of what ended up in the bucket.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'S3InventoryHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    $script:Endpoint = $Moto.Endpoint
    Set-TestAwsEnvironment -Endpoint $Endpoint

    # A media bucket and an inventory destination, created in one boto3 process (the aws CLI costs seconds a call).
    function script:New-Buckets([switch] $Versioned) {
        $pair = [pscustomobject]@{ Source = New-TestBucketName 'iv'; Destination = New-TestBucketName 'ivd' }
        New-TestBucketPair -Endpoint $Endpoint -SourceBucket $pair.Source -DestinationBucket $pair.Destination -Versioned:$Versioned
        $pair
    }
}

AfterAll { if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer } }

Describe 'Test-MediaObject -Inventory' {
    BeforeAll {
        $pair = New-Buckets
        $script:Bucket = $pair.Source
        $script:Destination = $pair.Destination
        $script:Root = New-TestMediaTree -Files @{ 'uploads/a.jpg' = 'aaaa'; 'uploads/b c+d.png' = 'bbbbbb'; 'uploads/gone.txt' = 'deleted after the report' }
        Sync-MediaToS3 -Path $Root -BucketName $Bucket | Out-Null
        $script:Manifest = New-TestInventoryReport -Endpoint $Endpoint -SourceBucket $Bucket -DestinationBucket $Destination
        # After the report: one object deleted (the report still lists it), one written (the report lacks it).
        Invoke-AwsCli -Endpoint $Endpoint s3 rm "s3://$Bucket/media/uploads/gone.txt" | Out-Null
        Invoke-AwsCli -Endpoint $Endpoint s3 cp (Join-Path $Root 'uploads/a.jpg') "s3://$Bucket/media/uploads/late.jpg" | Out-Null
        $script:Names = 'uploads/a.jpg', 'uploads/b c+d.png', 'uploads/gone.txt', 'uploads/late.jpg', 'uploads/never.jpg'
    }

    It 'answers listed names from the report and sends a HEAD only for the others' {
        $rows = $Names | Test-MediaObject -BucketName $Bucket -Inventory $Manifest -Verbose 4>&1
        $verbose = @($rows | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $checks = @($rows | Where-Object { $_ -is [MediaOps.ObjectCheck] })
        $checks.Name | Should -Be $Names
        $checks.Status | Should -Be 'Pass', 'Pass', 'Pass', 'Pass', 'Fail'
        # gone.txt is gone, yet passes: the answer came from the report, not from S3 (no request was sent for it).
        $checks[2].Message | Should -Match 'from the inventory of'
        $checks[1].Length | Should -Be 6
        $checks[1].ServerSideEncryption | Should -Be 'AES256'
        $verbose.Message | Should -Contain 'MediaOps: 5 name(s) checked: 3 answered by the inventory, 2 HEAD request(s).'
    }

    It '-Verify sends a HEAD for every name, so the deleted object fails' {
        $checks = $Names | Test-MediaObject -BucketName $Bucket -Inventory $Manifest -Verify
        $checks.Status | Should -Be 'Pass', 'Pass', 'Fail', 'Pass', 'Fail'
    }

    It 'a damaged data file stops the call with the checksum error before any row' {
        $bad = New-TestInventoryReport -Endpoint $Endpoint -SourceBucket $Bucket -DestinationBucket $Destination -ConfigId damaged -CorruptDataFile
        $rows = @()
        { $script:rows = 'uploads/a.jpg' | Test-MediaObject -BucketName $Bucket -Inventory $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'MediaOps.InventoryChecksumMismatch,MediaOps.Commands.TestMediaObjectCommand'
        $rows | Should -BeNullOrEmpty
    }

    It 'a report without ETag is refused naming the column; a stale one is a warning' {
        $noETag = New-TestInventoryReport -Endpoint $Endpoint -SourceBucket $Bucket -DestinationBucket $Destination -ConfigId noetag -Schema 'Bucket, Key, Size, LastModifiedDate'
        { 'uploads/a.jpg' | Test-MediaObject -BucketName $Bucket -Inventory $noETag -ErrorAction Stop } |
            Should -Throw -ErrorId 'MediaOps.InventorySchemaMismatch,MediaOps.Commands.TestMediaObjectCommand'

        $old = New-TestInventoryReport -Endpoint $Endpoint -SourceBucket $Bucket -DestinationBucket $Destination -ConfigId old -AgeDays 5
        $row = 'uploads/a.jpg' | Test-MediaObject -BucketName $Bucket -Inventory $old -WarningVariable warnings -WarningAction SilentlyContinue
        $row.Status | Should -Be 'Pass'
        $warnings | Should -HaveCount 1
        "$warnings" | Should -Match '5 days ago.*-MaxInventoryAge'
        $quiet = 'uploads/a.jpg' | Test-MediaObject -BucketName $Bucket -Inventory $old -MaxInventoryAge (New-TimeSpan -Days 7) -WarningVariable none -WarningAction SilentlyContinue
        $none | Should -BeNullOrEmpty
    }

    It '-Partition gives each name to exactly one of three workers and rows carry the slice' {
        $slices = foreach ($k in 1..3) { , @($Names | Test-MediaObject -BucketName $Bucket -Inventory $Manifest -Partition "$k/3") }
        $all = @($slices | ForEach-Object { $_ })
        ($all.Name | Sort-Object) | Should -Be ($Names | Sort-Object)
        foreach ($k in 1..3) { $slices[$k - 1] | ForEach-Object { $_.Partition | Should -Be "$k/3" } }
    }
}

Describe 'Sync-MediaToS3 -Partition: four worker processes' {
    It 'upload every file exactly once, planning from the inventory (aws CLI lists one version per key)' {
        $pair = New-Buckets -Versioned
        $bucket = $pair.Source
        $destination = $pair.Destination
        $files = @{}
        # A smaller tree than the issue's 10,000 keeps CI fast; ./build.ps1 Bench runs 10,000 (PartitionedSync).
        foreach ($i in 1..120) { $files["d$($i % 12)/f $i.txt"] = "file $i" }
        $root = New-TestMediaTree -Files $files
        # A first pass already moved a third of the files; the report lists those.
        $first = New-TestMediaTree -Files @{}
        foreach ($rel in @($files.Keys | Sort-Object)[0..39]) { New-Item -ItemType Directory (Split-Path (Join-Path $first $rel)) -Force | Out-Null; Copy-Item (Join-Path $root $rel) (Join-Path $first $rel) }
        Sync-MediaToS3 -Path $first -BucketName $bucket | Out-Null
        $manifest = New-TestInventoryReport -Endpoint $Endpoint -SourceBucket $bucket -DestinationBucket $destination

        $out = Join-Path ([IO.Path]::GetTempPath()) ("parts-" + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $out | Out-Null
        $workers = foreach ($k in 1..4) {
            $script = "Import-Module '$env:MEDIAOPS_MODULE_PATH'; " +
                "Sync-MediaToS3 -Path '$root' -BucketName $bucket -Inventory '$manifest' -Partition $k/4 -PassThru -ErrorAction Stop | " +
                "ConvertTo-Json -Depth 3 | Set-Content '$out/$k.json'"
            Start-FreshPwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', $script
        }
        foreach ($w in $workers) { $w.WaitForExit(); $w.ExitCode | Should -Be 0 }

        $results = foreach ($k in 1..4) { Get-Content "$out/$k.json" -Raw | ConvertFrom-Json }
        $items = @($results | Where-Object { $_.PSObject.Properties['Action'] })
        $summaries = @($results | Where-Object { $_.PSObject.Properties['Transferred'] })
        $summaries | Should -HaveCount 4
        ($summaries | Measure-Object Transferred -Sum).Sum | Should -Be 80
        $items.Key | Sort-Object -Unique | Should -HaveCount 80
        $items | Should -HaveCount 80
        ($summaries.Partition | Sort-Object) | Should -Be '1/4', '2/4', '3/4', '4/4'

        $versions = Invoke-AwsCli -Endpoint $Endpoint s3api list-object-versions --bucket $bucket --output json
        $keys = @($versions.Versions | Where-Object { $_ } | ForEach-Object Key)
        $keys | Should -HaveCount 120  # one version per key: nothing uploaded twice
        ($keys | Sort-Object -Unique) | Should -HaveCount 120
        ($keys | ForEach-Object { $_.Substring('media/'.Length) } | Sort-Object) | Should -Be ($files.Keys | Sort-Object)
        Remove-Item $out -Recurse -Force
    }
}

Describe 'Compare-MediaStore -Inventory' {
    It 'reports from the report, confirming new and changed files with a HEAD' {
        $pair = New-Buckets
        $bucket = $pair.Source
        $destination = $pair.Destination
        $root = New-TestMediaTree -Files @{ 'a.txt' = 'one'; 'b.txt' = 'two' }
        Sync-MediaToS3 -Path $root -BucketName $bucket | Out-Null
        $manifest = New-TestInventoryReport -Endpoint $Endpoint -SourceBucket $bucket -DestinationBucket $destination
        Set-Content -Path (Join-Path $root 'c.txt') -Value 'three' -NoNewline
        Set-Content -Path (Join-Path $root 'd.txt') -Value 'four' -NoNewline
        Invoke-AwsCli -Endpoint $Endpoint s3 cp (Join-Path $root 'd.txt') "s3://$bucket/media/d.txt" | Out-Null  # uploaded after the report
        $diff = @(Compare-MediaStore -Path $root -BucketName $bucket -Inventory $manifest)
        $diff.Key | Should -Be 'media/c.txt'
        $diff.State | Should -Be 'OnlyLocal'
    }
}

Describe 'Get-MediaVersion -Inventory' {
    BeforeAll {
        $pair = New-Buckets -Versioned
        $script:VBucket = $pair.Source
        $script:VDestination = $pair.Destination
        $root = New-TestMediaTree -Files @{ 'a b.txt' = 'first a'; 'b.jpg' = 'first b'; 'c/d+e.png' = 'only c' }
        Invoke-AwsCli -Endpoint $Endpoint s3 cp $root "s3://$VBucket/media/" --recursive | Out-Null
        Invoke-AwsCli -Endpoint $Endpoint s3 cp (Join-Path $root 'b.jpg') "s3://$VBucket/media/a b.txt" | Out-Null   # a second version of 'a b.txt'
        Invoke-AwsCli -Endpoint $Endpoint s3 rm "s3://$VBucket/media/b.jpg" | Out-Null                             # a delete marker on b.jpg
        $script:VManifest = New-TestInventoryReport -Endpoint $Endpoint -SourceBucket $VBucket -DestinationBucket $VDestination -Versions -ConfigId 'all-versions'
        $script:CurrentOnly = New-TestInventoryReport -Endpoint $Endpoint -SourceBucket $VBucket -DestinationBucket $VDestination -ConfigId 'current-only'
        # Written after the report: the listing sees it, the report does not.
        Invoke-AwsCli -Endpoint $Endpoint s3 cp (Join-Path $root 'c/d+e.png') "s3://$VBucket/media/late.png" | Out-Null
        function script:Shape($rows) { $rows | ForEach-Object { '{0}|{1}|{2}|{3}|{4}|{5}|{6:o}' -f $_.Key, $_.VersionId, $_.IsLatest, $_.IsDeleteMarker, $_.Length, $_.ETag, $_.LastModifiedUtc } }
    }

    It 'gives what ListObjectVersions gives for the report''s objects, in the same order, from the report alone' {
        $listed = @(Get-MediaVersion -BucketName $VBucket -IncludeDeleteMarkers | Where-Object Name -ne 'late.png')
        $fromReport = @(Get-MediaVersion -BucketName $VBucket -IncludeDeleteMarkers -Inventory $VManifest)
        $listed | Should -HaveCount 5   # 2 of 'a b.txt', b.jpg and its delete marker, c/d+e.png
        # The same rows (moto lists a key's delete markers after its versions, so the listing's order is not compared).
        (Shape $fromReport | Sort-Object) | Should -Be (Shape $listed | Sort-Object)
        $fromReport.Name | Should -Not -Contain 'late.png'   # written after the report: not in it, so no LIST was sent
        # Keys in S3's order, each key's newest entry first: b.jpg's delete marker before the version it hides.
        $fromReport.Name | Should -Be 'a b.txt', 'a b.txt', 'b.jpg', 'b.jpg', 'c/d+e.png'
        $fromReport[0].IsLatest | Should -BeTrue
        $fromReport[2].IsDeleteMarker | Should -BeTrue
        $fromReport[2].IsLatest | Should -BeTrue
    }

    It 'answers piped names and -Until from the report' {
        $rows = @('a b.txt', 'never.jpg' | Get-MediaVersion -BucketName $VBucket -Inventory $VManifest)
        $rows | Should -HaveCount 2
        $rows.Name | Sort-Object -Unique | Should -Be 'a b.txt'
        $rows[0].IsLatest | Should -BeTrue
        $oldest = $rows[1]
        $until = @(Get-MediaVersion -BucketName $VBucket -Inventory $VManifest -Name 'a b.txt' -Until $oldest.LastModifiedUtc)
        $until.VersionId | Should -Contain $oldest.VersionId
    }

    It 'refuses a report of current objects only, saying which report it needs' {
        { Get-MediaVersion -BucketName $VBucket -Inventory $CurrentOnly -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*current objects only*IncludedObjectVersions All*'
    }
}
