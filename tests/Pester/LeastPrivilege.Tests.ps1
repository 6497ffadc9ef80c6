#requires -Modules Pester
# New-MediaIamPolicy and Test-MediaAccess as a new user would use them: generate the policy, give it
# to a fresh IAM user in an IAM-enforcing moto, prove it live with that user's keys as a PSCredential.
# moto limits these results rely on (see IamHarness.psm1): s3:prefix conditions are applied only
# because the harness emulates them; moto rejects malformed bucket policies only because the harness
# makes it (so -ProbePolicyWriteOnEndpoint is safe here); resource policies are ignored by moto.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'IamHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    Set-TestAwsEnvironment
    $script:Bucket = New-TestBucketName -Stem 'lp'
    $script:Lab = Start-MotoIamLab -BucketName $Bucket -AppPolicyJson (New-MediaIamPolicy -BucketName $Bucket -Prefix media) `
        -ExtraUser @{ 's3-full' = (Get-S3FullAccessPolicy) }
    $script:Target = @{ BucketName = $Bucket; EndpointUrl = $Lab.Endpoint; Region = 'us-east-1' }
    function script:Get-ProbeKey {
        $listed = Invoke-AwsCliAs $Lab.Endpoint $Lab.Users['s3-full'] s3api list-objects-v2 --bucket $Bucket
        @($listed.Contents | Where-Object { $_.Key -like '*mediaops-access-probe*' })
    }
}
AfterAll { if ($script:Lab) { $Lab.Server | Stop-MotoServer } }

Describe 'New-MediaIamPolicy' {
    It 'emits one JSON string in the reference runbook shape, defaults from the environment' {
        $env:AWS_STORAGE_BUCKET_NAME = 'myapp-prod-media'
        $env:AWS_S3_REGION_NAME = 'cn-north-1'
        try { $json = New-MediaIamPolicy } finally { Remove-Item Env:AWS_STORAGE_BUCKET_NAME, Env:AWS_S3_REGION_NAME }
        $json | Should -BeOfType ([string])
        @($json).Count | Should -Be 1
        $policy = $json | ConvertFrom-Json
        $policy.Statement[0].Resource | Should -Be 'arn:aws-cn:s3:::myapp-prod-media'
        $policy.Statement[0].Condition.StringLike.'s3:prefix' | Should -Be 'media/*'
        $policy.Statement[1].Resource | Should -Be 'arn:aws-cn:s3:::myapp-prod-media/media/*'
        $policy.Statement.Action | Should -Not -Contain 's3:*'
    }

    It 'refuses an empty prefix with an InvalidArgument error that says why' {
        { New-MediaIamPolicy -BucketName myapp-prod-media -Prefix '' -ErrorAction Stop } |
            Should -Throw -ErrorId 'MediaOps.PrefixRequired,MediaOps.Commands.NewMediaIamPolicyCommand'
        $err = $null
        try { New-MediaIamPolicy -BucketName myapp-prod-media -Prefix '' -ErrorAction Stop } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$err" | Should -Match 'AllowWholeBucket'
        (New-MediaIamPolicy -BucketName myapp-prod-media -Prefix '' -AllowWholeBucket | ConvertFrom-Json).Statement[1].Resource | Should -Be 'arn:aws:s3:::myapp-prod-media/*'
    }

    It 'is accepted by IAM as a user policy (the lab user holds exactly it)' {
        $lab.App.PolicyJson | Should -Be (New-MediaIamPolicy -BucketName $Bucket -Prefix media)
        $held = Invoke-AwsCliAs $Lab.Endpoint $Lab.Admin iam get-user-policy --user-name $Lab.App.UserName --policy-name "$($Lab.App.UserName)-policy"
        ($held.PolicyDocument | ConvertTo-Json -Depth 8 | ConvertFrom-Json).Statement.Count | Should -Be 2
    }
}

Describe 'Test-MediaAccess' {
    It 'passes for a user that holds exactly the generated policy (keys as a PSCredential)' {
        $rows = Test-MediaAccess @Target -Credential $Lab.App.Credential -ProbePolicyWriteOnEndpoint
        $rows | ForEach-Object { $_ | Should -BeOfType ([MediaOps.CheckResult]) }
        $rows.Check | Should -Be @('ListInPrefix', 'PutInPrefix', 'MissingKeyIsNotFound', 'GetInPrefix', 'DeleteInPrefix', 'DeleteObjectVersion',
            'PutOutsidePrefix', 'ListOutsidePrefix', 'ListAllMyBuckets', 'GetBucketPolicy', 'PutBucketPolicy')
        $rows | Where-Object Status -notin 'Pass', 'Skipped' | ForEach-Object { "$($_.Check) $($_.Status) $($_.Actual)" } | Should -BeNullOrEmpty
        ($rows | Where-Object Status -eq 'Skipped').Check | Should -Be 'DeleteObjectVersion'   # the lab bucket is not versioned
        Get-ProbeKey | Should -BeNullOrEmpty
    }

    It 'flags a user with s3:* as over-privileged' {
        $rows = Test-MediaAccess @Target -Credential $Lab.Users['s3-full'].Credential -ProbePolicyWriteOnEndpoint
        $warned = ($rows | Where-Object Status -eq 'Warning').Check
        $warned | Should -Be @('PutOutsidePrefix', 'ListOutsidePrefix', 'ListAllMyBuckets', 'GetBucketPolicy', 'PutBucketPolicy')
        ($rows | Where-Object Check -eq 'PutBucketPolicy').Message | Should -Match 'nothing was changed'
        $rows | Where-Object Status -in 'Fail', 'Error' | Should -BeNullOrEmpty
        Get-ProbeKey | Should -BeNullOrEmpty
    }

    It 'does not probe s3:PutBucketPolicy on an -EndpointUrl server unless asked' {
        $row = Test-MediaAccess @Target -Credential $Lab.Users['s3-full'].Credential | Where-Object Check -eq 'PutBucketPolicy'
        $row.Status | Should -Be 'Skipped'
        $row.Message | Should -Match 'ProbePolicyWriteOnEndpoint'
    }

    It '-WhatIf runs only the read-only probes and writes nothing' {
        $rows = Test-MediaAccess @Target -Credential $Lab.Users['s3-full'].Credential -ProbePolicyWriteOnEndpoint -WhatIf
        ($rows | Where-Object Check -in 'PutInPrefix', 'DeleteInPrefix', 'PutOutsidePrefix', 'PutBucketPolicy').Status | Sort-Object -Unique | Should -Be 'Skipped'
        ($rows | Where-Object Check -eq 'ListOutsidePrefix').Status | Should -Be 'Warning'
        Get-ProbeKey | Should -BeNullOrEmpty
    }

    It 'reports the least-privilege user as Fail rows when its policy is for another prefix, not as errors' {
        $rows = Test-MediaAccess @Target -Prefix 'uploads' -Credential $Lab.App.Credential
        ($rows | Where-Object Check -eq 'ListInPrefix').Status | Should -Be 'Fail'
        ($rows | Where-Object Check -eq 'PutInPrefix').Status | Should -Be 'Fail'
        ($rows | Where-Object Check -eq 'PutInPrefix').Message | Should -Match 'New-MediaIamPolicy'
    }

    It 'names a bucket-policy deny (TLS-only over http://) beside a missing permission when a sync is denied' {
        $root = New-TestMediaTree -Files @{ 'denied.txt' = 'denied' }
        try {
            $denied = $null
            try { $null = Sync-MediaToS3 -Path $root @Target -Prefix 'uploads' -Credential $Lab.App.Credential -ErrorAction Stop } catch { $denied = $_ }
            $denied.FullyQualifiedErrorId | Should -BeLike 'MediaOps.AccessDenied,*'
            $denied.Exception.Message | Should -Match 'New-MediaIamPolicy'
            $denied.Exception.Message | Should -Match 'bucket policy denies it.*aws:SecureTransport'
        } finally { Remove-Item $root -Recurse -Force }
    }

    It 'stops with BucketNotFound for a missing bucket and never prints the secret' {
        $err = $null
        $verbose = try {
            Test-MediaAccess -BucketName (New-TestBucketName -Stem 'gone') -EndpointUrl $Lab.Endpoint -Region us-east-1 `
                -Credential $Lab.Users['s3-full'].Credential -Verbose 4>&1 | Out-String
        } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^MediaOps.BucketNotFound'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$verbose $err" | Should -Not -Match ([regex]::Escape($Lab.Users['s3-full'].SecretAccessKey))
    }
}
