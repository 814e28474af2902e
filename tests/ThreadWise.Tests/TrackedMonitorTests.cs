using System;
using System.Threading;
using Xunit;
// Unchanged Monitor code calling TrackedMonitor, as the ThreadWiseTrackMonitor switch makes it in a test build
// (there by rewriting the IL: tests/ThreadWise.Build.Tests; here through an alias).
using Monitor = ThreadWise.TrackedMonitor;

namespace ThreadWise.Tests;

[Collection(LockOrderValidatorCollection.Name)]
public sealed class TrackedMonitorTests : IDisposable
{
    public TrackedMonitorTests()
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
    public void UnchangedMonitorCode_IsValidated_WithBothOrdersInTheReport()
    {
        object a = new(), b = new();
        LockOrderValidator.SetName(a, "a");
        LockOrderValidator.SetName(b, "b");
        TakeBoth(a, b);
        var ex = Assert.Throws<LockOrderViolationException>(() => TakeBoth(b, a));
        Assert.Equal("b", ex.Violation.HeldLock);
        Assert.Equal(new[] { "a", "b" }, ex.Violation.PriorOrder);
        Assert.Contains(nameof(TakeBoth), ex.Violation.PriorTakenAt, StringComparison.Ordinal);
        // The inverting Enter threw before taking the lock, and the finally released the outer one.
        Assert.False(Monitor.IsEntered(a));
        Assert.False(Monitor.IsEntered(b));
    }

    [Fact]
    public void TryEnter_Failed_IsNotHeld_AndWaitPulse_Forward()
    {
        object a = new(), b = new();
        using var holding = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        var other = new Thread(() =>
        {
            Monitor.Enter(a);
            holding.Set();
            done.Wait(TestTimeouts.Bound);
            Monitor.Exit(a);
        });
        other.Start();
        Assert.True(holding.Wait(TestTimeouts.Bound));
        Assert.False(Monitor.TryEnter(a, 10));
        done.Set();
        Assert.True(other.Join(TestTimeouts.Bound));

        // a was not held here, so b -> a is not an inversion of anything, and a -> b afterwards is.
        TakeBoth(b, a);
        Assert.Throws<LockOrderViolationException>(() => TakeBoth(a, b));

        lock (b)
        {
            Assert.False(Monitor.Wait(b, 1));
            Monitor.PulseAll(b);
        }
    }

    [Fact]
    public void ExitOfALockTakenBeforeValidation_IsTolerated()
    {
        object a = new(), b = new();
        LockOrderValidator.Disable();
        Monitor.Enter(a);
        LockOrderValidator.Enable();
        Monitor.Exit(a);
        TakeBoth(b, a);
        TakeBoth(b, a);
        Assert.False(Monitor.IsEntered(a));
        Assert.Throws<ArgumentNullException>(() => Monitor.Enter(null!));
        Assert.Throws<SynchronizationLockException>(() => Monitor.Exit(b));
    }

    // The shape a lock statement compiles to.
    private static void TakeBoth(object outer, object inner)
    {
        var outerTaken = false;
        try
        {
            Monitor.Enter(outer, ref outerTaken);
            var innerTaken = false;
            try
            {
                Monitor.Enter(inner, ref innerTaken);
            }
            finally
            {
                if (innerTaken)
                {
                    Monitor.Exit(inner);
                }
            }
        }
        finally
        {
            if (outerTaken)
            {
                Monitor.Exit(outer);
            }
        }
    }
}
