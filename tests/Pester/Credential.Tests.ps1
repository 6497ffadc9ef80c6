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
}
