using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ThreadWise.Tests;

public class LockSetTests
{
    [Fact]
    public void Enter_TwoObjects_HoldsBoth_DisposeReleasesBoth()
    {
        object a = new(), b = new();
        using (var scope = LockSet.Enter(a, b))
        {
            Assert.True(Monitor.IsEntered(a));
            Assert.True(Monitor.IsEntered(b));
            Assert.Equal(2, scope.Count);
        }

        Assert.False(Monitor.IsEntered(a));
        Assert.False(Monitor.IsEntered(b));
    }

    [Fact]
    public void Order_IsIndependentOfArgumentOrder_AndDeduplicates()
    {
        object a = new(), b = new(), c = new();
        var expected = LockSet.Order(new[] { a, b, c }, out var n1).Take(n1).ToArray();
        Assert.Equal(3, n1);
        Assert.Equal(expected, LockSet.Order(new[] { c, a, b }, out var n2).Take(n2).ToArray());
        Assert.Equal(expected, LockSet.Order(new[] { b, c, a, b }, out var n3).Take(n3).ToArray());
        Assert.Equal(3, n3);
    }

    [Fact]
    public void Enter_ExplicitRank_DecidesOrder()
    {
        var low = new SemaphoreSlim(1, 1);
        var high = new SemaphoreSlim(1, 1);
        LockSet.SetRank(low, -10);
        LockSet.SetRank(high, 10);
        Assert.Equal(-10, LockSet.GetRank(low));
        // Ranks are observable through the acquisition order: only low is free at first, so a LockSet that tried
        // high first would block; with low first it takes low, then waits on high.
        high.Wait();
        var entered = Task.Run(() =>
        {
            using (LockSet.Enter(high, low))
            {
            }
        });
        SpinWait.SpinUntil(() => low.CurrentCount == 0, TestTimeouts.Bound);
        Assert.Equal(0, low.CurrentCount);
        high.Release();
        Assert.True(entered.Wait(TestTimeouts.Bound));
        Assert.Equal(1, low.CurrentCount);
        Assert.Equal(1, high.CurrentCount);
    }

    [Fact]
    public void Enter_Duplicates_AreTakenOnce()
    {
        var gate = new SemaphoreSlim(1, 1);
        var other = new object();
        using (var scope = LockSet.Enter(gate, other, gate))
        {
            Assert.Equal(2, scope.Count);
            Assert.Equal(0, gate.CurrentCount);
        }

        using (var same = LockSet.Enter(gate, gate))
        {
            Assert.Equal(1, same.Count);
        }

        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public void Enter_Semaphores_UseWaitAndRelease()
    {
        var s1 = new SemaphoreSlim(1, 1);
        var s2 = new SemaphoreSlim(1, 1);
        using (LockSet.Enter(s1, s2))
        {
            Assert.Equal(0, s1.CurrentCount);
            Assert.Equal(0, s2.CurrentCount);
        }

        Assert.Equal(1, s1.CurrentCount);
        Assert.Equal(1, s2.CurrentCount);
    }

#if NET9_0_OR_GREATER
    [Fact]
    public void Enter_Locks_UseLockEnterAndExit()
    {
        var l1 = new Lock();
        var l2 = new Lock();
        using (LockSet.Enter(l1, l2))
        {
            Assert.True(l1.IsHeldByCurrentThread);
            Assert.True(l2.IsHeldByCurrentThread);
        }

        Assert.False(l1.IsHeldByCurrentThread);
        Assert.False(l2.IsHeldByCurrentThread);
    }
#endif

    [Fact]
    public void Enter_ExcludesPlainLockUsers()
    {
        object a = new(), b = new();
        using (LockSet.Enter(a, b))
        {
            var other = Task.Run(() => Monitor.TryEnter(a, 20));
            Assert.True(other.Wait(TestTimeouts.Bound));
            Assert.False(other.Result);
        }
    }

    [Fact]
    public void ExceptionInScope_ReleasesAll()
    {
        object a = new(), b = new(), c = new();
        Action body = () =>
        {
            using (LockSet.Enter(a, b, c))
            {
                throw new InvalidOperationException();
            }
        };
        Assert.Throws<InvalidOperationException>(body);
        Assert.False(Monitor.IsEntered(a) || Monitor.IsEntered(b) || Monitor.IsEntered(c));
    }

    [Fact]
    public void FailedAcquire_ReleasesLocksAlreadyTaken()
    {
        var ok = new SemaphoreSlim(1, 1);
        var disposed = new SemaphoreSlim(1, 1);
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => LockSet.Enter(ok, disposed, new object()));
        Assert.Equal(1, ok.CurrentCount);
    }

    [Fact]
    public void DoubleDispose_OfSameVariable_IsNoOp()
    {
        object a = new(), b = new();
        var scope = LockSet.Enter(a, b);
        scope.Dispose();
        scope.Dispose();
        Assert.False(Monitor.IsEntered(a));
        Assert.Equal(0, scope.Count);
    }

    [Fact]
    public void Misuse_Nulls_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => LockSet.Enter(null!, new object()));
        Assert.Throws<ArgumentNullException>(() => LockSet.Enter(new object(), null!));
        Assert.Throws<ArgumentNullException>(() => LockSet.Enter((object[])null!));
        Assert.Throws<ArgumentNullException>(() => LockSet.Enter(new object(), new object(), null!));
        Assert.Throws<ArgumentNullException>(() => LockSet.SetRank(null!, 1));
    }

    [Fact]
    public void EmptyAndSingle_Work()
    {
        using (var none = LockSet.Enter())
        {
            Assert.Equal(0, none.Count);
        }

        var a = new object();
        using (LockSet.Enter(new[] { a }))
        {
            Assert.True(Monitor.IsEntered(a));
        }

        Assert.False(Monitor.IsEntered(a));
    }

    [Fact]
    public async Task Stress_OppositeArgumentOrder_NeverDeadlocks_NoLostUpdate()
    {
        object a = new(), b = new(), c = new();
        long total = 0;
        const int Iterations = 20_000;
        var t1 = Task.Run(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                using (LockSet.Enter(a, b))
                {
                    total++;
                }
            }
        });
        var t2 = Task.Run(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                using (LockSet.Enter(b, a))
                {
                    total++;
                }
            }
        });
        var t3 = Task.Run(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                using (LockSet.Enter(c, b, a))
                {
                    total++;
                }
            }
        });
        await Task.WhenAll(t1, t2, t3).Bounded();
        Assert.Equal(3 * Iterations, total);
    }
}
