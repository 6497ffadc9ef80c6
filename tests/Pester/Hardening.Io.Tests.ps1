#requires -Modules Pester
# Issue 17, second half: races on the local disk, secrets in errors, hostile settings values, files that
# change while they upload, downloads checked by every checksum an object carries, stalled servers, local
# failures named for their cause. MediaOps talks to moto through tests/tools/fault_proxy.py; a race is
# made deterministic by a "hold" rule: the proxy holds one request until the test, having changed the
# disk, releases it. Verdicts are read straight from moto with the aws CLI, never through the proxy.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'FaultProxy.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    Set-TestAwsEnvironment
    $script:Proxy = Start-FaultProxy -Upstream $Moto.Endpoint
    $script:Target = @{ Prefix = 'media'; EndpointUrl = $Proxy.Endpoint; Region = 'us-east-1' }
    $script:Scratch = [System.Collections.Generic.List[string]]::new()

    function New-Folder([string] $Stem = 'io') {
        $path = Join-Path ([System.IO.Path]::GetTempPath()) "$Stem-$([guid]::NewGuid().ToString('N'))"
        $null = New-Item -ItemType Directory -Path $path
        $Scratch.Add($path)
        return $path
    }

    function New-IoBucket {
        $name = New-TestBucketName 'hio'
        $null = Invoke-AwsCli $Moto.Endpoint s3api create-bucket --bucket $name
        return $name
    }

    function New-RandomBytes([int] $Count, [int] $Seed) {
        $bytes = [byte[]]::new($Count)
        [System.Random]::new($Seed).NextBytes($bytes)
        return , $bytes   # one byte[], not unrolled into the pipeline
    }

    function Get-ObjectBytes([string] $Bucket, [string] $Key) {
        # Straight from moto; $null when the object does not exist.
        $file = Join-Path (New-Folder 'get') 'object'
        $out = & aws --endpoint-url $Moto.Endpoint --region us-east-1 s3api get-object --bucket $Bucket --key $Key $file 2>&1
        if ($LASTEXITCODE -ne 0) { if ("$out" -match 'NoSuchKey|Not Found|404') { return $null }; throw "get-object failed: $out" }
        return [System.IO.File]::ReadAllBytes($file)
    }

    function Get-MultipartUploads([string] $Bucket) {
        $list = Invoke-AwsCli $Moto.Endpoint s3api list-multipart-uploads --bucket $Bucket
        if ($list -is [string] -or -not $list -or -not ($list.PSObject.Properties.Name -contains 'Uploads')) { return @() }
        return @($list.Uploads)
    }

    function Wait-Until([scriptblock] $Condition, [int] $Seconds = 60, [string] $What) {
        # Polls a condition (a request held by the proxy, a job done), never sleeps in place of one.
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            if (& $Condition) { return }
            Start-Sleep -Milliseconds 50
        }
        throw "timed out waiting for $What"
    }

    function Wait-HeldRequest([string] $Name) {
        Wait-Until { (Invoke-RestMethod "$($Proxy.ControlUrl)/held").waiting.$Name -ge 1 } -What "the proxy to hold '$Name'"
    }

    function Resume-HeldRequest([string] $Name) {
        $null = Invoke-RestMethod -Method Post -Uri "$($Proxy.ControlUrl)/release" -Body (@{ name = $Name } | ConvertTo-Json) -ContentType 'application/json'
    }

    function Start-MediaJob([scriptblock] $Command, [hashtable] $Arguments) {
        # The cmdlet runs in a thread job of this process, so the test can change the disk while the proxy holds a request.
        Start-ThreadJob -ScriptBlock {
            param($ModulePath, $Command, $Arguments)
            Import-Module $ModulePath
            $ErrorActionPreference = 'Continue'
            $all = @(& ([scriptblock]::Create($Command)) @Arguments 2>&1)
            [pscustomobject]@{
                Rows = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
                Errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
            }
        } -ArgumentList $env:MEDIAOPS_MODULE_PATH, $Command.ToString(), $Arguments
    }

    function Receive-MediaJob($Job) {
        $null = Wait-Job $Job -Timeout 120
        $Job.State | Should -Be 'Completed' -Because 'the run ends on its own once the held request is released'
        $out = Receive-Job $Job -ErrorAction SilentlyContinue   # the run's errors come back in .Errors
        Remove-Job $Job
        return $out
    }

    function Get-Sha256([byte[]] $Bytes) {
        if ($null -eq $Bytes) { return $null }
        return [System.Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($Bytes))
    }

    function Get-FilesUnder([string] $Path) {
        @(Get-ChildItem -LiteralPath $Path -Recurse -Force -File -ErrorAction SilentlyContinue | ForEach-Object FullName)
    }
}

AfterAll {
    $Proxy | Stop-FaultProxy
    foreach ($p in $Scratch) { Remove-Item -LiteralPath $p -Recurse -Force -ErrorAction SilentlyContinue }
    if ($Moto.Owned) { $Moto | Stop-MotoServer }
}

Describe 'Nothing outside -Path through a race (time of check / time of use)' {
    BeforeEach { Reset-FaultProxy $Proxy }

    It 'a restore whose folder is swapped for a symlink while the GET is in flight writes nothing outside -Path' {
        $bucket = New-IoBucket
        $null = Invoke-AwsCli $Moto.Endpoint s3api put-object --bucket $bucket --key media/sub/evil.txt --body (Join-Path $PSScriptRoot 'Hardening.Io.Tests.ps1')
        $root = New-Folder 'restore'
        $null = New-Item -ItemType Directory (Join-Path $root 'sub')
        $outside = New-Folder 'outside'
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'GetObject'; match = 'evil'; action = 'hold:get'; times = 1 }) }

        $job = Start-MediaJob { param($p, $b, $t) Sync-MediaFromS3 -Path $p -BucketName $b @t -Concurrency 1 -PassThru } @{ p = $root; b = $bucket; t = $Target }
        Wait-HeldRequest 'get'
        # The path was checked; now the folder becomes a link to a folder outside the restore.
        Remove-Item -LiteralPath (Join-Path $root 'sub') -Recurse -Force
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $root 'sub') -Target $outside
        Resume-HeldRequest 'get'
        $out = Receive-MediaJob $job

        Get-FilesUnder $outside | Should -BeNullOrEmpty -Because 'not one byte, not even a temp file, lands outside -Path'
        $out.Rows[0].Status | Should -Be 'Failed'
        $out.Rows[-1].Failed | Should -Be 1
        $out.Errors[0].FullyQualifiedErrorId | Should -Match '^MediaOps\.SymlinkRefused'
        (Get-Item -LiteralPath (Join-Path $root 'sub')).LinkType | Should -Be 'SymbolicLink' -Because 'the link itself is left alone'
    }

    It 'a restore whose folder is swapped mid-body finishes inside -Path (the open folder is written, the link is not followed)' {
        $bucket = New-IoBucket
        $body = New-RandomBytes 300000 17
        $src = Join-Path (New-Folder 'src') 'body.bin'
        [System.IO.File]::WriteAllBytes($src, $body)
        $null = Invoke-AwsCli $Moto.Endpoint s3api put-object --bucket $bucket --key media/sub/late.bin --body $src
        $root = New-Folder 'restore'
        $null = New-Item -ItemType Directory (Join-Path $root 'sub')
        $outside = New-Folder 'outside'
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'GetObject'; match = 'late'; action = 'hold_body:body'; times = 1 }) }

        $job = Start-MediaJob { param($p, $b, $t) Sync-MediaFromS3 -Path $p -BucketName $b @t -Concurrency 1 -PassThru } @{ p = $root; b = $bucket; t = $Target }
        Wait-HeldRequest 'body'
        Move-Item -LiteralPath (Join-Path $root 'sub') (Join-Path $root 'sub.moved')
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $root 'sub') -Target $outside
        Resume-HeldRequest 'body'
        $out = Receive-MediaJob $job

        Get-FilesUnder $outside | Should -BeNullOrEmpty
        # The folder that was opened is where the bytes went: renamed, but still inside -Path.
        Get-Sha256 ([System.IO.File]::ReadAllBytes((Join-Path $root 'sub.moved/late.bin'))) | Should -Be (Get-Sha256 $body)
        $out.Rows[0].Status | Should -Be 'Done'
    }

    It 'an upload whose <What> is swapped for a symlink between parts does not read the link target' -TestCases @(
        @{ What = 'file'; Relative = 'big.bin' }
        @{ What = 'folder'; Relative = 'deep/big.bin' }
    ) {
        param($What, $Relative)
        $bucket = New-IoBucket
        $root = New-Folder 'upload'
        $original = New-RandomBytes (9MB) 21
        $null = New-TestMediaTree -Root $root -Files @{ $Relative = $original }
        # A root-only file elsewhere, same size, that the run must never read.
        $secretDir = New-Folder 'secret'
        $secret = [byte[]]::new(9MB); [System.Text.Encoding]::ASCII.GetBytes('ROOT-ONLY-SECRET').CopyTo($secret, 8MB + 10)
        [System.IO.File]::WriteAllBytes((Join-Path $secretDir 'big.bin'), $secret)
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'UploadPart'; action = 'hold:part1'; times = 1 }) }

        $job = Start-MediaJob { param($p, $b, $t) Sync-MediaToS3 -Path $p -BucketName $b @t -Concurrency 1 -PassThru } @{ p = $root; b = $bucket; t = $Target }
        Wait-HeldRequest 'part1'   # part 1 was read and is on its way; part 2 is read after it
        if ($What -eq 'file') {
            Remove-Item -LiteralPath (Join-Path $root 'big.bin')
            $null = New-Item -ItemType SymbolicLink -Path (Join-Path $root 'big.bin') -Target (Join-Path $secretDir 'big.bin')
        } else {
            Remove-Item -LiteralPath (Join-Path $root 'deep') -Recurse -Force
            $null = New-Item -ItemType SymbolicLink -Path (Join-Path $root 'deep') -Target $secretDir
        }
        Resume-HeldRequest 'part1'
        $out = Receive-MediaJob $job

        $stored = Get-ObjectBytes $bucket "media/$Relative"
        if ($null -ne $stored) { [System.Text.Encoding]::ASCII.GetString($stored).Contains('ROOT-ONLY-SECRET') | Should -BeFalse }
        $null -eq $stored | Should -BeTrue -Because 'a half-read file is not stored under the key'
        $out.Rows[0].Status | Should -Be 'Failed'
        $out.Errors[0].FullyQualifiedErrorId | Should -Match '^MediaOps\.SymlinkRefused'
        $out.Errors[0].Exception.Message | Should -Match 'symbolic link'
        Get-MultipartUploads $bucket | Should -BeNullOrEmpty -Because 'the refused upload is aborted'
    }
}

Describe 'No secret from a credentials file in any error' {
    It 'a malformed <Where> (<Case>) is named by file and line, and the secret appears nowhere' -TestCases @(
        @{ Where = 'credentials file'; Case = 'default chain, key without ='; ProfileName = ''; Credentials = "[default]`naws_access_key_id = AKIAHOSTILE000000001`naws_secret_access_key {SECRET}`n"; Config = ''; Line = 3 }
        @{ Where = 'credentials file'; Case = '-ProfileName, secret on a bare line'; ProfileName = 'app'; Credentials = "[app]`naws_access_key_id = AKIAHOSTILE000000002`n{SECRET}`n"; Config = ''; Line = 3 }
        @{ Where = 'credentials file'; Case = 'unterminated section'; ProfileName = 'app'; Credentials = "[app`naws_secret_access_key={SECRET}`n"; Config = ''; Line = 1 }
        @{ Where = 'config file'; Case = 'default chain, secret in config'; ProfileName = ''; Credentials = ''; Config = "[default]`nregion = us-east-1`naws_secret_access_key {SECRET}`n"; Line = 3 }
    ) {
        param($Where, $Case, $ProfileName, $Credentials, $Config, $Line)
        $dir = New-Folder 'creds'
        $secret = 'hostileSecret' + [guid]::NewGuid().ToString('N')
        [System.IO.File]::WriteAllText((Join-Path $dir 'credentials'), $Credentials.Replace('{SECRET}', $secret))
        [System.IO.File]::WriteAllText((Join-Path $dir 'config'), $Config.Replace('{SECRET}', $secret))
        # A fresh pwsh, as a user's session: the SDK fixes the shared files' location at its first use in a process.
        # It prints everything a user (or a runbook's log) can get at: the message, the exception chain, Get-Error,
        # and ConvertTo-Json of $Error. -Depth 10 of a whole ErrorRecord is not computable (its reflection graph grows
        # ~10x a level: 6 KB at depth 2, 2.9 MB at 5), so the record goes to depth 4 and the parts that carry text
        # (exception chain with Data, details, target, category) go to depth 10.
        $script = Join-Path $dir 'run.ps1'
        Set-Content $script @'
param($ModulePath, $CredentialsFile, $ConfigFile, $ProfileName, $Endpoint)
Import-Module $ModulePath
Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY, Env:AWS_SESSION_TOKEN, Env:AWS_PROFILE -ErrorAction SilentlyContinue
$env:AWS_SHARED_CREDENTIALS_FILE = $CredentialsFile
$env:AWS_CONFIG_FILE = $ConfigFile
$env:AWS_EC2_METADATA_DISABLED = 'true'
$arguments = @{ BucketName = 'any-bucket'; EndpointUrl = $Endpoint; Region = 'us-east-1' }
if ($ProfileName) { $arguments.ProfileName = $ProfileName }
try { Test-MediaBucket @arguments -ErrorAction Stop } catch { $null = $_ }
$record = $Error[0]
"FQID=$($record.FullyQualifiedErrorId)"
"MESSAGE=$($record.Exception.Message)"
$chain = for ($e = $record.Exception; $e; $e = $e.InnerException) { [pscustomobject]@{ Type = $e.GetType().FullName; Message = $e.Message; Data = $e.Data; Text = $e.ToString() } }
$parts = $Error | ForEach-Object { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Details = $_.ErrorDetails; Target = $_.TargetObject; Category = $_.CategoryInfo; Chain = @($chain) } }
$Error | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue
$parts | ConvertTo-Json -Depth 10 -WarningAction SilentlyContinue
Get-Error -Newest 1 | Out-String -Width 400
$Error | Out-String -Width 400
'@
        $out = Invoke-FreshPwsh -NoProfile -NonInteractive -File $script $env:MEDIAOPS_MODULE_PATH (Join-Path $dir 'credentials') (Join-Path $dir 'config') $ProfileName $Moto.Endpoint 2>&1 | Out-String

        $out | Should -Match 'FQID=MediaOps\.CredentialFileInvalid'
        $out | Should -Match "MESSAGE=.*line $Line\b"
        $out | Should -Match ("MESSAGE=.*" + [regex]::Escape($dir))
        $out.Length | Should -BeGreaterThan 5000 -Because 'the whole record was printed'
        $out | Should -Not -Match $secret
    }
}

Describe 'A file rewritten while it uploads is never stored as a mix' {
    BeforeEach { Reset-FaultProxy $Proxy }

    It 'a same-size rewrite between two parts fails the item, aborts the upload, and stores nothing' {
        $bucket = New-IoBucket
        $root = New-Folder 'rewrite'
        $old = New-RandomBytes (9MB) 31
        $new = New-RandomBytes (9MB) 32
        $null = New-TestMediaTree -Root $root -Files @{ 'video.bin' = $old }
        $path = Join-Path $root 'video.bin'
        $writtenBefore = (Get-Item $path).LastWriteTimeUtc
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'UploadPart'; action = 'hold:part1'; times = 1 }) }

        $job = Start-MediaJob { param($p, $b, $t) Sync-MediaToS3 -Path $p -BucketName $b @t -Concurrency 1 -PassThru } @{ p = $root; b = $bucket; t = $Target }
        Wait-HeldRequest 'part1'
        # The app rewrites the file in place: same size at every moment (no truncation a read could notice).
        $stream = [System.IO.File]::Open($path, 'Open', 'Write', 'ReadWrite')
        try { $stream.Write($new, 0, $new.Length) } finally { $stream.Dispose() }
        (Get-Item $path).LastWriteTimeUtc | Should -Not -Be $writtenBefore -Because 'the precondition: the rewrite moved the modification time'
        Resume-HeldRequest 'part1'
        $out = Receive-MediaJob $job

        $out.Rows[0].Status | Should -Be 'Failed'
        $out.Errors[0].FullyQualifiedErrorId | Should -Match '^MediaOps\.FileChangedDuringUpload'
        $null -eq (Get-ObjectBytes $bucket 'media/video.bin') | Should -BeTrue -Because 'neither a mix nor a guess is stored'
        Get-MultipartUploads $bucket | Should -BeNullOrEmpty
        # The next run uploads the new bytes whole.
        $again = Sync-MediaToS3 -Path $root -BucketName $bucket @Target
        $again.Failed | Should -Be 0
        Get-Sha256 (Get-ObjectBytes $bucket 'media/video.bin') | Should -Be (Get-Sha256 $new)
    }
}

Describe 'Local failures are named for their cause, not as an unreachable endpoint' {
    BeforeEach { Reset-FaultProxy $Proxy }

    It 'a key whose name is too long for the file system is MediaOps.LocalNameTooLong' {
        $bucket = New-IoBucket
        $long = 'n' * 300 + '.txt'
        $src = Join-Path (New-Folder 'src') 'x.txt'; 'x' | Set-Content $src
        $null = Invoke-AwsCli $Moto.Endpoint s3api put-object --bucket $bucket --key "media/$long" --body $src
        $null = Invoke-AwsCli $Moto.Endpoint s3api put-object --bucket $bucket --key 'media/ok.txt' --body $src
        $root = New-Folder 'restore'
        $result = Sync-MediaFromS3 -Path $root -BucketName $bucket @Target -ErrorVariable errs -ErrorAction SilentlyContinue
        $result.Failed | Should -Be 1
        $result.Transferred | Should -Be 1 -Because 'the run goes on'
        $errs[0].FullyQualifiedErrorId | Should -Match '^MediaOps\.LocalNameTooLong'
        $errs[0].Exception.Message | Should -Not -Match 'EndpointUrl'
        Get-FilesUnder $root | ForEach-Object { Split-Path $_ -Leaf } | Should -Be 'ok.txt'
    }

    It 'a key equal to an existing folder is MediaOps.LocalNameIsFolder, and the folder is untouched' {
        $bucket = New-IoBucket
        $src = Join-Path (New-Folder 'src') 'x.txt'; 'x' | Set-Content $src
        $null = Invoke-AwsCli $Moto.Endpoint s3api put-object --bucket $bucket --key 'media/photos' --body $src
        $root = New-Folder 'restore'
        $null = New-TestMediaTree -Root $root -Files @{ 'photos/kept.jpg' = 'kept' }
        $result = Sync-MediaFromS3 -Path $root -BucketName $bucket @Target -ErrorVariable errs -ErrorAction SilentlyContinue
        $result.Failed | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Match '^MediaOps\.LocalNameIsFolder'
        Get-Content (Join-Path $root 'photos/kept.jpg') | Should -Be 'kept'
        Get-FilesUnder $root | Should -Be (Join-Path $root 'photos/kept.jpg') -Because 'no temp file is left either'
    }

    It 'a file deleted between the walk and its upload is MediaOps.LocalFileGone' {
        $bucket = New-IoBucket
        $root = New-Folder 'gone'
        $null = New-TestMediaTree -Root $root -Files @{ 'big.bin' = (New-RandomBytes (9MB) 41) }
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'UploadPart'; action = 'hold:part1'; times = 1 }) }
        $job = Start-MediaJob { param($p, $b, $t) Sync-MediaToS3 -Path $p -BucketName $b @t -Concurrency 1 -PassThru } @{ p = $root; b = $bucket; t = $Target }
        Wait-HeldRequest 'part1'
        Remove-Item -LiteralPath (Join-Path $root 'big.bin')
        Resume-HeldRequest 'part1'
        $out = Receive-MediaJob $job
        $out.Rows[0].Status | Should -Be 'Failed'
        $out.Errors[0].FullyQualifiedErrorId | Should -Match '^MediaOps\.LocalFileGone'
        $out.Errors[0].Exception.Message | Should -Not -Match 'EndpointUrl'
        Get-MultipartUploads $bucket | Should -BeNullOrEmpty
    }

    It 'a temp file removed by a second run in the same folder is named as such' {
        $bucket = New-IoBucket
        $src = Join-Path (New-Folder 'src') 'body.bin'
        [System.IO.File]::WriteAllBytes($src, (New-RandomBytes 300000 51))
        $null = Invoke-AwsCli $Moto.Endpoint s3api put-object --bucket $bucket --key 'media/a.bin' --body $src
        $root = New-Folder 'restore'
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'GetObject'; action = 'hold_body:body'; times = 1 }) }
        $job = Start-MediaJob { param($p, $b, $t) Sync-MediaFromS3 -Path $p -BucketName $b @t -Concurrency 1 -PassThru } @{ p = $root; b = $bucket; t = $Target }
        Wait-HeldRequest 'body'
        # What another run's stale-temp cleanup does to this run's temp file.
        $temps = @(Get-ChildItem -LiteralPath $root -Force -File)
        $temps.Count | Should -Be 1 -Because 'the download is half-way into its temp file'
        $temps | Remove-Item -Force
        Resume-HeldRequest 'body'
        $out = Receive-MediaJob $job
        $out.Rows[0].Status | Should -Be 'Failed'
        $out.Errors[0].FullyQualifiedErrorId | Should -Match '^MediaOps\.LocalFileGone'
        $out.Errors[0].Exception.Message | Should -Match 'second run'
        Test-Path (Join-Path $root 'a.bin') | Should -BeFalse
    }
}

Describe 'New-MediaDjangoSettings -Format Env runs nothing when the file is sourced' {
    It 'a hostile <Parameter> value (<Value>) is written so bash sources it literally' -TestCases @(
        @{ Parameter = 'Prefix'; Value = 'media/$(touch {MARK})' }
        @{ Parameter = 'Prefix'; Value = 'media/`touch {MARK}`' }
        @{ Parameter = 'Prefix'; Value = 'media/${HOME}/$HOME' }
        @{ Parameter = 'Prefix'; Value = 'media/x; touch {MARK}' }
        @{ Parameter = 'Prefix'; Value = 'media/x && touch {MARK} #' }
        @{ Parameter = 'Prefix'; Value = 'media/$((1+1))!!*' }
        @{ Parameter = 'Region'; Value = '$(touch {MARK})' }
        @{ Parameter = 'Region'; Value = 'eu-west-1 | touch {MARK}' }
        @{ Parameter = 'EndpointUrl'; Value = 'http://127.0.0.1:9000/$(touch {MARK})' }
        @{ Parameter = 'EndpointUrl'; Value = 'http://127.0.0.1:9000/`touch {MARK}`?a=1&b=$PATH' }
    ) {
        param($Parameter, $Value)
        $dir = New-Folder 'envfile'
        $mark = Join-Path $dir 'ran'
        $hostile = $Value.Replace('{MARK}', $mark)
        $arguments = @{ BucketName = 'myapp-prod-media'; Region = 'eu-west-1'; Format = 'Env' }
        $arguments[$Parameter] = $hostile
        $file = Join-Path $dir 'storages.env'
        Set-Content -LiteralPath $file -Value (New-MediaDjangoSettings @arguments) -NoNewline
        $name = @{ Prefix = 'AWS_LOCATION'; Region = 'AWS_S3_REGION_NAME'; EndpointUrl = 'AWS_S3_ENDPOINT_URL' }[$Parameter]
        $expected = if ($Parameter -eq 'Prefix') { $hostile.Trim('/') } elseif ($Parameter -eq 'EndpointUrl') { $hostile.TrimEnd('/') } else { $hostile }

        $value = & bash -c 'set -a; . "$1" >/dev/null 2>&1; printf %s "${!2}"' bash $file $name
        Test-Path $mark | Should -BeFalse -Because 'sourcing the file runs nothing'
        $value | Should -BeExactly $expected -Because 'the value round-trips unchanged'
    }
}

Describe 'Test-MediaObject: one bad name is one Fail row, and the run goes on' {
    BeforeEach { Reset-FaultProxy $Proxy }

    It 'a name with <Case> is a Fail row saying why<Local>; the names around it are checked' -TestCases @(
        @{ Case = 'a NUL character'; Bad = "photos/a`0b.jpg"; Reason = 'NUL character \(U\+0000\)'; Local = '' }
        @{ Case = 'a NUL character'; Bad = "photos/a`0b.jpg"; Reason = 'NUL character \(U\+0000\)'; Local = ' (with -Path -Checksum)' }
        @{ Case = 'an unpaired surrogate'; Bad = "photos/a$([char]0xD800)b.jpg"; Reason = 'unpaired surrogate U\+D800'; Local = ' (with -Path -Checksum)' }
        @{ Case = 'a key over 1024 bytes'; Bad = 'photos/' + ('n' * 1100) + '.jpg'; Reason = '1024'; Local = ' (with -Path -Checksum)' }
    ) {
        param($Case, $Bad, $Reason, $Local)
        $bucket = New-IoBucket
        $root = New-Folder 'names'
        $null = New-TestMediaTree -Root $root -Files @{ 'photos/a.jpg' = 'first'; 'photos/z.jpg' = 'last' }
        $null = Sync-MediaToS3 -Path $root -BucketName $bucket @Target
        $arguments = @{ BucketName = $bucket } + $Target
        if ($Local) { $arguments.Path = $root; $arguments.Checksum = $true }

        $rows = @('photos/a.jpg', $Bad, 'photos/z.jpg' | Test-MediaObject @arguments -ErrorVariable errs -ErrorAction SilentlyContinue)

        $errs | Should -BeNullOrEmpty -Because 'a bad name is a finding, not an error that ends the run'
        $rows.Count | Should -Be 3
        $rows.Status | Should -Be @('Pass', 'Fail', 'Pass')
        $rows[1].Name | Should -BeExactly $Bad
        $rows[1].Message | Should -Match $Reason
        $rows[1].Message | Should -Match 'Fix the database row'
    }
}

Describe 'A server that stalls mid-transfer fails the item; the run ends' {
    BeforeEach { Reset-FaultProxy $Proxy }
    AfterEach { Remove-Item Env:MEDIAOPS_READ_TIMEOUT_SECONDS -ErrorAction SilentlyContinue }

    It 'a download whose body stops after <Bytes> bytes is retried, then MediaOps.ServerStalled; no file and no temp file is left' -TestCases @(
        @{ Bytes = 100000 }
        @{ Bytes = 0 }
    ) {
        param($Bytes)
        $bucket = New-IoBucket
        $src = Join-Path (New-Folder 'src') 'body.bin'
        [System.IO.File]::WriteAllBytes($src, (New-RandomBytes 300000 61))
        $null = Invoke-AwsCli $Moto.Endpoint s3api put-object --bucket $bucket --key 'media/stalled.bin' --body $src
        $null = Invoke-AwsCli $Moto.Endpoint s3api put-object --bucket $bucket --key 'media/z-fine.bin' --body $src
        $root = New-Folder 'restore'
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'GetObject'; match = 'stalled'; action = "stall:$Bytes" }) }
        $env:MEDIAOPS_READ_TIMEOUT_SECONDS = '1'   # read by the run in the job (same process)

        $job = Start-MediaJob { param($p, $b, $t) Sync-MediaFromS3 -Path $p -BucketName $b @t -Concurrency 1 -PassThru } @{ p = $root; b = $bucket; t = $Target }
        $out = Receive-MediaJob $job

        $out.Rows[0].Key | Should -Be 'media/stalled.bin'
        $out.Rows[0].Status | Should -Be 'Failed'
        $out.Rows[1].Status | Should -Be 'Done' -Because 'the run goes on with the next object'
        $out.Rows[-1].Failed | Should -Be 1
        $out.Errors.Count | Should -Be 1
        $out.Errors[0].FullyQualifiedErrorId | Should -Match '^MediaOps\.ServerStalled'
        $out.Errors[0].Exception.Message | Should -Match 'MEDIAOPS_READ_TIMEOUT_SECONDS'
        $out.Errors[0].Exception.Message | Should -Not -Match 'EndpointUrl'
        (Get-FaultProxyStats $Proxy).faults.'stall GetObject' | Should -Be 3 -Because 'the stalled GET is sent again twice before the item fails'
        Get-FilesUnder $root | ForEach-Object { Split-Path $_ -Leaf } | Should -Be 'z-fine.bin' -Because 'no partial file and no temp file is left'
    }

    It 'an upload the server stops reading mid-body is retried, then MediaOps.ServerStalled; nothing is stored' {
        $bucket = New-IoBucket
        $root = New-Folder 'upload'
        $null = New-TestMediaTree -Root $root -Files @{ 'stalled.bin' = (New-RandomBytes 200000 62); 'z-fine.bin' = (New-RandomBytes 1000 63) }
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'PutObject'; match = 'stalled'; action = 'stall:50000' }) }
        $env:MEDIAOPS_READ_TIMEOUT_SECONDS = '1'

        $job = Start-MediaJob { param($p, $b, $t) Sync-MediaToS3 -Path $p -BucketName $b @t -Concurrency 1 -PassThru } @{ p = $root; b = $bucket; t = $Target }
        $out = Receive-MediaJob $job

        $out.Rows[0].Key | Should -Be 'media/stalled.bin'
        $out.Rows[0].Status | Should -Be 'Failed'
        $out.Rows[1].Status | Should -Be 'Done'
        $out.Errors[0].FullyQualifiedErrorId | Should -Match '^MediaOps\.ServerStalled'
        $out.Errors[0].Exception.Message | Should -Not -Match 'EndpointUrl'
        (Get-FaultProxyStats $Proxy).faults.'stall PutObject' | Should -Be 3
        $null -eq (Get-ObjectBytes $bucket 'media/stalled.bin') | Should -BeTrue
        Get-ObjectBytes $bucket 'media/z-fine.bin' | Should -Not -BeNullOrEmpty
    }
}

Describe 'Downloads of objects whose ETag is no MD5 are checked by the checksum stored with them' {
    BeforeEach { Reset-FaultProxy $Proxy }

    It 'an SSE-KMS object with a stored <Algorithm> checksum (<Upload>) corrupted in flight fails the item and leaves no file; intact it is restored and verified' -TestCases @(
        @{ Algorithm = 'SHA256'; Upload = 'single PUT'; Size = 300000 }
        @{ Algorithm = 'SHA1'; Upload = 'single PUT'; Size = 300000 }
        @{ Algorithm = 'CRC32'; Upload = 'single PUT'; Size = 300000 }
        @{ Algorithm = 'CRC32'; Upload = 'multipart, a checksum of the parts'; Size = 9MB }
    ) {
        param($Algorithm, $Upload, $Size)
        $bucket = New-IoBucket
        $body = New-RandomBytes $Size 71
        $src = Join-Path (New-Folder 'src') 'body.bin'
        [System.IO.File]::WriteAllBytes($src, $body)
        if ($Upload -eq 'single PUT') {
            $null = Invoke-AwsCli $Moto.Endpoint s3api put-object --bucket $bucket --key 'media/kms.bin' --body $src --server-side-encryption aws:kms --checksum-algorithm $Algorithm
        } else {
            $null = Invoke-AwsCli $Moto.Endpoint s3 cp $src "s3://$bucket/media/kms.bin" --sse aws:kms --checksum-algorithm $Algorithm --only-show-errors
        }
        $head = Invoke-AwsCli $Moto.Endpoint s3api head-object --bucket $bucket --key 'media/kms.bin' --checksum-mode ENABLED
        $head.ServerSideEncryption | Should -Be 'aws:kms' -Because 'the precondition: the ETag proves nothing'
        $head."Checksum$Algorithm" | Should -Not -BeNullOrEmpty -Because 'the precondition: a checksum was stored'
        $root = New-Folder 'restore'
        $null = Set-FaultProxyConfig $Proxy @{ rules = @(@{ op = 'GetObject'; action = 'corrupt_response'; times = 1 }) }

        $result = Sync-MediaFromS3 -Path $root -BucketName $bucket @Target -ErrorVariable errs -ErrorAction SilentlyContinue
        (Get-FaultProxyStats $Proxy).corrupted | Should -Be 1
        $result.Failed | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Match '^MediaOps\.IntegrityCheckFailed'
        $errs[0].Exception.Message | Should -Match 'checksum'
        Get-FilesUnder $root | Should -BeNullOrEmpty -Because 'no corrupted file and no temp file is left'

        $again = Sync-MediaFromS3 -Path $root -BucketName $bucket @Target
        $again.Failed | Should -Be 0
        $again.Transferred | Should -Be 1
        Get-Sha256 ([System.IO.File]::ReadAllBytes((Join-Path $root 'kms.bin'))) | Should -Be (Get-Sha256 $body)

        # Test-MediaObject -Checksum proves the restored file by the same checksum, and catches a same-size change.
        $row = 'kms.bin' | Test-MediaObject -BucketName $bucket @Target -Path $root -Checksum
        $row.Status | Should -Be 'Pass'
        $row.Message | Should -Match 'checksum stored with it'
        $changed = [byte[]]$body.Clone(); $changed[$Size - 1] = $changed[$Size - 1] -bxor 0xFF
        [System.IO.File]::WriteAllBytes((Join-Path $root 'kms.bin'), $changed)
        $row = 'kms.bin' | Test-MediaObject -BucketName $bucket @Target -Path $root -Checksum
        $row.Status | Should -Be 'Fail'
        $row.Message | Should -Match 'checksum stored with the object'
    }
}

Describe 'Every listing, not only the sync, asks for URL-encoded keys and decodes them one way' {
    BeforeEach { Reset-FaultProxy $Proxy }

    It 'with a U+0001 key first under the prefix, <Cmdlet> lists like any other' -TestCases @(
        @{ Cmdlet = 'Test-MediaObject (its preflight listing)' }
        @{ Cmdlet = 'Test-MediaAccess (ListInPrefix, then a GET of the listed key)' }
    ) {
        param($Cmdlet)
        $bucket = New-IoBucket
        $root = New-Folder 'ctl'
        $null = New-TestMediaTree -Root $root -Files @{ "a$([char]1)ctl.txt" = 'control'; 'ok.txt' = 'fine' }
        (Sync-MediaToS3 -Path $root -BucketName $bucket @Target).Transferred | Should -Be 2
        if ($Cmdlet -like 'Test-MediaObject*') {
            $row = 'ok.txt' | Test-MediaObject -BucketName $bucket @Target -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs | Should -BeNullOrEmpty -Because 'the listing of a control character is no XmlException'
            $row.Status | Should -Be 'Pass'
        } else {
            $rows = Test-MediaAccess -BucketName $bucket @Target -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs | Should -BeNullOrEmpty
            ($rows | Where-Object Check -eq 'ListInPrefix').Status | Should -Be 'Pass'
            ($rows | Where-Object Check -eq 'GetInPrefix').Status | Should -Be 'Pass' -Because 'the listed key is decoded before it is read back'
        }
        (Get-FaultProxyStats $Proxy).requests.'GET ListObjectsV2' | Should -BeGreaterThan 0
    }
}
