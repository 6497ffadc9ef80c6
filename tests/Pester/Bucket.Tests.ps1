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
        $rows.Check | Should -Be @('BucketExists', 'Region', 'Versioning', 'DefaultEncryption', 'PublicAccessBlock', 'ObjectOwnership', 'BucketPolicy', 'SecureTransport', 'Prefix', 'NoncurrentVersionLifecycle')
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
