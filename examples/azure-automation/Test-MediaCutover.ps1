<#
.SYNOPSIS
    Azure Automation runbook: the MediaOps cutover checks against the media bucket, results as JSON in the job output.
.DESCRIPTION
    Runs Test-MediaCredential, Test-MediaBucket, Test-MediaAccess, Test-MediaObject (for -Name) and
    Invoke-MediaSmokeTest, and writes one JSON document to the job output: the bucket, Passed, and every row
    (Cmdlet, Target, Check, Status, Expected, Actual, Message). Any Fail or Error row fails the job after the
    JSON is written, so a schedule or a webhook caller sees both the verdict and the evidence.

    AWS access, without an AWS secret (-AuthMode ManagedIdentity, the default): the Automation account's
    managed identity issues a token for -Audience, and -RoleArn is assumed with it (STS
    AssumeRoleWithWebIdentity). The role's trust policy must name the Entra ID tenant as an IAM OIDC
    identity provider (sts.windows.net/<tenant id>/) with that audience; see README.md next to this file.
    Or with an access key (-AuthMode AutomationCredential): an Automation credential asset whose user name
    is the access key id and password the secret, optionally assuming -RoleArn with it.

    Runs on the Automation runtimes MediaOps supports: PowerShell 7.4, 7.2 and Windows PowerShell 5.1
    (written for all three). Import out/MediaOps.zip (./build.ps1 Package) as a module of the account first.
.PARAMETER Name
    Django file names (as stored in the database) that must resolve to objects; e.g. a sample of recent uploads.
#>
param(
    [Parameter(Mandatory = $true)] [string] $BucketName,
    [string] $Prefix = 'media',
    [string] $Region,
    [string] $RoleArn,
    [ValidateSet('ManagedIdentity', 'AutomationCredential')] [string] $AuthMode = 'ManagedIdentity',
    [string] $CredentialName = 'MediaOps-AWS',
    [string] $Audience = 'api://AzureADTokenExchange',
    [string[]] $Name = @(),
    # Only for an S3-compatible endpoint (and the tests, which run this runbook against moto).
    [string] $EndpointUrl
)

$ErrorActionPreference = 'Stop'
Import-Module MediaOps

function Get-ManagedIdentityToken([string] $Resource) {
    # Cloud jobs: the Automation sandbox's identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER).
    # Hybrid workers on Azure VMs have no IDENTITY_ENDPOINT: use the VM's instance metadata service.
    if ($env:IDENTITY_ENDPOINT) {
        $uri = '{0}?resource={1}&api-version=2019-08-01' -f $env:IDENTITY_ENDPOINT, [uri]::EscapeDataString($Resource)
        $answer = Invoke-RestMethod -Uri $uri -Headers @{ 'X-IDENTITY-HEADER' = $env:IDENTITY_HEADER; Metadata = 'True' } -Method Get
    }
    else {
        $uri = 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource={0}' -f [uri]::EscapeDataString($Resource)
        $answer = Invoke-RestMethod -Uri $uri -Headers @{ Metadata = 'true' } -Method Get
    }
    if (-not $answer.access_token) { throw "The managed identity returned no token for '$Resource'. Is a managed identity enabled on the Automation account?" }
    ConvertTo-SecureString $answer.access_token -AsPlainText -Force
}

$target = @{ BucketName = $BucketName; Prefix = $Prefix }
if ($Region) { $target.Region = $Region }
if ($EndpointUrl) { $target.EndpointUrl = $EndpointUrl }
if ($AuthMode -eq 'ManagedIdentity') {
    if (-not $RoleArn) { throw '-AuthMode ManagedIdentity needs -RoleArn: the AWS role the managed identity''s token may assume.' }
    $target.RoleArn = $RoleArn
    $target.WebIdentityToken = Get-ManagedIdentityToken -Resource $Audience
    $target.RoleSessionName = 'MediaOps-AzureAutomation'
}
else {
    $target.Credential = Get-AutomationPSCredential -Name $CredentialName
    if (-not $target.Credential) { throw "Automation credential '$CredentialName' was not found: create it with the access key id as user name and the secret as password." }
    if ($RoleArn) { $target.RoleArn = $RoleArn }
}

$rows = New-Object System.Collections.Generic.List[object]
function Add-Rows([string] $Cmdlet, $Result) {
    foreach ($row in @($Result)) {
        $rows.Add([pscustomobject][ordered]@{
                Cmdlet = $Cmdlet; Target = [string]$row.Target; Check = [string]$row.Check; Status = [string]$row.Status
                Expected = [string]$row.Expected; Actual = [string]$row.Actual; Message = [string]$row.Message
            })
    }
}

Add-Rows 'Test-MediaCredential' (Test-MediaCredential @target)
Add-Rows 'Test-MediaBucket' (Test-MediaBucket @target)
Add-Rows 'Test-MediaAccess' (Test-MediaAccess @target)
foreach ($check in @($Name | Test-MediaObject @target)) {
    $rows.Add([pscustomobject][ordered]@{
            Cmdlet = 'Test-MediaObject'; Target = $check.Key; Check = 'Object'; Status = [string]$check.Status
            Expected = $check.Name; Actual = [string]$check.Length; Message = [string]$check.Message
        })
}
Add-Rows 'Invoke-MediaSmokeTest' (Invoke-MediaSmokeTest @target)

$failed = @($rows | Where-Object { $_.Status -eq 'Fail' -or $_.Status -eq 'Error' })
$report = [pscustomobject][ordered]@{
    Bucket     = $BucketName
    Prefix     = $Prefix
    CheckedUtc = [DateTime]::UtcNow.ToString('o')
    Passed     = ($failed.Count -eq 0)
    Failed     = $failed.Count
    Rows       = $rows.ToArray()
}
Write-Output ($report | ConvertTo-Json -Depth 4)
if ($failed.Count -gt 0) {
    throw ("{0} cutover check(s) failed: {1}" -f $failed.Count, (($failed | ForEach-Object { "$($_.Cmdlet) $($_.Check) ($($_.Target))" }) -join '; '))
}
