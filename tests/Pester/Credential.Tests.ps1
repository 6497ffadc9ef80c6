#requires -Modules Pester
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    Set-TestAwsEnvironment -Endpoint $Moto.Endpoint
}
AfterAll { if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer } }

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
