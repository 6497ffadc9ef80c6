using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using MediaOps.Runs;

namespace MediaOps.Engine.Tests
{
    public class OrderedWorkQueueTests
    {
        [Fact]
        public async Task Results_come_back_in_input_order_with_bounded_concurrency()
        {
            const int Concurrency = 8;
            var running = 0;
            var peak = 0;
            // The first items wait until Concurrency of them run at once: proves the bound is reached, never passed.
            var allStarted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var results = new List<int>();
            var queue = new OrderedWorkQueue<int>(Concurrency, Concurrency * 4, results.Add);
            for (var i = 0; i < 200; i++)
            {
                var item = i;
                await queue.EnqueueAsync(async () =>
                {
                    var now = Interlocked.Increment(ref running);
                    InterlockedMax(ref peak, now);
                    if (now == Concurrency) allStarted.TrySetResult(true);
                    await allStarted.Task;
                    // Later items finish first: the queue must put them back in order.
                    await Task.Yield();
                    if (item % 3 == 0) await Task.Yield();
                    Interlocked.Decrement(ref running);
                    return item;
                }, CancellationToken.None);
            }
            await queue.DrainAsync();
            Assert.Equal(Enumerable.Range(0, 200), results);
            Assert.Equal(Concurrency, peak);
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }
}
