using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ThreadWise.Tests;

/// <summary>The uncontended fast paths added for speed: the plain two-monitor <see cref="LockSet"/> scope and the
/// lock-free <see cref="WorkQueue{T}.TaskDone"/>.</summary>
public class FastPathTests
{
    [Fact]
    public void LockSet_TwoPlainMonitors_HoldsBoth_CountsTwo_ReleasesBoth_DisposeTwiceIsHarmless()
    {
        object a = new(), b = new();
        var scope = LockSet.Enter(a, b);
        Assert.Equal(2, scope.Count);
        Assert.True(Monitor.IsEntered(a) && Monitor.IsEntered(b));
        scope.Dispose();
        Assert.False(Monitor.IsEntered(a) || Monitor.IsEntered(b));
        scope.Dispose();
        Assert.Equal(0, scope.Count);
    }

    [Fact]
    public void LockSet_ThreePlainMonitors_HoldsAll_CountsThree_ReleasesAll_AndFallsBackWhenOneIsBusy()
    {
        object a = new(), b = new(), c = new();
        var scope = LockSet.Enter(c, a, b);
        Assert.Equal(3, scope.Count);
        Assert.True(Monitor.IsEntered(a) && Monitor.IsEntered(b) && Monitor.IsEntered(c));
        scope.Dispose();
        Assert.False(Monitor.IsEntered(a) || Monitor.IsEntered(b) || Monitor.IsEntered(c));

        // c busy on another thread: the try fails, everything taken is released, and the set waits in global order.
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var other = new Thread(() =>
        {
            lock (c)
            {
                holding.Set();
                release.Wait(TestTimeouts.Bound);
            }
        });
        other.Start();
        Assert.True(holding.Wait(TestTimeouts.Bound));
        var entered = Task.Run(() =>
        {
            using (LockSet.Enter(a, b, c))
            {
                return Monitor.IsEntered(a) && Monitor.IsEntered(b) && Monitor.IsEntered(c);
            }
        });
        Thread.Sleep(20);
        Assert.False(entered.IsCompleted);
        release.Set();
        Assert.True(entered.Wait(TestTimeouts.Bound) && entered.Result);
        Assert.True(other.Join(TestTimeouts.Bound));
    }

    [Fact]
    public async Task LockSet_TwoPlainMonitors_OppositeArgumentOrders_UnderContention_NeverDeadlock()
    {
        object a = new(), b = new();
        var inside = 0;
        var tasks = new List<Task>();
        for (var t = 0; t < 4; t++)
        {
            var flip = t % 2 == 0;
            tasks.Add(Task.Run(() =>
            {
                for (var i = 0; i < 20_000; i++)
                {
                    using (flip ? LockSet.Enter(a, b) : LockSet.Enter(b, a))
                    {
                        Assert.Equal(1, Interlocked.Increment(ref inside));
                        Interlocked.Decrement(ref inside);
                    }
                }
            }));
        }

        await Task.WhenAll(tasks).Bounded();
        Assert.False(Monitor.IsEntered(a) || Monitor.IsEntered(b));
    }

    [Fact]
    public async Task WorkQueue_ManyProducersAndConsumers_JoinReturnsOnlyWhenEveryItemIsDone()
    {
        const int Producers = 4, Consumers = 4, PerProducer = 5_000;
        var queue = new WorkQueue<int>();
        var processed = 0;
        var consumers = new List<Task>();
        for (var c = 0; c < Consumers; c++)
        {
            consumers.Add(Task.Run(() =>
            {
                foreach (var item in queue.GetConsumingEnumerable())
                {
                    Interlocked.Increment(ref processed);
                    queue.TaskDone();
                }
            }));
        }

        var producers = new List<Task>();
        for (var p = 0; p < Producers; p++)
        {
            producers.Add(Task.Run(() =>
            {
                for (var i = 0; i < PerProducer; i++)
                {
                    queue.Put(i);
                }
            }));
        }

        await Task.WhenAll(producers).Bounded();
        Assert.True(queue.Join(TestTimeouts.Bound));
        Assert.Equal(Producers * PerProducer, Volatile.Read(ref processed));
        Assert.Equal(0, queue.UnfinishedCount);
        await queue.JoinAsync().Bounded();
        queue.Complete();
        await Task.WhenAll(consumers).Bounded();
        var surplus = Assert.Throws<InvalidOperationException>(queue.TaskDone);
        Assert.Contains("more times", surplus.Message, StringComparison.Ordinal);
        Assert.Equal(0, queue.UnfinishedCount);
    }
}
