using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;

namespace MediaOps.Aws
{
    /// <summary>One STS answer: the keys, when they expire, and the assumed-role ARN STS reported.</summary>
    public sealed class RoleSession
    {
        public RoleSession(ImmutableCredentials keys, DateTime expirationUtc, string assumedRoleArn)
        {
            Keys = keys ?? throw new ArgumentNullException(nameof(keys));
            ExpirationUtc = expirationUtc;
            AssumedRoleArn = assumedRoleArn;
        }

        internal ImmutableCredentials Keys { get; }
        public DateTime ExpirationUtc { get; }
        public string AssumedRoleArn { get; }
    }

    /// <summary>
    /// Credentials of an assumed role that renew themselves: every request asks for keys, and once the session
    /// is within <see cref="RenewBefore"/> of its expiry the next request assumes the role again, so a
    /// three-hour sync outlives a one-hour session. One renewal at a time; the clock is injectable so the rule
    /// is tested without waiting. A failed renewal while the session is still valid keeps the session (and
    /// tries again a minute later): only an expired session with no renewal fails the request.
    /// </summary>
    internal sealed class RoleCredentials : AWSCredentials
    {
        /// <summary>Renew this long before expiry: more than a request, a retry and clock skew take.</summary>
        public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);
        private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);

        private readonly Func<CancellationToken, Task<RoleSession>> _assume;
        private readonly Func<DateTime> _utcNow;
        private readonly SemaphoreSlim _renewing = new SemaphoreSlim(1, 1);
        private volatile RoleSession _current;
        private DateTime _nextAttemptUtc = DateTime.MinValue;
        private int _sessions;

        public RoleCredentials(Func<CancellationToken, Task<RoleSession>> assume, Func<DateTime> utcNow = null)
        {
            _assume = assume ?? throw new ArgumentNullException(nameof(assume));
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        /// <summary>The session in use (null before the first request).</summary>
        public RoleSession Current => _current;

        /// <summary>How many sessions STS has issued to this object (1 = never renewed).</summary>
        public int Sessions => Volatile.Read(ref _sessions);

        /// <summary>
        /// The SDK asks twice per S3 request: asynchronously in its signer (which also sets the session token
        /// header) and then synchronously in the S3 signer (for the key that signs). A renewal between the two,
        /// by this request or a concurrent one, would sign with one session's key and send the other's token.
        /// So the synchronous call takes the session the last asynchronous call handed this thread, while valid.
        /// </summary>
        [ThreadStatic] private static RoleCredentials _lastOwnerOnThread;
        [ThreadStatic] private static RoleSession _lastSessionOnThread;

        public override ImmutableCredentials GetCredentials()
        {
            if (ReferenceEquals(_lastOwnerOnThread, this) && _lastSessionOnThread is RoleSession handed && _utcNow() < handed.ExpirationUtc)
                return handed.Keys;
            return SessionAsync(CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult().Keys;
        }

        public override Task<ImmutableCredentials> GetCredentialsAsync() => GetCredentialsAsync(CancellationToken.None);

        public async Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
        {
            var session = await SessionAsync(cancellationToken).ConfigureAwait(false);
            // Set on the thread that completes this task, which runs the SDK's continuation (and its sync call).
            _lastOwnerOnThread = this;
            _lastSessionOnThread = session;
            return session.Keys;
        }

        private async Task<RoleSession> SessionAsync(CancellationToken cancellationToken)
        {
            var session = _current;
            if (session != null && !NeedsRenewal(session)) return session;

            await _renewing.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                session = _current;
                if (session != null && !NeedsRenewal(session)) return session;
                if (session != null && _utcNow() < _nextAttemptUtc) return session;
                try
                {
                    var renewed = await _assume(cancellationToken).ConfigureAwait(false);
                    _current = renewed;
                    Interlocked.Increment(ref _sessions);
                    return renewed;
                }
                catch (Exception) when (session != null && _utcNow() < session.ExpirationUtc && !cancellationToken.IsCancellationRequested)
                {
                    _nextAttemptUtc = _utcNow() + RetryAfterFailure;
                    return session;
                }
            }
            finally
            {
                _renewing.Release();
            }
        }

        private bool NeedsRenewal(RoleSession session) => _utcNow() >= session.ExpirationUtc - RenewBefore;
    }
}
