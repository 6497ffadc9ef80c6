using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using MediaOps.Errors;

namespace MediaOps.Transfer
{
    /// <summary>
    /// Keeps a stalled server from hanging a run. A request gets a deadline (<see cref="SendAsync{T}"/>) and a body read
    /// an idle limit (<see cref="ReadAsync"/>); a stalled request is sent again up to <see cref="TransferSettings.StallRetries"/>
    /// times, then the item fails as <c>MediaOps.ServerStalled</c> (a Timeout, which fails the item, not the run).
    /// The SDK cannot do this itself: its own timeout ends before a download's body is read, and its stalled
    /// requests would surface as a network failure that stops everything.
    /// </summary>
    internal static class StallGuard
    {
        public const string ErrorId = "MediaOps.ServerStalled";

        /// <summary>True for the failure <see cref="Stalled"/> makes (a caller retries the whole download on it).</summary>
        public static bool IsStall(Exception ex) => ex is MediaOpsException mex && mex.ErrorId == ErrorId;

        /// <summary>Sends <paramref name="send"/> (a fresh request each attempt) with a deadline of <paramref name="timeout"/>.</summary>
        public static async Task<T> SendAsync<T>(Func<CancellationToken, Task<T>> send, TimeSpan timeout, TransferSettings settings,
            string key, string operation, CancellationToken ct)
        {
            for (var attempt = 1; ; attempt++)
            {
                using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    deadline.CancelAfter(timeout);
                    try
                    {
                        return await send(deadline.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
                    {
                        if (attempt > settings.StallRetries)
                            throw Stalled(key, $"{operation} was not answered within {timeout.TotalSeconds:0.#} s", attempt, settings, ex);
                    }
                }
            }
        }

        /// <summary>One read of a response body that fails as a stall when no byte arrives within the read timeout.</summary>
        public static async Task<int> ReadAsync(Stream body, byte[] buffer, TransferSettings settings, IDisposable response, CancellationToken ct)
        {
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                var read = body.ReadAsync(buffer, 0, buffer.Length, idle.Token);
                var wait = Task.Delay(settings.ReadTimeout, idle.Token);
                if (await Task.WhenAny(read, wait).ConfigureAwait(false) == read)
                {
                    idle.Cancel(); // ends the delay
                    return await read.ConfigureAwait(false);
                }
                ct.ThrowIfCancellationRequested();
                idle.Cancel();
                response.Dispose(); // aborts the connection, so the pending read ends too
                try { await read.ConfigureAwait(false); } catch (Exception) { /* the read we gave up on */ }
                throw new TimeoutException($"no byte arrived for {settings.ReadTimeout.TotalSeconds:0.#} s");
            }
        }

        public static MediaOpsException Stalled(string key, string what, int attempts, TransferSettings settings, Exception inner) =>
            new MediaOpsException(ErrorId, FailureKind.Timeout,
                $"The server stalled on '{key}': {what} ({attempts} attempt(s)). Nothing partial was kept; run again. " +
                $"On a link that pauses longer, raise {TransferSettings.ReadTimeoutVariable} (now {settings.ReadTimeout.TotalSeconds:0.#} s).", key, inner);
    }
}
