#requires -Modules Pester
# Issue 13, packages for the hosts: out/MediaOps.zip as Azure Automation and SSM take it, unpacked into a
# clean PSModulePath and imported by name; the Azure Automation runbook and the SSM document's script body
# run in pwsh against moto with the hosts' own pieces stood in for: Get-AutomationPSCredential as a
# function, the Automation managed-identity endpoint as a small HTTP server (IDENTITY_ENDPOINT), and the
# SSM attachment as MediaOps.zip in the script's working folder. Each run is a fresh pwsh that can see
# only the unpacked zip. moto accepts any web identity token (it verifies none).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    Set-TestAwsEnvironment
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "mediaops-hosts-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $Work | Out-Null
    $script:Zip = & (Join-Path $RepoRoot 'tools/New-ModuleZip.ps1') -ModulePath $env:MEDIAOPS_MODULE_PATH -OutputPath (Join-Path $Work 'MediaOps.zip')
    $script:Modules = Join-Path $Work 'Modules'
    Expand-Archive -Path $Zip.FullName -DestinationPath $Modules

    $script:Bucket = New-TestBucketName -Stem 'hosts'
    $script:Target = @{ BucketName = $Bucket; Prefix = 'media'; EndpointUrl = $Moto.Endpoint; Region = 'us-east-1' }
    $null = Initialize-MediaBucket @Target -Confirm:$false
    $root = New-TestMediaTree -Files @{ 'uploads/a.txt' = 'a'; 'uploads/b b.txt' = 'b' }
    try { $null = Sync-MediaToS3 @Target -Path $root } finally { Remove-Item $root -Recurse -Force }

    # A pwsh that sees only the unpacked zip's modules (plus PowerShell's own), in -Directory.
    function script:Invoke-HostPwsh([string] $Command, [string] $Directory = $Work, [hashtable] $Environment = @{}) {
        $names = @('PSModulePath') + @($Environment.Keys)
        $saved = @{}; foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
        Push-Location $Directory
        try {
            $env:PSModulePath = $Modules
            foreach ($n in $Environment.Keys) { [Environment]::SetEnvironmentVariable($n, $Environment[$n]) }
            $output = Invoke-FreshPwsh -NoProfile -NonInteractive -Command $Command 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($output | Out-String) }
        }
        finally {
            Pop-Location
            foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
        }
    }
    function script:ConvertFrom-JsonOutput([string] $Text) {
        $start = $Text.IndexOf("`n{"); if ($Text.StartsWith('{')) { $start = 0 }
        $end = $Text.LastIndexOf("`n}")
        $Text.Substring($start, $end - $start + 2) | ConvertFrom-Json
    }
}
AfterAll {
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
    if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer }
}

Describe 'out/MediaOps.zip' {
    It 'holds the module folder at its root with the manifest inside, and every built file' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $archive = [System.IO.Compression.ZipFile]::OpenRead($Zip.FullName)
        try { $entries = @($archive.Entries.FullName) } finally { $archive.Dispose() }
        $entries | Should -Contain 'MediaOps/MediaOps.psd1'
        $entries | Where-Object { $_ -notlike 'MediaOps/*' } | Should -BeNullOrEmpty
        $entries | Where-Object { $_ -like '*\*' } | Should -BeNullOrEmpty -Because 'zip entries use / on every host'
        $built = Get-ChildItem $env:MEDIAOPS_MODULE_PATH -Recurse -File | ForEach-Object { 'MediaOps/' + [IO.Path]::GetRelativePath($env:MEDIAOPS_MODULE_PATH, $_.FullName).Replace('\', '/') }
        @($entries | Sort-Object) | Should -Be @($built | Sort-Object)
    }

    It 'imports by name from a clean PSModulePath folder and works' {
        $run = Invoke-HostPwsh "Import-Module MediaOps; (Get-Module MediaOps).ModuleBase; (Test-MediaBucket -BucketName $Bucket -EndpointUrl $($Moto.Endpoint) -Region us-east-1 | Where-Object Status -eq Fail).Count"
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $lines = $run.Text.Trim() -split "`r?`n"
        $lines[0] | Should -Be (Join-Path $Modules 'MediaOps')
        $lines[-1] | Should -Be '0'
    }
}

Describe 'Azure Automation runbook (examples/azure-automation)' {
    BeforeAll {
        $script:Runbook = Join-Path $RepoRoot 'examples/azure-automation/Test-MediaCutover.ps1'
        $script:ManagedToken = 'eyJ0eXAiOiJKV1QifQ.managed-identity-for-pester.c2ln'
        $port = Get-FreeTcpPort
        $server = @'
import http.server, json, sys, urllib.parse as u
token = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        q = u.parse_qs(u.urlsplit(self.path).query)
        ok = self.headers.get("X-IDENTITY-HEADER") == "pester-identity-header" and q.get("resource") == ["api://AzureADTokenExchange"]
        body = json.dumps({"access_token": token, "token_type": "Bearer"} if ok else {"error": "invalid_request"}).encode()
        self.send_response(200 if ok else 400); self.send_header("Content-Type", "application/json"); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
'@
        $psi = [System.Diagnostics.ProcessStartInfo]::new('python3')
        foreach ($a in '-c', $server, "$port", $ManagedToken) { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $script:IdentityServer = [System.Diagnostics.Process]::Start($psi)
        $script:IdentityEndpoint = "http://127.0.0.1:$port/msi/token"
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while ([DateTime]::UtcNow -lt $deadline) {
            try { $null = Invoke-WebRequest $IdentityEndpoint -SkipHttpErrorCheck; break } catch { Start-Sleep -Milliseconds 100 }
        }
        $script:Common = "-BucketName $Bucket -EndpointUrl $($Moto.Endpoint) -Region us-east-1 -Name 'uploads/a.txt','uploads/b b.txt'"
    }
    AfterAll { if ($script:IdentityServer -and -not $IdentityServer.HasExited) { $IdentityServer.Kill(); $IdentityServer.WaitForExit(5000) } }

    It 'reaches AWS with the managed identity''s token (no AWS secret) and writes every check as JSON' {
        $run = Invoke-HostPwsh "& '$Runbook' $Common -RoleArn arn:aws:iam::123456789012:role/media-runbook" -Environment @{
            IDENTITY_ENDPOINT = $IdentityEndpoint; IDENTITY_HEADER = 'pester-identity-header'; AWS_ACCESS_KEY_ID = $null; AWS_SECRET_ACCESS_KEY = $null
        }
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $report = ConvertFrom-JsonOutput $run.Text
        $report.Passed | Should -BeTrue
        $report.Bucket | Should -Be $Bucket
        @($report.Rows.Cmdlet | Select-Object -Unique) | Should -Be @('Test-MediaCredential', 'Test-MediaBucket', 'Test-MediaAccess', 'Test-MediaObject', 'Invoke-MediaSmokeTest')
        ($report.Rows | Where-Object Check -eq 'CredentialSource').Actual | Should -BeLike '*through a web identity token*'
        ($report.Rows | Where-Object Check -eq 'Identity').Actual | Should -Be 'arn:aws:sts::123456789012:assumed-role/media-runbook/MediaOps-AzureAutomation'
        ($report.Rows | Where-Object Cmdlet -eq 'Test-MediaObject').Status | Should -Be @('Pass', 'Pass')
        $run.Text | Should -Not -Match ([regex]::Escape($ManagedToken))
    }

    It 'uses an Automation credential (Get-AutomationPSCredential), and fails the job after writing the JSON when a check fails' {
        $stub = "function Get-AutomationPSCredential([string] `$Name) { if (`$Name -eq 'MediaOps-AWS') { [pscredential]::new('AKIAMEDIAOPSRUNBOOK1', (ConvertTo-SecureString 'runbook-secret' -AsPlainText -Force)) } }"
        $run = Invoke-HostPwsh "$stub; & '$Runbook' -AuthMode AutomationCredential -BucketName $Bucket -EndpointUrl $($Moto.Endpoint) -Region us-east-1 -Name 'uploads/a.txt','uploads/missing.txt'"
        $run.ExitCode | Should -Not -Be 0
        $report = ConvertFrom-JsonOutput $run.Text
        $report.Passed | Should -BeFalse
        $report.Failed | Should -Be 1
        ($report.Rows | Where-Object Check -eq 'CredentialSource').Actual | Should -Be 'the -Credential parameter'
        ($report.Rows | Where-Object Cmdlet -eq 'Test-MediaObject').Status | Should -Be @('Pass', 'Fail')
        $run.Text | Should -Match '1 cutover check\(s\) failed: Test-MediaObject Object'
        $run.Text | Should -Not -Match 'runbook-secret'
    }
}

Describe 'SSM Automation document (examples/aws-ssm)' {
    BeforeAll {
        $yaml = Join-Path $RepoRoot 'examples/aws-ssm/MediaOps-CutoverChecks.yaml'
        $json = & python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))' $yaml
        $LASTEXITCODE | Should -Be 0
        $script:Document = $json | ConvertFrom-Json
        $script:Step = $Document.mainSteps | Where-Object action -eq 'aws:executeScript'
        $script:ScriptFolder = Join-Path $Work 'ssm'
        New-Item -ItemType Directory -Path $ScriptFolder | Out-Null
        Copy-Item $Zip.FullName $ScriptFolder
        Set-Content -Path (Join-Path $ScriptFolder 'step.ps1') -Value $Step.inputs.Script
        function script:Invoke-Step([hashtable] $Payload) {
            $saved = $env:PSModulePath
            try {
                # SSM's runtime has no MediaOps installed: only the attachment next to the script.
                $run = Invoke-HostPwsh "`$r = & ./step.ps1; 'RESULT ' + (`$r | ConvertTo-Json -Compress -Depth 4)" -Directory $ScriptFolder -Environment @{ InputPayload = ($Payload | ConvertTo-Json -Compress) }
            } finally { $env:PSModulePath = $saved }
            $run
        }
    }

    It 'parses as an Automation document whose aws:executeScript step runs PowerShell with MediaOps.zip attached' {
        $Document.schemaVersion | Should -Be '0.3'
        @($Step).Count | Should -Be 1
        $Step.inputs.Runtime | Should -Match '^PowerShell 7\.\d$'
        $Step.inputs.Attachment | Should -Be 'MediaOps.zip'
        $Document.files.'MediaOps.zip'.checksums.sha256 | Should -Not -BeNullOrEmpty
        $Step.inputs.Script | Should -Match 'Test-MediaBucket'
        $Step.inputs.Script | Should -Match 'Test-MediaObject'
        $Step.inputs.InputPayload.BucketName | Should -Be '{{ BucketName }}'
    }

    It 'imports the attached zip, passes on a healthy bucket and returns the rows' {
        $run = Invoke-Step @{ BucketName = $Bucket; Prefix = 'media'; Names = @('uploads/a.txt', 'uploads/b b.txt'); RoleArn = ''; EndpointUrl = $Moto.Endpoint }
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $result = ($run.Text -split "`r?`n" | Where-Object { $_ -like 'RESULT *' }).Substring(7) | ConvertFrom-Json
        $result.Passed | Should -BeTrue
        $rows = $result.Rows | ConvertFrom-Json
        @($rows | Where-Object Cmdlet -eq 'Test-MediaObject').Status | Should -Be @('Pass', 'Pass')
        @($rows | Where-Object Cmdlet -eq 'Test-MediaBucket').Count | Should -BeGreaterThan 3
        $result.Checked | Should -Be @($rows).Count
    }

    It 'fails the step on any Fail row' {
        $run = Invoke-Step @{ BucketName = $Bucket; Prefix = 'media'; Names = @('uploads/missing.txt'); RoleArn = ''; EndpointUrl = $Moto.Endpoint }
        $run.ExitCode | Should -Not -Be 0
        $run.Text | Should -Match '1 check\(s\) failed: Test-MediaObject uploads/missing.txt'
        $run.Text | Should -Not -Match 'RESULT '
    }
}
