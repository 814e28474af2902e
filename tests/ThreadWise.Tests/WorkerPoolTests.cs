using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ThreadWise.Tests;

public class WorkerPoolTests
{
    [Fact]
    public async Task Submit_ReturnsResult_AndJoinWaitsForAll()
    {
        var pool = new WorkerPool(2);
        var done = 0;
        var tasks = Enumerable.Range(0, 20).Select(i => pool.Submit(() => { Thread.Sleep(1); Interlocked.Increment(ref done); return i * i; })).ToList();
        pool.Close();
        Assert.True(pool.Join(TestTimeouts.Bound));
        Assert.Equal(20, done);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * i), await Task.WhenAll(tasks));
    }

    [Fact]
    public async Task Submit_Action_And_AsyncOverloads()
    {
        await using var pool = new WorkerPool(2);
        var ran = false;
        await pool.Submit(() => { ran = true; }).Bounded();
        Assert.True(ran);
        await pool.Submit(async ct => await Task.Delay(1, ct)).Bounded();
        Assert.Equal(42, await pool.Submit(async ct => { await Task.Yield(); return 42; }).Bounded());
    }

    [Fact]
    public void Join_BeforeClose_Throws_WithGuidance()
    {
        using var pool = new WorkerPool(1);
        pool.Submit(() => { });
        var ex = Assert.Throws<InvalidOperationException>(() => pool.Join());
        Assert.Equal("Pool is still running: call Close() or Terminate() before Join().", ex.Message);
        Assert.Throws<InvalidOperationException>(() => pool.Join(TimeSpan.FromSeconds(1)));
        Assert.Throws<InvalidOperationException>(() => { _ = pool.JoinAsync(); });
    }

    [Fact]
    public void Submit_AfterClose_Or_Terminate_Throws()
    {
        var pool = new WorkerPool(1);
        pool.Close();
        Assert.False(pool.IsRunning);
        var ex = Assert.Throws<InvalidOperationException>(() => { _ = pool.Submit(() => { }); });
        Assert.Contains("Close() or Terminate()", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => { _ = pool.Map(new[] { 1 }, x => x); });

        var terminated = new WorkerPool(1);
        terminated.Terminate();
        Assert.Throws<InvalidOperationException>(() => { _ = terminated.Submit(() => 1); });
        Assert.True(terminated.Join(TestTimeouts.Bound));
    }

    [Fact]
    public async Task Exception_SurfacesInItsTask_OtherWorkContinues()
    {
        var pool = new WorkerPool(2);
        var bad = pool.Submit<int>(() => throw new InvalidOperationException("boom"));
        var good = pool.Submit(() => 7);
        pool.Close();
        await pool.JoinAsync().Bounded();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Equal("boom", ex.Message);
        Assert.Equal(7, await good);
    }

    [Fact]
    public async Task AsyncException_SurfacesInItsTask()
    {
        var pool = new WorkerPool(1);
        var bad = pool.Submit(async ct => { await Task.Yield(); throw new FormatException(); });
        pool.Close();
        await pool.JoinAsync().Bounded();
        await Assert.ThrowsAsync<FormatException>(() => bad);
    }

    [Fact]
    public async Task DegreeOfParallelism_IsBounded_ForSyncAndAsyncWork()
    {
        const int Degree = 3;
        var pool = new WorkerPool(Degree);
        var inside = 0;
        var max = 0;
        var tasks = new List<Task>();
        for (var i = 0; i < 40; i++)
        {
            if (i % 2 == 0)
            {
                tasks.Add(pool.Submit(() =>
                {
                    Track(ref inside, ref max);
                    Thread.Sleep(2);
                    Interlocked.Decrement(ref inside);
                }));
            }
            else
            {
                tasks.Add(pool.Submit(async ct =>
                {
                    Track(ref inside, ref max);
                    await Task.Delay(2, ct);
                    Interlocked.Decrement(ref inside);
                }));
            }
        }

        pool.Close();
        await pool.JoinAsync().Bounded();
        await Task.WhenAll(tasks);
        Assert.InRange(max, 1, Degree);
    }

    [Fact]
    public async Task Map_ReturnsResultsInSourceOrder()
    {
        await using var pool = new WorkerPool(4);
        var results = await pool.Map(Enumerable.Range(0, 100), i =>
        {
            Thread.Sleep((100 - i) % 3);
            return i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }).Bounded();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), results);
    }

    [Fact]
    public async Task Map_FaultsWhenAnItemFaults()
    {
        await using var pool = new WorkerPool(2);
        await Assert.ThrowsAsync<DivideByZeroException>(() => pool.Map(new[] { 1, 0, 2 }, x => 10 / x).Bounded());
    }

    [Fact]
    public async Task Terminate_CancelsPendingWork_AndSignalsRunningAsyncWork()
    {
        var pool = new WorkerPool(1);
        using var started = new ManualResetEventSlim();
        var running = pool.Submit(async ct =>
        {
            started.Set();
            await Task.Delay(Timeout.Infinite, ct);
        });
        var pending = Enumerable.Range(0, 5).Select(_ => pool.Submit(() => 1)).ToList();
        Assert.True(started.Wait(TestTimeouts.Bound));
        pool.Terminate();
        Assert.True(pool.Join(TestTimeouts.Bound));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.All(pending, t => Assert.True(t.IsCanceled));
    }

    [Fact]
    public void Close_LetsQueuedWorkFinish()
    {
        var pool = new WorkerPool(1);
        var count = 0;
        for (var i = 0; i < 50; i++)
        {
            pool.Submit(() => { Interlocked.Increment(ref count); });
        }

        pool.Close();
        Assert.True(pool.Join(TestTimeouts.Bound));
        Assert.Equal(50, count);
    }

    [Fact]
    public void Join_FromOwnWorkItem_Throws_InsteadOfDeadlocking()
    {
        var pool = new WorkerPool(1);
        pool.Close();
        var pool2 = new WorkerPool(1);
        var inner = pool2.Submit(() =>
        {
            pool2.Close();
            pool2.Join();
        });
        Assert.True(pool.Join(TestTimeouts.Bound));
        var ex = Assert.Throws<AggregateException>(() => inner.Wait(TestTimeouts.Bound));
        Assert.IsType<InvalidOperationException>(ex.InnerException);
    }

    [Fact]
    public async Task JoinAsync_Cancellation_CancelsOnlyTheWait()
    {
        var pool = new WorkerPool(1);
        using var release = new ManualResetEventSlim();
        var work = pool.Submit(() => release.Wait(TestTimeouts.Bound));
        pool.Close();
        using var cts = new CancellationTokenSource(30);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pool.JoinAsync(cts.Token).Bounded());
        release.Set();
        await pool.JoinAsync().Bounded();
        Assert.True(await work);
    }

    [Fact]
    public void Join_Timeout_ReturnsFalse()
    {
        var pool = new WorkerPool(1);
        using var release = new ManualResetEventSlim();
        pool.Submit(() => release.Wait(TestTimeouts.Bound));
        pool.Close();
        Assert.False(pool.Join(TimeSpan.FromMilliseconds(20)));
        release.Set();
        Assert.True(pool.Join(TestTimeouts.Bound));
    }

    [Fact]
    public async Task DisposeAsync_ClosesAndWaits()
    {
        var count = 0;
        var pool = new WorkerPool(2);
        for (var i = 0; i < 10; i++)
        {
            _ = pool.Submit(async ct => { await Task.Delay(1, ct); Interlocked.Increment(ref count); });
        }

        await pool.DisposeAsync().AsTask().Bounded();
        Assert.Equal(10, count);
        Assert.False(pool.IsRunning);
    }

    [Fact]
    public void Misuse_Arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPool(0));
        using var pool = new WorkerPool(1);
        Assert.Throws<ArgumentNullException>(() => { _ = pool.Submit((Action)null!); });
        Assert.Throws<ArgumentNullException>(() => { _ = pool.Submit((Func<int>)null!); });
        Assert.Throws<ArgumentNullException>(() => { _ = pool.Submit((Func<CancellationToken, Task>)null!); });
        Assert.Throws<ArgumentNullException>(() => { _ = pool.Map<int, int>(null!, x => x); });
    }

    [Fact]
    public async Task Stress_ManySubmittersAndItems_AllRun_NoHang()
    {
        var pool = new WorkerPool(4);
        long sum = 0;
        var submitters = Enumerable.Range(0, 4).Select(s => Task.Run(() =>
        {
            var mine = new List<Task<int>>();
            for (var i = 0; i < 5000; i++)
            {
                var v = i;
                mine.Add(pool.Submit(() => { Interlocked.Add(ref sum, v); return v; }));
            }

            return mine;
        })).ToList();
        var all = (await Task.WhenAll(submitters).Bounded()).SelectMany(x => x).ToList();
        pool.Close();
        await pool.JoinAsync().Bounded();
        Assert.All(all, t => Assert.True(t.IsCompleted));
        Assert.Equal(4L * (4999L * 5000 / 2), sum);
    }

    [Fact]
    public async Task Stress_CloseRacingSubmit_EveryAcceptedItemRuns()
    {
        for (var round = 0; round < 50; round++)
        {
            var pool = new WorkerPool(2);
            var ran = 0;
            var accepted = 0;
            var submitter = Task.Run(() =>
            {
                for (var i = 0; i < 1000; i++)
                {
                    try
                    {
                        pool.Submit(() => { Interlocked.Increment(ref ran); });
                        accepted++;
                    }
                    catch (InvalidOperationException)
                    {
                        return;
                    }
                }
            });
            Thread.SpinWait(round * 100);
            pool.Close();
            await submitter.Bounded();
            await pool.JoinAsync().Bounded();
            Assert.Equal(accepted, ran);
        }
    }

    private static void Track(ref int inside, ref int max)
    {
        var now = Interlocked.Increment(ref inside);
        int seen;
        while (now > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, now, seen) != seen)
        {
        }
    }
}
