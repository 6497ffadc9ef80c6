#requires -Modules Pester
# Test-MediaBucket and Initialize-MediaBucket against moto over HTTP, through the built module.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    Set-TestAwsEnvironment -Endpoint $Moto.Endpoint
    $script:E = $Moto.Endpoint
    function script:Row($rows, $check) { $rows | Where-Object Check -eq $check }
    function script:New-RawBucket([string] $Region = 'us-east-1') {
        $name = New-TestBucketName -Stem 'bk'
        if ($Region -eq 'us-east-1') { $null = Invoke-AwsCli -Endpoint $E s3api create-bucket --bucket $name }
        else { $null = Invoke-AwsCli -Endpoint $E s3api create-bucket --bucket $name --create-bucket-configuration "LocationConstraint=$Region" }
        $name
    }
    function script:Set-Policy([string] $Bucket, [string] $Json) {
        $file = New-TemporaryFile
        Set-Content -Path $file -Value $Json.Replace('BUCKET', $Bucket)
        $null = Invoke-AwsCli -Endpoint $E s3api put-bucket-policy --bucket $Bucket --policy "file://$file"
        Remove-Item $file
    }
}
AfterAll { if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer } }

Describe 'Test-MediaBucket' {
    It 'finds the expected Fails on a raw moto bucket and explains the AWS defaults' {
        $bucket = New-RawBucket
        $rows = Test-MediaBucket -BucketName $bucket
        $rows | ForEach-Object { $_ | Should -BeOfType ([MediaOps.CheckResult]) }
        $rows.Check | Should -Be @('BucketExists', 'Region', 'Versioning', 'DefaultEncryption', 'PublicAccessBlock', 'ObjectOwnership', 'BucketPolicy', 'SecureTransport', 'Prefix', 'NoncurrentVersionLifecycle', 'Inventory')
        foreach ($c in 'Versioning', 'DefaultEncryption', 'PublicAccessBlock', 'ObjectOwnership') { (Row $rows $c).Status | Should -Be 'Fail' -Because $c }
        foreach ($c in 'DefaultEncryption', 'PublicAccessBlock', 'ObjectOwnership') { (Row $rows $c).Message | Should -Match 'AWS has applied .* since 2023' }
        (Row $rows 'SecureTransport').Status | Should -Be 'Warning'
        (Row $rows 'BucketExists').Target | Should -Be "s3://$bucket/media/"
        Test-MediaBucket -BucketName $bucket -Quiet | Should -BeFalse
    }

    It 'takes the bucket and prefix from the django-storages environment variables' {
        $bucket = New-RawBucket
        try {
            $env:AWS_STORAGE_BUCKET_NAME = $bucket; $env:AWS_LOCATION = 'uploads'
            $rows = Test-MediaBucket
            (Row $rows 'BucketExists').Status | Should -Be 'Pass'
            (Row $rows 'Prefix').Actual | Should -Be 'uploads/'
        } finally { Remove-Item Env:AWS_STORAGE_BUCKET_NAME, Env:AWS_LOCATION }
    }

    It 'reports a missing bucket as one BucketExists Fail, not an exception' {
        $rows = Test-MediaBucket -BucketName (New-TestBucketName -Stem 'gone') -ErrorAction Stop
        (Row $rows 'BucketExists').Status | Should -Be 'Fail'
        @($rows | Where-Object Status -eq 'Fail').Count | Should -Be 1
        @($rows | Where-Object { $_.Check -notin 'BucketExists', 'Prefix' -and $_.Status -ne 'Skipped' }).Count | Should -Be 0
    }

    It 'rejects an invalid bucket name with InvalidArgument before any request' {
        # An endpoint nothing listens on: a request would surface as a connection error instead.
        $err = $null
        try { Test-MediaBucket -BucketName 'Bad_Bucket' -EndpointUrl "http://127.0.0.1:$(Get-FreeTcpPort)" -ErrorAction Stop } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.FullyQualifiedErrorId | Should -Match '^MediaOps.InvalidBucketName'
    }

    It 'names the real region when the bucket is elsewhere' {
        $bucket = New-RawBucket -Region 'eu-west-2'
        $row = Row (Test-MediaBucket -BucketName $bucket -Region us-east-1) 'Region'
        $row.Status | Should -Be 'Fail'
        $row.Actual | Should -Be 'eu-west-2'
        $row.Message | Should -Match 'AWS_S3_REGION_NAME=eu-west-2'
        (Row (Test-MediaBucket -BucketName $bucket -Region eu-west-2) 'Region').Status | Should -Be 'Pass'
        (Row (Test-MediaBucket -BucketName $bucket -ExpectedRegion eu-central-1) 'Region').Status | Should -Be 'Fail'
    }

    It 'fails BucketPolicy for a public-read policy in the Private model' {
        $bucket = New-RawBucket
        Set-Policy $bucket '{"Version":"2012-10-17","Statement":[{"Sid":"AllRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}]}'
        $row = Row (Test-MediaBucket -BucketName $bucket) 'BucketPolicy'
        $row.Status | Should -Be 'Fail'
        $row.Message | Should -Match "'AllRead'"
    }

    It 'Public model: passes a prefix-only policy, fails a bucket-wide one' {
        $scoped = New-RawBucket
        Set-Policy $scoped '{"Version":"2012-10-17","Statement":[{"Sid":"MediaRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/media/*"}]}'
        (Row (Test-MediaBucket -BucketName $scoped -AccessModel Public) 'BucketPolicy').Status | Should -Be 'Pass'
        $wide = New-RawBucket
        Set-Policy $wide '{"Version":"2012-10-17","Statement":[{"Sid":"AllRead","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}]}'
        (Row (Test-MediaBucket -BucketName $wide -AccessModel Public) 'BucketPolicy').Status | Should -Be 'Fail'
    }

    It 'warns on an empty prefix and fails an overlapping -StaticPrefix' {
        $bucket = New-RawBucket
        (Row (Test-MediaBucket -BucketName $bucket -Prefix '') 'Prefix').Status | Should -Be 'Warning'
        (Row (Test-MediaBucket -BucketName $bucket -StaticPrefix 'media/static') 'Prefix').Status | Should -Be 'Fail'
        (Row (Test-MediaBucket -BucketName $bucket -StaticPrefix 'static') 'Prefix').Status | Should -Be 'Pass'
    }

    It 'stops with one AuthenticationError when no credentials can be found' {
        $script = @"
Import-Module '$($env:MEDIAOPS_MODULE_PATH)'
try { Test-MediaBucket -BucketName 'some-bucket' -EndpointUrl '$E' -ErrorAction Stop; 'no error' }
catch { "`$(`$_.CategoryInfo.Category)|`$(`$_.FullyQualifiedErrorId)|`$(`$_.Exception.Message)" }
"@
        $saved = @{}
        foreach ($n in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE') { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
        try {
            Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY, Env:AWS_PROFILE -ErrorAction SilentlyContinue
            $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path ([IO.Path]::GetTempPath()) 'mediaops-none-credentials'
            $env:AWS_CONFIG_FILE = Join-Path ([IO.Path]::GetTempPath()) 'mediaops-none-config'
            $out = (Invoke-FreshPwsh -NoProfile -NonInteractive -Command $script 2>&1 | Out-String).Trim()
        } finally {
            foreach ($n in $saved.Keys) {
                if ($null -eq $saved[$n]) { Remove-Item "Env:$n" -ErrorAction SilentlyContinue } else { Set-Item "Env:$n" $saved[$n] }
            }
        }
        $out | Should -Match '^AuthenticationError\|MediaOps.NoCredentials'
        $out | Should -Match '-Credential'
    }

    It 'returns one bool with -Quiet for a pipeline of buckets' {
        $a = New-RawBucket; $b = New-RawBucket
        $result = @([pscustomobject]@{ BucketName = $a }, [pscustomobject]@{ BucketName = $b }) | Test-MediaBucket -Quiet
        @($result).Count | Should -Be 1
        $result | Should -BeOfType ([bool])
        $result | Should -BeFalse
    }
}

Describe 'Initialize-MediaBucket' {
    It 'brings a raw bucket to the baseline: no Fail afterwards, and the aws CLI sees the settings' {
        $bucket = New-RawBucket
        $rows = Initialize-MediaBucket -BucketName $bucket -RequireTls -NoncurrentVersionExpirationDays 30 -Inventory Daily -Confirm:$false -WarningVariable notes -WarningAction SilentlyContinue
        $rows | ForEach-Object { $_ | Should -BeOfType ([MediaOps.CheckResult]) }
        @($rows | Where-Object Status -ne 'Pass') | Should -BeNullOrEmpty -Because ($rows | Where-Object Status -ne 'Pass' | Out-String)
        "$notes" | Should -Match 's3\.amazonaws\.com'   # the destination policy S3 needs to deliver the report
        $inventory = (Invoke-AwsCli -Endpoint $E s3api get-bucket-inventory-configuration --bucket $bucket --id mediaops-inventory).InventoryConfiguration
        $inventory.Schedule.Frequency | Should -Be 'Daily'
        $inventory.Destination.S3BucketDestination.Format | Should -Be 'CSV'
        $inventory.OptionalFields | Should -Contain 'ETag'
        (Invoke-AwsCli -Endpoint $E s3api get-bucket-versioning --bucket $bucket).Status | Should -Be 'Enabled'
        (Invoke-AwsCli -Endpoint $E s3api get-bucket-encryption --bucket $bucket).ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm | Should -Be 'AES256'
        $bpa = (Invoke-AwsCli -Endpoint $E s3api get-public-access-block --bucket $bucket).PublicAccessBlockConfiguration
        $bpa.BlockPublicAcls, $bpa.IgnorePublicAcls, $bpa.BlockPublicPolicy, $bpa.RestrictPublicBuckets | Should -Be @($true, $true, $true, $true)
        (Invoke-AwsCli -Endpoint $E s3api get-bucket-ownership-controls --bucket $bucket).OwnershipControls.Rules[0].ObjectOwnership | Should -Be 'BucketOwnerEnforced'
        Test-MediaBucket -BucketName $bucket -Quiet | Should -BeTrue
    }

    It 'is idempotent: a second run requests no change, says so, and leaves the bucket as it was' {
        $bucket = New-RawBucket
        $null = Initialize-MediaBucket -BucketName $bucket -RequireTls -NoncurrentVersionExpirationDays 30 -Confirm:$false
        $snapshot = { 'get-bucket-policy', 'get-bucket-lifecycle-configuration', 'get-bucket-versioning', 'get-bucket-encryption', 'get-public-access-block' |
                ForEach-Object { Invoke-AwsCli -Endpoint $E s3api $_ --bucket $bucket | ConvertTo-Json -Depth 10 } }
        $before = & $snapshot
        $verbose = Initialize-MediaBucket -BucketName $bucket -RequireTls -NoncurrentVersionExpirationDays 30 -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Should -Contain "MediaOps: s3://$bucket/media/ is already compliant with the Private baseline: nothing to change."
        @($verbose | Where-Object { $_ -like '*change needed*' -or $_ -like '*applying*' }) | Should -BeNullOrEmpty
        & $snapshot | Should -Be $before
        # ShouldProcess is not called at all: a -WhatIf run prints no "What if:" line.
        $out = Invoke-FreshPwsh -NoProfile -NonInteractive -Command "Import-Module '$($env:MEDIAOPS_MODULE_PATH)'; `$null = Initialize-MediaBucket -BucketName $bucket -RequireTls -NoncurrentVersionExpirationDays 30 -WhatIf" 2>&1
        @($out | Where-Object { "$_" -like 'What if:*' }) | Should -BeNullOrEmpty
    }

    It '-WhatIf lists one ShouldProcess per needed change and changes nothing, not even the bucket''s existence' {
        $missing = New-TestBucketName -Stem 'wi'
        $out = Invoke-FreshPwsh -NoProfile -NonInteractive -Command "Import-Module '$($env:MEDIAOPS_MODULE_PATH)'; `$null = Initialize-MediaBucket -BucketName $missing -Region eu-west-2 -RequireTls -WhatIf" 2>&1
        $whatIf = @($out | Where-Object { "$_" -like 'What if:*' })
        $whatIf.Count | Should -Be 6 -Because ($out | Out-String)
        $whatIf[0] | Should -Match 'Create bucket in eu-west-2'
        { Invoke-AwsCli -Endpoint $E s3api head-bucket --bucket $missing } | Should -Throw
        (Invoke-AwsCli -Endpoint $E s3api list-buckets).Buckets.Name | Should -Not -Contain $missing

        $raw = New-RawBucket
        $rows = Initialize-MediaBucket -BucketName $raw -RequireTls -NoncurrentVersionExpirationDays 7 -WhatIf -WarningAction SilentlyContinue
        # Only the "What if:" lines: no table of the bucket's current (mostly Skipped) state beside them.
        $rows | Should -BeNullOrEmpty
        Invoke-AwsCli -Endpoint $E s3api get-bucket-versioning --bucket $raw | Should -BeNullOrEmpty
        { Invoke-AwsCli -Endpoint $E s3api get-bucket-encryption --bucket $raw } | Should -Throw '*ServerSideEncryptionConfigurationNotFoundError*'
        { Invoke-AwsCli -Endpoint $E s3api get-public-access-block --bucket $raw } | Should -Throw '*NoSuchPublicAccessBlockConfiguration*'
        { Invoke-AwsCli -Endpoint $E s3api get-bucket-policy --bucket $raw } | Should -Throw '*NoSuchBucketPolicy*'
        { Invoke-AwsCli -Endpoint $E s3api get-bucket-lifecycle-configuration --bucket $raw } | Should -Throw '*NoSuchLifecycleConfiguration*'
    }

    It '-RequireTls over a plain-HTTP endpoint warns that the TLS-only policy denies every request made that way' {
        $raw = New-RawBucket
        $null = Initialize-MediaBucket -BucketName $raw -RequireTls -WhatIf -WarningVariable warned -WarningAction SilentlyContinue
        @($warned | Where-Object { "$_" -match 'plain-HTTP' -and "$_" -match 'aws:SecureTransport' -and "$_" -match 'AccessDenied' }).Count | Should -Be 1 -Because ($warned | Out-String)
        $null = Initialize-MediaBucket -BucketName $raw -WhatIf -WarningVariable quiet -WarningAction SilentlyContinue
        @($quiet | Where-Object { "$_" -match 'plain-HTTP' }) | Should -BeNullOrEmpty -Because 'without -RequireTls nothing is denied'
    }

    It 'creates a missing bucket in the requested region' {
        $bucket = New-TestBucketName -Stem 'new'
        $rows = Initialize-MediaBucket -BucketName $bucket -Region eu-west-2 -Confirm:$false
        (Invoke-AwsCli -Endpoint $E s3api get-bucket-location --bucket $bucket).LocationConstraint | Should -Be 'eu-west-2'
        (Row $rows 'Region').Status | Should -Be 'Pass'
        @($rows | Where-Object Status -eq 'Fail') | Should -BeNullOrEmpty
    }

    It 'Public model: grants s3:GetObject on the prefix only, keeps ACLs blocked, and removes a bucket-wide grant' {
        $bucket = New-RawBucket
        Set-Policy $bucket '{"Version":"2012-10-17","Statement":[{"Sid":"AllRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"},{"Sid":"Backup","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/backup"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}]}'
        $rows = Initialize-MediaBucket -BucketName $bucket -AccessModel Public -Confirm:$false
        @($rows | Where-Object Status -in 'Fail', 'Error') | Should -BeNullOrEmpty
        $policy = (Invoke-AwsCli -Endpoint $E s3api get-bucket-policy --bucket $bucket).Policy | ConvertFrom-Json
        $policy.Statement.Sid | Should -Be @('Backup', 'MediaOpsPublicReadMedia')
        ($policy.Statement | Where-Object Sid -eq 'MediaOpsPublicReadMedia').Resource | Should -Be "arn:aws:s3:::$bucket/media/*"
        $bpa = (Invoke-AwsCli -Endpoint $E s3api get-public-access-block --bucket $bucket).PublicAccessBlockConfiguration
        $bpa.BlockPublicAcls, $bpa.IgnorePublicAcls, $bpa.BlockPublicPolicy, $bpa.RestrictPublicBuckets | Should -Be @($true, $true, $false, $false)
        (Row (Test-MediaBucket -BucketName $bucket) 'BucketPolicy').Status | Should -Be 'Fail' -Because 'the same bucket is public for the Private model'
    }

    It 'sets SSE-KMS with -KmsKeyId' {
        $bucket = New-RawBucket
        $null = Initialize-MediaBucket -BucketName $bucket -KmsKeyId 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' -Confirm:$false
        $rule = (Invoke-AwsCli -Endpoint $E s3api get-bucket-encryption --bucket $bucket).ServerSideEncryptionConfiguration.Rules[0]
        $rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm | Should -Be 'aws:kms'
        $rule.BucketKeyEnabled | Should -BeTrue
    }

    It 'rejects an invalid bucket name with InvalidArgument before any request' {
        $err = $null
        try { Initialize-MediaBucket -BucketName 'no' -EndpointUrl "http://127.0.0.1:$(Get-FreeTcpPort)" -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.FullyQualifiedErrorId | Should -Match '^MediaOps.InvalidBucketName'
    }
}

Describe 'Least-privilege credentials (reference runbook policy, IAM-enforcing moto)' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'IamHarness.psm1') -Force
        $script:Lab = Start-MotoIamLab
    }
    AfterAll {
        if ($script:Lab) { $Lab.Server | Stop-MotoServer }
        Set-TestAwsEnvironment -Endpoint $E
    }

    It 'Test-MediaBucket answers with Skipped rows naming permissions, not errors' {
        $rows = Test-MediaBucket -BucketName $Lab.BucketName -EndpointUrl $Lab.Endpoint -Credential $Lab.App.Credential -ErrorAction Stop
        $rows.Count | Should -Be 11
        @($rows | Where-Object Status -eq 'Error') | Should -BeNullOrEmpty -Because ($rows | Out-String)
        (Row $rows 'BucketExists').Status | Should -Be 'Pass'
        (Row $rows 'BucketExists').Message | Should -Match 'listing'
        $versioning = Row $rows 'Versioning'
        $versioning.Status | Should -Be 'Skipped'
        $versioning.Actual | Should -Be 'access denied (s3:GetBucketVersioning)'
        foreach ($pair in @(@('Region', 's3:GetBucketLocation'), @('BucketPolicy', 's3:GetBucketPolicy'), @('PublicAccessBlock', 's3:GetBucketPublicAccessBlock'))) {
            (Row $rows $pair[0]).Status | Should -Be 'Skipped' -Because "$($pair[0]): $((Row $rows $pair[0]).Actual)"
            (Row $rows $pair[0]).Message | Should -Match ([regex]::Escape($pair[1]))
        }
    }

    It 'the same bucket read by the admin has no Skipped rows for lack of permission' {
        $rows = Test-MediaBucket -BucketName $Lab.BucketName -EndpointUrl $Lab.Endpoint -Credential $Lab.Admin.Credential
        @($rows | Where-Object Actual -like 'access denied*') | Should -BeNullOrEmpty -Because ($rows | Out-String)
    }

    It 'Initialize-MediaBucket with the app role reports each refused change as a PermissionDenied error naming the action' {
        $errors = $null
        $rows = Initialize-MediaBucket -BucketName $Lab.BucketName -EndpointUrl $Lab.Endpoint -Credential $Lab.App.Credential -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -BeGreaterThan 0
        $errors | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'PermissionDenied' }
        ($errors | ForEach-Object { $_.Exception.Message }) -join "`n" | Should -Match 's3:PutBucketVersioning'
        $rows.Count | Should -Be 11
    }
}
