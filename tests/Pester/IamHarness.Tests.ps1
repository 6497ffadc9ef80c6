#requires -Modules Pester
# Proves the IAM test harness (IamHarness.psm1 + moto_launcher.py) before other tests rely on it:
# a user holding only the reference runbook's policy can work under media/ and nowhere else,
# with the aws CLI and with MediaOps. Known moto limits are named where a result depends on them.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'IamHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    Set-TestAwsEnvironment
    $script:Lab = Start-MotoIamLab
    $env:AWS_S3_ENDPOINT_URL = $Lab.Endpoint
    $script:Bucket = $Lab.BucketName
    $script:Body = Join-Path ([IO.Path]::GetTempPath()) "iam-body-$([guid]::NewGuid().ToString('N')).txt"
    [IO.File]::WriteAllText($Body, 'harness body')
    # aws CLI v1 presigns with SigV2 unless told otherwise; this config makes it SigV4 like boto3 and the .NET SDK.
    $script:SigV4Config = Join-Path ([IO.Path]::GetTempPath()) "aws-s3v4-$([guid]::NewGuid().ToString('N')).ini"
    [IO.File]::WriteAllText($SigV4Config, "[default]`ns3 =`n  signature_version = s3v4`n")
    function script:Get-HttpText([string] $Url) {
        $response = Invoke-WebRequest $Url
        if ($response.Content -is [byte[]]) { [Text.Encoding]::UTF8.GetString($response.Content) } else { $response.Content }
    }
}
AfterAll {
    if ($script:Lab) { $Lab.Server | Stop-MotoServer }
    Remove-Item $script:Body, $script:SigV4Config -ErrorAction SilentlyContinue
}

Describe 'IAM harness: a user with only the reference runbook policy' {
    It 'lists, puts, gets and deletes under media/ with the aws CLI (prefix media/ and a key with spaces: getmoto/moto#5948 paths)' {
        $key = 'media/harness/a b+ü.txt'
        Get-AwsCliOutcome $Lab.Endpoint $Lab.App s3api put-object --bucket $Bucket --key $key --body $Body | Should -Be 'Allowed'
        $listed = Invoke-AwsCliAs $Lab.Endpoint $Lab.App s3api list-objects-v2 --bucket $Bucket --prefix 'media/'
        $listed.Contents.Key | Should -Contain $key
        Get-AwsCliOutcome $Lab.Endpoint $Lab.App s3api head-object --bucket $Bucket --key $key | Should -Be 'Allowed'
        Get-AwsCliOutcome $Lab.Endpoint $Lab.App s3api delete-object --bucket $Bucket --key $key | Should -Be 'Allowed'
        (Invoke-AwsCliAs $Lab.Endpoint $Lab.Admin s3api list-objects-v2 --bucket $Bucket --prefix 'media/harness/').Contents | Should -BeNullOrEmpty
    }

    It 'is denied PutObject outside the prefix' {
        Get-AwsCliOutcome $Lab.Endpoint $Lab.App s3api put-object --bucket $Bucket --key 'other/x.txt' --body $Body | Should -Be 'AccessDenied'
        Get-AwsCliOutcome $Lab.Endpoint $Lab.App s3api put-object --bucket $Bucket --key 'mediax/x.txt' --body $Body | Should -Be 'AccessDenied'
    }

    It 'is denied listing outside the prefix (s3:prefix condition: emulated by the harness, moto ignores StringLike)' {
        (Get-MotoIamLimit) -join "`n" | Should -Match 's3:prefix'
        Get-AwsCliOutcome $Lab.Endpoint $Lab.App s3api list-objects-v2 --bucket $Bucket --prefix 'other/' | Should -Be 'AccessDenied'
        Get-AwsCliOutcome $Lab.Endpoint $Lab.App s3api list-objects-v2 --bucket $Bucket | Should -Be 'AccessDenied'
        Get-AwsCliOutcome $Lab.Endpoint $Lab.Admin s3api list-objects-v2 --bucket $Bucket --prefix 'other/' | Should -Be 'Allowed'
    }

    It 'is rejected with a wrong secret, and an unsigned request is denied' {
        $wrong = [pscustomobject]@{ AccessKeyId = $Lab.App.AccessKeyId; SecretAccessKey = 'not-the-secret' }
        Get-AwsCliOutcome $Lab.Endpoint $wrong s3api list-objects-v2 --bucket $Bucket --prefix 'media/' | Should -Be 'SignatureDoesNotMatch'
        $null = Invoke-AwsCliAs $Lab.Endpoint $Lab.App s3api put-object --bucket $Bucket --key 'media/anon.txt' --body $Body
        $anonymous = Invoke-WebRequest "$($Lab.Endpoint)/$Bucket/media/anon.txt" -SkipHttpErrorCheck
        $anonymous.StatusCode | Should -Be 403
    }

    It 'can fetch presigned GET URLs (SigV4 and SigV2), and a tampered or expired one is refused' {
        $null = Invoke-AwsCliAs $Lab.Endpoint $Lab.App s3api put-object --bucket $Bucket --key 'media/signed file.txt' --body $Body
        $env:AWS_CONFIG_FILE = $SigV4Config
        try {
            $v4 = Invoke-AwsCliAs $Lab.Endpoint $Lab.App s3 presign "s3://$Bucket/media/signed file.txt" --expires-in 300
            $short = Invoke-AwsCliAs $Lab.Endpoint $Lab.App s3 presign "s3://$Bucket/media/signed file.txt" --expires-in 1
        } finally { Remove-Item Env:AWS_CONFIG_FILE }
        $v2 = Invoke-AwsCliAs $Lab.Endpoint $Lab.App s3 presign "s3://$Bucket/media/signed file.txt"
        $v4 | Should -Match 'X-Amz-Signature='
        $v2 | Should -Match '&Signature='
        Get-HttpText $v4 | Should -Be 'harness body'
        Get-HttpText $v2 | Should -Be 'harness body'
        (Invoke-WebRequest ($v4 -replace 'signed%20file', 'other%20file') -SkipHttpErrorCheck).StatusCode | Should -Be 403
        # Expiry is the server's clock passing X-Amz-Expires: poll for the refusal instead of sleeping a guess.
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while (($status = (Invoke-WebRequest $short -SkipHttpErrorCheck).StatusCode) -eq 200 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        $status | Should -Be 403
    }

    It 'works with MediaOps: Test-MediaCredential -Credential names the least-privilege user' {
        $rows = Test-MediaCredential -Credential $Lab.App.Credential -EndpointUrl $Lab.Endpoint -Region us-east-1
        ($rows | Where-Object Check -eq 'Identity').Actual | Should -Be $Lab.App.Arn
        ($rows | Where-Object Check -eq 'NotRoot').Status | Should -Be 'Pass'
        ($rows | Where-Object Check -eq 'CredentialType').Status | Should -Be 'Warning'
    }

    It 'lets a user create further users with the Admin keys after enforcement' {
        $extra = New-MotoIamUser -Endpoint $Lab.Endpoint -UserName 'late-user' -AsUser $Lab.Admin `
            -PolicyJson (Get-ReferenceRunbookPolicy -BucketName $Bucket)
        $extra.Credential | Should -BeOfType ([pscredential])
        Get-AwsCliOutcome $Lab.Endpoint $extra s3api put-object --bucket $Bucket --key 'media/late.txt' --body $Body | Should -Be 'Allowed'
        Get-AwsCliOutcome $Lab.Endpoint $extra s3api put-object --bucket $Bucket --key 'late.txt' --body $Body | Should -Be 'AccessDenied'
    }
}

Describe 'IAM harness: moto as it is (why the launcher fixes exist)' {
    BeforeAll {
        $script:Raw = Start-MotoIamLab -WithoutSignatureFix -WithoutPrefixConditionEmulation
    }
    AfterAll { if ($script:Raw) { $Raw.Server | Stop-MotoServer } }

    It 'rejects a correctly signed ListObjectsV2 with prefix media/ (getmoto/moto#5948); if this fails, moto fixed it: drop the workaround' {
        Get-AwsCliOutcome $Raw.Endpoint $Raw.App s3api list-objects-v2 --bucket $Raw.BucketName --prefix 'media/' | Should -Be 'SignatureDoesNotMatch'
    }

    It 'does not apply the s3:prefix condition: listing outside the prefix is allowed' {
        Get-AwsCliOutcome $Raw.Endpoint $Raw.App s3api list-objects-v2 --bucket $Raw.BucketName --prefix 'other' | Should -Be 'Allowed'
    }
}
