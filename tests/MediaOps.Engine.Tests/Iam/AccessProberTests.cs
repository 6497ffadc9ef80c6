using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3.Model;
using Xunit;
using MediaOps.Aws;
using MediaOps.Iam;

namespace MediaOps.Engine.Tests
{
    /// <summary>An IAM-enforcing moto with users holding New-MediaIamPolicy's policy, s3:* and a read-only policy.</summary>
    public sealed class AccessLab : IDisposable
    {
        public MotoServer Moto { get; } = MotoServer.StartIamSetup();
        public string Bucket { get; } = MotoServer.NewBucketName("acc");
        public string VersionedBucket { get; } = MotoServer.NewBucketName("accv");
        public const string BucketPolicy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Keep\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::nothing-here\"}]}";
        public MotoIamUser App { get; }
        public MotoIamUser VersionedApp { get; }
        public MotoIamUser S3Admin { get; }
        public MotoIamUser ReadOnly { get; }

        public AccessLab()
        {
            MotoIam.CreateBucket(Moto, Bucket);
            MotoIam.CreateBucket(Moto, VersionedBucket);
            MotoIam.Aws(Moto, null, "s3api", "put-bucket-versioning", "--bucket", VersionedBucket, "--versioning-configuration", "Status=Enabled");
            MotoIam.Aws(Moto, null, "s3api", "put-bucket-policy", "--bucket", Bucket, "--policy", BucketPolicy);
            MotoIam.Aws(Moto, null, "s3api", "put-object", "--bucket", Bucket, "--key", "media/existing.txt", "--body", MotoServer.RepoRoot + "/MediaOps.psd1");
            App = MotoIam.CreateUser(Moto, "app", IamPolicyBuilder.Build(new IamPolicyOptions { BucketName = Bucket, Prefix = "media" }));
            VersionedApp = MotoIam.CreateUser(Moto, "vapp", IamPolicyBuilder.Build(new IamPolicyOptions { BucketName = VersionedBucket, Prefix = "media" }));
            S3Admin = MotoIam.CreateUser(Moto, "s3admin", MotoIam.S3FullAccessPolicy);
            ReadOnly = MotoIam.CreateUser(Moto, "reader", IamPolicyBuilder.Build(new IamPolicyOptions { BucketName = Bucket, Prefix = "media", Access = PolicyAccess.ReadOnly }));
            MotoIam.EnableEnforcement(Moto);
        }

        public void Dispose() => Moto.Dispose();
    }

    /// <summary>
    /// Test-MediaAccess's engine against IAM-enforcing moto. moto limits this relies on: the harness
    /// emulates the s3:prefix condition (moto ignores StringLike) and makes moto reject malformed bucket
    /// policies as AWS does (moto stores anything); resource policies are ignored by moto.
    /// </summary>
    public sealed class AccessProberTests : IClassFixture<AccessLab>
    {
        private readonly AccessLab _lab;
        public AccessProberTests(AccessLab lab) => _lab = lab;

        private Task<IReadOnlyList<CheckResult>> Probe(string bucket, MotoIamUser user, AccessProbeOptions options = null, CancellationToken ct = default, Action<CheckResult> onRow = null) =>
            Recorded.Rows<CheckResult>(rows => new AccessProber(new AwsClientFactory()).ProbeAsync(_lab.Moto.Target(bucket, "media", user), options ?? new AccessProbeOptions(), rows, ct), onRow);

        private static Dictionary<string, CheckStatus> ByCheck(IEnumerable<CheckResult> rows) => rows.ToDictionary(r => r.Check, r => r.Status);

        private async Task<string[]> ProbeKeysLeft(string bucket)
        {
            using var s3 = new AwsClientFactory().CreateS3(_lab.Moto.Target(bucket, "media", _lab.S3Admin));
            var all = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
            return (all.S3Objects ?? new List<S3Object>()).Select(o => o.Key).Where(k => k.Contains("mediaops-access-probe")).ToArray();
        }

        [Fact]
        public async Task Generated_policy_is_enough_and_no_more()
        {
            var rows = await Probe(_lab.Bucket, _lab.App, new AccessProbeOptions { PolicyWriteProbeOnCustomEndpoint = true });
            var status = ByCheck(rows);
            foreach (var check in new[] { "ListInPrefix", "PutInPrefix", "MissingKeyIsNotFound", "GetInPrefix", "DeleteInPrefix",
                                          "PutOutsidePrefix", "ListOutsidePrefix", "ListAllMyBuckets", "GetBucketPolicy", "PutBucketPolicy" })
                Assert.True(status[check] == CheckStatus.Pass, $"{check}: {rows.First(r => r.Check == check).Actual} {rows.First(r => r.Check == check).Message}");
            Assert.Equal(CheckStatus.Skipped, status["DeleteObjectVersion"]); // not versioned
            Assert.All(rows, r => Assert.Equal($"s3://{_lab.Bucket}/media/", r.Target));
            Assert.Empty(await ProbeKeysLeft(_lab.Bucket));
        }

        [Fact]
        public async Task S3_full_access_is_called_out_and_the_bucket_policy_is_not_changed()
        {
            var rows = await Probe(_lab.Bucket, _lab.S3Admin, new AccessProbeOptions { PolicyWriteProbeOnCustomEndpoint = true });
            var status = ByCheck(rows);
            foreach (var check in new[] { "PutOutsidePrefix", "ListOutsidePrefix", "ListAllMyBuckets", "GetBucketPolicy", "PutBucketPolicy" })
                Assert.True(status[check] == CheckStatus.Warning, $"{check} was {status[check]}");
            Assert.StartsWith("Over-privileged", rows.First(r => r.Check == "PutBucketPolicy").Message);
            Assert.Equal(CheckStatus.Pass, status["PutInPrefix"]);
            Assert.Empty(await ProbeKeysLeft(_lab.Bucket));
            using var s3 = new AwsClientFactory().CreateS3(_lab.Moto.Target(_lab.Bucket, "media", _lab.S3Admin));
            Assert.Equal(AccessLab.BucketPolicy, (await s3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = _lab.Bucket })).Policy);
        }

        [Fact]
        public async Task Policy_write_probe_is_skipped_on_custom_endpoints_unless_asked()
        {
            var row = (await Probe(_lab.Bucket, _lab.S3Admin)).Single(r => r.Check == "PutBucketPolicy");
            Assert.Equal(CheckStatus.Skipped, row.Status);
            Assert.Contains("-ProbePolicyWriteOnEndpoint", row.Message);
        }

        [Fact]
        public async Task Versioned_bucket_reports_whether_history_can_be_destroyed()
        {
            var app = ByCheck(await Probe(_lab.VersionedBucket, _lab.VersionedApp));
            Assert.Equal(CheckStatus.Pass, app["DeleteObjectVersion"]);
            Assert.Equal(CheckStatus.Pass, app["DeleteInPrefix"]);
            var admin = ByCheck(await Probe(_lab.VersionedBucket, _lab.S3Admin));
            Assert.Equal(CheckStatus.Warning, admin["DeleteObjectVersion"]);
            Assert.Empty(await ProbeKeysLeft(_lab.VersionedBucket));
        }

        [Fact]
        public async Task Read_only_credentials_fail_the_write_probes_and_read_an_existing_object()
        {
            var rows = await Probe(_lab.Bucket, _lab.ReadOnly);
            var status = ByCheck(rows);
            Assert.Equal(CheckStatus.Pass, status["ListInPrefix"]);
            Assert.Equal(CheckStatus.Fail, status["PutInPrefix"]);
            Assert.Contains("s3:PutObject", rows.First(r => r.Check == "PutInPrefix").Message);
            Assert.Equal(CheckStatus.Pass, status["GetInPrefix"]);
            Assert.Contains("existing object media/existing.txt", rows.First(r => r.Check == "GetInPrefix").Message);
            Assert.Equal(CheckStatus.Fail, status["DeleteInPrefix"]);
            Assert.Empty(await ProbeKeysLeft(_lab.Bucket));
        }

        [Fact]
        public async Task Without_write_probes_nothing_is_written()
        {
            var rows = await Probe(_lab.Bucket, _lab.S3Admin, new AccessProbeOptions { WriteProbes = false, PolicyWriteProbe = false });
            var status = ByCheck(rows);
            Assert.Equal(CheckStatus.Skipped, status["PutInPrefix"]);
            Assert.Equal(CheckStatus.Skipped, status["DeleteInPrefix"]);
            Assert.Equal(CheckStatus.Skipped, status["PutOutsidePrefix"]);
            Assert.Equal(CheckStatus.Skipped, status["PutBucketPolicy"]);
            Assert.Equal(CheckStatus.Pass, status["GetInPrefix"]); // reads the existing object
            Assert.Equal(CheckStatus.Warning, status["ListOutsidePrefix"]);
        }

        [Fact]
        public async Task Cancelled_mid_run_leaves_no_probe_object()
        {
            using var cts = new CancellationTokenSource();
            var seen = new List<string>();
            // Rows are reported synchronously: cancel right after the probe object was written.
            void OnRow(CheckResult row) { seen.Add(row.Check); if (row.Check == "PutInPrefix") cts.Cancel(); }
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Probe(_lab.Bucket, _lab.S3Admin, null, cts.Token, OnRow));
            Assert.Contains("PutInPrefix", seen);
            Assert.DoesNotContain("ListAllMyBuckets", seen);
            Assert.Empty(await ProbeKeysLeft(_lab.Bucket));
        }
    }
}
