using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Runs;
using MediaOps.Targets;

namespace MediaOps.Iam
{
    /// <summary>One Test-MediaAccess run: its rows (reported as they come), its probe key names and what it must clean up.</summary>
    internal sealed class ProbeRun
    {
        private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);
        private readonly List<string> _created = new List<string>();
        private readonly IRunObserver<CheckResult> _observer;
        private readonly string _runId = DateTime.UtcNow.ToString("yyyyMMddTHHmmssZ") + "-" + Guid.NewGuid().ToString("N").Substring(0, 8);
        private int _probeCount;

        public ProbeRun(MediaTarget target, IRunObserver<CheckResult> observer)
        {
            Target = target;
            _observer = observer;
        }

        public MediaTarget Target { get; }

        /// <summary>A key nobody else uses: <c>&lt;prefix&gt;mediaops-access-probe-&lt;utc&gt;-&lt;id&gt;-&lt;n&gt;[-what].txt</c>.</summary>
        public string NewProbeKey(string prefix, string what = null) =>
            $"{prefix}mediaops-access-probe-{_runId}-{Interlocked.Increment(ref _probeCount)}{(what == null ? "" : "-" + what)}.txt";

        public void Created(string key) { lock (_created) _created.Add(key); }
        public void Deleted(string key) { lock (_created) _created.Remove(key); }

        public void Add(string check, CheckStatus status, string expected, string actual, string message)
        {
            _observer.Row(new CheckResult(Target.Uri, check, status, expected, actual, message));
        }

        public void Skip(string check, string why) => Add(check, CheckStatus.Skipped, "-", "not probed", why);

        /// <summary>A right the app needs: Pass when allowed, Fail when denied (the app would break).</summary>
        public void Needed(string check, ProbeOutcome outcome, string what, string passMessage, string fixMessage)
        {
            switch (outcome.Verdict)
            {
                case ProbeVerdict.Allowed: Add(check, CheckStatus.Pass, "allowed", outcome.Describe(), passMessage); break;
                case ProbeVerdict.Denied: Add(check, CheckStatus.Fail, "allowed", outcome.Describe(), $"The app would break: it cannot {what}. {fixMessage}"); break;
                default: Unknown(check, "allowed", outcome, what); break;
            }
        }

        /// <summary>A right the app does not need: Pass when denied, Warning when allowed (over-privileged).</summary>
        public void Extra(string check, ProbeOutcome outcome, string what, string overPrivilegedMessage, string passMessage)
        {
            switch (outcome.Verdict)
            {
                case ProbeVerdict.Denied: Add(check, CheckStatus.Pass, "denied", outcome.Describe(), passMessage); break;
                case ProbeVerdict.Allowed: Add(check, CheckStatus.Warning, "denied", outcome.Describe(), "Over-privileged: " + overPrivilegedMessage); break;
                default: Unknown(check, "denied", outcome, what); break;
            }
        }

        /// <summary>HEAD of a key that does not exist: 404 lets django-storages' exists() work; 403 makes it raise.</summary>
        public void MissingKeyAnswer(ProbeOutcome outcome)
        {
            const string check = "MissingKeyIsNotFound";
            if (outcome.Verdict == ProbeVerdict.Allowed && outcome.Status == 404)
                Add(check, CheckStatus.Pass, "404 for a missing key", "404", "A missing file is reported as missing (django-storages' exists(), Test-MediaObject).");
            else if (outcome.Verdict == ProbeVerdict.Denied)
                Add(check, CheckStatus.Fail, "404 for a missing key", "403",
                    "S3 answers 403 instead of 404 for a missing key when it does not count the caller's s3:ListBucket for that request " +
                    "(no grant, or one whose s3:prefix condition a HEAD request does not satisfy). django-storages (1.13+) then raises in exists(), " +
                    "which Django calls before every upload when file_overwrite is False. Grant s3:ListBucket on the bucket (New-MediaIamPolicy); " +
                    "if it is granted with the s3:prefix condition and this still fails, drop the condition (the app can then list key names bucket-wide).");
            else
                Unknown(check, "404 for a missing key", outcome, "HEAD a missing key");
        }

        private void Unknown(string check, string expected, ProbeOutcome outcome, string what)
        {
            if (outcome.Verdict == ProbeVerdict.NotSupported)
                Add(check, CheckStatus.Skipped, expected, outcome.Describe(), "Not supported by this endpoint.");
            else
                Add(check, CheckStatus.Error, expected, outcome.Describe(), $"Could not tell whether the credentials can {what}: {outcome.Detail}");
        }

        /// <summary>Delete every probe object still present, with its own timeout: it runs after Ctrl+C too.</summary>
        public async Task CleanupAsync(IAmazonS3 s3)
        {
            string[] leftovers;
            lock (_created) leftovers = _created.ToArray();
            if (leftovers.Length == 0) return;
            using var timeout = new CancellationTokenSource(CleanupTimeout);
            var failed = new List<string>();
            foreach (var key in leftovers)
            {
                try
                {
                    await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Target.BucketName, Key = key }, timeout.Token).ConfigureAwait(false);
                    Deleted(key);
                }
                catch (Exception)
                {
                    failed.Add(key);
                }
            }
            if (failed.Count > 0)
                Add("ProbeCleanup", CheckStatus.Error, "probe objects removed", $"{failed.Count} left",
                    $"Could not delete probe object(s) {string.Join(", ", failed)}: delete them by hand (they hold no data).");
        }
    }
}
