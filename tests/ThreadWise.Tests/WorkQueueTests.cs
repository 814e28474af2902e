using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ThreadWise.Tests;

public class WorkQueueTests
{
    [Fact]
    public void PutTake_IsFifo_AndCountsUnfinished()
    {
        var queue = new WorkQueue<int>();
        queue.Put(1);
        queue.Put(2);
        Assert.Equal(2, queue.Count);
        Assert.Equal(2, queue.UnfinishedCount);
        Assert.Equal(1, queue.Take());
        Assert.Equal(2, queue.Take());
        Assert.Equal(0, queue.Count);
        Assert.Equal(2, queue.UnfinishedCount);
        queue.TaskDone();
        queue.TaskDone();
        Assert.Equal(0, queue.UnfinishedCount);
    }

    [Fact]
    public void TaskDone_TooManyTimes_Throws()
    {
        var queue = new WorkQueue<string>();
        queue.Put("a");
        queue.Take();
        queue.TaskDone();
        var ex = Assert.Throws<InvalidOperationException>(() => queue.TaskDone());
        Assert.Contains("more times", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_WaitsForTaskDone_NotJustTake()
    {
        var queue = new WorkQueue<int>();
        queue.Put(1);
        Assert.Equal(1, queue.Take());
        Assert.False(queue.Join(TimeSpan.FromMilliseconds(20)));
        var joinAsync = queue.JoinAsync();
        Assert.False(joinAsync.IsCompleted);
        queue.TaskDone();
        Assert.True(queue.Join(TimeSpan.Zero));
        await joinAsync.Bounded();
    }

    [Fact]
    public async Task JoinAsync_WhenIdle_IsCompleted_AndCancellable()
    {
        var queue = new WorkQueue<int>();
        Assert.True(queue.JoinAsync().IsCompleted);
        queue.Put(1);
        using var cts = new CancellationTokenSource(20);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.JoinAsync(cts.Token).Bounded());
    }

    [Fact]
    public void Complete_EndsConsumers_AfterDrain_AndRejectsPut()
    {
        var queue = new WorkQueue<int>();
        queue.Put(5);
        queue.Complete();
        Assert.True(queue.IsAddingCompleted);
        Assert.Equal(new[] { 5 }, queue.GetConsumingEnumerable().ToArray());
        Assert.False(queue.TryTake(out _, TimeSpan.FromSeconds(5)));
        Assert.Throws<InvalidOperationException>(() => queue.Take());
        Assert.Throws<InvalidOperationException>(() => queue.Put(6));
    }

    [Fact]
    public async Task Complete_WakesBlockedTakers()
    {
        var queue = new WorkQueue<int>();
        var taker = Task.Run(() => queue.TryTake(out _, Timeout.InfiniteTimeSpan));
        await Task.Delay(20);
        queue.Complete();
        Assert.False(await taker.Bounded());
    }

    [Fact]
    public void TryTake_Timeout_ReturnsFalse()
    {
        var queue = new WorkQueue<int>();
        Assert.False(queue.TryTake(out var item, TimeSpan.FromMilliseconds(20)));
        Assert.Equal(0, item);
    }

    [Fact]
    public void Take_Cancelled_Throws()
    {
        var queue = new WorkQueue<int>();
        using var cts = new CancellationTokenSource(20);
        Assert.ThrowsAny<OperationCanceledException>(() => queue.Take(cts.Token));
    }

    [Fact]
    public async Task Bounded_PutBlocksWhileFull()
    {
        var queue = new WorkQueue<int>(1);
        queue.Put(1);
        var put = Task.Run(() => queue.Put(2));
        await Task.Delay(30);
        Assert.False(put.IsCompleted);
        Assert.Equal(1, queue.Take());
        await put.Bounded();
        Assert.Equal(2, queue.Take());
        using var cts = new CancellationTokenSource(20);
        queue.Put(3);
        Assert.ThrowsAny<OperationCanceledException>(() => queue.Put(4, cts.Token));
        Assert.Equal(1, queue.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkQueue<int>(-1));
    }

    [Fact]
    public async Task Stress_ProducersConsumers_JoinSeesAllWorkDone()
    {
        var queue = new WorkQueue<int>(64);
        long processed = 0;
        const int PerProducer = 5000;
        var consumers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            foreach (var item in queue.GetConsumingEnumerable())
            {
                try
                {
                    Interlocked.Add(ref processed, item);
                }
                finally
                {
                    queue.TaskDone();
                }
            }
        })).ToList();
        var producers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            for (var i = 1; i <= PerProducer; i++)
            {
                queue.Put(i);
            }
        })).ToList();
        await Task.WhenAll(producers).Bounded();
        await queue.JoinAsync().Bounded();
        Assert.Equal(3L * PerProducer * (PerProducer + 1) / 2, Interlocked.Read(ref processed));
        Assert.Equal(0, queue.UnfinishedCount);
        queue.Complete();
        await Task.WhenAll(consumers).Bounded();
    }
}
