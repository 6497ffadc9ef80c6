<#
.SYNOPSIS
    Pester verification of a Django media deployment on S3. Run it after cutover, and on a schedule.
.DESCRIPTION
    $container = New-PesterContainer -Path ./examples/MediaStorage.Tests.ps1 -Data @{
        BucketName = 'myapp-prod-media'; AccessModel = 'Private'; NamesCsv = './names.csv'
    }
    Invoke-Pester -Container $container -Output Detailed

    For CI systems that show test results (Azure DevOps, GitLab, Jenkins, GitHub checks), write JUnit XML. Pester 5's
    form of Pester 4's `Invoke-Pester -OutputFormat JUnitXml -OutputFile ...` is its configuration:
    $config = New-PesterConfiguration
    $config.Run.Container = $container
    $config.Run.Exit = $true                                  # non-zero exit code when a check fails
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputFormat = 'JUnitXml'
    $config.TestResult.OutputPath = './media-storage.junit.xml'
    Invoke-Pester -Configuration $config
    Each It below is one <testcase>; a failing check's message (what to do) is in its <failure>.

    Data keys: BucketName, Prefix, Region, EndpointUrl, AccessModel (Private|Public), ExpectedRegion,
    NamesCsv (a SELECT id, file export; every name must resolve), ModulePath (import MediaOps from there).
    Unset keys fall back to the app's environment (AWS_STORAGE_BUCKET_NAME, AWS_LOCATION, ...).
#>
param(
    [string] $BucketName = $env:AWS_STORAGE_BUCKET_NAME,
    [string] $Prefix = $(if ($env:AWS_LOCATION) { $env:AWS_LOCATION } else { 'media' }),
    [string] $Region = $env:AWS_S3_REGION_NAME,
    [string] $EndpointUrl = $env:AWS_S3_ENDPOINT_URL,
    [ValidateSet('Private', 'Public')] [string] $AccessModel = 'Private',
    [string] $ExpectedRegion,
    [string] $NamesCsv,
    [string] $ModulePath
)

BeforeAll {
    if ($ModulePath) { Import-Module $ModulePath } elseif (-not (Get-Module MediaOps)) { Import-Module MediaOps }
    $script:Target = @{ BucketName = $BucketName; Prefix = $Prefix }
    if ($EndpointUrl) { $Target.EndpointUrl = $EndpointUrl }
    if ($Region) { $Target.Region = $Region }

    # Status code of a GET in Windows PowerShell 5.1 (Azure Automation) and PowerShell 7 alike.
    function script:Get-HttpStatus([string] $Url) {
        try { [int](Invoke-WebRequest -Uri $Url -Method Get -UseBasicParsing).StatusCode }
        catch { if ($_.Exception.PSObject.Properties['Response'] -and $_.Exception.Response) { [int]$_.Exception.Response.StatusCode } else { throw } }
    }

    # One line per problem, so a failing test says what to do.
    function script:Format-Problems($Rows) {
        ($Rows | Where-Object { $_.Status -in 'Fail', 'Error' } | ForEach-Object { "$($_.Check)$($_.Name): $($_.Message)" }) -join "`n"
    }
}

Describe "Media storage s3://$BucketName/$($Prefix.Trim('/'))/ ($AccessModel)" {
    It 'the bucket meets the secure baseline for the access model' {
        $bucketArgs = @{ AccessModel = $AccessModel }
        if ($ExpectedRegion) { $bucketArgs.ExpectedRegion = $ExpectedRegion }
        $rows = Test-MediaBucket @Target @bucketArgs
        $rows | Should -Not -BeNullOrEmpty
        Format-Problems $rows | Should -BeNullOrEmpty
    }

    It 'the credentials are not the account root' {
        $row = Test-MediaCredential @Target | Where-Object Check -eq 'NotRoot'
        $row.Status | Should -Be 'Pass' -Because $row.Message
    }

    It 'the app can upload, read, sign URLs and delete, and unsigned URLs match the access model' {
        $rows = Invoke-MediaSmokeTest @Target -AccessModel $AccessModel -Confirm:$false
        $rows.Check | Should -Be @('Upload', 'Head', 'ReadBack', 'SignedUrl', 'UnsignedUrl', 'Delete')
        Format-Problems $rows | Should -BeNullOrEmpty
    }

    It 'every file the database points at resolves' -Skip:(-not $NamesCsv) {
        $rows = @(Import-Csv -LiteralPath $NamesCsv | Test-MediaObject @Target)
        $rows | Should -Not -BeNullOrEmpty -Because "$NamesCsv lists the names to check"
        Format-Problems $rows | Should -BeNullOrEmpty
    }

    It 'a database file opens through the URL Django hands out' -Skip:(-not $NamesCsv) {
        $first = Import-Csv -LiteralPath $NamesCsv | Select-Object -First 1
        $url = $first | Get-MediaUrl @Target -Unsigned:($AccessModel -eq 'Public')
        Get-HttpStatus $url.Url | Should -Be 200 -Because $url.Url
    }
}
