# S3 Inventory reports for the Pester tier and the bench, written by tests/tools/inventory_report.py (boto3) in
# AWS's format for the objects really in moto: moto stores inventory configurations but never writes a report.

$script:Writer = Join-Path (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path 'tests/tools/inventory_report.py'

function New-TestInventoryReport {
    <#
    .SYNOPSIS
        Lists -SourceBucket and writes a report of it into -DestinationBucket; returns the manifest's s3:// URI.
        -Create makes both buckets first (-Versioned: versioning on the source). -CorruptDataFile flips a byte of
        one data file after its MD5 was taken. -Synthetic N reports N made-up keys media/bench/NNNNNNN.jpg instead.
    #>
    param(
        [Parameter(Mandatory)] [string] $Endpoint,
        [Parameter(Mandatory)] [string] $SourceBucket,
        [Parameter(Mandatory)] [string] $DestinationBucket,
        [switch] $Create,
        [switch] $Versioned,
        [double] $AgeDays = 0,
        [string] $Schema,
        [string] $ConfigId = 'mediaops-daily',
        [switch] $CorruptDataFile,
        [int] $Synthetic = 0,
        [string] $NamesCsv,
        # A report of all versions (IncludedObjectVersions All): VersionId, IsLatest, IsDeleteMarker columns.
        [switch] $Versions
    )
    $arguments = @($script:Writer, '--endpoint', $Endpoint, '--source', $SourceBucket, '--dest', $DestinationBucket, '--age-days', "$AgeDays", '--config-id', $ConfigId)
    if ($Create) { $arguments += '--create' }
    if ($Versioned) { $arguments += '--versioned' }
    if ($Schema) { $arguments += '--schema', $Schema }
    if ($CorruptDataFile) { $arguments += '--corrupt' }
    if ($Synthetic) { $arguments += '--synthetic', "$Synthetic" }
    if ($NamesCsv) { $arguments += '--names-csv', $NamesCsv }
    if ($Versions) { $arguments += '--versions' }
    $env:AWS_ACCESS_KEY_ID = if ($env:AWS_ACCESS_KEY_ID) { $env:AWS_ACCESS_KEY_ID } else { 'AKIAMEDIAOPSTEST0001' }
    $out = & python3 @arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "inventory_report.py failed: $out" }
    "$out".Trim()
}

function New-TestBucketPair {
    <# Creates a source bucket (optionally versioned) and an inventory destination bucket in one process; returns both names. #>
    param([Parameter(Mandatory)] [string] $Endpoint, [Parameter(Mandatory)] [string] $SourceBucket, [Parameter(Mandatory)] [string] $DestinationBucket, [switch] $Versioned)
    # An empty report of the empty source: creates both buckets (and is otherwise unused).
    $null = New-TestInventoryReport -Endpoint $Endpoint -SourceBucket $SourceBucket -DestinationBucket $DestinationBucket -Create -Versioned:$Versioned -ConfigId 'setup'
}

Export-ModuleMember -Function New-TestInventoryReport, New-TestBucketPair
