#requires -Modules Pester
# Interop with a real Django site (tests/django: Debian python3-django + python3-django-storages, sqlite in a
# temp dir, AWS_LOCATION = "media", AWS_QUERYSTRING_AUTH = True, AWS_S3_ENDPOINT_URL = moto).
# Django is the judge: what MediaOps (and the aws CLI) put in S3 must open through default_storage, what Django
# writes after cutover must pass Test-MediaObject, and Get-MediaUrl must hand out Django's own URLs.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'DjangoHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    if (-not (Test-DjangoAvailable)) { throw 'Django interop needs /usr/bin/python3 with python3-django, python3-django-storages and python3-boto3 (.ci/run installs them).' }
    $script:Moto = Get-TestEndpoint
    $script:Endpoint = $Moto.Endpoint
    Set-TestAwsEnvironment -Endpoint $Endpoint

    function script:New-DjangoBucket {
        # What Initialize-MediaBucket sets up and Django expects: default encryption and versioning.
        $name = New-TestBucketName 'dj'
        Invoke-AwsCli -Endpoint $Endpoint s3api create-bucket --bucket $name | Out-Null
        Invoke-AwsCli -Endpoint $Endpoint s3api put-bucket-encryption --bucket $name --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}' | Out-Null
        Invoke-AwsCli -Endpoint $Endpoint s3api put-bucket-versioning --bucket $name --versioning-configuration Status=Enabled | Out-Null
        return $name
    }

    # A MEDIA_ROOT as old Django versions and users left it: spaces, non-ASCII, '+', '&', parentheses, binary.
    $script:Files = [ordered]@{
        'uploads/2024/photo one.jpg'     = [byte[]](1..255 + 0..255)
        'uploads/ünïcødé/naïve café.png' = 'bytes of a png, honestly'
        'uploads/plus+and&amp.txt'       = 'plus and ampersand'
        'docs/report (final).pdf'        = '%PDF-1.4 not really'
        'avatars/a.b.c.tar.gz'           = 'nested extensions'
    }
    $script:Root = New-TestMediaTree -Files $Files
    $script:Names = @($Files.Keys)
}

AfterAll {
    if ($script:Root) { Remove-Item $script:Root -Recurse -Force -ErrorAction SilentlyContinue }
    if ($script:Moto.Owned) { $script:Moto | Stop-MotoServer }
}

Describe 'Django opens what the aws CLI migrated (the reference runbook''s copy)' {
    BeforeAll {
        $script:Bucket = New-DjangoBucket
        Invoke-AwsCli -Endpoint $Endpoint s3 sync $Root "s3://$Bucket/media/" | Out-Null
        $script:Site = New-DjangoSite -Endpoint $Endpoint -BucketName $Bucket
        $script:Opened = Invoke-Django $Site open @Names
    }
    AfterAll { $script:Site | Remove-DjangoSite }

    It 'default_storage.open(name) returns the local bytes for <_>' -ForEach @(
        'uploads/2024/photo one.jpg', 'uploads/ünïcødé/naïve café.png', 'uploads/plus+and&amp.txt', 'docs/report (final).pdf', 'avatars/a.b.c.tar.gz'
    ) {
        $row = $Opened | Where-Object name -eq $_
        $row.sha256 | Should -Be (Get-FileSha256 (Join-Path $Root $_))
    }

    It 'Django''s url(name) answers 200 with the same bytes' {
        foreach ($row in $Opened) {
            $row.urlStatus | Should -Be 200 -Because $row.url
            $row.urlSha256 | Should -Be $row.sha256
        }
    }

    It 'Test-MediaObject -Path -Checksum agrees for every name' {
        $rows = $Names | Test-MediaObject -BucketName $Bucket -Path $Root -Checksum
        $rows.Name | Should -Be $Names
        $rows | ForEach-Object { $_.Status | Should -Be 'Pass' -Because $_.Message }
        $rows | ForEach-Object { $_.ServerSideEncryption | Should -Be 'AES256' }
        $rows | ForEach-Object { $_.VersionId | Should -Not -BeNullOrEmpty }
    }
}

Describe 'after cutover: files Django saves resolve with Test-MediaObject' {
    BeforeAll {
        $script:Bucket = New-DjangoBucket
        $script:Site = New-DjangoSite -Endpoint $Endpoint -BucketName $Bucket
        $pairs = foreach ($n in 'new upload.jpg', 'contract (signed).pdf', 'résumé.txt') {
            $p = Join-Path $Site.Directory ([guid]::NewGuid().ToString('N'))
            [IO.File]::WriteAllText($p, "uploaded through Django as $n")
            "$n=$p"
        }
        $script:Saved = Invoke-Django $Site save @pairs
        $script:Csv = Join-Path $Site.Directory 'names.csv'
        $null = Invoke-Django $Site export $Csv
        # A row whose file never reached S3 (lost in the move): appended as a DB export would carry it.
        Add-Content -LiteralPath $Csv -Value '99,uploads/2019/01/lost in the move.jpg' -Encoding utf8
    }
    AfterAll { $script:Site | Remove-DjangoSite }

    It 'Import-Csv of SELECT id, file binds the lowercase file column' {
        $rows = Import-Csv $Csv | Test-MediaObject -BucketName $Bucket
        $rows.Name | Should -Be (@($Saved.name) + 'uploads/2019/01/lost in the move.jpg')
    }

    It 'Django''s own uploads Pass with the object''s metadata, the missing row Fails without an error' {
        $rows = Import-Csv $Csv | Test-MediaObject -BucketName $Bucket -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $present = $rows | Select-Object -First 3
        $present | ForEach-Object {
            $_.Status | Should -Be 'Pass'
            $_.Key | Should -Be "media/$($_.Name)"
            $_.ContentType | Should -Not -BeNullOrEmpty
            $_.ServerSideEncryption | Should -Be 'AES256'
            $_.LastModified | Should -BeOfType ([datetime])
        }
        ($rows | Where-Object Name -like '*lost in the move*').Status | Should -Be 'Fail'
        ($rows | Where-Object Name -like '*lost in the move*').Exists | Should -BeFalse
        Import-Csv $Csv | Test-MediaObject -BucketName $Bucket -Quiet | Should -BeFalse
        Import-Csv $Csv | Select-Object -First 3 | Test-MediaObject -BucketName $Bucket -Quiet | Should -BeTrue
    }

    It 'the content type matches what django-storages set' {
        $pdf = Import-Csv $Csv | Where-Object file -like '*.pdf' | Test-MediaObject -BucketName $Bucket
        $pdf.ContentType | Should -Be 'application/pdf'
    }
}

Describe 'Get-MediaUrl hands out Django''s URLs' {
    BeforeAll {
        $script:Bucket = New-DjangoBucket
        Invoke-AwsCli -Endpoint $Endpoint s3 sync $Root "s3://$Bucket/media/" | Out-Null
        $script:Site = New-DjangoSite -Endpoint $Endpoint -BucketName $Bucket
        $script:PublicSite = New-DjangoSite -Endpoint $Endpoint -BucketName $Bucket -PublicMedia

        function script:Split-Url([string] $Url) {
            $u = [uri]$Url
            $query = [ordered]@{}
            foreach ($pair in ($u.Query.TrimStart('?') -split '&' | Where-Object { $_ })) {
                $k, $v = $pair -split '=', 2
                $query[$k] = $v
            }
            [pscustomobject]@{ Base = $u.GetLeftPart([UriPartial]::Path); Query = $query }
        }
    }
    AfterAll { $script:Site, $script:PublicSite | Remove-DjangoSite }

    It 'signs <_> exactly as django-storages does at the same instant' -ForEach @(
        'uploads/2024/photo one.jpg', 'uploads/ünïcødé/naïve café.png', 'uploads/plus+and&amp.txt', 'docs/report (final).pdf'
    ) {
        $ours = Get-MediaUrl $_ -BucketName $Bucket
        $mine = Split-Url $ours.Url
        $django = Split-Url (Invoke-Django $Site url $_ --at $mine.Query['X-Amz-Date']).url
        $mine.Base | Should -BeExactly $django.Base
        $mine.Query['X-Amz-Expires'] | Should -Be '3600'
        foreach ($k in $django.Query.Keys) { $mine.Query[$k] | Should -BeExactly $django.Query[$k] -Because "query parameter $k" }
        $mine.Query.Count | Should -Be $django.Query.Count
    }

    It 'honours -ExpiresIn like AWS_QUERYSTRING_EXPIRE' {
        $ours = Get-MediaUrl 'docs/report (final).pdf' -BucketName $Bucket -ExpiresIn 600
        $mine = Split-Url $ours.Url
        $django = Split-Url (Invoke-Django $Site url 'docs/report (final).pdf' --at $mine.Query['X-Amz-Date'] --expire 600).url
        $mine.Query['X-Amz-Signature'] | Should -BeExactly $django.Query['X-Amz-Signature']
        $ours.ExpiresUtc | Should -BeGreaterThan ([datetime]::UtcNow.AddSeconds(590))
        $ours.ExpiresUtc | Should -BeLessThan ([datetime]::UtcNow.AddSeconds(610))
    }

    It 'its URLs open with Django''s bytes' {
        $opened = Invoke-Django $Site open @Names
        foreach ($url in $Names | Get-MediaUrl -BucketName $Bucket) {
            $response = Invoke-WebRequest -Uri $url.Url -SkipHttpErrorCheck
            $response.StatusCode | Should -Be 200
            $sha = [BitConverter]::ToString([Security.Cryptography.SHA256]::HashData($response.RawContentStream.ToArray())).Replace('-', '').ToLowerInvariant()
            $sha | Should -Be ($opened | Where-Object name -eq $url.Name).sha256
        }
    }

    It '-Unsigned equals Django''s URL with AWS_QUERYSTRING_AUTH = False, and a private bucket refuses it' {
        foreach ($name in $Names) {
            $plain = Get-MediaUrl $name -BucketName $Bucket -Unsigned
            $plain.Url | Should -BeExactly (Invoke-Django $PublicSite url $name).url
            $plain.ExpiresUtc | Should -BeNullOrEmpty
            (Invoke-WebRequest -Uri $plain.Url -SkipHttpErrorCheck).StatusCode | Should -Be 403
        }
    }

    It 'maps awkward names to the keys django-storages uses, and refuses the ones it refuses' {
        $tricky = 'a/../b.txt', './x.txt', 'a//b.txt', 'a\b.txt', 'dir/', '../escape.txt', '/absolute.txt', '//x', 'a/b/../../../up.txt', 'ok/.hidden'
        $django = Invoke-Django $Site key @tricky
        foreach ($row in $django) {
            $errs = $null
            $url = Get-MediaUrl $row.name -BucketName $Bucket -ErrorAction SilentlyContinue -ErrorVariable errs
            if ($null -eq $row.key) {
                $url | Should -BeNullOrEmpty -Because "Django refuses '$($row.name)'"
                $errs[0].FullyQualifiedErrorId | Should -BeLike 'MediaOps.SuspiciousName*'
                $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
                (Test-MediaObject $row.name -BucketName $Bucket).Status | Should -Be 'Fail'
            }
            else {
                $url.Key | Should -BeExactly $row.key -Because "name '$($row.name)'"
            }
        }
    }
}

Describe 'Django opens what Sync-MediaToS3 migrated' {
    BeforeAll {
        $script:Bucket = New-DjangoBucket
        $script:Sync = Sync-MediaToS3 -Path $Root -BucketName $Bucket
        $script:Site = New-DjangoSite -Endpoint $Endpoint -BucketName $Bucket
        $script:Opened = Invoke-Django $Site open @Names
    }
    AfterAll { $script:Site | Remove-DjangoSite }

    It 'copied every file' {
        $Sync.Transferred | Should -Be $Names.Count
        $Sync.Failed | Should -Be 0
    }

    It 'default_storage.open(name) returns the local bytes for <_>' -ForEach @(
        'uploads/2024/photo one.jpg', 'uploads/ünïcødé/naïve café.png', 'uploads/plus+and&amp.txt', 'docs/report (final).pdf', 'avatars/a.b.c.tar.gz'
    ) {
        ($Opened | Where-Object name -eq $_).sha256 | Should -Be (Get-FileSha256 (Join-Path $Root $_))
    }

    It 'Django''s url(name) answers 200 with the same bytes, and the content types are Django''s' {
        foreach ($row in $Opened) {
            $row.urlStatus | Should -Be 200 -Because $row.url
            $row.urlSha256 | Should -Be $row.sha256
        }
        (Test-MediaObject 'docs/report (final).pdf' -BucketName $Bucket).ContentType | Should -Be 'application/pdf'
        (Test-MediaObject 'uploads/2024/photo one.jpg' -BucketName $Bucket).ContentType | Should -Be 'image/jpeg'
    }
}

Describe 'rollback: what Django saved after cutover comes back with Sync-MediaFromS3 -Since' {
    BeforeAll {
        $script:Bucket = New-DjangoBucket
        $script:Local = Join-Path ([IO.Path]::GetTempPath()) ('rollback-' + [guid]::NewGuid().ToString('N'))
        Copy-Item $Root $Local -Recurse
        $null = Sync-MediaToS3 -Path $Local -BucketName $Bucket
        # The cutover is the server's next second after the migration's writes (read from its clock, not slept for).
        $before = Get-TestServerSecond $Endpoint $Bucket
        Wait-TestServerSecondAfter $Endpoint $Bucket $before
        $script:Cutover = $before.AddSeconds(1)
        $script:Site = New-DjangoSite -Endpoint $Endpoint -BucketName $Bucket
        $pairs = foreach ($n in 'after cutover.jpg', 'späť.txt') {
            $p = Join-Path $Site.Directory ([guid]::NewGuid().ToString('N'))
            [IO.File]::WriteAllText($p, "saved by Django after cutover: $n")
            "$n=$p"
        }
        $script:Saved = @((Invoke-Django $Site save @pairs).name)
        $script:Items = @(Sync-MediaFromS3 -Path $Local -BucketName $Bucket -Since $Cutover -PassThru)
    }
    AfterAll {
        $script:Site | Remove-DjangoSite
        Remove-Item $script:Local -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'Django''s uploads pass Test-MediaObject before the rollback' {
        $Saved | Test-MediaObject -BucketName $Bucket -Quiet | Should -BeTrue
    }

    It 'brings back exactly Django''s post-cutover uploads' {
        $result = $Items | Where-Object { $_ -is [MediaOps.SyncResult] }
        $result.Transferred | Should -Be 2
        $result.Failed | Should -Be 0
        @($Items | Where-Object { $_ -is [MediaOps.SyncItem] -and $_.Action -eq 'Download' }).RelativePath | Sort-Object | Should -Be ($Saved | Sort-Object)
    }

    It 'the restored files have Django''s bytes and pass Test-MediaObject -Path -Checksum' {
        $opened = Invoke-Django $Site open @Saved
        foreach ($row in $opened) { Get-FileSha256 (Join-Path $Local $row.name) | Should -Be $row.sha256 }
        $Saved | Test-MediaObject -BucketName $Bucket -Path $Local -Checksum -Quiet | Should -BeTrue
    }
}
