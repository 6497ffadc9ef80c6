#requires -Modules Pester
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    Set-TestAwsEnvironment -Endpoint $Moto.Endpoint
}
AfterAll { if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer } }

Describe 'Region resolution' {
    AfterEach { Set-TestAwsEnvironment -Endpoint $Moto.Endpoint }

    It 'honours AWS_DEFAULT_REGION as the aws CLI and boto3 do, and names the region once with its real source' {
        Remove-Item Env:AWS_REGION -ErrorAction SilentlyContinue
        $env:AWS_DEFAULT_REGION = 'eu-west-1'
        $lines = @(Test-MediaCredential -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'region' })
        $lines.Count | Should -Be 1
        $lines[0].Message | Should -Match "region 'eu-west-1' from AWS_DEFAULT_REGION"
    }

    It 'prefers AWS_REGION to AWS_DEFAULT_REGION, and -Region to both, each named once' {
        $env:AWS_REGION = 'eu-central-1'
        $env:AWS_DEFAULT_REGION = 'eu-west-1'
        try {
            @(Test-MediaCredential -Verbose 4>&1 | Where-Object { "$_" -match 'region' }).ForEach({ "$_" }) | Should -Be "MediaOps: region 'eu-central-1' from AWS_REGION"
            @(Test-MediaCredential -Region ap-south-1 -Verbose 4>&1 | Where-Object { "$_" -match 'region' }).ForEach({ "$_" }) | Should -Be "MediaOps: region 'ap-south-1' from -Region"
        }
        finally { Remove-Item Env:AWS_REGION -ErrorAction SilentlyContinue }
    }
}

Describe 'Test-MediaCredential' {
    It 'reports source, identity, not-root and type as CheckResult rows' {
        $rows = Test-MediaCredential
        $rows | ForEach-Object { $_ | Should -BeOfType ([MediaOps.CheckResult]) }
        ($rows.Check) | Should -Be @('CredentialSource', 'Identity', 'NotRoot', 'CredentialType')
        ($rows | Where-Object Check -eq 'CredentialSource').Actual | Should -Match 'environment'
        ($rows | Where-Object Check -eq 'NotRoot').Status | Should -Be 'Pass'
    }

    It 'names -Credential as the source and never prints the secret' {
        $secret = 'super-secret-value-' + [guid]::NewGuid()
        $cred = [pscredential]::new('AKIAOTHERKEY00000001', (ConvertTo-SecureString $secret -AsPlainText -Force))
        $all = Test-MediaCredential -Credential $cred -Verbose 4>&1 | Out-String
        $all | Should -Match '-Credential parameter'
        $all | Should -Not -Match ([regex]::Escape($secret))
    }

    It 'classifies moto''s default identity (arn:aws:sts::...:user/moto) as a long-lived IAM user key' {
        $rows = Test-MediaCredential
        ($rows | Where-Object Check -eq 'Identity').Actual | Should -Match ':user/'
        $type = $rows | Where-Object Check -eq 'CredentialType'
        $type.Status | Should -Be 'Warning'
        $type.Actual | Should -Be 'long-lived access key of an IAM user'
    }

    It 'passes CredentialType for temporary assumed-role credentials from the environment' {
        $assumed = (Invoke-AwsCli -Endpoint $Moto.Endpoint sts assume-role --role-arn 'arn:aws:iam::123456789012:role/mediaops-app' --role-session-name pester).Credentials
        $saved = $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY
        try {
            $env:AWS_ACCESS_KEY_ID = $assumed.AccessKeyId
            $env:AWS_SECRET_ACCESS_KEY = $assumed.SecretAccessKey
            $env:AWS_SESSION_TOKEN = $assumed.SessionToken
            $rows = Test-MediaCredential
        } finally {
            $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY = $saved
            Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue
        }
        ($rows | Where-Object Check -eq 'Identity').Actual | Should -Match 'assumed-role/mediaops-app/pester'
        ($rows | Where-Object Check -eq 'NotRoot').Status | Should -Be 'Pass'
        ($rows | Where-Object Check -eq 'CredentialType').Status | Should -Be 'Pass'
        ($rows | Out-String) | Should -Not -Match ([regex]::Escape($assumed.SecretAccessKey))
    }
}
