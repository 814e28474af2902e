using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ThreadWise.Tests;

public class ConditionTests
{
    [Fact]
    public async Task WaitUntil_ReturnsWhenPredicateBecomesTrue_AfterNotify()
    {
        var gate = new object();
        var condition = new Condition(gate);
        var ready = false;
        var waiter = Task.Run(() =>
        {
            lock (gate)
            {
                condition.WaitUntil(() => ready);
                Assert.True(Monitor.IsEntered(gate));
                return ready;
            }
        });
        await Task.Delay(20);
        lock (gate)
        {
            ready = true;
            condition.Notify();
        }

        Assert.True(await waiter.Bounded());
    }

    [Fact]
    public async Task WaitUntil_NotifyWithPredicateStillFalse_KeepsWaiting()
    {
        // The "if instead of while" bug: a wake-up whose condition no longer holds must not end the wait.
        var gate = new object();
        var condition = new Condition(gate);
        var items = 0;
        var waiter = Task.Run(() =>
        {
            lock (gate)
            {
                condition.WaitUntil(() => items > 0);
                items--;
                return items;
            }
        });
        await Task.Delay(20);
        lock (gate)
        {
            condition.NotifyAll(); // spurious: nothing was added
        }

        await Task.Delay(30);
        Assert.False(waiter.IsCompleted);
        lock (gate)
        {
            items = 1;
            condition.Notify();
        }

        Assert.Equal(0, await waiter.Bounded());
    }

    [Fact]
    public void WaitUntil_PredicateAlreadyTrue_DoesNotWait()
    {
        var gate = new object();
        var condition = new Condition(gate);
        lock (gate)
        {
            condition.WaitUntil(() => true);
            Assert.True(condition.WaitUntil(() => true, TimeSpan.Zero));
        }
    }

    [Fact]
    public void WaitUntil_Timeout_ReturnsFalse_AndHoldsLockAgain()
    {
        var gate = new object();
        var condition = new Condition(gate);
        lock (gate)
        {
            Assert.False(condition.WaitUntil(() => false, TimeSpan.FromMilliseconds(30)));
            Assert.True(Monitor.IsEntered(gate));
        }
    }

    [Fact]
    public void WaitUntil_Cancelled_Throws_AndHoldsLockAgain()
    {
        var gate = new object();
        var condition = new Condition(gate);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
        lock (gate)
        {
            Assert.ThrowsAny<OperationCanceledException>(() => condition.WaitUntil(() => false, cts.Token));
            Assert.True(Monitor.IsEntered(gate));
        }
    }

    [Fact]
    public async Task WaitUntil_ReleasesRecursivelyHeldLock_AndRestoresDepth()
    {
        var gate = new object();
        var condition = new Condition(gate);
        var flag = false;
        var waiter = Task.Run(() =>
        {
            lock (gate)
            {
                lock (gate)
                {
                    condition.WaitUntil(() => flag);
                }

                // Still held once: the depth was restored to two, and one level was exited.
                return Monitor.IsEntered(gate);
            }
        });
        await Task.Delay(20);
        lock (gate)
        {
            flag = true;
            condition.Notify();
        }

        Assert.True(await waiter.Bounded());
    }

    [Fact]
    public void Misuse_WithoutHoldingLock_ThrowsClearException()
    {
        var condition = new Condition(new object());
        var ex = Assert.Throws<SynchronizationLockException>(() => condition.WaitUntil(() => true));
        Assert.Contains("not held by the current thread", ex.Message, StringComparison.Ordinal);
        Assert.Contains("WaitUntil", ex.Message, StringComparison.Ordinal);
        Assert.Throws<SynchronizationLockException>(() => condition.Notify());
        Assert.Throws<SynchronizationLockException>(() => condition.NotifyAll());
        Assert.Throws<ArgumentNullException>(() => new Condition(null!));
        var gate = new object();
        var bound = new Condition(gate);
        lock (gate)
        {
            Assert.Throws<ArgumentNullException>(() => bound.WaitUntil(null!));
            Assert.Throws<ArgumentOutOfRangeException>(() => bound.WaitUntil(() => true, TimeSpan.FromMilliseconds(-2)));
        }
    }

    [Fact]
    public async Task CancelledWaiter_PassesOnANotificationItConsumed()
    {
        // Notify wakes exactly one waiter. When the woken waiter is being cancelled at that moment, it must pass the
        // notification on, so the one item is still taken by the other waiter (no lost wake-up).
        for (var round = 0; round < 30; round++)
        {
            var gate = new object();
            var condition = new Condition(gate);
            var items = 0;
            using var cts = new CancellationTokenSource();
            var doomed = Task.Run(() =>
            {
                lock (gate)
                {
                    condition.WaitUntil(() => items > 0, cts.Token);
                    items--;
                }
            });
            var survivor = Task.Run(() =>
            {
                lock (gate)
                {
                    condition.WaitUntil(() => items > 0);
                    items--;
                }
            });
            await Task.Delay(5);
            lock (gate)
            {
                cts.Cancel();
                items = 1;
                condition.Notify();
            }

            // Whoever woke (the survivor, or the doomed waiter if it saw the item before its cancellation), the
            // single item is taken within the bound.
            var taken = false;
            var deadline = DateTime.UtcNow + TestTimeouts.Bound;
            while (!taken && DateTime.UtcNow < deadline)
            {
                lock (gate)
                {
                    taken = items == 0;
                }

                await Task.Delay(1);
            }

            Assert.True(taken, $"round {round}: the notification was lost (survivor {survivor.Status}, doomed {doomed.Status})");
            if (!survivor.IsCompleted)
            {
                lock (gate)
                {
                    items++;
                    condition.Notify();
                }
            }

            await survivor.Bounded();
            await Task.WhenAny(doomed).Bounded();
        }
    }

    [Fact]
    public async Task Stress_ProducerConsumer_NoLostWakeup_NoHang()
    {
        var gate = new object();
        var notEmpty = new Condition(gate);
        var queue = new Queue<int>();
        var done = false;
        long consumed = 0;
        const int Items = 20_000;
        var consumers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            while (true)
            {
                int item;
                lock (gate)
                {
                    notEmpty.WaitUntil(() => queue.Count > 0 || done);
                    if (queue.Count == 0)
                    {
                        return;
                    }

                    item = queue.Dequeue();
                }

                Interlocked.Add(ref consumed, item);
            }
        })).ToList();
        var producer = Task.Run(() =>
        {
            for (var i = 1; i <= Items; i++)
            {
                lock (gate)
                {
                    queue.Enqueue(i);
                    notEmpty.Notify();
                }
            }

            lock (gate)
            {
                done = true;
                notEmpty.NotifyAll();
            }
        });
        await Task.WhenAll(consumers.Append(producer)).Bounded();
        Assert.Equal((long)Items * (Items + 1) / 2, consumed);
    }

#if NET9_0_OR_GREATER
    [Fact]
    public async Task WorksWithSystemThreadingLock()
    {
        var gate = new Lock();
        var condition = new Condition(gate);
        var ready = false;
        var waiter = Task.Run(() =>
        {
            lock (gate)
            {
                condition.WaitUntil(() => ready);
                return gate.IsHeldByCurrentThread;
            }
        });
        await Task.Delay(20);
        using (gate.EnterScope())
        {
            ready = true;
            condition.Notify();
        }

        Assert.True(await waiter.Bounded());
        Assert.Throws<SynchronizationLockException>(() => condition.Notify());
    }
#endif
}
