using System;
using System.Collections.Generic;

namespace MediaOps.Reports
{
    /// <summary>A section of the report: one step of the reference runbook, in runbook order.</summary>
    public sealed class ReportStep
    {
        private ReportStep(int order, string id, string title, string producedBy)
        {
            Order = order;
            Id = id;
            Title = title;
            ProducedBy = producedBy;
        }

        public int Order { get; }
        /// <summary>Stable, HTML-id-safe name (step-bucket...).</summary>
        public string Id { get; }
        public string Title { get; }
        /// <summary>The cmdlets whose output lands here, for the reader who wants to rerun the step.</summary>
        public string ProducedBy { get; }

        public static readonly ReportStep Audit = new ReportStep(1, "audit", "Audit MEDIA_ROOT", "Get-MediaInventory");
        public static readonly ReportStep Bucket = new ReportStep(2, "bucket", "Bucket baseline", "Test-MediaBucket, Initialize-MediaBucket");
        public static readonly ReportStep Credentials = new ReportStep(3, "credentials", "Credentials", "Test-MediaCredential");
        public static readonly ReportStep LeastPrivilege = new ReportStep(4, "access", "Least privilege", "Test-MediaAccess");
        public static readonly ReportStep DryRun = new ReportStep(5, "dry-run", "Dry run", "Sync-MediaToS3 -WhatIf");
        public static readonly ReportStep Sync = new ReportStep(6, "sync", "Sync and final pass", "Sync-MediaToS3");
        public static readonly ReportStep Compare = new ReportStep(7, "compare", "Compare MEDIA_ROOT with S3", "Compare-MediaStore");
        public static readonly ReportStep Names = new ReportStep(8, "names", "Database names resolve", "Test-MediaObject");
        public static readonly ReportStep Smoke = new ReportStep(9, "smoke", "Smoke test", "Invoke-MediaSmokeTest");
        public static readonly ReportStep Urls = new ReportStep(10, "urls", "URLs", "Get-MediaUrl");
        public static readonly ReportStep Rollback = new ReportStep(11, "rollback", "Rollback", "Sync-MediaFromS3");
        public static readonly ReportStep Versions = new ReportStep(12, "versions", "Versions and restores", "Get-MediaVersion, Restore-MediaVersion");
        public static readonly ReportStep Other = new ReportStep(13, "other", "Other results", "other MediaOps cmdlets");

        public static IReadOnlyList<ReportStep> All { get; } = new[]
        {
            Audit, Bucket, Credentials, LeastPrivilege, DryRun, Sync, Compare, Names, Smoke, Urls, Rollback, Versions, Other,
        };

        // CheckResult rows carry only a check name: these are the names each check cmdlet writes.
        // A name not listed lands in Other (a Pester test proves every name the cmdlets write today is listed).
        private static readonly Dictionary<string, ReportStep> StepOfCheck = Map(
            (Bucket, new[] { "BucketExists", "Region", "Versioning", "DefaultEncryption", "PublicAccessBlock", "ObjectOwnership", "BucketPolicy", "SecureTransport", "Prefix", "NoncurrentVersionLifecycle", "Inventory" }),
            (Credentials, new[] { "CredentialSource", "Identity", "NotRoot", "CredentialType", "AssumedRole" }),
            (LeastPrivilege, new[] { "ListInPrefix", "GetInPrefix", "PutInPrefix", "DeleteInPrefix", "ListOutsidePrefix", "PutOutsidePrefix", "ListAllMyBuckets", "GetBucketPolicy", "PutBucketPolicy", "DeleteObjectVersion", "MissingKeyIsNotFound", "ListVersionsInPrefix", "GetBucketVersioning", "GetObjectVersion", "ListVersionsOutsidePrefix" }),
            (Smoke, new[] { "Upload", "Head", "ReadBack", "SignedUrl", "UnsignedUrl", "Delete" }));

        public static ReportStep ForCheck(string check) =>
            check != null && StepOfCheck.TryGetValue(check, out var step) ? step : Other;

        private static Dictionary<string, ReportStep> Map(params (ReportStep Step, string[] Checks)[] groups)
        {
            var map = new Dictionary<string, ReportStep>(StringComparer.Ordinal);
            foreach (var (step, checks) in groups)
                foreach (var check in checks) map.Add(check, step);
            return map;
        }

        public override string ToString() => Title;
    }
}
