using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Xunit;

namespace ThreadWise.Tests;

/// <summary>
/// The validator's fast path reads the order graph without a lock while other threads add to it: these tests run many
/// threads at once and assert the exact set of reports (no lost report, no phantom one). Inverted orders are recorded
/// with <see cref="LockOrderValidator.Track"/>, which takes no monitor, so the runs cannot really deadlock.
/// </summary>
[Collection(LockOrderValidatorCollection.Name)]
public sealed class LockOrderValidatorStressTests : IDisposable
{
    private const int Threads = 8;

    public LockOrderValidatorStressTests() => LockOrderValidator.Reset();

    public void Dispose()
    {
        LockOrderValidator.Disable();
        LockOrderValidator.CaptureAllStacks = false;
        LockOrderValidator.Reset();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ManyThreads_InvertedPairs_EachPairReportedExactlyOnce_ConsistentPairsNever(bool captureAllStacks)
    {
        LockOrderValidator.CaptureAllStacks = captureAllStacks;
        var reports = new ConcurrentQueue<LockOrderViolation>();
        LockOrderValidator.Enable(reports.Enqueue);
        const int Pairs = 6;
        var inverted = Named("inv", Pairs * 2);
        var consistent = Named("ok", Pairs * 2);

        // Each pair is taken in both orders by two threads of its own, and in one order by every thread.
        RunAll(Threads * 2, thread =>
        {
            for (var i = 0; i < 300; i++)
            {
                var p = (thread + i) % Pairs;
                Nested(consistent[2 * p], consistent[(2 * p) + 1]);
                if (thread % Pairs == p)
                {
                    if (thread < Threads)
                    {
                        Nested(inverted[2 * p], inverted[(2 * p) + 1]);
                    }
                    else
                    {
                        Nested(inverted[(2 * p) + 1], inverted[2 * p]);
                    }
                }
            }
        });

        var pairs = reports.Select(r => string.Join("|", new[] { r.HeldLock, r.RequestedLock }.OrderBy(n => n, StringComparer.Ordinal))).ToList();
        var expected = Enumerable.Range(0, Pairs).Select(p => $"inv{2 * p}|inv{(2 * p) + 1}").OrderBy(p => p, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, pairs.OrderBy(p => p, StringComparer.Ordinal));
        foreach (var report in reports)
        {
            Assert.Equal(new[] { report.RequestedLock, report.HeldLock }, report.PriorOrder);
            Assert.Contains(nameof(Nested), report.RequestedLockAcquiredAt, StringComparison.Ordinal);
            Assert.Contains(nameof(Nested), report.PriorTakenAt, StringComparison.Ordinal);
            Assert.Contains(nameof(Nested), report.HeldLockAcquiredAt, StringComparison.Ordinal);
            Assert.Contains(nameof(Nested), report.PriorHeldAt, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ManyThreads_ThrowMode_OnlyOneDirectionOfAPairEverThrows()
    {
        LockOrderValidator.Enable();
        var locks = Named("x", 2);
        var thrown = new int[2];
        RunAll(Threads, thread =>
        {
            var direction = thread % 2;
            for (var i = 0; i < 500; i++)
            {
                try
                {
                    Nested(locks[direction], locks[1 - direction]);
                }
                catch (LockOrderViolationException ex)
                {
                    Assert.Equal(locks[direction], Find(locks, ex.Violation.HeldLock));
                    Interlocked.Increment(ref thrown[direction]);
                }
            }
        });

        // Whichever order was recorded first is the order; every acquisition in the other order throws, none in it.
        Assert.True(thrown[0] == 0 ^ thrown[1] == 0, $"throws per direction: {thrown[0]}, {thrown[1]}");
        Assert.InRange(Math.Max(thrown[0], thrown[1]), 1, Threads / 2 * 500);
    }

    [Fact]
    public void TwoThreadsRecordingOppositeOrdersAtOnce_AreSerialized_TheSecondIsReported()
    {
        // Thread A is held inside the graph update of x -> y while B records y -> x: B must wait for A and then find
        // A's order (a validator that let both record would report nothing: a lost report).
        LockOrderValidator.Enable();
        object x = new(), y = new();
        using var inside = new ManualResetEventSlim();
        using var proceed = new ManualResetEventSlim();
        Thread? holder = null;
        LockOrderValidator.TestHookInsideGraphLock = () =>
        {
            if (Thread.CurrentThread == holder)
            {
                inside.Set();
                proceed.Wait(TestTimeouts.Bound);
            }
        };
        try
        {
            Exception? aFailure = null, bFailure = null;
            var a = new Thread(() => aFailure = Record(() => Nested(x, y)));
            holder = a;
            a.Start();
            Assert.True(inside.Wait(TestTimeouts.Bound));
            var b = new Thread(() => bFailure = Record(() => Nested(y, x)));
            b.Start();
            Assert.False(b.Join(200), "B finished while A was inside the graph lock");
            proceed.Set();
            Assert.True(a.Join(TestTimeouts.Bound) && b.Join(TestTimeouts.Bound));
            Assert.Null(aFailure);
            Assert.IsType<LockOrderViolationException>(bFailure);
        }
        finally
        {
            LockOrderValidator.TestHookInsideGraphLock = null;
        }
    }

    private static Exception? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    [Fact]
    public void ManyRounds_TwoThreadsRaceOppositeOrders_OneDirectionWinsAndTheOtherAlwaysThrows()
    {
        // Each round a fresh pair and two threads released together: whichever order is recorded first wins, and
        // every attempt in the other order throws (an attempt either records its order or finds the inverse).
        LockOrderValidator.Enable();
        const int Rounds = 300, Attempts = 10;
        for (var round = 0; round < Rounds; round++)
        {
            object x = new(), y = new();
            var thrown = new int[2];
            RunAll(2, direction =>
            {
                var (outer, inner) = direction == 0 ? (x, y) : (y, x);
                for (var i = 0; i < Attempts; i++)
                {
                    try
                    {
                        Nested(outer, inner);
                    }
                    catch (LockOrderViolationException)
                    {
                        thrown[direction]++;
                    }
                }
            });

            Assert.True(
                (thrown[0] == 0 && thrown[1] == Attempts) || (thrown[0] == Attempts && thrown[1] == 0),
                $"round {round}: throws per direction {thrown[0]}, {thrown[1]}");
        }
    }

    [Fact]
    public void ConcurrentNewOrdersOutOfOneLock_NoneLost()
    {
        // All threads hold one hub lock and take many distinct locks under it, growing the hub's edge set while the
        // others read it; afterwards each distinct lock taken before the hub must be reported, exactly once.
        var reports = new ConcurrentQueue<LockOrderViolation>();
        LockOrderValidator.Enable(reports.Enqueue);
        var hub = new object();
        LockOrderValidator.SetName(hub, "hub");
        const int PerThread = 64;
        var leaves = Named("leaf", Threads * PerThread);
        RunAll(Threads, thread =>
        {
            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < PerThread; i++)
                {
                    Nested(hub, leaves[(thread * PerThread) + i]);
                    Nested(hub, leaves[(((thread + 1) % Threads) * PerThread) + i]);
                }
            }
        });
        Assert.Empty(reports);

        RunAll(Threads, thread =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                Nested(leaves[(thread * PerThread) + i], hub);
            }
        });

        Assert.Equal(leaves.Length, reports.Count);
        Assert.All(reports, r => Assert.Equal("hub", r.RequestedLock));
        Assert.Equal(leaves.Length, reports.Select(r => r.HeldLock).Distinct().Count());
    }

    [Fact]
    public void ManyThreads_LongerCycle_ClosedOnce()
    {
        var reports = new ConcurrentQueue<LockOrderViolation>();
        LockOrderValidator.Enable(reports.Enqueue);
        var l = Named("c", 4);
        RunAll(Threads, thread =>
        {
            for (var i = 0; i < 200; i++)
            {
                // c0 -> c1 -> c2 -> c3 recorded by everyone, in different interleavings.
                var k = (thread + i) % 3;
                Nested(l[k], l[k + 1]);
            }
        });
        Assert.Empty(reports);

        RunAll(Threads, _ =>
        {
            for (var i = 0; i < 50; i++)
            {
                Nested(l[3], l[0]);
            }
        });

        var report = Assert.Single(reports);
        Assert.Equal(new[] { "c0", "c1", "c2", "c3" }, report.PriorOrder);
        Assert.Equal("c3", report.HeldLock);
        Assert.Equal("c0", report.RequestedLock);
    }

    [Fact]
    public void ManyThreads_RealMonitors_ConsistentOrder_NoReport_AndEveryReleaseMatched()
    {
        var reports = new ConcurrentQueue<LockOrderViolation>();
        LockOrderValidator.Enable(reports.Enqueue);
        var shared = Named("s", 3);
        var own = Named("own", Threads);
        var counter = 0;
        RunAll(Threads, thread =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                using (LockOrderValidator.Enter(own[thread]))
                using (LockOrderValidator.Enter(shared[i % 3]))
                using (LockOrderValidator.Enter(own[thread]))
                {
                    counter++;
                }

                using (LockSet.Enter(shared[0], shared[1]))
                {
                }
            }
        });

        Assert.Empty(reports);
        Assert.All(shared.Concat(own), o => Assert.False(Monitor.IsEntered(o)));
    }

    [Fact]
    public void LockSetScope_DisposedOnAnotherThread_UnderValidation_FailsInMonitorExit_AsDocumented()
    {
        LockOrderValidator.Enable();
        object a = new(), b = new();
        LockSet.Scope scope = default;
        var owner = new Thread(() => scope = LockSet.Enter(a, b));
        owner.Start();
        Assert.True(owner.Join(TestTimeouts.Bound));
        Assert.Throws<SynchronizationLockException>(() => scope.Dispose());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HeldSinceStacks_AreExactWithCaptureAllStacks_AndMarkedOtherwise(bool captureAllStacks)
    {
        LockOrderValidator.CaptureAllStacks = captureAllStacks;
        LockOrderValidator.Enable();
        object a = new(), b = new();
        TakeFirst(a, () => Nested(b, new object()));
        TakeFirst(b, () => { });
        var ex = Assert.Throws<LockOrderViolationException>(() => TakeFirst(b, () => TakeFirst(a, () => { })));
        var v = ex.Violation;
        if (captureAllStacks)
        {
            Assert.DoesNotContain("not captured", v.HeldLockAcquiredAt, StringComparison.Ordinal);
            Assert.DoesNotContain("not captured", v.PriorHeldAt, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("not captured", v.HeldLockAcquiredAt, StringComparison.Ordinal);
            Assert.Contains("not captured", v.PriorHeldAt, StringComparison.Ordinal);
        }

        Assert.Contains(nameof(TakeFirst), v.HeldLockAcquiredAt, StringComparison.Ordinal);
        Assert.Contains(nameof(TakeFirst), v.PriorHeldAt, StringComparison.Ordinal);
        Assert.DoesNotContain("not captured", v.RequestedLockAcquiredAt, StringComparison.Ordinal);
        Assert.DoesNotContain("not captured", v.PriorTakenAt, StringComparison.Ordinal);
    }

    private static void TakeFirst(object outer, Action body)
    {
        using (LockOrderValidator.Enter(outer))
        {
            body();
        }
    }

    private static void Nested(object outer, object inner)
    {
        using (LockOrderValidator.Track(outer))
        using (LockOrderValidator.Track(inner))
        {
        }
    }

    private static object[] Named(string prefix, int count)
    {
        var locks = new object[count];
        for (var i = 0; i < count; i++)
        {
            locks[i] = new object();
            LockOrderValidator.SetName(locks[i], prefix + i);
        }

        return locks;
    }

    private static object Find(object[] locks, string name) => locks[int.Parse(name.Substring(1), System.Globalization.CultureInfo.InvariantCulture)];

    private static void RunAll(int count, Action<int> body)
    {
        var errors = new ConcurrentQueue<Exception>();
        using var start = new Barrier(count);
        var threads = new List<Thread>();
        for (var t = 0; t < count; t++)
        {
            var id = t;
            var thread = new Thread(() =>
            {
                try
                {
                    start.SignalAndWait(TestTimeouts.Bound);
                    body(id);
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                }
            });
            threads.Add(thread);
            thread.Start();
        }

        foreach (var thread in threads)
        {
            Assert.True(thread.Join(TestTimeouts.Bound));
        }

        Assert.Empty(errors);
    }
}
