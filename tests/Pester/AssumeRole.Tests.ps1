#requires -Modules Pester
# Issue 13, identity: -RoleArn / -WebIdentityToken on IAM-enforcing moto. A user whose only right is
# sts:AssumeRole on a role that holds New-MediaIamPolicy's policy syncs, verifies and smoke-tests
# through -RoleArn; the same user without -RoleArn is denied. Sessions issued by moto are counted in
# moto's own state (/moto-api/data.json), so renewal is seen from the server's side, never timed.
# moto limits relied on (IamHarness.psm1): identity policies only; s3:prefix emulated by the harness;
# unsigned AssumeRoleWithWebIdentity let through by the launcher as AWS does.
# moto does not verify web identity tokens (any token is accepted), so the token tests prove the call
# path and that the token never shows, not the issuer/audience check AWS makes.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'IamHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    Set-TestAwsEnvironment
    $script:Bucket = New-TestBucketName -Stem 'role'
    $script:RoleArn = 'arn:aws:iam::123456789012:role/media-sync'
    $assumeOnly = @{ Version = '2012-10-17'; Statement = @(@{ Effect = 'Allow'; Action = 'sts:AssumeRole'; Resource = $RoleArn }) } | ConvertTo-Json -Depth 5
    $script:Lab = Start-MotoIamLab -BucketName $Bucket -ExtraUser @{ 'assumer' = $assumeOnly }
    $script:Assumer = $Lab.Users['assumer']
    $trust = @{ Version = '2012-10-17'; Statement = @(@{ Effect = 'Allow'; Principal = @{ AWS = $Assumer.Arn }; Action = 'sts:AssumeRole' }) } | ConvertTo-Json -Depth 5 -Compress
    $policy = New-MediaIamPolicy -BucketName $Bucket -Prefix media
    $null = Invoke-AwsCliAs $Lab.Endpoint $Lab.Admin iam create-role --role-name media-sync --assume-role-policy-document $trust
    $null = Invoke-AwsCliAs $Lab.Endpoint $Lab.Admin iam put-role-policy --role-name media-sync --policy-name media --policy-document $policy
    $null = Invoke-AwsCliAs $Lab.Endpoint $Lab.Admin s3api put-bucket-encryption --bucket $Bucket `
        --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
    $script:Target = @{ BucketName = $Bucket; Prefix = 'media'; EndpointUrl = $Lab.Endpoint; Region = 'us-east-1' }
    $script:AsRole = $Target + @{ Credential = $Assumer.Credential; RoleArn = $RoleArn; RoleSessionName = 'pester-sync' }

    function script:Get-MotoSessionCount([string] $SessionName) {
        $state = Invoke-RestMethod "$($Lab.Endpoint)/moto-api/data.json"
        @($state.sts.AssumedRole | Where-Object session_name -eq $SessionName).Count
    }
}
AfterAll { if ($script:Lab) { $Lab.Server | Stop-MotoServer } }

Describe 'Assumed roles (-RoleArn)' {
    It 'a user with only sts:AssumeRole syncs, verifies and smoke-tests through the role' {
        $root = New-TestMediaTree -Files @{ 'photos/a.jpg' = 'jpeg'; 'docs/read me.txt' = 'hello' }
        try {
            $result = Sync-MediaToS3 @AsRole -Path $root
            $result.Failed | Should -Be 0
            $result.Transferred | Should -Be 2
            ('photos/a.jpg', 'docs/read me.txt' | Test-MediaObject @AsRole -Path $root).Status | Should -Be @('Pass', 'Pass')
            $smoke = Invoke-MediaSmokeTest @AsRole
            $smoke | Where-Object Status -ne 'Pass' | ForEach-Object { "$($_.Check): $($_.Status) $($_.Message)" } | Should -BeNullOrEmpty
            $listed = Invoke-AwsCliAs $Lab.Endpoint $Lab.Admin s3api list-objects-v2 --bucket $Bucket --prefix media/
            $listed.Contents.Key | Should -Contain 'media/docs/read me.txt'
        } finally { Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'the same user without -RoleArn is denied' {
        $root = New-TestMediaTree -Files @{ 'x.txt' = 'x' }
        try {
            $err = $null
            try { Sync-MediaToS3 @Target -Credential $Assumer.Credential -Path $root -ErrorAction Stop } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err.FullyQualifiedErrorId | Should -BeLike 'MediaOps.AccessDenied*'
        } finally { Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'Test-MediaCredential shows the assumed role, its session and expiry, and names -RoleArn as the source' {
        $rows = Test-MediaCredential @AsRole -DurationSeconds 1800
        $rows.Check | Should -Be @('CredentialSource', 'Identity', 'AssumedRole', 'NotRoot', 'CredentialType')
        $rows | Where-Object Status -ne 'Pass' | Should -BeNullOrEmpty
        $source = $rows | Where-Object Check -eq CredentialSource
        $source.Actual | Should -Be "role '$RoleArn' (-RoleArn), assumed with the -Credential parameter"
        $role = $rows | Where-Object Check -eq AssumedRole
        $role.Expected | Should -Be $RoleArn
        $role.Actual -match '^arn:aws:sts::123456789012:assumed-role/media-sync/pester-sync \(session pester-sync, expires (\S+ \S+)\)$' | Should -BeTrue -Because $role.Actual
        $expires = [datetime]::Parse($Matches[1], [cultureinfo]::InvariantCulture, 'AdjustToUniversal')
        ($expires - [datetime]::UtcNow).TotalSeconds | Should -BeGreaterThan 1700
        ($expires - [datetime]::UtcNow).TotalSeconds | Should -BeLessOrEqual 1800
    }

    It 'renews the session during a run: a session shorter than the renewal margin is renewed on the next request' {
        # Sessions are renewed 5 minutes before expiry; moto issues 60-second sessions (AWS would refuse
        # under 900), so every request after the first needs a new one. The count comes from moto.
        $root = New-TestMediaTree -Files @{ 'r/1.txt' = '1'; 'r/2.txt' = '2'; 'r/3.txt' = '3'; 'r/4.txt' = '4' }
        try {
            $before = Get-MotoSessionCount 'pester-renew'
            $result = Sync-MediaToS3 @Target -Credential $Assumer.Credential -RoleArn $RoleArn -RoleSessionName pester-renew -DurationSeconds 60 -Path $root -Concurrency 1
            $result.Failed | Should -Be 0
            $result.Transferred | Should -Be 4
            $issued = (Get-MotoSessionCount 'pester-renew') - $before
            $issued | Should -BeGreaterThan 4   # one list + four uploads, each on a renewed session
        } finally { Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'a role the caller may not assume is one terminating RoleNotAssumed error naming the role' {
        $err = $null
        try { Test-MediaObject @Target -Credential $Lab.App.Credential -RoleArn $RoleArn -Name 'x.txt' -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'MediaOps.RoleNotAssumed,MediaOps.Commands.TestMediaObjectCommand'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        "$err" | Should -BeLike "Could not assume role '$RoleArn' with the -Credential parameter*trust policy*sts:AssumeRole*"
    }

    It 'role options without -RoleArn are refused before anything is sent' {
        { Test-MediaCredential @Target -DurationSeconds 900 -ErrorAction Stop } |
            Should -Throw -ErrorId 'MediaOps.RoleArnMissing,MediaOps.Commands.TestMediaCredentialCommand'
    }
}

Describe 'Web identity (-WebIdentityToken)' {
    BeforeAll {
        $script:Token = 'eyJhbGciOiJSUzI1NiJ9.pester-web-identity.c2lnbmF0dXJl'
        $script:SecureToken = ConvertTo-SecureString $Token -AsPlainText -Force
    }

    It 'reaches the role with the token alone (no AWS credentials in the session)' {
        Use-MotoIamUser -User ([pscustomobject]@{ AccessKeyId = ''; SecretAccessKey = '' }) -ScriptBlock {
            Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue
            $rows = Test-MediaCredential @Target -RoleArn $RoleArn -WebIdentityToken $SecureToken -RoleSessionName runbook
            ($rows | Where-Object Check -eq CredentialSource).Actual | Should -Be "role '$RoleArn' through a web identity token (-RoleArn, -WebIdentityToken)"
            ($rows | Where-Object Check -eq AssumedRole).Status | Should -Be 'Pass'
            ($rows | Where-Object Check -eq Identity).Actual | Should -Be 'arn:aws:sts::123456789012:assumed-role/media-sync/runbook'
            $rows | Out-String | Should -Not -Match ([regex]::Escape($Token))
        }
    }

    It 'never shows the token, in an error or in verbose output' {
        $err = $null
        $lines = [System.Collections.Generic.List[string]]::new()
        $unreachable = $Target.Clone(); $unreachable.EndpointUrl = 'http://127.0.0.1:9'
        try { Test-MediaCredential @unreachable -RoleArn $RoleArn -WebIdentityToken $SecureToken -Verbose -ErrorAction Stop 4>&1 | ForEach-Object { $lines.Add("$_") } }
        catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'MediaOps.RoleNotAssumed,MediaOps.Commands.TestMediaCredentialCommand'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        "$err" | Should -BeLike "Could not assume role '$RoleArn' with the web identity token*"
        $lines | Should -Not -BeNullOrEmpty
        ($lines -join "`n") + ($err | Out-String) + $err.Exception.ToString() | Should -Not -Match ([regex]::Escape($Token))
    }

    It 'keeps the SDK''s own AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE working' {
        $file = [IO.Path]::GetTempFileName()
        $saved = @{}
        foreach ($n in 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_SESSION_NAME', 'AWS_ENDPOINT_URL_STS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY') { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
        try {
            [IO.File]::WriteAllText($file, $Token)
            $env:AWS_ROLE_ARN = $RoleArn; $env:AWS_WEB_IDENTITY_TOKEN_FILE = $file; $env:AWS_ROLE_SESSION_NAME = 'from-env'
            $env:AWS_ENDPOINT_URL_STS = $Lab.Endpoint   # the SDK's own STS call goes to moto
            Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue
            $rows = Test-MediaCredential @Target
            ($rows | Where-Object Check -eq CredentialSource).Actual | Should -Be 'web identity token (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)'
            ($rows | Where-Object Check -eq Identity).Actual | Should -Be 'arn:aws:sts::123456789012:assumed-role/media-sync/from-env'
        } finally {
            foreach ($n in $saved.Keys) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
            Remove-Item $file -ErrorAction SilentlyContinue
        }
    }
}
