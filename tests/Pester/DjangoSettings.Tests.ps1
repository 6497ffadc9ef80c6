#requires -Modules Pester
# New-MediaDjangoSettings output fed to Debian's Django + django-storages (/usr/bin/python3), and
# Django's storage used for real against an IAM-enforcing moto with a user that holds exactly
# New-MediaIamPolicy's policy. Debian ships Django 3.2 and django-storages 1.13: STORAGES output is
# instantiated the way Django 4.2 does it (import BACKEND, call it with OPTIONS), falling back to the
# class's older name s3boto3.S3Boto3Storage only because storages.backends.s3 is 1.14+ (see
# tests/tools/django_settings_check.py). Presigned URLs verify only thanks to the harness's moto
# signature fix (getmoto/moto#5948).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'IamHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    Set-TestAwsEnvironment
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "django-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $Work | Out-Null
    $script:Checker = Join-Path $PSScriptRoot '../tools/django_settings_check.py'

    function script:Invoke-DjangoCheck([string] $SettingsText, [string] $Action = 'inspect', [string] $Name) {
        $file = Join-Path $Work "settings_$([guid]::NewGuid().ToString('N')).py"
        [IO.File]::WriteAllText($file, $SettingsText)
        $out = & /usr/bin/python3 $Checker $file $Action @(if ($Name) { $Name }) 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Django rejected the settings: $($out -join "`n")" }
        ($out | Select-Object -Last 1) | ConvertFrom-Json
    }
}
AfterAll {
    if ($script:Lab) { $Lab.Server | Stop-MotoServer }
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'New-MediaDjangoSettings output in Django' {
    It 'compiles as Python for every variant' {
        $variants = @(
            @{}, @{ AccessModel = 'Public' }, @{ CustomDomain = 'media.example.com' }, @{ DjangoVersion = '3.2' },
            @{ DjangoVersion = '5'; EndpointUrl = 'http://127.0.0.1:9000' }, @{ Prefix = 'app/uploads/' }
        )
        foreach ($v in $variants) {
            $file = Join-Path $Work "compile_$([guid]::NewGuid().ToString('N')).py"
            [IO.File]::WriteAllText($file, (New-MediaDjangoSettings -BucketName myapp-prod-media -Region eu-west-1 @v -WarningAction SilentlyContinue))
            & /usr/bin/python3 -m py_compile $file
            $LASTEXITCODE | Should -Be 0 -Because ($v | ConvertTo-Json -Compress)
        }
    }

    It 'STORAGES (Django 4.2+) yields an S3 storage with the runbook options, private by default' {
        $r = Invoke-DjangoCheck (New-MediaDjangoSettings -BucketName myapp-prod-media -Region eu-west-1 -Prefix media/)
        $r.backend | Should -Match 'S3(Boto3)?Storage$'
        $r.bucket_name | Should -Be 'myapp-prod-media'
        $r.region_name | Should -Be 'eu-west-1'
        $r.location | Should -Be 'media'
        $r.default_acl | Should -BeNullOrEmpty
        $r.file_overwrite | Should -BeFalse
        $r.querystring_auth | Should -BeTrue
        $r.endpoint_url | Should -BeNullOrEmpty
        $r.staticfiles_backend | Should -Be 'django.contrib.staticfiles.storage.StaticFilesStorage'
        $r.settings | Should -Not -Contain 'DEFAULT_FILE_STORAGE'
    }

    It 'DEFAULT_FILE_STORAGE (older Django) loads through Django''s own default_storage: public, custom domain' {
        $r = Invoke-DjangoCheck (New-MediaDjangoSettings -BucketName myapp-prod-media -Region eu-west-1 -DjangoVersion 3.2 -AccessModel Public -CustomDomain media.example.com -WarningAction SilentlyContinue)
        $r.backend | Should -Be 'storages.backends.s3boto3.S3Boto3Storage'
        $r.backend_alias_used | Should -BeFalse
        $r.querystring_auth | Should -BeFalse
        $r.custom_domain | Should -Be 'media.example.com'
        $r.file_overwrite | Should -BeFalse
        $r.settings | Should -Not -Contain 'STORAGES'
        $r.settings | Should -Not -Contain 'STATICFILES_STORAGE'
    }

    It 'warns about private media behind a custom domain, and about public media' {
        $null = New-MediaDjangoSettings -BucketName myapp-prod-media -Region eu-west-1 -CustomDomain media.example.com -WarningVariable w -WarningAction SilentlyContinue
        "$w" | Should -Match 'CloudFront'
        $null = New-MediaDjangoSettings -BucketName myapp-prod-media -Region eu-west-1 -AccessModel Public -WarningVariable w2 -WarningAction SilentlyContinue
        "$w2" | Should -Match 'public read'
    }

    It 'writes an env file with names only: no secret, even when one is in the environment' {
        $secret = 'not-to-be-printed-' + [guid]::NewGuid()
        $env:AWS_SECRET_ACCESS_KEY = $secret
        try {
            $envText = New-MediaDjangoSettings -BucketName myapp-prod-media -Region eu-west-1 -Format Env
            $python = New-MediaDjangoSettings -BucketName myapp-prod-media -Region eu-west-1
        } finally { Set-TestAwsEnvironment }
        "$envText$python" | Should -Not -Match ([regex]::Escape($secret))
        $assigned = $envText -split "`n" | Where-Object { $_ -match '^[A-Z0-9_]+=' }
        ($assigned -replace '=.*$') | Should -Be @('AWS_STORAGE_BUCKET_NAME', 'AWS_S3_REGION_NAME', 'AWS_LOCATION')
        $envText | Should -Match '(?m)^# AWS_ACCESS_KEY_ID=$'
        $envText | Should -Match '(?m)^# AWS_SECRET_ACCESS_KEY=$'
    }

    It 'keeps boto3 checksums to "when required" for an S3-compatible endpoint only, saying why (<Format>)' -ForEach @(
        @{ Format = 'Python'; Line = 'os.environ.setdefault("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")' }
        @{ Format = 'Env'; Line = 'AWS_RESPONSE_CHECKSUM_VALIDATION=when_required' }
    ) {
        $compatible = New-MediaDjangoSettings -BucketName myapp-prod-media -Region eu-west-1 -EndpointUrl http://127.0.0.1:9000 -Format $Format
        $compatible | Should -Match ([regex]::Escape($Line))
        $compatible | Should -Match '1482 and 1498'
        New-MediaDjangoSettings -BucketName myapp-prod-media -Region eu-west-1 -Format $Format | Should -Not -Match 'CHECKSUM'
        $r = Invoke-DjangoCheck (New-MediaDjangoSettings -BucketName myapp-prod-media -Region eu-west-1 -EndpointUrl http://127.0.0.1:9000 -DjangoVersion 3.2)
        $r.request_checksum_calculation | Should -Be 'when_required'
    }

    It 'refuses a bad custom domain with an InvalidArgument error' {
        { New-MediaDjangoSettings -BucketName myapp-prod-media -CustomDomain 'https://x.example.com' -ErrorAction Stop } |
            Should -Throw -ErrorId 'MediaOps.InvalidCustomDomain,MediaOps.Commands.NewMediaDjangoSettingsCommand'
    }
}

Describe 'Django storage with least-privilege credentials (IAM-enforcing moto)' {
    BeforeAll {
        $script:Bucket = New-TestBucketName -Stem 'dj'
        $script:Lab = Start-MotoIamLab -BucketName $Bucket -AppPolicyJson (New-MediaIamPolicy -BucketName $Bucket -Prefix media)
    }

    It 'save/open/exists/url/listdir/delete work with <Label> settings' -ForEach @(
        @{ Label = 'STORAGES'; Version = '4.2' }
        @{ Label = 'DEFAULT_FILE_STORAGE'; Version = '3.2' }
    ) {
        $settings = New-MediaDjangoSettings -BucketName $Bucket -Prefix media -Region us-east-1 -EndpointUrl $Lab.Endpoint -DjangoVersion $Version
        $r = Use-MotoIamUser -User $Lab.App -ScriptBlock { Invoke-DjangoCheck $settings 'exercise' }
        $r.endpoint_url | Should -Be $Lab.Endpoint
        $r.request_checksum_calculation | Should -Be 'when_required'   # the settings set it before boto3 made a client
        $r.response_checksum_validation | Should -Be 'when_required'
        $r.read | Should -Be 'django body'
        $r.saved | Should -Be 'mediaops-django/probe file.txt'
        $r.second | Should -Not -Be $r.saved             # file_overwrite False: a new name, nothing replaced
        $r.exists | Should -BeTrue
        $r.missing_exists | Should -BeFalse
        $r.size | Should -Be 11
        $r.listdir | Should -Contain 'probe file.txt'
        $r.url | Should -Match "/$Bucket/media/mediaops-django/probe%20file\.txt\?"
        $r.url | Should -Match 'Signature='
        $r.exists_after_delete | Should -BeFalse
    }

    It 'hands out signed URLs that work over HTTP, and an unsigned one is refused' {
        $settings = New-MediaDjangoSettings -BucketName $Bucket -Prefix media -Region us-east-1 -EndpointUrl $Lab.Endpoint
        $null = Invoke-AwsCliAs $Lab.Endpoint $Lab.App s3api put-object --bucket $Bucket --key 'media/url-check.txt' --body $Checker
        $url = (Use-MotoIamUser -User $Lab.App -ScriptBlock { Invoke-DjangoCheck $settings 'url' 'url-check.txt' }).url
        $url | Should -Match 'url-check\.txt\?'
        (Invoke-WebRequest $url).StatusCode | Should -Be 200
        (Invoke-WebRequest ($url -replace '\?.*$') -SkipHttpErrorCheck).StatusCode | Should -Be 403
    }
}
