# Drives the real Django site in tests/django (Debian python3-django + python3-django-storages,
# run with /usr/bin/python3) against moto. Used by Django.Tests.ps1 and Examples.Tests.ps1.

$script:DjangoCtl = (Resolve-Path (Join-Path $PSScriptRoot '../django/djangoctl.py')).Path

function Test-DjangoAvailable {
    & /usr/bin/python3 -c 'import django, storages, boto3' 2>$null
    return $LASTEXITCODE -eq 0
}

function New-DjangoSite {
    <#
    .SYNOPSIS
        A Django site for one bucket: a sqlite database in a temp dir, schema created. Returns the site object
        that Invoke-Django takes.
    #>
    param(
        [Parameter(Mandatory)] [string] $Endpoint,
        [Parameter(Mandatory)] [string] $BucketName,
        [switch] $PublicMedia
    )
    $dir = Join-Path ([IO.Path]::GetTempPath()) ('django-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $dir | Out-Null
    $site = [pscustomobject]@{
        Endpoint = $Endpoint; BucketName = $BucketName; Directory = $dir
        Database = Join-Path $dir 'db.sqlite3'; PublicMedia = [bool]$PublicMedia
    }
    $null = Invoke-Django $site migrate
    return $site
}

function Invoke-Django {
    <# Runs djangoctl.py with the site's settings; returns its JSON output parsed. Throws on a Python error. #>
    param([Parameter(Mandatory)] $Site, [Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Arguments)
    $saved = @{}
    $vars = @{
        AWS_STORAGE_BUCKET_NAME = $Site.BucketName; AWS_S3_ENDPOINT_URL = $Site.Endpoint; MEDIAOPS_DJANGO_DB = $Site.Database
        MEDIAOPS_QUERYSTRING_AUTH = $(if ($Site.PublicMedia) { '0' } else { '1' }); PYTHONUTF8 = '1'; PYTHONIOENCODING = 'utf-8'
    }
    foreach ($k in $vars.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $vars[$k]) }
    try {
        $out = & /usr/bin/python3 $script:DjangoCtl @Arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "djangoctl $($Arguments -join ' ') failed: $($out | Out-String)" }
        return ($out | Out-String) | ConvertFrom-Json
    }
    finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    }
}

function Remove-DjangoSite {
    param([Parameter(ValueFromPipeline)] $Site)
    process { if ($Site -and (Test-Path $Site.Directory)) { Remove-Item $Site.Directory -Recurse -Force } }
}

function Get-FileSha256 {
    param([Parameter(Mandatory)] [string] $Path)
    (Get-FileHash -Algorithm SHA256 -LiteralPath $Path).Hash.ToLowerInvariant()
}

function New-BaselineBucket {
    <#
    .SYNOPSIS
        A bucket in the secure baseline of the reference runbook (as Initialize-MediaBucket leaves it), made with
        the aws CLI so the interop tests and the examples' tests do not depend on the code they check:
        versioning, SSE-S3 default encryption, all four Block Public Access settings, BucketOwnerEnforced.
    #>
    param([Parameter(Mandatory)] [string] $Endpoint, [string] $BucketName = (New-TestBucketName 'base'))
    Invoke-AwsCli -Endpoint $Endpoint s3api create-bucket --bucket $BucketName | Out-Null
    Invoke-AwsCli -Endpoint $Endpoint s3api put-bucket-versioning --bucket $BucketName --versioning-configuration Status=Enabled | Out-Null
    Invoke-AwsCli -Endpoint $Endpoint s3api put-bucket-encryption --bucket $BucketName --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}' | Out-Null
    Invoke-AwsCli -Endpoint $Endpoint s3api put-public-access-block --bucket $BucketName --public-access-block-configuration 'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true' | Out-Null
    Invoke-AwsCli -Endpoint $Endpoint s3api put-bucket-ownership-controls --bucket $BucketName --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]' | Out-Null
    return $BucketName
}

Export-ModuleMember -Function Test-DjangoAvailable, New-DjangoSite, Invoke-Django, Remove-DjangoSite, Get-FileSha256, New-BaselineBucket
