#requires -Modules Pester
# Sync-MediaToS3 -CacheControl / -ObjectParameters / -UpdateMetadata against moto, with the aws CLI as the witness
# of each object's headers, and New-MediaDjangoSettings' AWS_S3_OBJECT_PARAMETERS used by Debian's real Django +
# django-storages (tests/tools/django_settings_check.py): a file Django saves and one MediaOps migrated look alike.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    $script:Moto = Get-TestEndpoint
    Set-TestAwsEnvironment -Endpoint $Moto.Endpoint
    $script:E = $Moto.Endpoint
    $script:Checker = Join-Path $PSScriptRoot '../tools/django_settings_check.py'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "objparams-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $Work | Out-Null

    $script:Parameters = @{
        CacheControl = 'public, max-age=86400'; ContentDisposition = 'inline'; ContentLanguage = 'de'
        Expires = [datetime]::new(2031, 1, 2, 3, 4, 5, [DateTimeKind]::Utc); Metadata = @{ Owner = 'media-team' }; StorageClass = 'STANDARD_IA'
    }
    function script:New-Bucket {
        $name = New-TestBucketName -Stem 'objp'
        Invoke-AwsCli -Endpoint $E s3api create-bucket --bucket $name | Out-Null
        $name
    }
    function script:New-Media {
        $root = Join-Path $Work ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path (Join-Path $root 'docs') -Force | Out-Null
        [IO.File]::WriteAllText((Join-Path $root 'docs/a.txt'), 'small file')
        [IO.File]::WriteAllBytes((Join-Path $root 'docs/notes.txt.gz'), [byte[]](1..200 | ForEach-Object { $_ % 256 }))
        $big = [byte[]]::new(9MB)   # over the 8 MiB multipart threshold
        [Random]::new(7).NextBytes($big)
        [IO.File]::WriteAllBytes((Join-Path $root 'docs/big.bin'), $big)
        $root
    }
    function script:Get-Head([string] $Bucket, [string] $Key) { Invoke-AwsCli -Endpoint $E s3api head-object --bucket $Bucket --key $Key }
    # The headers an app's user sees, as the aws CLI reports them (STANDARD is reported as no class).
    function script:Get-Looks($head) {
        [ordered]@{
            CacheControl = $head.CacheControl; ContentDisposition = $head.ContentDisposition; ContentLanguage = $head.ContentLanguage
            Expires = if ($head.Expires) { ([datetime]$head.Expires).ToUniversalTime().ToString('o') }
            Metadata = (($head.Metadata.PSObject.Properties | Where-Object Name -ne 'md5chksum' | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ';')
            StorageClass = $head.StorageClass
        } | ConvertTo-Json -Compress
    }
}
AfterAll {
    if ($script:Moto.Owned) { $Moto | Stop-MotoServer }
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Sync-MediaToS3 -ObjectParameters' {
    It 'gives single and multipart uploads the same headers, keeping the content type, encoding and MD5' {
        $bucket = New-Bucket
        $r = Sync-MediaToS3 -Path (New-Media) -BucketName $bucket -ObjectParameters $Parameters
        $r.Transferred | Should -Be 3
        foreach ($key in 'media/docs/a.txt', 'media/docs/big.bin', 'media/docs/notes.txt.gz') {
            $head = Get-Head $bucket $key
            $head.CacheControl | Should -Be 'public, max-age=86400' -Because $key
            $head.ContentDisposition | Should -Be 'inline'
            $head.ContentLanguage | Should -Be 'de'
            ([datetime]$head.Expires).ToUniversalTime() | Should -Be ([datetime]::new(2031, 1, 2, 3, 4, 5, [DateTimeKind]::Utc))
            $head.Metadata.owner | Should -Be 'media-team'
            $head.StorageClass | Should -Be 'STANDARD_IA'
        }
        (Get-Head $bucket 'media/docs/a.txt').Metadata.md5chksum | Should -Not -BeNullOrEmpty
        (Get-Head $bucket 'media/docs/notes.txt.gz').ContentEncoding | Should -Be 'gzip'
        (Get-Head $bucket 'media/docs/notes.txt.gz').ContentType | Should -Be 'text/plain'
    }

    It '-CacheControl alone sets Cache-Control; with a different -ObjectParameters CacheControl it is refused' {
        $bucket = New-Bucket
        $null = Sync-MediaToS3 -Path (New-Media) -BucketName $bucket -CacheControl 'max-age=60'
        (Get-Head $bucket 'media/docs/a.txt').CacheControl | Should -Be 'max-age=60'
        { Sync-MediaToS3 -Path $Work -BucketName $bucket -CacheControl 'max-age=60' -ObjectParameters @{ CacheControl = 'no-cache' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'MediaOps.InvalidObjectParameter,MediaOps.Commands.SyncMediaToS3Command'
    }

    It 'refuses an unknown key, naming the allowed ones, and spells out boto3''s name for a header''s' {
        $e = { Sync-MediaToS3 -Path $Work -BucketName nobucket-here -ObjectParameters @{ Colour = 'red' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'MediaOps.InvalidObjectParameter,MediaOps.Commands.SyncMediaToS3Command' -PassThru
        $e.Exception.Message | Should -Match 'Colour'
        $e.Exception.Message | Should -Match 'CacheControl, ContentDisposition, ContentLanguage, Expires, Metadata, StorageClass'
        ({ Sync-MediaToS3 -Path $Work -BucketName nobucket-here -ObjectParameters @{ 'Cache-Control' = 'x' } -ErrorAction Stop } | Should -Throw -PassThru).Exception.Message |
            Should -Match "'CacheControl'"
        ({ Sync-MediaToS3 -Path $Work -BucketName nobucket-here -ObjectParameters @{ ACL = 'public-read' } -ErrorAction Stop } | Should -Throw -PassThru).Exception.Message |
            Should -Match 'never sets an object ACL'
        ({ Sync-MediaToS3 -Path $Work -BucketName nobucket-here -ObjectParameters @{ StorageClass = 'GLACIER' } -ErrorAction Stop } | Should -Throw -PassThru).Exception.Message |
            Should -Match 'Django cannot read'
    }
}

Describe 'a changed parameter is not a content change' {
    BeforeAll {
        $script:Bucket = New-Bucket
        $script:Root = New-Media
        $null = Sync-MediaToS3 -Path $Root -BucketName $Bucket -CacheControl 'max-age=60'
        $script:Before = @{}
        foreach ($k in 'a.txt', 'big.bin', 'notes.txt.gz') { $Before[$k] = Get-Head $Bucket "media/docs/$k" }
    }

    It 'without -UpdateMetadata nothing is uploaded or changed' {
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket -ObjectParameters $Parameters
        $r.Transferred | Should -Be 0
        $r.Skipped | Should -Be 3
        (Get-Head $Bucket 'media/docs/a.txt').CacheControl | Should -Be 'max-age=60'
    }

    It '-UpdateMetadata -WhatIf shows each object whose headers differ, and why, changing nothing' {
        $items = Sync-MediaToS3 -Path $Root -BucketName $Bucket -ObjectParameters $Parameters -UpdateMetadata -WhatIf -PassThru | Where-Object { $_ -is [MediaOps.SyncItem] }
        $items.Count | Should -Be 3
        $items.Action | Sort-Object -Unique | Should -Be 'UpdateMetadata'
        $items.Status | Sort-Object -Unique | Should -Be 'Planned'
        ($items | Where-Object Key -eq 'media/docs/a.txt').Reason | Should -Be 'headers differ: CacheControl, ContentDisposition, ContentLanguage, Expires, StorageClass, Metadata'
        (Get-Head $Bucket 'media/docs/a.txt').CacheControl | Should -Be 'max-age=60'
    }

    It '-UpdateMetadata replaces the headers by a server-side copy, keeping content type, encoding and the MD5 metadata' {
        $r = Sync-MediaToS3 -Path $Root -BucketName $Bucket -ObjectParameters $Parameters -UpdateMetadata -PassThru
        $result = $r | Where-Object { $_ -is [MediaOps.SyncResult] }
        $result.Failed | Should -Be 0
        $result.Bytes | Should -Be 0   # no byte sent: the copy is made by S3
        ($r | Where-Object { $_ -is [MediaOps.SyncItem] }).Action | Sort-Object -Unique | Should -Be 'UpdateMetadata'
        foreach ($k in 'a.txt', 'big.bin', 'notes.txt.gz') {
            $head = Get-Head $Bucket "media/docs/$k"
            $head.CacheControl | Should -Be 'public, max-age=86400' -Because $k
            $head.StorageClass | Should -Be 'STANDARD_IA'
            $head.Metadata.owner | Should -Be 'media-team'
            $head.ContentType | Should -Be $Before[$k].ContentType
            $head.ContentEncoding | Should -Be $Before[$k].ContentEncoding
            $head.Metadata.md5chksum | Should -Be $Before[$k].Metadata.md5chksum
        }
        (Get-Head $Bucket 'media/docs/a.txt').ETag | Should -Be $Before['a.txt'].ETag   # same bytes
    }

    It 'afterwards the objects look alike: -UpdateMetadata changes nothing, and -Checksum finds the same content' {
        $again = Sync-MediaToS3 -Path $Root -BucketName $Bucket -ObjectParameters $Parameters -UpdateMetadata -PassThru
        @($again | Where-Object { $_ -is [MediaOps.SyncItem] }).Count | Should -Be 0
        ($again | Where-Object { $_ -is [MediaOps.SyncResult] }).Skipped | Should -Be 3
        (Sync-MediaToS3 -Path $Root -BucketName $Bucket -ObjectParameters $Parameters -Checksum).Transferred | Should -Be 0
    }
}

Describe 'New-MediaDjangoSettings emits the same AWS_S3_OBJECT_PARAMETERS' {
    It 'a file Django saves (<Label>) has the headers of a file Sync-MediaToS3 migrated' -ForEach @(
        @{ Label = 'STORAGES'; Version = '4.2' }
        @{ Label = 'DEFAULT_FILE_STORAGE'; Version = '3.2' }
    ) {
        $bucket = New-Bucket
        $null = Sync-MediaToS3 -Path (New-Media) -BucketName $bucket -ObjectParameters $Parameters
        $settings = New-MediaDjangoSettings -BucketName $bucket -Region us-east-1 -EndpointUrl $E -DjangoVersion $Version -ObjectParameters $Parameters
        $file = Join-Path $Work "settings_$([guid]::NewGuid().ToString('N')).py"
        [IO.File]::WriteAllText($file, $settings)
        $out = & /usr/bin/python3 $Checker $file save 'docs/from-django.txt' 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $saved = ($out | Select-Object -Last 1) | ConvertFrom-Json
        $saved.object_parameters.CacheControl | Should -Be 'public, max-age=86400'
        $django = Get-Head $bucket "media/$($saved.saved)"
        $migrated = Get-Head $bucket 'media/docs/a.txt'
        Get-Looks $django | Should -Be (Get-Looks $migrated)
        $django.CacheControl | Should -Be 'public, max-age=86400'
        $django.ContentType | Should -Be $migrated.ContentType
    }

    It 'writes the JSON into the env file, and nothing when no parameter is given' {
        $envText = New-MediaDjangoSettings -BucketName myapp-media -Region eu-west-1 -Format Env -CacheControl 'max-age=60'
        $envText | Should -Match ([regex]::Escape("AWS_S3_OBJECT_PARAMETERS='{`"CacheControl`": `"max-age=60`"}'"))
        New-MediaDjangoSettings -BucketName myapp-media -Region eu-west-1 | Should -Not -Match 'OBJECT_PARAMETERS'
    }
}
