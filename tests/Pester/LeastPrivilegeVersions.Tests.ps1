#requires -Modules Pester
# New-MediaIamPolicy -IncludeVersions and Test-MediaAccess -IncludeVersions, proven on an IAM-enforcing moto with
# users that hold exactly the generated policies (see IamHarness.psm1 for moto's limits). moto checks a versioned
# GET as s3:GetObjectVersion and a version listing as s3:ListBucketVersions like AWS; it checks CopyObject only as
# s3:PutObject (AWS also wants s3:GetObjectVersion on the source: the policy grants it, this test cannot prove it).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'IamHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    Set-TestAwsEnvironment
    $script:Bucket = New-TestBucketName -Stem 'lpv'
    $script:Lab = Start-MotoIamLab -BucketName $Bucket -AppPolicyJson (New-MediaIamPolicy -BucketName $Bucket -Prefix media -IncludeVersions) `
        -ExtraUser @{ 'no-versions' = (New-MediaIamPolicy -BucketName $Bucket -Prefix media) }
    $script:Target = @{ BucketName = $Bucket; EndpointUrl = $Lab.Endpoint; Region = 'us-east-1' }
    $admin = $Lab.Admin
    Invoke-AwsCliAs $Lab.Endpoint $admin s3api put-bucket-versioning --bucket $Bucket --versioning-configuration Status=Enabled | Out-Null
    $script:Files = @{ 'a.txt' = 'first a'; 'b.css' = 'body{}'; 'c.json' = '{"c":1}' }
    $root = New-TestMediaTree -Files $Files
    Invoke-AwsCliAs $Lab.Endpoint $admin s3 cp $root "s3://$Bucket/media/" --recursive | Out-Null
    Invoke-AwsCliAs $Lab.Endpoint $admin s3 cp $root "s3://$Bucket/other/" --recursive | Out-Null
    $listed = Invoke-AwsCliAs $Lab.Endpoint $admin s3api list-object-versions --bucket $Bucket --prefix media/
    $script:T = ($listed.Versions | ForEach-Object { [datetime]::Parse($_.LastModified).ToUniversalTime() } | Measure-Object -Maximum).Maximum
    $deadline = [datetime]::UtcNow.AddSeconds(120)
    do {
        Invoke-AwsCliAs $Lab.Endpoint $admin s3api put-object --bucket $Bucket --key clock/tick | Out-Null
        $now = [datetime]::Parse((Invoke-AwsCliAs $Lab.Endpoint $admin s3api head-object --bucket $Bucket --key clock/tick).LastModified).ToUniversalTime()
        if ($now -le $T -and [datetime]::UtcNow -gt $deadline) { throw 'the server clock did not move on' }
    } while ($now -le $T)
    $badRoot = New-TestMediaTree -Files @{ 'a.txt' = 'overwritten by mistake' }
    Invoke-AwsCliAs $Lab.Endpoint $admin s3 cp $badRoot "s3://$Bucket/media/" --recursive | Out-Null
    Invoke-AwsCliAs $Lab.Endpoint $admin s3api delete-object --bucket $Bucket --key media/b.css | Out-Null
}
AfterAll { if ($script:Lab) { $Lab.Server | Stop-MotoServer } }

Describe 'New-MediaIamPolicy -IncludeVersions' {
    It 'adds version listing in the prefix, the versioning read and GetObjectVersion, and only when asked' {
        $with = New-MediaIamPolicy -BucketName $Bucket -Prefix media -IncludeVersions | ConvertFrom-Json
        $without = New-MediaIamPolicy -BucketName $Bucket -Prefix media | ConvertFrom-Json
        $list = $with.Statement | Where-Object { $_.Action -contains 's3:ListBucketVersions' }
        $list.Resource | Should -Be "arn:aws:s3:::$Bucket"
        $list.Condition.StringLike.'s3:prefix' | Should -Be 'media/*'
        ($with.Statement | Where-Object { $_.Action -contains 's3:GetObjectVersion' }).Resource | Should -Be "arn:aws:s3:::$Bucket/media/*"
        ($with.Statement | Where-Object { $_.Action -contains 's3:GetBucketVersioning' }).Resource | Should -Be "arn:aws:s3:::$Bucket"
        $with.Statement.Action | Should -Not -Contain 's3:DeleteObjectVersion'
        foreach ($action in 's3:ListBucketVersions', 's3:GetObjectVersion', 's3:GetBucketVersioning') { $without.Statement.Action | Should -Not -Contain $action }
    }
}

Describe 'Test-MediaAccess -IncludeVersions' {
    It 'passes for the user holding the -IncludeVersions policy, history outside the prefix denied' {
        $rows = Test-MediaAccess @Target -Credential $Lab.App.Credential -IncludeVersions
        foreach ($check in 'ListVersionsInPrefix', 'GetBucketVersioning', 'GetObjectVersion', 'ListVersionsOutsidePrefix') {
            ($rows | Where-Object Check -eq $check).Status | Should -Be 'Pass' -Because $check
        }
        $rows | Where-Object Status -in 'Fail', 'Error', 'Warning' | ForEach-Object { "$($_.Check) $($_.Status) $($_.Actual)" } | Should -BeNullOrEmpty
    }

    It 'fails the three version reads for the user holding the plain policy, naming the switch that grants them' {
        $rows = Test-MediaAccess @Target -Credential $Lab.Users['no-versions'].Credential -IncludeVersions
        foreach ($check in 'ListVersionsInPrefix', 'GetBucketVersioning', 'GetObjectVersion') {
            $row = $rows | Where-Object Check -eq $check
            $row.Status | Should -Be 'Fail' -Because $check
            $row.Message | Should -Match 'IncludeVersions'
        }
        # Without the switch, no version probe runs: the app's own policy is not judged by recovery's needs.
        @(Test-MediaAccess @Target -Credential $Lab.Users['no-versions'].Credential | Where-Object Check -like '*Version*' | Where-Object Check -ne 'DeleteObjectVersion') | Should -BeNullOrEmpty
    }
}

Describe 'Point-in-time recovery with exactly the -IncludeVersions policy' {
    It 'downloads the tree at T and restores it in place; the plain policy is refused with the permission named' {
        $err = $null
        try { Get-MediaVersion @Target -Credential $Lab.Users['no-versions'].Credential -ErrorAction Stop } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        "$err" | Should -Match 's3:ListBucketVersions'

        $into = Join-Path ([IO.Path]::GetTempPath()) "lpv-$([guid]::NewGuid().ToString('N'))"
        $sync = Sync-MediaFromS3 -Path $into -Force @Target -Credential $Lab.App.Credential -AsOf $T
        $sync.Failed | Should -Be 0
        foreach ($name in $Files.Keys) { Get-Content -Raw -LiteralPath (Join-Path $into $name) | Should -Be $Files[$name] }

        $result = Restore-MediaVersion @Target -Credential $Lab.App.Credential -AsOf $T -Force
        $result.Failed | Should -Be 0
        $result.Transferred | Should -Be 2
        foreach ($name in 'a.txt', 'b.css') {
            Invoke-AwsCliAs $Lab.Endpoint $Lab.Admin s3 cp "s3://$Bucket/media/$name" (Join-Path $into "check-$name") | Out-Null
            Get-Content -Raw -LiteralPath (Join-Path $into "check-$name") | Should -Be $Files[$name]
        }
    }
}
