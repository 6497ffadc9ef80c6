#requires -Modules Pester
# Test-MediaObject, Get-MediaUrl and Invoke-MediaSmokeTest against moto over HTTP.
#
# moto's behaviour for unsigned GETs (moto 5.2, default non-IAM mode, checked in moto/s3/responses.py
# _key_response): a GET without Authorization header or signature is answered 403 unless the bucket policy
# allows the action to "*" (or the object ACL is public-read), and 200 with such a policy. moto ignores Block
# Public Access here. So the default moto is an honest judge of the UnsignedUrl step: a Private bucket denies,
# a public-read policy opens it. (A GET for a missing key answers 404 anonymously, where AWS would say 403.)
# moto's IAM-enforcing mode (INITIAL_NO_AUTH_ACTION_COUNT) is no use here: it answers 403 to every anonymous GET,
# even with a public-read policy (checked by hand with curl), so the Public model could never pass there.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    $script:Endpoint = $Moto.Endpoint
    Set-TestAwsEnvironment -Endpoint $Endpoint

    function script:New-VerifyBucket([switch] $Encrypted, [switch] $Versioned) {
        $name = New-TestBucketName 'vf'
        Invoke-AwsCli -Endpoint $Endpoint s3api create-bucket --bucket $name | Out-Null
        if ($Encrypted) {
            Invoke-AwsCli -Endpoint $Endpoint s3api put-bucket-encryption --bucket $name --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}' | Out-Null
        }
        if ($Versioned) {
            Invoke-AwsCli -Endpoint $Endpoint s3api put-bucket-versioning --bucket $name --versioning-configuration Status=Enabled | Out-Null
        }
        return $name
    }
    function script:Set-Policy([string] $Bucket, [string] $Effect, [string] $Action, [string] $Resource) {
        $policy = @{ Version = '2012-10-17'; Statement = @(@{ Effect = $Effect; Principal = '*'; Action = $Action; Resource = "arn:aws:s3:::$Bucket/$Resource" }) } | ConvertTo-Json -Depth 5 -Compress
        Invoke-AwsCli -Endpoint $Endpoint s3api put-bucket-policy --bucket $Bucket --policy $policy | Out-Null
    }
    function script:Get-AllVersions([string] $Bucket) {
        $v = Invoke-AwsCli -Endpoint $Endpoint s3api list-object-versions --bucket $Bucket --output json
        if (-not $v) { return @() }
        @($v.PSObject.Properties['Versions'].Value) + @($v.PSObject.Properties['DeleteMarkers'].Value) | Where-Object { $_ }
    }
}

AfterAll { if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer } }

Describe 'Test-MediaObject' {
    BeforeAll {
        $script:Bucket = New-VerifyBucket -Encrypted
        $script:Root = New-TestMediaTree -Files @{
            'uploads/a.jpg'        = 'aaaa'
            'uploads/b c.png'      = 'bbbbbb'
            'uploads/changed.txt'  = 'local version'
            'uploads/shorter.txt'  = 'local is longer'
            'uploads/multi.bin'    = 'multipart body'
            'uploads/multi2.bin'   = 'multipart two!'
        }
        Invoke-AwsCli -Endpoint $Endpoint s3 sync $Root "s3://$Bucket/media/" | Out-Null
        # Same length, other bytes; and a different length.
        $tmp = New-TestMediaTree -Files @{ 'changed.txt' = 'LOCAL VERSION'; 'shorter.txt' = 'short' }
        Invoke-AwsCli -Endpoint $Endpoint s3 cp (Join-Path $tmp 'changed.txt') "s3://$Bucket/media/uploads/changed.txt" | Out-Null
        Invoke-AwsCli -Endpoint $Endpoint s3 cp (Join-Path $tmp 'shorter.txt') "s3://$Bucket/media/uploads/shorter.txt" | Out-Null
        # A one-part multipart upload of the same bytes: its ETag is '<md5 of md5s>-1', not an MD5 of the content.
        $upload = Invoke-AwsCli -Endpoint $Endpoint s3api create-multipart-upload --bucket $Bucket --key media/uploads/multi.bin
        $part = Invoke-AwsCli -Endpoint $Endpoint s3api upload-part --bucket $Bucket --key media/uploads/multi.bin --part-number 1 --upload-id $upload.UploadId --body (Join-Path $Root 'uploads/multi.bin')
        $parts = @{ Parts = @(@{ ETag = $part.ETag; PartNumber = 1 }) } | ConvertTo-Json -Depth 4 -Compress
        Invoke-AwsCli -Endpoint $Endpoint s3api complete-multipart-upload --bucket $Bucket --key media/uploads/multi.bin --upload-id $upload.UploadId --multipart-upload $parts | Out-Null
        # The same as a one-part multipart upload of other bytes of the same length.
        $other = New-TestMediaTree -Files @{ 'multi2.bin' = 'MULTIPART TWO!' }
        $upload = Invoke-AwsCli -Endpoint $Endpoint s3api create-multipart-upload --bucket $Bucket --key media/uploads/multi2.bin
        $part = Invoke-AwsCli -Endpoint $Endpoint s3api upload-part --bucket $Bucket --key media/uploads/multi2.bin --part-number 1 --upload-id $upload.UploadId --body (Join-Path $other 'multi2.bin')
        $parts = @{ Parts = @(@{ ETag = $part.ETag; PartNumber = 1 }) } | ConvertTo-Json -Depth 4 -Compress
        Invoke-AwsCli -Endpoint $Endpoint s3api complete-multipart-upload --bucket $Bucket --key media/uploads/multi2.bin --upload-id $upload.UploadId --multipart-upload $parts | Out-Null
    }
    AfterAll { Remove-Item $Root -Recurse -Force -ErrorAction SilentlyContinue }

    It 'binds strings and objects with Name, name, Key, FileName or file' {
        $inputs = @(
            'uploads/a.jpg'
            [pscustomobject]@{ Name = 'uploads/a.jpg' }
            [pscustomobject]@{ name = 'uploads/a.jpg' }
            [pscustomobject]@{ Key = 'uploads/a.jpg' }
            [pscustomobject]@{ FileName = 'uploads/a.jpg' }
            [pscustomobject]@{ id = '7'; file = 'uploads/a.jpg' }
        )
        $rows = $inputs | Test-MediaObject -BucketName $Bucket
        $rows.Count | Should -Be 6
        $rows | ForEach-Object { $_ | Should -BeOfType ([MediaOps.ObjectCheck]); $_.Status | Should -Be 'Pass'; $_.Key | Should -Be 'media/uploads/a.jpg' }
    }

    It 'keeps the caller''s row: Import-Csv | Test-MediaObject | Where Status -ne Pass | Export-Csv names the id' {
        $csv = New-TemporaryFile
        $failed = New-TemporaryFile
        try {
            "id,file,title`n11,uploads/a.jpg,present`n12,uploads/gone.jpg,missing`n13,uploads/b c.png,present" | Set-Content -LiteralPath $csv
            Import-Csv $csv | Test-MediaObject -BucketName $Bucket | Where-Object Status -ne 'Pass' | Export-Csv -LiteralPath $failed
            $rows = @(Import-Csv $failed)
            $rows.Count | Should -Be 1
            $rows[0].id | Should -Be '12'
            $rows[0].title | Should -Be 'missing'
            $rows[0].Name | Should -Be 'uploads/gone.jpg'
            $rows[0].Status | Should -Be 'Fail'
            $plain = 'uploads/a.jpg' | Test-MediaObject -BucketName $Bucket
            $plain.InputObject | Should -Be 'uploads/a.jpg'
            (Import-Csv $csv | Test-MediaObject -BucketName $Bucket)[2].InputObject.id | Should -Be '13'
        }
        finally { Remove-Item $csv, $failed -ErrorAction SilentlyContinue }
    }

    It 'fills the row from the HEAD' {
        $row = Test-MediaObject 'uploads/b c.png' -BucketName $Bucket
        $row.Exists | Should -BeTrue
        $row.Length | Should -Be 6
        $row.ContentType | Should -Be 'image/png'
        $row.ETag | Should -Match '^[0-9a-f]{32}$'
        $row.ServerSideEncryption | Should -Be 'AES256'
        $row.LastModified.Kind | Should -Be 'Utc'
    }

    It 'reports a missing name as a Fail row, not an error' {
        $row = Test-MediaObject 'uploads/not-there.jpg' -BucketName $Bucket -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $row.Status | Should -Be 'Fail'
        $row.Exists | Should -BeFalse
        $row.Message | Should -Match 'not in S3'
    }

    It 'keeps input order for many names with interleaved misses, and streams before the input ends' {
        $names = 1..600 | ForEach-Object { if ($_ % 7 -eq 0) { "missing/$_.jpg" } else { 'uploads/a.jpg' } }
        $log = [Collections.Generic.List[string]]::new()
        $rows = $names | ForEach-Object -Begin { $i = 0 } -Process { $i++; $log.Add("in $i"); $_ } |
            Test-MediaObject -BucketName $Bucket -Concurrency 8 |
            ForEach-Object -Begin { $o = 0 } -Process { $o++; $log.Add("out $o"); $_ }
        $rows.Count | Should -Be 600
        $rows.Name | Should -Be $names
        ($rows | Where-Object Status -eq 'Fail').Count | Should -Be 85
        $log.IndexOf('out 1') | Should -BeLessThan $log.IndexOf('in 600') -Because 'results must flow while input is still arriving'
    }

    It '-Path compares the local length and -Checksum the content' {
        $rows = 'uploads/a.jpg', 'uploads/changed.txt', 'uploads/shorter.txt' | Test-MediaObject -BucketName $Bucket -Path $Root -Checksum
        $rows[0].Status | Should -Be 'Pass'
        $rows[0].LocalLength | Should -Be 4
        $rows[1].Status | Should -Be 'Fail'
        $rows[1].Message | Should -Match 'Content differs'
        $rows[2].Status | Should -Be 'Fail'
        $rows[2].Message | Should -Match 'Sizes differ'
        $rows[2].LocalLength | Should -Be 15
        $rows[2].Length | Should -Be 5
        # Without -Checksum the same-length change passes: only the length is compared.
        (Test-MediaObject 'uploads/changed.txt' -BucketName $Bucket -Path $Root).Status | Should -Be 'Pass'
    }

    It 'compares a multipart object by recomputing its ETag from the local parts' {
        $rows = 'uploads/multi.bin', 'uploads/multi2.bin' | Test-MediaObject -BucketName $Bucket -Path $Root -Checksum
        $rows[0].ETag | Should -Match '-1$'
        $rows[0].Status | Should -Be 'Pass'
        $rows[0].Message | Should -Match 'multipart ETag'
        $rows[1].ETag | Should -Match '-1$'
        $rows[1].Status | Should -Be 'Fail' -Because 'same length, other bytes'
        $rows[1].Message | Should -Match 'Content differs.*multipart ETag'
    }

    It 'points to Sync-MediaToS3 when the object is missing but the local file exists' {
        $extra = Join-Path $Root 'uploads/only-local.txt'
        Set-Content -LiteralPath $extra -Value 'x'
        $row = Test-MediaObject 'uploads/only-local.txt' -BucketName $Bucket -Path $Root
        $row.Status | Should -Be 'Fail'
        $row.Message | Should -Match 'Sync-MediaToS3'
    }

    It 'refuses names that leave the prefix, as django-storages does' {
        $rows = '../secrets.txt', '/etc/passwd' | Test-MediaObject -BucketName $Bucket
        $rows | ForEach-Object { $_.Status | Should -Be 'Fail'; $_.Key | Should -BeNullOrEmpty; $_.Message | Should -Match 'SuspiciousOperation' }
    }

    It '-Quiet returns one bool' {
        'uploads/a.jpg', 'uploads/b c.png' | Test-MediaObject -BucketName $Bucket -Quiet | Should -BeExactly $true
        $result = @('uploads/a.jpg', 'nope.jpg' | Test-MediaObject -BucketName $Bucket -Quiet)
        $result.Count | Should -Be 1
        $result[0] | Should -BeExactly $false
    }

    It 'explains a 403 on HEAD (no s3:ListBucket makes S3 answer 403 for a missing key)' {
        $denied = New-VerifyBucket
        # moto answers 403 when a bucket policy denies the call; AWS answers 403 for a missing key without ListBucket.
        Set-Policy $denied 'Deny' 's3:*' 'media/private/*'
        $row = Test-MediaObject 'private/x.jpg' -BucketName $denied
        $row.Status | Should -Be 'Fail'
        $row.Message | Should -Match '403'
        $row.Message | Should -Match 's3:ListBucket'
    }

    It 'stops with BucketNotFound when the bucket does not exist' {
        { Test-MediaObject 'a.jpg' -BucketName (New-TestBucketName 'gone') -ErrorAction Stop } | Should -Throw -ErrorId 'MediaOps.BucketNotFound*'
    }

    It '-Checksum without -Path is an InvalidArgument error' {
        $err = { Test-MediaObject 'a.jpg' -BucketName $Bucket -Checksum -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'MediaOps.ChecksumNeedsPath*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Get-MediaUrl' {
    BeforeAll {
        $script:Bucket = New-VerifyBucket
        $f = New-TestMediaTree -Files @{ 'a.txt' = 'url body' }
        Invoke-AwsCli -Endpoint $Endpoint s3 cp (Join-Path $f 'a.txt') "s3://$Bucket/media/docs/a.txt" | Out-Null
    }

    It 'presigns a path-style SigV4 GET valid for 3600 s by default' {
        $u = Get-MediaUrl 'docs/a.txt' -BucketName $Bucket
        $u | Should -BeOfType ([MediaOps.MediaUrl])
        $u.Key | Should -Be 'media/docs/a.txt'
        $u.Url | Should -BeLike "$Endpoint/$Bucket/media/docs/a.txt?*"
        $u.Url | Should -Match 'X-Amz-Algorithm=AWS4-HMAC-SHA256'
        $u.Url | Should -Match 'X-Amz-Expires=3600(&|$)'
        ($u.ExpiresUtc - [datetime]::UtcNow).TotalSeconds | Should -BeGreaterThan 3590
        $r = Invoke-WebRequest $u.Url -SkipHttpErrorCheck
        $r.StatusCode | Should -Be 200
        $r.Content | Should -Be 'url body'
    }

    It 'honours -ExpiresIn and rejects values SigV4 cannot sign' {
        (Get-MediaUrl 'docs/a.txt' -BucketName $Bucket -ExpiresIn 60).Url | Should -Match 'X-Amz-Expires=60(&|$)'
        { Get-MediaUrl 'docs/a.txt' -BucketName $Bucket -ExpiresIn 604801 } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It '-Unsigned gives the plain URL, which a private bucket refuses' {
        $u = Get-MediaUrl 'docs/a.txt' -BucketName $Bucket -Unsigned
        $u.Url | Should -BeExactly "$Endpoint/$Bucket/media/docs/a.txt"
        $u.ExpiresUtc | Should -BeNullOrEmpty
        (Invoke-WebRequest $u.Url -SkipHttpErrorCheck).StatusCode | Should -Be 403
    }

    It 'takes names from the pipeline and writes an error per refused name' {
        $urls = 'docs/a.txt', '../x', [pscustomobject]@{ file = 'docs/a.txt' } | Get-MediaUrl -BucketName $Bucket -ErrorVariable errs -ErrorAction SilentlyContinue
        $urls.Count | Should -Be 2
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'MediaOps.SuspiciousName*'
        $errs[0].TargetObject | Should -Be '../x'
    }
}

Describe 'Invoke-MediaSmokeTest' {
    It 'passes every step on an encrypted private bucket and leaves nothing behind (versioned)' {
        $bucket = New-VerifyBucket -Encrypted -Versioned
        $rows = Invoke-MediaSmokeTest -BucketName $bucket
        $rows.Check | Should -Be @('Upload', 'Head', 'ReadBack', 'SignedUrl', 'UnsignedUrl', 'Delete')
        $rows | ForEach-Object { $_ | Should -BeOfType ([MediaOps.CheckResult]); $_.Status | Should -Be 'Pass' -Because "$($_.Check): $($_.Message)" }
        $rows[0].Target | Should -Match "^s3://$bucket/media/mediaops-smoke-test/"
        @(Get-AllVersions $bucket) | Should -BeNullOrEmpty -Because 'the probe version itself is removed, not hidden behind a delete marker'
    }

    It 'fails Head on a bucket without default encryption' {
        $bucket = New-VerifyBucket
        $head = Invoke-MediaSmokeTest -BucketName $bucket | Where-Object Check -eq 'Head'
        $head.Status | Should -Be 'Fail'
        $head.Message | Should -Match 'not encrypted'
    }

    It 'catches a public-read policy in the Private model and passes it in the Public model' {
        $bucket = New-VerifyBucket -Encrypted
        (Invoke-MediaSmokeTest -BucketName $bucket | Where-Object Check -eq 'UnsignedUrl').Status | Should -Be 'Pass'
        (Invoke-MediaSmokeTest -BucketName $bucket -AccessModel Public | Where-Object Check -eq 'UnsignedUrl').Status | Should -Be 'Fail'

        Set-Policy $bucket 'Allow' 's3:GetObject' 'media/*'
        $private = Invoke-MediaSmokeTest -BucketName $bucket | Where-Object Check -eq 'UnsignedUrl'
        $private.Status | Should -Be 'Fail'
        $private.Actual | Should -Match '^200'
        $private.Message | Should -Match 'Objects are public'
        (Invoke-MediaSmokeTest -BucketName $bucket -AccessModel Public | Where-Object Check -eq 'UnsignedUrl').Status | Should -Be 'Pass'
        @(Invoke-AwsCli -Endpoint $Endpoint s3api list-objects-v2 --bucket $bucket --output json).Where({ $_ -and $_.PSObject.Properties['Contents'] }) | Should -BeNullOrEmpty
    }

    It 'writes Fail then Skipped rows when the upload is denied, and stops on a missing bucket' {
        $bucket = New-VerifyBucket -Encrypted
        Set-Policy $bucket 'Deny' 's3:PutObject' 'media/*'
        $rows = Invoke-MediaSmokeTest -BucketName $bucket
        $rows[0].Check | Should -Be 'Upload'
        $rows[0].Status | Should -Be 'Fail'
        ($rows | Select-Object -Skip 1).Status | Should -Be (@('Skipped') * 5)
        { Invoke-MediaSmokeTest -BucketName (New-TestBucketName 'gone') -ErrorAction Stop } | Should -Throw -ErrorId 'MediaOps.BucketNotFound*'
    }

    It '-KeepObject keeps the probe and -WhatIf writes nothing' {
        $bucket = New-VerifyBucket -Encrypted
        Invoke-MediaSmokeTest -BucketName $bucket -WhatIf | Should -BeNullOrEmpty
        (Invoke-AwsCli -Endpoint $Endpoint s3 ls --recursive "s3://$bucket/") | Should -BeNullOrEmpty
        $rows = Invoke-MediaSmokeTest -BucketName $bucket -KeepObject
        ($rows | Where-Object Check -eq 'Delete').Status | Should -Be 'Skipped'
        $key = ($rows[0].Target -replace "^s3://$bucket/", '')
        (Invoke-AwsCli -Endpoint $Endpoint s3 ls --recursive "s3://$bucket/") | Should -Match ([regex]::Escape($key))
    }
}

Describe 'with the reference runbook''s least-privilege policy (IAM-enforcing moto)' {
    # moto's IAM mode checks signatures (presigned ones too, through the harness's getmoto/moto#5948 fix) and
    # identity policies, so here a presigned URL opens only if MediaOps signed it right for a user allowed to read.
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'IamHarness.psm1') -Force
        $listOnly = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}'
        $script:Lab = Start-MotoIamLab -ExtraUser @{ 'list-only' = $listOnly }
        $e = $Lab.Endpoint
        $null = Invoke-AwsCliAs -Endpoint $e -User $Lab.Admin s3api put-bucket-encryption --bucket $Lab.BucketName --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
        $f = New-TestMediaTree -Files @{ 'a.txt' = 'least privilege' }
        $null = Invoke-AwsCliAs -Endpoint $e -User $Lab.Admin s3 cp (Join-Path $f 'a.txt') "s3://$($Lab.BucketName)/media/docs/a.txt"
        $script:As = @{ BucketName = $Lab.BucketName; EndpointUrl = $e; Credential = $Lab.App.Credential }
    }
    AfterAll { $script:Lab.Server | Stop-MotoServer }

    It 'Test-MediaObject resolves present and missing names with only the app''s permissions' {
        $rows = 'docs/a.txt', 'docs/missing.txt' | Test-MediaObject @As
        $rows.Status | Should -Be @('Pass', 'Fail')
    }

    It 'a presigned URL opens for the app user and not for a user without s3:GetObject' {
        $url = Get-MediaUrl 'docs/a.txt' @As
        $r = Invoke-WebRequest $url.Url -SkipHttpErrorCheck
        $r.StatusCode | Should -Be 200
        $r.Content | Should -Be 'least privilege'
        $other = Get-MediaUrl 'docs/a.txt' -BucketName $Lab.BucketName -EndpointUrl $Lab.Endpoint -Credential $Lab.Users['list-only'].Credential
        (Invoke-WebRequest $other.Url -SkipHttpErrorCheck).StatusCode | Should -Be 403
    }

    It 'the smoke test passes with the runbook policy and leaves nothing behind' {
        $rows = Invoke-MediaSmokeTest @As
        $rows | ForEach-Object { $_.Status | Should -Be 'Pass' -Because "$($_.Check): $($_.Message)" }
        $left = Invoke-AwsCliAs -Endpoint $Lab.Endpoint -User $Lab.Admin s3api list-objects-v2 --bucket $Lab.BucketName --prefix media/mediaops-smoke-test/
        $left.PSObject.Properties['Contents'] | Should -BeNullOrEmpty -Because 'the probe is deleted'
    }
}
