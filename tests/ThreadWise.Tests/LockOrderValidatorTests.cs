using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ThreadWise.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LockOrderValidatorCollection
{
    public const string Name = "LockOrderValidator (global switch)";
}

/// <summary>The validator is a process-wide switch: these tests run alone, and leave it off.</summary>
[Collection(LockOrderValidatorCollection.Name)]
public sealed class LockOrderValidatorTests : IDisposable
{
    public LockOrderValidatorTests()
    {
        LockOrderValidator.Reset();
        LockOrderValidator.Enable();
    }

    public void Dispose()
    {
        LockOrderValidator.Disable();
        LockOrderValidator.Reset();
    }

    [Fact]
    public void Inversion_AcrossThreads_Throws_BeforeTheLockIsTaken_WithBothStacks()
    {
        object a = new(), b = new();
        LockOrderValidator.SetName(a, "accounts");
        LockOrderValidator.SetName(b, "audit");
        var first = new Thread(() =>
        {
            using (LockOrderValidator.Track(a))
            {
                lock (a)
                {
                    using (LockOrderValidator.Track(b))
                    {
                        lock (b)
                        {
                        }
                    }
                }
            }
        });
        first.Start();
        Assert.True(first.Join(TestTimeouts.Bound));

        // This thread takes them the other way round; the run does not deadlock (the first thread is done), but the
        // validator reports the order that could.
        LockOrderViolationException? caught = null;
        using (LockOrderValidator.Enter(b))
        {
            caught = Assert.Throws<LockOrderViolationException>(() => LockOrderValidator.Enter(a));
            Assert.False(Monitor.IsEntered(a));
        }

        var v = caught.Violation;
        Assert.Equal("audit", v.HeldLock);
        Assert.Equal("accounts", v.RequestedLock);
        Assert.Equal(new[] { "accounts", "audit" }, v.PriorOrder);
        Assert.Contains(nameof(Inversion_AcrossThreads_Throws_BeforeTheLockIsTaken_WithBothStacks), v.HeldLockAcquiredAt, StringComparison.Ordinal);
        Assert.Contains(nameof(Inversion_AcrossThreads_Throws_BeforeTheLockIsTaken_WithBothStacks), v.PriorTakenAt, StringComparison.Ordinal);
        Assert.Contains("Lock-order inversion", caught.Message, StringComparison.Ordinal);
        Assert.False(Monitor.IsEntered(b));
    }

    [Fact]
    public void ConsistentOrder_IsSilent()
    {
        object a = new(), b = new(), c = new();
        for (var i = 0; i < 3; i++)
        {
            using (LockOrderValidator.Enter(a))
            using (LockOrderValidator.Enter(b))
            using (LockOrderValidator.Enter(c))
            {
            }

            using (LockOrderValidator.Enter(a))
            using (LockOrderValidator.Enter(c))
            {
            }
        }
    }

    [Fact]
    public void Reentrancy_IsNotAnInversion()
    {
        object a = new(), b = new();
        using (LockOrderValidator.Enter(a))
        using (LockOrderValidator.Enter(b))
        using (LockOrderValidator.Enter(a))
        {
            Assert.True(Monitor.IsEntered(a));
        }
    }

    [Fact]
    public void LongerCycle_IsFound()
    {
        object a = new(), b = new(), c = new();
        using (LockOrderValidator.Enter(a))
        using (LockOrderValidator.Enter(b))
        {
        }

        using (LockOrderValidator.Enter(b))
        using (LockOrderValidator.Enter(c))
        {
        }

        using (LockOrderValidator.Enter(c))
        {
            var ex = Assert.Throws<LockOrderViolationException>(() => LockOrderValidator.Enter(a));
            Assert.Equal(3, ex.Violation.PriorOrder.Count);
        }
    }

    [Fact]
    public void LockSet_ConsistentByConstruction_ButInvertedAgainstPlainLock_IsReported()
    {
        object a = new(), b = new();
        using (LockSet.Enter(b, a))
        {
        }

        // LockSet always takes them in one order; taking them by hand the other way round is the inversion.
        var ordered = LockSet.Order(new[] { a, b }, out _);
        using (LockOrderValidator.Enter(ordered[1]))
        {
            Assert.Throws<LockOrderViolationException>(() => LockOrderValidator.Enter(ordered[0]));
        }

        // Both LockSet argument orders stay silent.
        using (LockSet.Enter(a, b))
        {
        }

        using (LockSet.Enter(b, a))
        {
        }
    }

    [Fact]
    public void LockSet_FailedValidation_ReleasesWhatItTook()
    {
        object x = new(), y = new(), z = new();
        var order = LockSet.Order(new[] { x, y, z }, out _);
        // Record order[2] -> order[1], which the LockSet order (0, 1, 2) then inverts at its second lock.
        using (LockOrderValidator.Enter(order[2]))
        using (LockOrderValidator.Enter(order[1]))
        {
        }

        Assert.Throws<LockOrderViolationException>(() => LockSet.Enter(x, y, z));
        Assert.False(Monitor.IsEntered(order[0]) || Monitor.IsEntered(order[1]) || Monitor.IsEntered(order[2]));
    }

    [Fact]
    public async Task AsyncSemaphoreScopes_AreTrackedAcrossAwaits()
    {
        using var s1 = new SemaphoreSlim(1, 1);
        using var s2 = new SemaphoreSlim(1, 1);
        using (await s1.EnterAsync())
        {
            await Task.Yield();
            using (await s2.EnterAsync())
            {
                await Task.Yield();
            }
        }

        using (await s2.EnterAsync())
        {
            await Task.Yield();
            await Assert.ThrowsAsync<LockOrderViolationException>(() => s1.EnterAsync());
        }

        Assert.Equal(1, s1.CurrentCount);
        Assert.Equal(1, s2.CurrentCount);
    }

    [Fact]
    public void SyncSemaphoreScope_DoubleDispose_IsReported()
    {
        using var gate = new SemaphoreSlim(2, 2);
        var scope = gate.Enter();
        scope.Dispose();
        Assert.Throws<InvalidOperationException>(() => scope.Dispose());
        Assert.Equal(2, gate.CurrentCount);
    }

    [Fact]
    public async Task TimedOutOrCancelledAcquire_IsNotHeld()
    {
        using var s1 = new SemaphoreSlim(0, 1);
        using var s2 = new SemaphoreSlim(1, 1);
        await Assert.ThrowsAsync<TimeoutException>(() => s1.EnterAsync(TimeSpan.FromMilliseconds(10)));
        Assert.Throws<TimeoutException>(() => s1.Enter(TimeSpan.Zero));
        // s1 is not held, so taking s2 records no s1 -> s2 edge, and s2 -> s1 later is fine.
        using (s2.Enter())
        {
        }

        s1.Release();
        using (s2.Enter())
        using (s1.Enter())
        {
        }
    }

    [Fact]
    public void Callback_ReceivesEachInvertedPairOnce_AndTheAcquisitionProceeds()
    {
        var reports = new List<LockOrderViolation>();
        LockOrderValidator.Enable(v => { lock (reports) { reports.Add(v); } });
        object a = new(), b = new();
        using (LockOrderValidator.Enter(a))
        using (LockOrderValidator.Enter(b))
        {
        }

        for (var i = 0; i < 3; i++)
        {
            using (LockOrderValidator.Enter(b))
            using (LockOrderValidator.Enter(a))
            {
                Assert.True(Monitor.IsEntered(a));
            }
        }

        Assert.Single(reports);
        Assert.Contains("Lock-order inversion", reports[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Disabled_RecordsNothing()
    {
        LockOrderValidator.Disable();
        Assert.False(LockOrderValidator.IsEnabled);
        object a = new(), b = new();
        using (LockOrderValidator.Enter(a))
        using (LockOrderValidator.Enter(b))
        {
        }

        LockOrderValidator.Enable();
        using (LockOrderValidator.Enter(b))
        using (LockOrderValidator.Enter(a))
        {
        }
    }

    [Fact]
    public void LocksHeldByAnotherThread_AreNotHeldHere()
    {
        // A monitor held by the parent when a thread starts is not held by the thread (the execution context flows,
        // ownership does not).
        object a = new(), b = new();
        using (LockOrderValidator.Enter(a))
        {
            var other = new Thread(() =>
            {
                using (LockOrderValidator.Enter(b))
                {
                }
            });
            other.Start();
            Assert.True(other.Join(TestTimeouts.Bound));
        }

        using (LockOrderValidator.Enter(b))
        using (LockOrderValidator.Enter(a))
        {
        }
    }

    [Fact]
    public void Misuse_Nulls()
    {
        Assert.Throws<ArgumentNullException>(() => LockOrderValidator.Track(null!));
        Assert.Throws<ArgumentNullException>(() => LockOrderValidator.Enter(null!));
        Assert.Throws<ArgumentNullException>(() => LockOrderValidator.Enable(null!));
        Assert.Throws<ArgumentNullException>(() => LockOrderValidator.SetName(new object(), null!));
    }

    [Fact]
    public async Task Stress_ConsistentOrderUnderValidation_NoFalsePositive_NoHang()
    {
        object x = new(), y = new(), c = new();
        // By hand, take the two in LockSet's order; otherwise the validator rightly reports the inversion.
        var order = LockSet.Order(new[] { x, y }, out _);
        object a = order[0], b = order[1];
        var tasks = new List<Task>();
        for (var t = 0; t < 4; t++)
        {
            tasks.Add(Task.Run(() =>
            {
                for (var i = 0; i < 200; i++)
                {
                    using (LockSet.Enter(c, a, b))
                    {
                    }

                    using (LockOrderValidator.Enter(a))
                    using (LockOrderValidator.Enter(b))
                    {
                    }
                }
            }));
        }

        await Task.WhenAll(tasks).Bounded();
    }
}
