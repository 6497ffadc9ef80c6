using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using MediaOps.Aws;
using MediaOps.Targets;
using Xunit;

namespace MediaOps.Engine.Tests
{
    /// <summary>The renewal rule of assumed-role credentials, on a clock the test moves (no waiting).</summary>
    public class RoleCredentialsTests
    {
        private sealed class FakeSts
        {
            public DateTime Now = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
            public TimeSpan Lifetime = TimeSpan.FromHours(1);
            public int Calls;
            public Exception FailWith;

            public Task<RoleSession> Assume(CancellationToken _)
            {
                var n = Interlocked.Increment(ref Calls);
                if (FailWith != null) throw FailWith;
                return Task.FromResult(new RoleSession(new ImmutableCredentials("ASIA" + n, "secret" + n, "token" + n), Now + Lifetime, "arn:aws:sts::1:assumed-role/r/s"));
            }
        }

        [Fact]
        public void Keeps_a_session_until_five_minutes_before_expiry_then_renews_once()
        {
            var sts = new FakeSts();
            var creds = new RoleCredentials(sts.Assume, () => sts.Now);
            Assert.Equal("ASIA1", creds.GetCredentials().AccessKey);
            var start = sts.Now;
            sts.Now = start + TimeSpan.FromMinutes(54) + TimeSpan.FromSeconds(59);
            Assert.Equal("ASIA1", creds.GetCredentials().AccessKey);
            Assert.Equal(1, sts.Calls);
            sts.Now = start + TimeSpan.FromMinutes(55);
            Assert.Equal("ASIA2", creds.GetCredentials().AccessKey);
            Assert.Equal("ASIA2", creds.GetCredentials().AccessKey);
            Assert.Equal(2, sts.Calls);
            Assert.Equal(2, creds.Sessions);
            Assert.Equal(start + TimeSpan.FromMinutes(115), creds.Current.ExpirationUtc);
        }

        [Fact]
        public void A_three_hour_run_on_one_hour_sessions_renews_three_times()
        {
            var sts = new FakeSts();
            var creds = new RoleCredentials(sts.Assume, () => sts.Now);
            var keys = new HashSet<string>();
            var end = sts.Now.AddHours(3);
            for (; sts.Now < end; sts.Now = sts.Now.AddSeconds(30)) keys.Add(creds.GetCredentials().AccessKey);
            Assert.Equal(new[] { "ASIA1", "ASIA2", "ASIA3", "ASIA4" }, keys.OrderBy(k => k));
        }

        [Fact]
        public async Task Concurrent_requests_at_expiry_renew_once()
        {
            var sts = new FakeSts();
            var gate = new TaskCompletionSource<bool>();
            var slow = new RoleCredentials(async ct =>
            {
                if (sts.Calls > 0) await gate.Task;
                return await sts.Assume(ct);
            }, () => sts.Now);
            slow.GetCredentials();
            sts.Now = sts.Now.AddHours(1);
            var waiting = Enumerable.Range(0, 8).Select(_ => Task.Run(() => slow.GetCredentialsAsync(CancellationToken.None))).ToArray();
            gate.SetResult(true);
            var all = await Task.WhenAll(waiting);
            Assert.All(all, k => Assert.Equal("ASIA2", k.AccessKey));
            Assert.Equal(2, sts.Calls);
        }

        [Fact]
        public void A_failed_renewal_keeps_the_still_valid_session_and_tries_again_a_minute_later()
        {
            var sts = new FakeSts();
            var creds = new RoleCredentials(sts.Assume, () => sts.Now);
            var start = sts.Now;
            creds.GetCredentials();
            sts.FailWith = new InvalidOperationException("STS is down");
            sts.Now = start.AddMinutes(56);
            Assert.Equal("ASIA1", creds.GetCredentials().AccessKey);
            Assert.Equal("ASIA1", creds.GetCredentials().AccessKey);
            Assert.Equal(2, sts.Calls); // the second request did not ask again within the minute
            sts.FailWith = null;
            sts.Now = start.AddMinutes(57);
            Assert.Equal("ASIA3", creds.GetCredentials().AccessKey);
        }

        [Fact]
        public void A_failed_renewal_after_expiry_fails_the_request()
        {
            var sts = new FakeSts();
            var creds = new RoleCredentials(sts.Assume, () => sts.Now);
            creds.GetCredentials();
            sts.FailWith = new InvalidOperationException("STS is down");
            sts.Now = sts.Now.AddHours(2);
            Assert.Throws<InvalidOperationException>(() => creds.GetCredentials());
        }

        [Fact]
        public void The_sync_call_after_an_async_call_on_the_same_thread_gets_the_same_session_even_if_another_request_renewed()
        {
            // The SDK signs with the sync call's key and sends the async call's token: they must be one session.
            // No await here: everything on this side stays on the test's thread.
            var sts = new FakeSts();
            var creds = new RoleCredentials(sts.Assume, () => sts.Now);
            var mine = creds.GetCredentialsAsync(CancellationToken.None).GetAwaiter().GetResult();
            sts.Now = sts.Now.AddMinutes(56);
            var other = Task.Run(() => creds.GetCredentialsAsync(CancellationToken.None)).GetAwaiter().GetResult(); // a concurrent request renews
            Assert.Equal("ASIA2", other.AccessKey);
            Assert.Same(mine, creds.GetCredentials());
            sts.Now = sts.Now.AddMinutes(4); // this thread's session has expired: no longer handed out
            Assert.Equal("ASIA2", creds.GetCredentials().AccessKey);
        }

        [Theory]
        [InlineData("alice", "MediaOps-alice")]
        [InlineData("DOMAIN\\svc account", "MediaOps-DOMAINsvcaccount")]
        [InlineData("", "MediaOps-session")]
        [InlineData("名前", "MediaOps-session")]
        public void Default_session_name_is_MediaOps_user_in_the_characters_STS_accepts(string user, string expected) =>
            Assert.Equal(expected, RoleRequest.DefaultSessionName(user));

        [Fact]
        public void Default_session_name_is_at_most_64_characters() =>
            Assert.Equal(64, RoleRequest.DefaultSessionName(new string('a', 100)).Length);

        [Theory]
        [InlineData("media-sync", null, null, "MediaOps.InvalidRoleArn")]
        [InlineData("arn:aws:iam::123456789012:user/bob", null, null, "MediaOps.InvalidRoleArn")]
        [InlineData("arn:aws:iam::123456789012:role/r", "x", null, "MediaOps.InvalidRoleSessionName")]
        [InlineData("arn:aws:iam::123456789012:role/r", null, "ext", "MediaOps.ExternalIdWithWebIdentity")]
        public void Role_requests_STS_would_refuse_are_InvalidArgument(string arn, string session, string externalId, string errorId)
        {
            var request = new RoleRequest(arn, session, externalId, null, externalId == null ? null : "token");
            var ex = Assert.Throws<MediaOpsException>(() => request.Validate());
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
        }
    }

    /// <summary>AssumeRole and AssumeRoleWithWebIdentity against moto's STS, through the client factory the cmdlets use.</summary>
    [Collection("moto")]
    public class RoleAssumptionTests
    {
        private const string Role = "arn:aws:iam::123456789012:role/media-sync";
        private readonly MotoServer _moto;
        public RoleAssumptionTests(MotoServer moto) => _moto = moto;

        private MediaTarget Target(RoleRequest role, bool keys = true) => MediaTarget.Resolve(new MediaTargetOptions
        {
            EndpointUrl = _moto.Endpoint, Region = "us-east-1", Role = role,
            AccessKeyId = keys ? "AKIAMEDIAOPSTEST0001" : null, SecretAccessKey = keys ? "test-secret" : null,
        }, _ => null, requireBucket: false);

        private static async Task<string> Caller(AwsClientFactory clients, MediaTarget target)
        {
            using var sts = clients.CreateSts(target);
            return (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn;
        }

        [Fact]
        public async Task The_clients_call_as_the_assumed_role_and_renew_on_the_factory_clock()
        {
            var now = DateTime.UtcNow;
            var clients = new AwsClientFactory { UtcNow = () => now };
            var target = Target(new RoleRequest(Role, "xunit-session", "ext-1", 900));
            Assert.Equal("arn:aws:sts::123456789012:assumed-role/media-sync/xunit-session", await Caller(clients, target));
            var first = clients.DescribeRole(target);
            Assert.InRange((first.ExpirationUtc - DateTime.UtcNow).TotalSeconds, 800, 901);
            Assert.Contains("role 'arn:aws:iam::123456789012:role/media-sync' (-RoleArn), assumed with the -Credential parameter", clients.DescribeCredentialSource(target));

            now = first.ExpirationUtc - RoleCredentials.RenewBefore; // the clock reaches the renewal point: no sleeping
            Assert.Equal("arn:aws:sts::123456789012:assumed-role/media-sync/xunit-session", await Caller(clients, target));
            var second = clients.DescribeRole(target);
            Assert.NotSame(first, second);
            Assert.NotEqual(first.Keys.AccessKey, second.Keys.AccessKey);
            Assert.Equal(2, clients.RoleSessions(target));
        }

        [Fact]
        public async Task A_web_identity_token_needs_no_AWS_credentials()
        {
            var clients = new AwsClientFactory();
            var target = Target(new RoleRequest(Role, "runbook", webIdentityToken: "eyJ.fake.jwt"), keys: false);
            Assert.Equal("arn:aws:sts::123456789012:assumed-role/media-sync/runbook", await Caller(clients, target));
            Assert.Equal("role 'arn:aws:iam::123456789012:role/media-sync' through a web identity token (-RoleArn, -WebIdentityToken)", clients.DescribeCredentialSource(target));
        }

        [Fact]
        public void A_web_identity_token_with_keys_is_refused()
        {
            var ex = Assert.Throws<MediaOpsException>(() => Target(new RoleRequest(Role, webIdentityToken: "t")));
            Assert.Equal("MediaOps.WebIdentityWithCredentials", ex.ErrorId);
        }

        [Fact]
        public void An_unreachable_STS_is_one_RoleNotAssumed_error_naming_the_role()
        {
            var target = MediaTarget.Resolve(new MediaTargetOptions
            {
                EndpointUrl = "http://127.0.0.1:9", Region = "us-east-1", AccessKeyId = "AKIAX", SecretAccessKey = "s",
                Role = new RoleRequest(Role, webIdentityToken: null),
            }, _ => null, requireBucket: false);
            var ex = Assert.Throws<MediaOpsException>(() => new AwsClientFactory { MaxErrorRetry = 0 }.DescribeCredentialSource(target));
            Assert.Equal("MediaOps.RoleNotAssumed", ex.ErrorId);
            Assert.Equal(FailureKind.Authentication, ex.Kind);
            Assert.Contains(Role, ex.Message);
            Assert.Contains("STS did not answer", ex.Message);
        }
    }
}
