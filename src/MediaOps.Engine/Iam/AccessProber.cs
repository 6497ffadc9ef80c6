using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Aws;
using MediaOps.Runs;
using MediaOps.Targets;

namespace MediaOps.Iam
{
    /// <summary>Which probes may change something (all of them only ever touch their own probe keys).</summary>
    public sealed class AccessProbeOptions
    {
        /// <summary>Put/read/delete a probe object inside the prefix, and try a put just outside it.</summary>
        public bool WriteProbes { get; set; } = true;
        /// <summary>Send a deliberately malformed bucket policy to learn whether s3:PutBucketPolicy is granted.</summary>
        public bool PolicyWriteProbe { get; set; } = true;
        /// <summary>Run the policy-write probe on -EndpointUrl servers too, trusting them to reject malformed policies as AWS does.</summary>
        public bool PolicyWriteProbeOnCustomEndpoint { get; set; }
        /// <summary>Also prove the reads of point-in-time recovery: version listing in the prefix, bucket versioning, reading a version.</summary>
        public bool IncludeVersions { get; set; }
    }

    /// <summary>
    /// Test-MediaAccess: proves live that the credentials in use can do what the app needs inside the
    /// prefix (Fail when not: the app would break) and no more (Warning for each extra right).
    /// It writes only uniquely named probe keys and removes them in a finally block, also on cancellation.
    /// </summary>
    public sealed class AccessProber
    {
        /// <summary>The body a policy-write probe sends. Not JSON, so S3 can only refuse it (MalformedPolicy) or deny the call.</summary>
        public const string MalformedPolicyProbe = "MediaOps access probe: deliberately not a policy document";
        private const string ProbeBody = "MediaOps Test-MediaAccess probe object; safe to delete.";

        private readonly IAwsClientFactory _clients;

        public AccessProber(IAwsClientFactory clients) => _clients = clients ?? throw new ArgumentNullException(nameof(clients));

        /// <summary>Runs every probe; each row goes to <paramref name="observer"/> as soon as it is known.</summary>
        public async Task ProbeAsync(MediaTarget target, AccessProbeOptions options, IRunObserver<CheckResult> observer, CancellationToken cancellationToken)
        {
            options = options ?? new AccessProbeOptions();
            var run = new ProbeRun(target, observer);
            using (var s3 = _clients.CreateS3(target))
            {
                try
                {
                    await ProbeInsideAsync(s3, run, options, cancellationToken).ConfigureAwait(false);
                    await ProbeOutsideAsync(s3, run, options, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    // Also on Ctrl+C: our own probe objects must not outlive the run.
                    await run.CleanupAsync(s3).ConfigureAwait(false);
                }
            }
        }

        private static async Task ProbeInsideAsync(IAmazonS3 s3, ProbeRun run, AccessProbeOptions options, CancellationToken ct)
        {
            var t = run.Target;
            string existingKey = null;
            var list = await ProbeOutcome.RunAsync(async () =>
            {
                var page = await s3.ListObjectsV2Async(Sync.RemoteLister.Request(t.BucketName, t.Prefix, 1), ct).ConfigureAwait(false);
                if (page.S3Objects != null && page.S3Objects.Count > 0) existingKey = Sync.RemoteLister.KeyOf(page, page.S3Objects[0]);
            }, t.BucketName, null, "s3:ListBucket").ConfigureAwait(false);
            run.Needed("ListInPrefix", list, $"list keys under '{t.Prefix}'",
                "The app can list its media (Sync-MediaToS3, Compare-MediaStore, Django's listdir).",
                $"Grant s3:ListBucket on the bucket with condition StringLike s3:prefix '{t.Prefix}*' (see New-MediaIamPolicy).");

            string probeKey = null, putVersion = null;
            if (options.WriteProbes)
            {
                var key = run.NewProbeKey(t.Prefix);
                var put = await ProbeOutcome.RunAsync(async () =>
                {
                    var response = await s3.PutObjectAsync(new PutObjectRequest
                    {
                        BucketName = t.BucketName, Key = key, ContentBody = ProbeBody, ContentType = "text/plain",
                    }, ct).ConfigureAwait(false);
                    run.Created(key);
                    probeKey = key;
                    putVersion = IsRealVersion(response.VersionId) ? response.VersionId : null;
                }, t.BucketName, key, "s3:PutObject").ConfigureAwait(false);
                run.Needed("PutInPrefix", put, $"write {key}", "The app can store uploads.",
                    $"Grant s3:PutObject on arn:<partition>:s3:::{t.BucketName}/{t.Prefix}* (see New-MediaIamPolicy).");
            }
            else run.Skip("PutInPrefix", "not run (-WhatIf, or declined at -Confirm) (it writes a probe object)");

            var missingKey = run.NewProbeKey(t.Prefix, "missing");
            var head = await ProbeOutcome.RunAsync(
                () => s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = t.BucketName, Key = missingKey }, ct),
                t.BucketName, missingKey, "s3:GetObject", "NotFound", "NoSuchKey").ConfigureAwait(false);
            run.MissingKeyAnswer(head);

            await ProbeReadAsync(s3, run, probeKey, existingKey, ct).ConfigureAwait(false);
            if (options.IncludeVersions) await ProbeVersionsAsync(s3, run, probeKey, putVersion, ct).ConfigureAwait(false);
            await ProbeDeleteAsync(s3, run, options, probeKey, putVersion, ct).ConfigureAwait(false);
        }

        private static async Task ProbeReadAsync(IAmazonS3 s3, ProbeRun run, string probeKey, string existingKey, CancellationToken ct)
        {
            var t = run.Target;
            var readKey = probeKey ?? existingKey;
            if (readKey == null)
            {
                run.Skip("GetInPrefix", "nothing to read: no probe object was written and the prefix holds no object");
                return;
            }
            string readBack = null;
            // An existing object is read one byte at most; an empty one answers InvalidRange, after authorisation.
            var get = await ProbeOutcome.RunAsync(async () =>
            {
                var request = new GetObjectRequest { BucketName = t.BucketName, Key = readKey };
                if (probeKey == null) request.ByteRange = new ByteRange(0, 0);
                using var response = await s3.GetObjectAsync(request, ct).ConfigureAwait(false);
                using var reader = new StreamReader(response.ResponseStream);
                readBack = await reader.ReadToEndAsync().ConfigureAwait(false);
            }, t.BucketName, readKey, "s3:GetObject", "InvalidRange").ConfigureAwait(false);
            if (get.Verdict == ProbeVerdict.Allowed && probeKey != null && readBack != ProbeBody)
                run.Add("GetInPrefix", CheckStatus.Fail, "allowed", "read back different bytes",
                    $"Reading {probeKey} returned other content than was written. Check for a proxy or a transforming endpoint.");
            else
                run.Needed("GetInPrefix", get, $"read {readKey}",
                    $"The app can serve and read back its media (read {(probeKey == null ? "existing object " : "")}{readKey}).",
                    $"Grant s3:GetObject on arn:<partition>:s3:::{t.BucketName}/{t.Prefix}* (see New-MediaIamPolicy).");
        }

        /// <summary>
        /// -IncludeVersions: what Get-/Restore-MediaVersion and Sync-MediaFromS3 -AsOf need, each a Fail when denied:
        /// list versions in the prefix, read the bucket's versioning, read the probe object's version by id
        /// (the same right a versioned copy needs on its source); and listing versions outside the prefix, a Warning.
        /// </summary>
        private static async Task ProbeVersionsAsync(IAmazonS3 s3, ProbeRun run, string probeKey, string putVersion, CancellationToken ct)
        {
            var t = run.Target;
            var list = await ProbeOutcome.RunAsync(
                () => s3.ListVersionsAsync(new ListVersionsRequest { BucketName = t.BucketName, Prefix = t.Prefix, MaxKeys = 1 }, ct),
                t.BucketName, null, "s3:ListBucketVersions").ConfigureAwait(false);
            run.Needed("ListVersionsInPrefix", list, $"list versions under '{t.Prefix}'",
                "Point-in-time recovery can read the history of the prefix (Get-MediaVersion, Restore-MediaVersion).",
                $"Grant s3:ListBucketVersions on the bucket with condition StringLike s3:prefix '{t.Prefix}*' (New-MediaIamPolicy -IncludeVersions).");

            var versioning = await ProbeOutcome.RunAsync(
                () => s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = t.BucketName }, ct),
                t.BucketName, null, "s3:GetBucketVersioning").ConfigureAwait(false);
            run.Needed("GetBucketVersioning", versioning, "read the bucket's versioning state",
                "Restore-MediaVersion can check that the bucket keeps history before it changes anything.",
                "Grant s3:GetBucketVersioning on the bucket (New-MediaIamPolicy -IncludeVersions).");

            if (putVersion == null)
                run.Skip("GetObjectVersion", probeKey == null ? "no probe object was written (-WhatIf, or s3:PutObject denied)" : "the bucket is not versioned (the probe object has no VersionId)");
            else
            {
                var get = await ProbeOutcome.RunAsync(async () =>
                {
                    using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = t.BucketName, Key = probeKey, VersionId = putVersion }, ct).ConfigureAwait(false);
                }, t.BucketName, probeKey, "s3:GetObjectVersion").ConfigureAwait(false);
                run.Needed("GetObjectVersion", get, $"read version {putVersion} of {probeKey}",
                    "Point-in-time recovery can read and copy back old versions.",
                    $"Grant s3:GetObjectVersion on arn:<partition>:s3:::{t.BucketName}/{t.Prefix}* (New-MediaIamPolicy -IncludeVersions).");
            }

            if (t.Prefix.Length == 0) return;
            var outside = await ProbeOutcome.RunAsync(
                () => s3.ListVersionsAsync(new ListVersionsRequest { BucketName = t.BucketName, MaxKeys = 1 }, ct),
                t.BucketName, null, "s3:ListBucketVersions").ConfigureAwait(false);
            run.Extra("ListVersionsOutsidePrefix", outside, "list versions of the whole bucket",
                $"These credentials can list the history of keys outside '{t.Prefix}'. Add the condition StringLike s3:prefix '{t.Prefix}*' to s3:ListBucketVersions.",
                $"Listing versions outside '{t.Prefix}' is denied.");
        }

        private static async Task ProbeDeleteAsync(IAmazonS3 s3, ProbeRun run, AccessProbeOptions options, string probeKey, string putVersion, CancellationToken ct)
        {
            var t = run.Target;
            if (!options.WriteProbes)
            {
                run.Skip("DeleteInPrefix", "not run (-WhatIf, or declined at -Confirm) (it deletes a probe object)");
                run.Skip("DeleteObjectVersion", "not run (-WhatIf, or declined at -Confirm)");
                return;
            }
            // Without a probe object, delete a fresh key that never existed: never a real object.
            var deleteKey = probeKey ?? run.NewProbeKey(t.Prefix, "absent");
            string markerVersion = null;
            var delete = await ProbeOutcome.RunAsync(async () =>
            {
                var response = await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = t.BucketName, Key = deleteKey }, ct).ConfigureAwait(false);
                run.Deleted(deleteKey);
                markerVersion = IsRealVersion(response.VersionId) ? response.VersionId : null;
            }, t.BucketName, deleteKey, "s3:DeleteObject").ConfigureAwait(false);
            run.Needed("DeleteInPrefix", delete, $"delete {deleteKey}",
                "The app can delete its media (Django's delete, Sync-MediaToS3 -Delete)." +
                (markerVersion != null ? " The bucket is versioned: the delete left a delete marker, history stays recoverable." : ""),
                $"Grant s3:DeleteObject on arn:<partition>:s3:::{t.BucketName}/{t.Prefix}* (see New-MediaIamPolicy).");

            if (putVersion == null)
            {
                run.Skip("DeleteObjectVersion", probeKey == null ? "no probe object was written" : "the bucket is not versioned (no VersionId)");
                return;
            }
            var destroy = await ProbeOutcome.RunAsync(async () =>
            {
                await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = t.BucketName, Key = probeKey, VersionId = putVersion }, ct).ConfigureAwait(false);
                if (markerVersion != null)
                    await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = t.BucketName, Key = probeKey, VersionId = markerVersion }, ct).ConfigureAwait(false);
            }, t.BucketName, probeKey, "s3:DeleteObjectVersion").ConfigureAwait(false);
            run.Extra("DeleteObjectVersion", destroy, $"permanently delete a version of {probeKey}",
                "These credentials can destroy object history (s3:DeleteObjectVersion): a leaked key could erase media beyond recovery. The app never needs it.",
                "History cannot be destroyed with these credentials. The probe's old version and delete marker stay until the bucket's noncurrent-version lifecycle removes them.");
        }

        private static async Task ProbeOutsideAsync(IAmazonS3 s3, ProbeRun run, AccessProbeOptions options, CancellationToken ct)
        {
            var t = run.Target;
            if (t.Prefix.Length == 0)
            {
                run.Skip("PutOutsidePrefix", "no prefix: the whole bucket is the app's area");
                run.Skip("ListOutsidePrefix", "no prefix: the whole bucket is the app's area");
            }
            else
            {
                if (options.WriteProbes)
                {
                    // A sibling of the prefix ('media-…' next to 'media/') also catches a policy written as 'media*'.
                    var outsideKey = run.NewProbeKey(t.Prefix.TrimEnd('/') + "-");
                    var put = await ProbeOutcome.RunAsync(async () =>
                    {
                        await s3.PutObjectAsync(new PutObjectRequest { BucketName = t.BucketName, Key = outsideKey, ContentBody = ProbeBody, ContentType = "text/plain" }, ct).ConfigureAwait(false);
                        run.Created(outsideKey);
                    }, t.BucketName, outsideKey, "s3:PutObject").ConfigureAwait(false);
                    run.Extra("PutOutsidePrefix", put, $"write {outsideKey}",
                        $"These credentials can write outside '{t.Prefix}': a compromised app could overwrite other data in the bucket. Limit s3:PutObject to arn:<partition>:s3:::{t.BucketName}/{t.Prefix}*.",
                        $"Writes outside '{t.Prefix}' are denied.");
                }
                else run.Skip("PutOutsidePrefix", "not run (-WhatIf, or declined at -Confirm) (it writes a probe object)");

                var list = await ProbeOutcome.RunAsync(
                    () => s3.ListObjectsV2Async(Sync.RemoteLister.Request(t.BucketName, null, 1), ct),
                    t.BucketName, null, "s3:ListBucket").ConfigureAwait(false);
                run.Extra("ListOutsidePrefix", list, "list the whole bucket",
                    $"These credentials can list keys outside '{t.Prefix}'. Add the condition StringLike s3:prefix '{t.Prefix}*' to s3:ListBucket.",
                    $"Listing outside '{t.Prefix}' is denied.");
            }

            var buckets = await ProbeOutcome.RunAsync(() => s3.ListBucketsAsync(new ListBucketsRequest(), ct), t.BucketName, null, "s3:ListAllMyBuckets").ConfigureAwait(false);
            run.Extra("ListAllMyBuckets", buckets, "list the account's buckets",
                "These credentials can list every bucket in the account (s3:ListAllMyBuckets). The app never needs it.",
                "Listing the account's buckets is denied.");

            var getPolicy = await ProbeOutcome.RunAsync(() => s3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = t.BucketName }, ct),
                t.BucketName, null, "s3:GetBucketPolicy", "NoSuchBucketPolicy").ConfigureAwait(false);
            run.Extra("GetBucketPolicy", getPolicy, "read the bucket policy",
                "These credentials can read the bucket policy (s3:GetBucketPolicy). The app never needs it; keep it for admin roles.",
                "Reading the bucket policy is denied.");

            await ProbePolicyWriteAsync(s3, run, options, ct).ConfigureAwait(false);
        }

        /// <summary>
        /// s3:PutBucketPolicy without changing anything: S3 authorises the call before it parses the document,
        /// so a body that is not JSON is answered AccessDenied (403) when the right is missing and
        /// MalformedPolicy (400) when it is granted; it can never be stored. Servers that store documents
        /// unparsed (moto does) would replace the policy, hence the probe is off for -EndpointUrl by default.
        /// </summary>
        private static async Task ProbePolicyWriteAsync(IAmazonS3 s3, ProbeRun run, AccessProbeOptions options, CancellationToken ct)
        {
            var t = run.Target;
            if (!options.PolicyWriteProbe)
            {
                run.Skip("PutBucketPolicy", "not run (-WhatIf, or declined at -Confirm) (it sends a deliberately malformed bucket policy)");
                return;
            }
            if (t.IsCustomEndpoint && !options.PolicyWriteProbeOnCustomEndpoint)
            {
                run.Skip("PutBucketPolicy",
                    $"not probed on {t.EndpointUrl}: the probe relies on the server rejecting a malformed policy as AWS does, and some S3-compatible servers store any document. " +
                    "Use -ProbePolicyWriteOnEndpoint for a server known to validate policies (AWS, MinIO).");
                return;
            }
            var put = await ProbeOutcome.RunAsync(
                () => s3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = t.BucketName, Policy = MalformedPolicyProbe }, ct),
                t.BucketName, null, "s3:PutBucketPolicy", "MalformedPolicy", "InvalidPolicyDocument").ConfigureAwait(false);
            if (put.Verdict == ProbeVerdict.Allowed && put.ErrorCode == null)
            {
                run.Add("PutBucketPolicy", CheckStatus.Error, "denied", "allowed, and the server ACCEPTED a malformed policy",
                    "The endpoint stored the probe's invalid policy document instead of rejecting it: the bucket policy is now broken. " +
                    "Restore it (e.g. Initialize-MediaBucket, or your infrastructure code) and do not use -ProbePolicyWriteOnEndpoint with this server.");
                return;
            }
            run.Extra("PutBucketPolicy", put, "replace the bucket policy",
                "These credentials can replace the bucket policy (s3:PutBucketPolicy): a leaked key could make the bucket public or lock everyone out. " +
                "Found with a malformed document that S3 rejected; nothing was changed.",
                "Replacing the bucket policy is denied (probed with a malformed document; nothing was changed).");
        }

        private static bool IsRealVersion(string versionId) => !string.IsNullOrEmpty(versionId) && versionId != "null";
    }
}
