# IAM test harness: a private moto that enforces IAM policies, users that hold exactly a given
# policy, and their keys as a PSCredential. Nothing here ships in the module.
#
# How it works: moto starts with a huge INITIAL_NO_AUTH_ACTION_COUNT, so setup calls (buckets,
# users, policies, keys) are free and need no signing; Enable-MotoIamEnforcement then resets the
# count to 0 through moto's /moto-api/reset-auth, and from there on every call is signed and
# checked against the caller's identity policies. Counting free calls by hand is fragile; this is not.
#
# moto's IAM mode differs from AWS; tests that rely on any of this say so (Get-MotoIamLimit):
#   * Signature checks: moto 5.2 rejects correctly signed requests whose query or path contains
#     percent-encoded characters (ListObjectsV2 with prefix=media/, keys with spaces) and answers
#     presigned or anonymous requests with HTTP 500 (getmoto/moto#5948). tests/tools/moto_launcher.py
#     replaces the S3 signature check (raw request line, SigV4 header + presigned, SigV2 presigned,
#     anonymous = 403). -WithoutSignatureFix starts moto as it is, to show the bug.
#   * Conditions: moto ignores StringLike, so the reference policy's `s3:prefix` condition on
#     s3:ListBucket is NOT applied by moto. By default the launcher emulates AWS for String*
#     conditions on s3:prefix / s3:delimiter / s3:max-keys (-WithoutPrefixConditionEmulation shows
#     moto as it is: listing outside the prefix is then allowed).
#   * Resource-based policies (bucket policies, KMS key policies) are ignored: only identity policies count.
#   * Action mapping is moto's: HEAD bucket is checked as s3:HeadBucket (AWS: s3:ListBucket);
#     GetBucketEncryption / GetBucketOwnershipControls are checked as s3:ListBucket; PutBucketEncryption
#     as s3:CreateBucket.

Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1')

$script:Limits = @(
    'moto ignores resource-based policies (bucket policies, KMS key policies): only identity policies are evaluated.'
    'moto does not evaluate StringLike conditions: s3:prefix on s3:ListBucket is applied only because the harness emulates it (moto_launcher.py --emulate-s3-prefix-condition).'
    'moto 5.2 S3 SigV4 checks fail on percent-encoded query/path and crash on presigned/anonymous requests (getmoto/moto#5948): fixed in moto_launcher.py, test harness only.'
    'moto maps HEAD bucket to s3:HeadBucket and GetBucketEncryption/GetBucketOwnershipControls to s3:ListBucket.'
)

function Get-MotoIamLimit {
    <# The known differences between moto's IAM mode and AWS, for tests to cite. #>
    $script:Limits
}

function Start-MotoIamServer {
    <#
    .SYNOPSIS
        A private moto in IAM setup mode (every call free until Enable-MotoIamEnforcement).
        Returns Endpoint, Port, Process, Owned ($true: stop it with Stop-MotoServer).
    #>
    [CmdletBinding()]
    param([switch] $WithoutSignatureFix, [switch] $WithoutPrefixConditionEmulation)
    $launcherArgs = @()
    if (-not $WithoutPrefixConditionEmulation) { $launcherArgs += '--emulate-s3-prefix-condition' }
    if ($WithoutSignatureFix) { $launcherArgs += '--without-sigv4-fix' }
    $server = Start-MotoServer -IamAuthAfter 1000000000 -LauncherArgument $launcherArgs
    $server | Add-Member -NotePropertyName Owned -NotePropertyValue $true -PassThru
}

function Enable-MotoIamEnforcement {
    <# From now on moto checks every call's signature and the caller's identity policies. #>
    param([Parameter(Mandatory)] [string] $Endpoint)
    $answer = Invoke-RestMethod -Method Post -Uri "$Endpoint/moto-api/reset-auth" -Body '0' -ContentType 'text/plain'
    if ($answer.status -ne 'ok') { throw "moto did not switch IAM enforcement on: $($answer | ConvertTo-Json -Compress)" }
}

function Invoke-AwsCliAs {
    <#
    .SYNOPSIS
        The aws CLI against moto with the given user's keys (or, without -User, the harness's
        fake keys — only valid before enforcement). Throws on failure like Invoke-AwsCli.
    #>
    param(
        [Parameter(Mandatory)] [string] $Endpoint,
        $User,
        [Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Arguments
    )
    Use-MotoIamUser -User $User -ScriptBlock { Invoke-AwsCli -Endpoint $Endpoint @Arguments }
}

function Get-AwsCliOutcome {
    <# 'Allowed' when the aws CLI call succeeds as -User, else the S3/IAM error code (AccessDenied, SignatureDoesNotMatch...). #>
    param(
        [Parameter(Mandatory)] [string] $Endpoint,
        $User,
        [Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Arguments
    )
    try {
        $null = Invoke-AwsCliAs -Endpoint $Endpoint -User $User @Arguments
        'Allowed'
    } catch {
        if ("$_" -match '\(([A-Za-z]+)\) when calling') { $Matches[1] }
        elseif ("$_" -match '(\d{3})') { "HTTP$($Matches[1])" }
        else { "$_" }
    }
}

function Use-MotoIamUser {
    <#
    .SYNOPSIS
        Runs -ScriptBlock with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY set to -User's keys (for
        child processes such as the aws CLI or Django) and restores the previous values after.
    #>
    param($User, [Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    $saved = @{}
    foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    try {
        if ($User) {
            $env:AWS_ACCESS_KEY_ID = $User.AccessKeyId
            $env:AWS_SECRET_ACCESS_KEY = $User.SecretAccessKey
            Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue
        }
        & $ScriptBlock
    } finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

function New-MotoIamUser {
    <#
    .SYNOPSIS
        Creates an IAM user in moto that holds exactly -PolicyJson (one inline policy) and an
        access key. Returns UserName, Arn, AccessKeyId, SecretAccessKey, Credential (PSCredential:
        user = key id, password = secret, as MediaOps' -Credential expects) and PolicyJson.
    .PARAMETER AsUser
        A user allowed to call IAM (e.g. the lab's Admin) once enforcement is on; omit during setup.
    #>
    param(
        [Parameter(Mandatory)] [string] $Endpoint,
        [Parameter(Mandatory)] [string] $UserName,
        [Parameter(Mandatory)] [string] $PolicyJson,
        $AsUser
    )
    $null = $PolicyJson | ConvertFrom-Json -ErrorAction Stop   # a broken policy is a test bug: say so here
    $policyFile = [IO.Path]::GetTempFileName()
    try {
        [IO.File]::WriteAllText($policyFile, $PolicyJson)
        $user = Invoke-AwsCliAs -Endpoint $Endpoint -User $AsUser iam create-user --user-name $UserName
        $null = Invoke-AwsCliAs -Endpoint $Endpoint -User $AsUser iam put-user-policy --user-name $UserName `
            --policy-name "$UserName-policy" --policy-document "file://$policyFile"
        $key = (Invoke-AwsCliAs -Endpoint $Endpoint -User $AsUser iam create-access-key --user-name $UserName).AccessKey
    } finally { Remove-Item $policyFile -ErrorAction SilentlyContinue }
    $secure = ConvertTo-SecureString $key.SecretAccessKey -AsPlainText -Force
    [pscustomobject]@{
        UserName        = $UserName
        Arn             = $user.User.Arn
        AccessKeyId     = $key.AccessKeyId
        SecretAccessKey = $key.SecretAccessKey
        Credential      = [pscredential]::new($key.AccessKeyId, $secure)
        PolicyJson      = $PolicyJson
    }
}

function Get-ReferenceRunbookPolicy {
    <# Step 3 of the reference runbook, verbatim in shape: ListBucket with s3:prefix, object actions on <prefix>*. #>
    param([Parameter(Mandatory)] [string] $BucketName, [string] $Prefix = 'media/')
    [ordered]@{
        Version   = '2012-10-17'
        Statement = @(
            [ordered]@{
                Sid = 'ListMediaPrefix'; Effect = 'Allow'; Action = @('s3:ListBucket')
                Resource = "arn:aws:s3:::$BucketName"
                Condition = @{ StringLike = @{ 's3:prefix' = @("$Prefix*") } }
            }
            [ordered]@{
                Sid = 'MediaObjects'; Effect = 'Allow'
                Action = @('s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload')
                Resource = "arn:aws:s3:::$BucketName/$Prefix*"
            }
        )
    } | ConvertTo-Json -Depth 8
}

function Get-S3FullAccessPolicy {
    <# The over-privileged policy tests expect MediaOps to call out: s3:* on everything. #>
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
}

function Get-AdministratorPolicy {
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
}

function Start-MotoIamLab {
    <#
    .SYNOPSIS
        A ready IAM-enforcing moto: bucket(s) created, an Admin user (Action "*") and an App user
        holding -AppPolicyJson (default: the reference runbook's policy for -BucketName/-Prefix),
        plus any -ExtraUser (name → policy JSON); then enforcement is switched on.
        Returns Server, Endpoint, BucketName, Prefix, Admin, App, Users (all by name), Limits.
        Stop it with `$lab.Server | Stop-MotoServer`.
    #>
    [CmdletBinding()]
    param(
        [string] $BucketName = (New-TestBucketName -Stem 'iam'),
        [string] $Prefix = 'media/',
        [string] $AppPolicyJson,
        [hashtable] $ExtraUser = @{},
        [string[]] $ExtraBucket = @(),
        [switch] $WithoutSignatureFix,
        [switch] $WithoutPrefixConditionEmulation
    )
    $server = Start-MotoIamServer -WithoutSignatureFix:$WithoutSignatureFix -WithoutPrefixConditionEmulation:$WithoutPrefixConditionEmulation
    try {
        $endpoint = $server.Endpoint
        Use-MotoIamUser -User ([pscustomobject]@{ AccessKeyId = 'AKIAMEDIAOPSSETUP001'; SecretAccessKey = 'setup-only' }) -ScriptBlock {
            foreach ($b in @($BucketName) + $ExtraBucket) { $null = Invoke-AwsCli -Endpoint $endpoint s3api create-bucket --bucket $b }
            if (-not $AppPolicyJson) { $AppPolicyJson = Get-ReferenceRunbookPolicy -BucketName $BucketName -Prefix $Prefix }
            $users = [ordered]@{
                Admin = New-MotoIamUser -Endpoint $endpoint -UserName 'mediaops-admin' -PolicyJson (Get-AdministratorPolicy)
                App   = New-MotoIamUser -Endpoint $endpoint -UserName 'mediaops-app' -PolicyJson $AppPolicyJson
            }
            foreach ($name in $ExtraUser.Keys) {
                $users[$name] = New-MotoIamUser -Endpoint $endpoint -UserName $name -PolicyJson $ExtraUser[$name]
            }
            Enable-MotoIamEnforcement -Endpoint $endpoint
            [pscustomobject]@{
                Server = $server; Endpoint = $endpoint; BucketName = $BucketName; Prefix = $Prefix
                Admin = $users['Admin']; App = $users['App']; Users = $users; Limits = Get-MotoIamLimit
            }
        }
    } catch {
        $server | Stop-MotoServer
        throw
    }
}

Export-ModuleMember -Function Get-MotoIamLimit, Start-MotoIamServer, Enable-MotoIamEnforcement, Invoke-AwsCliAs, Get-AwsCliOutcome,
    Use-MotoIamUser, New-MotoIamUser, Get-ReferenceRunbookPolicy, Get-S3FullAccessPolicy, Get-AdministratorPolicy, Start-MotoIamLab
