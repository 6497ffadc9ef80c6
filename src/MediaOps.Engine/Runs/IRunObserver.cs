using System;
using System.Threading.Tasks;

namespace MediaOps.Runs
{
    /// <summary>
    /// The one seam from the engine to its host. Every engine operation that reports takes one observer,
    /// as its last parameter before the <see cref="System.Threading.CancellationToken"/>, and calls it from
    /// any thread: a host with one thread for output (PowerShell's pipeline) posts every call there.
    /// An operation's result rows go to <see cref="Row"/>, in the operation's stable order, as soon as each
    /// is known; what it returns is only its summary (a SyncResult, a count, a plan).
    /// </summary>
    public interface IRunObserver<in TRow>
    {
        /// <summary>A result row, as soon as it is known.</summary>
        void Row(TRow row);

        /// <summary>Where the run is. Hosts may show only the latest.</summary>
        void Progress(RunProgress progress);

        /// <summary>One item failed (or was refused, e.g. -MaxDelete exceeded); the run goes on.</summary>
        void Error(Exception error, string target);

        /// <summary>Something the user should read although nothing failed.</summary>
        void Warning(string message);

        void Verbose(string message);

        /// <summary>
        /// Asked before something that cannot be undone (Sync-MediaToS3 -Delete asks once for the whole batch).
        /// False, or a cancelled task when the host is stopping, means: do not do it.
        /// </summary>
        Task<bool> ConfirmAsync(string target, string action);
    }
}
