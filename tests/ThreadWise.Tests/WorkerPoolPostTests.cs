using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ThreadWise.Tests;

public class WorkerPoolPostTests
{
    [Fact]
    public async Task Post_RunsEveryItem_OnAtMostNWorkers_AndJoinWaitsForThem()
    {
        var pool = new WorkerPool(3);
        int done = 0, running = 0, peak = 0;
        for (var i = 0; i < 200; i++)
        {
            pool.Post(static s =>
            {
                var (counters, _) = s;
                var now = Interlocked.Increment(ref counters[1]);
                int seen;
                while ((seen = Volatile.Read(ref counters[2])) < now && Interlocked.CompareExchange(ref counters[2], now, seen) != seen)
                {
                }

                Thread.SpinWait(100);
                Interlocked.Decrement(ref counters[1]);
                Interlocked.Increment(ref counters[0]);
            }, (Counters, i));
        }

        pool.Close();
        await pool.JoinAsync().Bounded();
        (done, running, peak) = (Counters[0], Counters[1], Counters[2]);
        Assert.Equal(200, done);
        Assert.Equal(0, running);
        Assert.InRange(peak, 1, 3);
    }

    private int[] Counters { get; } = new int[3];

    [Fact]
    public async Task Post_Exceptions_AreNotLost_JoinThrowsThemAll_AfterEverythingRan()
    {
        var pool = new WorkerPool(2);
        var ran = 0;
        for (var i = 0; i < 10; i++)
        {
            var n = i;
            pool.Post(() =>
            {
                Interlocked.Increment(ref ran);
                if (n % 3 == 0)
                {
                    throw new InvalidOperationException("item " + n);
                }
            });
        }

        pool.Close();
        var ex = Assert.Throws<AggregateException>(() => pool.Join(TestTimeouts.Bound));
        Assert.Equal(10, ran);
        Assert.Equal(new[] { "item 0", "item 3", "item 6", "item 9" }, ex.InnerExceptions.Select(e => e.Message).OrderBy(m => m, StringComparer.Ordinal));
        await Assert.ThrowsAsync<InvalidOperationException>(() => pool.JoinAsync());
    }

    [Fact]
    public void Post_AfterClose_Throws_AndNullIsRejected()
    {
        var pool = new WorkerPool(1);
        Assert.Throws<ArgumentNullException>(() => pool.Post(null!));
        Assert.Throws<ArgumentNullException>(() => pool.Post<int>(null!, 1));
        pool.Close();
        var ex = Assert.Throws<InvalidOperationException>(() => pool.Post(() => { }));
        Assert.Equal(WorkerPool.NotRunningMessage, ex.Message);
        Assert.True(pool.Join(TestTimeouts.Bound));
    }

    [Fact]
    public async Task Terminate_WhileWorkersDequeue_EveryItemEitherRanOrWasCancelled_AndJoinReturns()
    {
        // Workers dequeue without the pool's lock while Terminate drains the queue: every item must end exactly once
        // (ran, or cancelled), or the outstanding count never reaches zero and Join hangs.
        for (var round = 0; round < 20; round++)
        {
            var pool = new WorkerPool(4);
            var ran = 0;
            var tasks = Enumerable.Range(0, 2_000).Select(_ => pool.Submit(() =>
            {
                Interlocked.Increment(ref ran);
                Thread.SpinWait(50);
            })).ToList();
            Thread.SpinWait(2_000);
            pool.Terminate();
            Assert.True(pool.Join(TestTimeouts.Bound));
            await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).Bounded();
            Assert.All(tasks, t => Assert.True(t.Status is TaskStatus.RanToCompletion or TaskStatus.Canceled, t.Status.ToString()));
            Assert.Equal(Volatile.Read(ref ran), tasks.Count(t => t.Status == TaskStatus.RanToCompletion));
        }
    }

    [Fact]
    public void Terminate_DropsQueuedPostedItems_WithoutFailingTheJoin()
    {
        var pool = new WorkerPool(1);
        using var gate = new ManualResetEventSlim();
        var ran = 0;
        pool.Post(() => gate.Wait(TestTimeouts.Bound));
        for (var i = 0; i < 5; i++)
        {
            pool.Post(() => Interlocked.Increment(ref ran));
        }

        pool.Terminate();
        gate.Set();
        Assert.True(pool.Join(TestTimeouts.Bound));
        Assert.Equal(0, ran);
    }
}
