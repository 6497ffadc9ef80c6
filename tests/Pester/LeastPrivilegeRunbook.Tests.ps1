#requires -Modules Pester
# "Done when" of issue 5: generate the policy, give it to a fresh IAM user, and every cmdlet a
# runbook needs works with that user's keys (a PSCredential) in an IAM-enforcing moto.
# moto limits these results rely on (IamHarness.psm1): s3:prefix conditions are emulated by the
# harness; presigned/percent-encoded requests verify only thanks to the harness's signature fix
# (getmoto/moto#5948); resource policies are ignored by moto, so the unsigned-URL check is denied
# because moto's IAM mode refuses anonymous requests, not because of a bucket policy.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'IamHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    Set-TestAwsEnvironment
    $script:Bucket = New-TestBucketName -Stem 'rb'
    $script:Lab = Start-MotoIamLab -BucketName $Bucket -AppPolicyJson (New-MediaIamPolicy -BucketName $Bucket -Prefix media)
    $null = Invoke-AwsCliAs $Lab.Endpoint $Lab.Admin s3api put-bucket-encryption --bucket $Bucket `
        --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
    $script:App = @{ BucketName = $Bucket; Prefix = 'media'; EndpointUrl = $Lab.Endpoint; Region = 'us-east-1'; Credential = $Lab.App.Credential }
    $script:Body = Join-Path ([IO.Path]::GetTempPath()) "rb-$([guid]::NewGuid().ToString('N')).txt"
    [IO.File]::WriteAllText($Body, 'runbook body')
    foreach ($key in 'media/uploads/2024/a b.txt', 'media/uploads/ü.txt') {
        $null = Invoke-AwsCliAs $Lab.Endpoint $Lab.App s3api put-object --bucket $Bucket --key $key --body $Body --content-type text/plain
    }
}
AfterAll {
    if ($script:Lab) { $Lab.Server | Stop-MotoServer }
    Remove-Item $script:Body -ErrorAction SilentlyContinue
}

Describe 'A runbook with only New-MediaIamPolicy''s rights' {
    It 'Sync-MediaToS3 migrates a MEDIA_ROOT (dry run, copy, multipart, -Delete) and Test-MediaObject finds every file' {
        $big = [byte[]]::new(9MB); [Random]::new(5).NextBytes($big)
        $root = New-TestMediaTree -Files @{ 'photos/one.jpg' = 'jpeg-ish'; 'docs/read me.txt' = 'hello'; 'big/video.bin' = $big; 'gone.txt' = 'x' }
        try {
            $plan = Sync-MediaToS3 @App -Path $root -WhatIf
            $plan.WhatIf | Should -BeTrue
            $plan.Planned | Should -Be 4
            $result = Sync-MediaToS3 @App -Path $root
            $result.Failed | Should -Be 0
            $result.Transferred | Should -Be 4
            Remove-Item (Join-Path $root 'gone.txt')
            $second = Sync-MediaToS3 @App -Path $root -Delete -Force -Exclude 'uploads/*'   # the names other tests put there stay
            $second.Deleted | Should -Be 1
            $second.Failed | Should -Be 0
            $checks = 'photos/one.jpg', 'docs/read me.txt', 'big/video.bin', 'gone.txt' | Test-MediaObject @App -Path $root
            $checks.Status | Should -Be @('Pass', 'Pass', 'Pass', 'Fail')
            ($checks | Where-Object Name -eq 'big/video.bin').Length | Should -Be 9MB
        } finally { Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'Test-MediaCredential names the app user' {
        (Test-MediaCredential @App | Where-Object Check -eq 'Identity').Actual | Should -Be $Lab.App.Arn
    }

    It 'Test-MediaAccess proves the rights are enough and no more' {
        $rows = Test-MediaAccess @App -ProbePolicyWriteOnEndpoint
        $rows | Where-Object Status -notin 'Pass', 'Skipped' | ForEach-Object { "$($_.Check): $($_.Status)" } | Should -BeNullOrEmpty
    }

    It 'Test-MediaObject resolves the Django names, and a missing one is a Fail row, not an error' {
        $rows = 'uploads/2024/a b.txt', 'uploads/ü.txt', 'uploads/missing.txt' | Test-MediaObject @App -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $rows.Status | Should -Be @('Pass', 'Pass', 'Fail')
        $rows[0].Length | Should -Be 12
        'uploads/2024/a b.txt' | Test-MediaObject @App -Quiet | Should -BeTrue
    }

    It 'Get-MediaUrl hands out a signed URL that opens over HTTP' {
        $url = Get-MediaUrl @App -Name 'uploads/2024/a b.txt'
        $response = Invoke-WebRequest $url.Url
        $response.StatusCode | Should -Be 200
        [Text.Encoding]::UTF8.GetString($response.RawContentStream.ToArray()) | Should -Be 'runbook body'
    }

    It 'Invoke-MediaSmokeTest uploads, reads, opens the signed URL, sees the unsigned one denied and cleans up' {
        $rows = Invoke-MediaSmokeTest @App
        foreach ($step in 'Upload', 'Head', 'ReadBack', 'SignedUrl', 'UnsignedUrl', 'Delete') {
            ($rows | Where-Object Check -eq $step).Status | Should -Be 'Pass' -Because "$step : $(($rows | Where-Object Check -eq $step).Message)"
        }
        $left = Invoke-AwsCliAs $Lab.Endpoint $Lab.Admin s3api list-objects-v2 --bucket $Bucket --prefix 'media/mediaops-smoke-test/'
        $left.Contents | Should -BeNullOrEmpty
    }
}
