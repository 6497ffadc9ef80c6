using System;
using System.Linq;
using MediaOps.Reports;
using Xunit;

namespace MediaOps.Engine.Tests
{
    public class ReportBuilderTests
    {
        internal static CheckResult Check(string check, CheckStatus status, string message = "what to do", string target = "s3://media-bucket/media/") =>
            new CheckResult(target, check, status, "expected", "actual", message);

        internal static ObjectCheck Name(string name, CheckStatus status) => new ObjectCheck
        {
            Name = name, Key = "media/" + name, Exists = status == CheckStatus.Pass, Status = status, Length = 10,
            Message = status == CheckStatus.Pass ? "Found." : "No object at this key: copy the file or fix the row.",
        };

        private static MediaReport Build(params object[] rows)
        {
            var builder = new ReportBuilder();
            foreach (var row in rows) builder.Add(row);
            return builder.Build("t", "tester", "0.0.0", new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        }

        [Fact]
        public void Steps_come_in_runbook_order_whatever_the_input_order()
        {
            var report = Build(
                Check("Upload", CheckStatus.Pass),
                Name("a.jpg", CheckStatus.Pass),
                new SyncResult { Direction = SyncDirection.ToS3, Source = "/srv/media", Destination = "s3://media-bucket/media/", Transferred = 3, Bytes = 3000 },
                new SyncResult { Direction = SyncDirection.ToS3, WhatIf = true, Planned = 3, Source = "/srv/media", Destination = "s3://media-bucket/media/" },
                Check("NotRoot", CheckStatus.Pass),
                Check("Versioning", CheckStatus.Pass),
                new MediaInventorySummary { Path = "/srv/media", Files = 3, Bytes = 3000 },
                new SyncResult { Direction = SyncDirection.FromS3, Source = "s3://media-bucket/media/", Destination = "/srv/media" });

            Assert.Equal(new[] { "audit", "bucket", "credentials", "dry-run", "sync", "names", "smoke", "rollback" }, report.Steps.Select(s => s.Step.Id));
            Assert.True(report.AllGreen);
            Assert.Equal("All green: 8 rows, no failures", report.Verdict);
            Assert.Equal(new[] { "s3://media-bucket/media/" }, report.Targets);
        }

        [Fact]
        public void Failures_come_first_then_warnings_each_with_its_message()
        {
            var report = Build(
                Check("Versioning", CheckStatus.Pass),
                Check("CredentialType", CheckStatus.Warning, "Prefer a role."),
                Check("PublicAccessBlock", CheckStatus.Fail, "Turn on all four flags."),
                Name("gone.jpg", CheckStatus.Fail),
                Check("SecureTransport", CheckStatus.Error, "Could not read the policy."));

            Assert.Equal("3 failures, 1 warning", report.Verdict);
            Assert.Equal(new[] { "PublicAccessBlock", "SecureTransport", "gone.jpg", "CredentialType" }, report.Attention.Select(e => e.Item));
            Assert.Equal("Turn on all four flags.", report.Attention[0].Message);
            var bucket = report.Steps.Single(s => s.Step == ReportStep.Bucket);
            Assert.Equal(new[] { "PublicAccessBlock", "SecureTransport", "Versioning" }, bucket.Listed.Select(e => e.Item));
        }

        [Fact]
        public void Many_passing_rows_collapse_into_counts_and_failures_stay_listed()
        {
            var builder = new ReportBuilder();
            for (var i = 0; i < 100_000; i++) builder.Add(Name($"uploads/{i:D6}.jpg", i % 10_000 == 7 ? CheckStatus.Fail : CheckStatus.Pass));
            var report = builder.Build(null, "tester", "0", DateTime.UtcNow);

            var names = report.Steps.Single();
            Assert.Equal(100_000, names.Total);
            Assert.Equal(10, names.Failures);
            Assert.Equal(99_990, names.OthersNotListed);
            Assert.Equal(10, names.Listed.Count);
            Assert.All(names.Listed, e => Assert.Equal(CheckStatus.Fail, e.Status));
            Assert.Equal("10 failures", report.Verdict);
        }

        [Fact]
        public void A_few_passing_rows_are_listed_as_evidence()
        {
            var report = Build(Enumerable.Range(0, ReportBuilder.MaxPassingListed).Select(i => (object)Name($"{i}.jpg", CheckStatus.Pass)).ToArray());
            Assert.Equal(ReportBuilder.MaxPassingListed, report.Steps.Single().Listed.Count);
            Assert.Equal(0, report.Steps.Single().OthersNotListed);
        }

        [Fact]
        public void Failure_rows_beyond_the_cap_are_counted_not_listed()
        {
            var builder = new ReportBuilder();
            for (var i = 0; i < 2_000; i++) builder.Add(Name($"{i}.jpg", CheckStatus.Fail));
            var report = builder.Build(null, "tester", "0", DateTime.UtcNow);
            Assert.Equal(ReportBuilder.MaxAttentionListedPerStep, report.Steps.Single().Listed.Count);
            Assert.Equal(2_000 - ReportBuilder.MaxAttentionListedPerStep, report.Steps.Single().AttentionNotListed);
            Assert.Equal(ReportBuilder.MaxAttentionAtTop, report.Attention.Count);
            Assert.Equal(2_000 - ReportBuilder.MaxAttentionAtTop, report.AttentionNotListed);
            Assert.Equal(2_000, report.Failures);
        }

        [Fact]
        public void A_sync_with_failed_files_is_a_failure_that_says_to_run_it_again()
        {
            var sync = new SyncResult
            {
                Direction = SyncDirection.ToS3, Source = "/srv/media", Destination = "s3://b/media/", Planned = 4, Transferred = 2, Failed = 2, Bytes = 2048,
                Errors = new[] { "a.jpg: AccessDenied", "b.jpg: AccessDenied" },
            };
            var report = Build(sync);
            var run = report.Steps.Single().Runs.Single();
            // The run's own result, not a copy of its counters one by one (a counter added later reaches the report).
            Assert.Same(sync, run.Result);
            Assert.Equal((2L, 2L, 2048L), (run.Result.Transferred, run.Result.Failed, run.Result.Bytes));
            var failure = Assert.Single(report.Attention);
            Assert.Contains("a.jpg: AccessDenied | b.jpg: AccessDenied", failure.Message);
            Assert.Contains("run Sync-MediaToS3 again", failure.Message);
        }

        [Fact]
        public void Sync_items_land_in_dry_run_sync_or_rollback_and_a_failed_one_carries_its_error()
        {
            var report = Build(
                new SyncItem { Key = "media/a.jpg", Action = SyncAction.Upload, Status = SyncItemStatus.Planned, Length = 5 },
                new SyncItem { Key = "media/a.jpg", Action = SyncAction.Upload, Status = SyncItemStatus.Failed, Error = "Checksum mismatch: upload it again." },
                new SyncItem { Key = "media/b.jpg", Action = SyncAction.Download, Status = SyncItemStatus.Done, Length = 7 });
            Assert.Equal(new[] { "dry-run", "sync", "rollback" }, report.Steps.Select(s => s.Step.Id));
            Assert.Equal("Checksum mismatch: upload it again.", Assert.Single(report.Attention).Message);
        }

        [Fact]
        public void Differences_that_mean_an_incomplete_copy_fail_and_extra_objects_warn()
        {
            var report = Build(
                new MediaDifference { RelativePath = "a.jpg", State = DifferenceState.OnlyLocal, LocalLength = 3, Reason = "not in S3" },
                new MediaDifference { RelativePath = "b.jpg", State = DifferenceState.OnlyRemote, RemoteLength = 3, Reason = "not local" },
                new MediaDifference { RelativePath = "c.jpg", State = DifferenceState.Same, LocalLength = 3, RemoteLength = 3 });
            Assert.Equal("1 failure, 1 warning", report.Verdict);
            Assert.Contains("run Sync-MediaToS3 again", report.Attention[0].Message);
        }

        [Fact]
        public void The_caller_arn_is_recorded_from_the_identity_row()
        {
            var report = Build(new CheckResult("credentials", "Identity", CheckStatus.Pass, "a caller identity", "arn:aws:sts::123456789012:assumed-role/deploy/run-7", "Account 123456789012."));
            Assert.Equal(new[] { "arn:aws:sts::123456789012:assumed-role/deploy/run-7" }, report.Identities);
        }

        [Fact]
        public void The_smoke_tests_probe_key_reports_the_prefix_as_target()
        {
            var report = Build(Check("Upload", CheckStatus.Pass, target: "s3://b/media/mediaops-smoke-test/20260101T000000Z-abc.txt"));
            Assert.Equal(new[] { "s3://b/media/" }, report.Targets);
        }

        [Fact]
        public void A_presigned_url_loses_its_signature()
        {
            var report = Build(new MediaUrl
            {
                Name = "a.pdf", Key = "media/a.pdf", ExpiresUtc = DateTime.UtcNow,
                Url = "https://b.s3.amazonaws.com/media/a.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260101&X-Amz-Signature=deadbeef",
            });
            var entry = Assert.Single(report.Steps.Single(s => s.Step == ReportStep.Urls).Listed);
            Assert.Contains("https://b.s3.amazonaws.com/media/a.pdf?[signature removed]", entry.Detail);
            Assert.DoesNotContain("deadbeef", entry.Detail);
            Assert.DoesNotContain("AKIAEXAMPLE", entry.Detail);
        }

        [Fact]
        public void A_check_name_no_step_knows_and_a_type_this_build_does_not_name_still_show()
        {
            var report = Build(Check("SomethingNew", CheckStatus.Warning),
                new LocalMediaFile { RelativePath = "a:b.jpg", Length = 1, Problem = "UnportableName" });
            Assert.Equal(new[] { "audit", "other" }, report.Steps.Select(s => s.Step.Id));
            Assert.Contains("UnportableName", report.Steps[0].Listed.Single().Message);
        }

        [Theory]
        [InlineData("text")]
        [InlineData(42)]
        public void Anything_but_MediaOps_output_is_refused_with_what_to_pipe(object value)
        {
            var error = Assert.Throws<MediaOpsException>(() => new ReportBuilder().Add(value));
            Assert.Equal("MediaOps.UnsupportedReportInput", error.ErrorId);
            Assert.Contains("Pipe the output of the MediaOps cmdlets", error.Message);
            Assert.False(ReportBuilder.CanReport(new MediaOpsException("x", FailureKind.Unknown, "m")));
        }
    }
}
