using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace MediaOps.Sync
{
    /// <summary>
    /// Counts the SDK's retries for SyncResult.Retries. A pipeline handler placed just outside the
    /// SDK's RetryHandler sees each call once, after all its attempts, and adds the call's retry count
    /// to the tally of the run it belongs to (found through an AsyncLocal, which flows into the
    /// SDK's async calls), so concurrent runs in one process do not mix their numbers.
    /// </summary>
    internal static class RetryCounter
    {
        private static readonly AsyncLocal<Tally> Current = new AsyncLocal<Tally>();
        private static int _registered;

        internal sealed class Tally
        {
            private long _retries;
            public long Retries => Interlocked.Read(ref _retries);
            public void Add(int n) { if (n > 0) Interlocked.Add(ref _retries, n); }
        }

        /// <summary>Must run before the client is created: customizers apply at client construction.</summary>
        public static void EnsureRegistered()
        {
            if (Interlocked.Exchange(ref _registered, 1) == 0)
                RuntimePipelineCustomizerRegistry.Instance.Register(new Customizer());
        }

        /// <summary>Starts counting for the calling async flow (and every task it starts).</summary>
        public static Tally Begin()
        {
            var tally = new Tally();
            Current.Value = tally;
            return tally;
        }

        private sealed class Customizer : IRuntimePipelineCustomizer
        {
            public string UniqueName => "MediaOps.RetryCounter";

            public void Customize(Type type, RuntimePipeline pipeline) => pipeline.AddHandlerBefore<RetryHandler>(new CountingHandler());
        }

        private sealed class CountingHandler : PipelineHandler
        {
            public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
            {
                try
                {
                    return await base.InvokeAsync<T>(executionContext).ConfigureAwait(false);
                }
                finally
                {
                    Current.Value?.Add(executionContext.RequestContext.Retries);
                }
            }

            public override void InvokeSync(IExecutionContext executionContext)
            {
                try { base.InvokeSync(executionContext); }
                finally { Current.Value?.Add(executionContext.RequestContext.Retries); }
            }
        }
    }
}
