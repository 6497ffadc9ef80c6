#requires -Modules Pester
# Point-in-time recovery (issue 12) against moto with versioning, the aws CLI and botocore as witnesses:
# the time T that splits the history is read from the server's own stamps, never guessed.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    Set-TestAwsEnvironment -Endpoint $Moto.Endpoint
    $script:E = $Moto.Endpoint
    $script:Witness = Join-Path $PSScriptRoot '../tools/s3_witness.py'

    function script:New-VersionedBucket {
        $name = New-TestBucketName -Stem 'pit'
        Invoke-AwsCli -Endpoint $E s3api create-bucket --bucket $name | Out-Null
        Invoke-AwsCli -Endpoint $E s3api put-bucket-versioning --bucket $name --versioning-configuration Status=Enabled | Out-Null
        $name
    }
    # key → @{ sha256; contentType; versions }, from botocore.
    function script:Get-Witness([string] $Bucket) {
        $json = & python3 $Witness $E $Bucket 'media/'
        if ($LASTEXITCODE -ne 0) { throw "witness failed: $json" }
        $map = @{}
        ($json | ConvertFrom-Json).PSObject.Properties | ForEach-Object { $map[$_.Name] = $_.Value }
        $map
    }
    function script:Get-VersionIds([string] $Bucket) {
        $list = Invoke-AwsCli -Endpoint $E s3api list-object-versions --bucket $Bucket --prefix media/
        @(@($list.Versions) + @($list.DeleteMarkers) | Where-Object { $_ } | ForEach-Object { "$($_.Key)@$($_.VersionId)" } | Sort-Object)
    }
    # The second the server stamps a write with (a clock object outside the prefix).
    function script:Get-ServerSecond([string] $Bucket) { Get-TestServerSecond $E $Bucket }
    function script:Wait-ServerSecondAfter([string] $Bucket, [datetime] $Stamp) { Wait-TestServerSecondAfter $E $Bucket $Stamp }
    function script:Get-Sha256([string] $Path) { (Get-FileHash -Algorithm SHA256 -LiteralPath $Path).Hash.ToLowerInvariant() }

    # The scene of the issue: 100 files at T (mixed types); after T 50 overwritten with other bytes and another
    # content type, 30 deleted, 20 created; 20 untouched.
    $script:Bucket = New-VersionedBucket
    $script:Before = @{}
    $types = 'txt', 'jpg', 'css', 'json'
    for ($i = 0; $i -lt 100; $i++) { $Before["f/$i.$($types[$i % 4])"] = "original $i " + ('x' * $i) }
    $script:BeforeRoot = New-TestMediaTree -Files $Before
    Invoke-AwsCli -Endpoint $E s3 cp $BeforeRoot "s3://$Bucket/media/" --recursive | Out-Null
    $listed = Invoke-AwsCli -Endpoint $E s3api list-object-versions --bucket $Bucket --prefix media/
    $script:T = ($listed.Versions | ForEach-Object { [datetime]::Parse($_.LastModified).ToUniversalTime() } | Measure-Object -Maximum).Maximum
    $script:AtT = Get-Witness $Bucket
    Wait-ServerSecondAfter $Bucket $T

    $names = @($Before.Keys | Sort-Object)
    $script:Overwritten = @($names[0..49])
    $script:Deleted = @($names[50..79])
    $script:Untouched = @($names[80..99])
    $script:Created = @(0..19 | ForEach-Object { "new/$_.txt" })
    $overwrite = @{}; foreach ($n in $Overwritten) { $overwrite[$n] = "BAD BULK OVERWRITE of $n" }
    $overRoot = New-TestMediaTree -Files $overwrite
    Invoke-AwsCli -Endpoint $E s3 cp $overRoot "s3://$Bucket/media/" --recursive --content-type application/octet-stream | Out-Null
    $deleteJson = @{ Objects = @($Deleted | ForEach-Object { @{ Key = "media/$_" } }); Quiet = $true } | ConvertTo-Json -Compress -Depth 4
    $deleteFile = Join-Path ([IO.Path]::GetTempPath()) "delete-$([guid]::NewGuid().ToString('N')).json"
    Set-Content -LiteralPath $deleteFile -Value $deleteJson
    Invoke-AwsCli -Endpoint $E s3api delete-objects --bucket $Bucket --delete "file://$deleteFile" | Out-Null
    $newRoot = New-TestMediaTree -Files (@{} + ($Created | ForEach-Object -Begin { $h = @{} } -Process { $h[$_] = "created after T: $_" } -End { $h }))
    Invoke-AwsCli -Endpoint $E s3 cp $newRoot "s3://$Bucket/media/" --recursive | Out-Null
    $script:Messed = Get-VersionIds $Bucket
    $script:MessedWitness = Get-Witness $Bucket
    $script:Target = @{ BucketName = $Bucket; Prefix = 'media' }
}

AfterAll {
    if ($Moto.Owned) { Stop-MotoServer $Moto }
}

Describe 'Get-MediaVersion' {
    It 'lists the history of the prefix with -Until T being exactly the state at T' {
        $atT = @(Get-MediaVersion @Target -Until $T)
        $atT.Count | Should -Be 100
        @($atT.Name | Sort-Object) | Should -Be @($Before.Keys | Sort-Object)
        $after = @(Get-MediaVersion @Target -Since $T -IncludeDeleteMarkers)
        $after.Count | Should -Be (50 + 30 + 20)
        @($after | Where-Object IsDeleteMarker).Count | Should -Be 30
        $all = @(Get-MediaVersion @Target -IncludeDeleteMarkers)
        @($all | ForEach-Object { "$($_.Key)@$($_.VersionId)" } | Sort-Object) | Should -Be $Messed
        $all[0].PSObject.TypeNames[0] | Should -Be 'MediaOps.MediaVersion'
        ($all | Format-Table | Out-String -Width 120) | Should -Match 'VersionId'
    }

    It 'takes Django names from the pipeline and reports one name''s history newest first' {
        $name = $Overwritten[0]
        $rows = @([pscustomobject]@{ Name = $name } | Get-MediaVersion @Target)
        $rows.Count | Should -Be 2
        $rows[0].IsLatest | Should -BeTrue
        $rows[0].LastModifiedUtc | Should -BeGreaterThan $T
        $rows[1].LastModifiedUtc | Should -BeLessOrEqual $T
    }
}

Describe 'Sync-MediaFromS3 -AsOf' {
    It 'downloads the tree as it was at T into an empty folder, byte for byte, and a rerun downloads nothing' {
        $into = Join-Path ([IO.Path]::GetTempPath()) "asof-$([guid]::NewGuid().ToString('N'))"
        $result = Sync-MediaFromS3 -Path $into -Force @Target -AsOf $T
        $result.Failed | Should -Be 0
        $result.Transferred | Should -Be 100
        $got = @(Get-ChildItem -LiteralPath $into -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($into, $_.FullName).Replace('\', '/') } | Sort-Object)
        $got | Should -Be @($Before.Keys | Sort-Object)
        foreach ($name in $Before.Keys) { Get-Sha256 (Join-Path $into $name) | Should -Be (Get-Sha256 (Join-Path $BeforeRoot $name)) -Because $name }
        (Sync-MediaFromS3 -Path $into @Target -AsOf $T).Transferred | Should -Be 0
        # Without -AsOf the same folder is brought to today's state: the overwritten files and the new ones.
        (Sync-MediaFromS3 -Path $into @Target -WhatIf).Planned | Should -Be (50 + 20)
    }

    It 'refuses an unversioned bucket before creating anything' {
        $plain = New-TestBucketName -Stem 'pit'
        Invoke-AwsCli -Endpoint $E s3api create-bucket --bucket $plain | Out-Null
        $into = Join-Path ([IO.Path]::GetTempPath()) "asof-$([guid]::NewGuid().ToString('N'))"
        $err = $null
        try { Sync-MediaFromS3 -Path $into -Force -BucketName $plain -AsOf $T } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'MediaOps.BucketNotVersioned*'
        Test-Path -LiteralPath $into | Should -BeFalse
    }
}

Describe 'Restore-MediaVersion' {
    It '-WhatIf lists exactly the 80 overwritten and deleted keys (and the 20 new with -RemoveNewer) and writes nothing' {
        $plan = @(Restore-MediaVersion @Target -AsOf $T -WhatIf)
        $items = @($plan | Where-Object { $_ -is [MediaOps.SyncItem] })
        $result = $plan | Where-Object { $_ -is [MediaOps.SyncResult] }
        @($items.RelativePath | Sort-Object) | Should -Be @(@($Overwritten) + @($Deleted) | Sort-Object)
        @($items | Where-Object Action -ne 'Restore').Count | Should -Be 0
        @($items | Where-Object Status -ne 'Planned').Count | Should -Be 0
        $items[0].Reason | Should -Not -BeNullOrEmpty
        $result.Direction | Should -Be 'Restore'
        $result.WhatIf | Should -BeTrue
        $result.Planned | Should -Be 80

        $withNewer = @(Restore-MediaVersion @Target -AsOf $T -RemoveNewer -WhatIf | Where-Object { $_ -is [MediaOps.SyncItem] })
        @($withNewer | Where-Object Action -eq 'Delete' | ForEach-Object RelativePath | Sort-Object) | Should -Be @($Created | Sort-Object)
        $withNewer.Count | Should -Be 100
        Get-VersionIds $Bucket | Should -Be $Messed
    }

    It 'refuses an unversioned bucket and says how to enable versioning' {
        $plain = New-TestBucketName -Stem 'pit'
        Invoke-AwsCli -Endpoint $E s3api create-bucket --bucket $plain | Out-Null
        $err = $null
        try { Restore-MediaVersion -BucketName $plain -AsOf $T -Force } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'MediaOps.BucketNotVersioned*'
        $err.Exception.Message | Should -Match 'put-bucket-versioning'
        $err.Exception.Message | Should -Match 'Initialize-MediaBucket'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
    }

    It 'restores every key to its bytes and content type at T, adds only restore versions and markers, keeps history; a second run changes nothing' {
        $out = @(Restore-MediaVersion @Target -AsOf $T -RemoveNewer -Force -PassThru -Concurrency 8)
        $result = $out | Where-Object { $_ -is [MediaOps.SyncResult] }
        $items = @($out | Where-Object { $_ -is [MediaOps.SyncItem] })
        $result.Failed | Should -Be 0
        $result.Transferred | Should -Be 80
        $result.Deleted | Should -Be 20
        @($items | Where-Object Status -ne 'Done').Count | Should -Be 0

        $now = Get-Witness $Bucket
        foreach ($name in $Before.Keys) {
            $key = "media/$name"
            $now[$key].sha256 | Should -Be $AtT[$key].sha256 -Because "$name is back to its bytes at T"
            $now[$key].contentType | Should -Be $AtT[$key].contentType -Because "$name is back to its content type at T"
        }
        foreach ($name in $Created) { $now["media/$name"].sha256 | Should -BeNullOrEmpty -Because "$name is hidden by a delete marker" }
        foreach ($name in $Untouched) { $now["media/$name"].versions | Should -Be $MessedWitness["media/$name"].versions -Because "$name was in its state at T" }
        foreach ($name in @($Overwritten) + @($Deleted) + @($Created)) { @($now["media/$name"].versions).Count | Should -Be (@($MessedWitness["media/$name"].versions).Count + 1) }
        $after = Get-VersionIds $Bucket
        foreach ($id in $Messed) { $after | Should -Contain $id }

        # The aws CLI's own download of the prefix: the tree at T, byte for byte.
        $cliRoot = Join-Path ([IO.Path]::GetTempPath()) "cli-$([guid]::NewGuid().ToString('N'))"
        Invoke-AwsCli -Endpoint $E s3 cp "s3://$Bucket/media/" $cliRoot --recursive | Out-Null
        $got = @(Get-ChildItem -LiteralPath $cliRoot -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($cliRoot, $_.FullName).Replace('\', '/') } | Sort-Object)
        $got | Should -Be @($Before.Keys | Sort-Object)
        foreach ($name in $Before.Keys) { Get-Sha256 (Join-Path $cliRoot $name) | Should -Be (Get-Sha256 (Join-Path $BeforeRoot $name)) }

        $again = Restore-MediaVersion @Target -AsOf $T -RemoveNewer -Force
        $again.Transferred | Should -Be 0
        $again.Deleted | Should -Be 0
        Get-VersionIds $Bucket | Should -Be $after

        # Restored objects are ordinary objects to the rest of the module.
        $checks = @(@($Overwritten) + @($Deleted) | Test-MediaObject @Target -Path $BeforeRoot -Checksum)
        @($checks | Where-Object Status -ne 'Pass').Count | Should -Be 0
    }
}
