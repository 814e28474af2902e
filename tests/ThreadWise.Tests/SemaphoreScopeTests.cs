using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ThreadWise.Tests;

public class SemaphoreScopeTests
{
    [Fact]
    public async Task EnterAsync_TakesPermit_DisposeReleasesIt()
    {
        using var gate = new SemaphoreSlim(1, 1);
        using (var scope = await gate.EnterAsync())
        {
            Assert.Equal(0, gate.CurrentCount);
            Assert.Same(gate, scope.Semaphore);
        }

        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public async Task EnterAsync_Uncontended_CompletesSynchronously_WithCachedTask()
    {
        using var gate = new SemaphoreSlim(1, 1);
        var first = gate.EnterAsync();
        Assert.True(first.IsCompleted);
        (await first).Dispose();
        var second = gate.EnterAsync();
        Assert.Same(first, second);
        (await second).Dispose();
        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public async Task EnterAsync_Contended_WaitsForRelease()
    {
        using var gate = new SemaphoreSlim(1, 1);
        var held = await gate.EnterAsync();
        var waiting = gate.EnterAsync();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        held.Dispose();
        using (await waiting.Bounded())
        {
            Assert.Equal(0, gate.CurrentCount);
        }

        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public async Task EnterAsync_ExceptionInScope_ReleasesPermit()
    {
        using var gate = new SemaphoreSlim(1, 1);
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            using (await gate.EnterAsync())
            {
                await Task.Yield();
                throw new InvalidOperationException("boom");
            }
        });
        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public async Task EnterAsync_CancelledWhileWaiting_TakesNoPermit_ReleasesNone()
    {
        using var gate = new SemaphoreSlim(1, 1);
        var held = await gate.EnterAsync();
        using var cts = new CancellationTokenSource();
        var waiting = gate.EnterAsync(cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.Bounded());
        Assert.True(waiting.IsCanceled);
        Assert.Equal(0, gate.CurrentCount);
        held.Dispose();
        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public async Task EnterAsync_AlreadyCancelled_IsCancelled_EvenWhenFree()
    {
        using var gate = new SemaphoreSlim(1, 1);
        var task = gate.EnterAsync(new CancellationToken(true));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public async Task EnterAsync_Timeout_ThrowsTimeoutException_AndReleasesNothing()
    {
        using var gate = new SemaphoreSlim(1, 1);
        var held = await gate.EnterAsync();
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => gate.EnterAsync(TimeSpan.FromMilliseconds(30)).Bounded());
        Assert.Contains("No permit was taken", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, gate.CurrentCount);
        held.Dispose();
        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public async Task EnterAsync_ZeroTimeout_WhenBusy_FaultsSynchronously()
    {
        using var gate = new SemaphoreSlim(0, 1);
        var task = gate.EnterAsync(TimeSpan.Zero);
        Assert.True(task.IsFaulted);
        await Assert.ThrowsAsync<TimeoutException>(() => task);
        Assert.Equal(0, gate.CurrentCount);
    }

    [Fact]
    public async Task EnterAsync_WithTimeout_WhenFree_Succeeds()
    {
        using var gate = new SemaphoreSlim(2, 2);
        using (await gate.EnterAsync(TimeSpan.FromSeconds(1)))
        using (await gate.EnterAsync(TimeSpan.FromSeconds(1)))
        {
            Assert.Equal(0, gate.CurrentCount);
        }

        Assert.Equal(2, gate.CurrentCount);
    }

    [Fact]
    public void Enter_Sync_TakesAndReleases()
    {
        using var gate = new SemaphoreSlim(1, 1);
        using (gate.Enter())
        {
            Assert.Equal(0, gate.CurrentCount);
        }

        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public void Enter_Sync_Timeout_Throws_AndReleasesNothing()
    {
        using var gate = new SemaphoreSlim(1, 1);
        using (gate.Enter())
        {
            var other = Task.Run(() => Assert.Throws<TimeoutException>(() => gate.Enter(TimeSpan.FromMilliseconds(20))));
            Assert.True(other.Wait(TestTimeouts.Bound));
            Assert.Equal(0, gate.CurrentCount);
        }

        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public void Enter_Sync_Cancelled_Throws_AndReleasesNothing()
    {
        using var gate = new SemaphoreSlim(0, 1);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
        Assert.ThrowsAny<OperationCanceledException>(() => gate.Enter(cts.Token));
        Assert.Equal(0, gate.CurrentCount);
    }

    [Fact]
    public void Enter_ExceptionInScope_ReleasesPermit()
    {
        using var gate = new SemaphoreSlim(1, 1);
        Action body = () =>
        {
            using (gate.Enter())
            {
                throw new InvalidOperationException();
            }
        };
        Assert.Throws<InvalidOperationException>(body);
        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public void Misuse_NullSemaphore_AndBadTimeout_Throw()
    {
        SemaphoreSlim? none = null;
        Assert.Throws<ArgumentNullException>(() => none!.Enter());
        Assert.Throws<ArgumentNullException>(() => { _ = none!.EnterAsync(); });
        using var gate = new SemaphoreSlim(1, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => gate.Enter(TimeSpan.FromMilliseconds(-5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = gate.EnterAsync(TimeSpan.FromMilliseconds(-5)); });
        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public void DoubleDispose_OfBoundedSemaphore_IsReportedByTheSemaphore()
    {
        using var gate = new SemaphoreSlim(1, 1);
        var scope = gate.Enter();
        scope.Dispose();
        Assert.Throws<SemaphoreFullException>(() => scope.Dispose());
    }

    [Fact]
    public void DefaultScope_DisposeDoesNothing()
    {
        var scope = default(SemaphoreScope);
        scope.Dispose();
        Assert.Null(scope.Semaphore);
    }

    [Fact]
    public async Task Stress_AsyncScope_NoLostUpdate_NoLeakedPermit()
    {
        using var gate = new SemaphoreSlim(1, 1);
        var counter = 0;
        const int Workers = 8;
        const int Iterations = 2000;
        var tasks = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                using (await gate.EnterAsync())
                {
                    var read = counter;
                    if (i % 64 == 0)
                    {
                        await Task.Yield();
                    }

                    counter = read + 1;
                }
            }
        }));
        await Task.WhenAll(tasks).Bounded();
        Assert.Equal(Workers * Iterations, counter);
        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public async Task Stress_CancellationAndTimeouts_NeverLeakOrDuplicatePermits()
    {
        const int Permits = 3;
        using var gate = new SemaphoreSlim(Permits, Permits);
        var inside = 0;
        var maxInside = 0;
        var succeeded = 0;
        var failed = 0;
        var tasks = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < 400; i++)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromTicks(random.Next(0, 20_000)));
                try
                {
                    var scope = i % 2 == 0
                        ? await gate.EnterAsync(cts.Token)
                        : await gate.EnterAsync(TimeSpan.FromTicks(random.Next(0, 20_000)));
                    using (scope)
                    {
                        var now = Interlocked.Increment(ref inside);
                        InterlockedMax(ref maxInside, now);
                        await Task.Yield();
                        Interlocked.Decrement(ref inside);
                    }

                    Interlocked.Increment(ref succeeded);
                }
                catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        await Task.WhenAll(tasks).Bounded();
        Assert.Equal(8 * 400, succeeded + failed);
        Assert.True(succeeded > 0);
        Assert.True(maxInside <= Permits, $"{maxInside} holders at once with {Permits} permits");
        Assert.Equal(Permits, gate.CurrentCount);
    }

    [Fact]
    public async Task Stress_SyncAndAsyncMixed_NoLostUpdate()
    {
        using var gate = new SemaphoreSlim(1, 1);
        long counter = 0;
        var sync = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 3000; i++)
            {
                using (gate.Enter())
                {
                    counter++;
                }
            }
        }));
        var async = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 3000; i++)
            {
                using (await gate.EnterAsync())
                {
                    counter++;
                }
            }
        }));
        await Task.WhenAll(sync.Concat(async)).Bounded();
        Assert.Equal(6 * 3000, counter);
        Assert.Equal(1, gate.CurrentCount);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
