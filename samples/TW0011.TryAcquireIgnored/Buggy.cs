using System;
using System.Threading;

namespace Samples.TW0011;

internal static class Buggy
{
    private static readonly object Sync = new object();
    private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1); // no maximum: an extra Release is silent
    private static int s_inside;
    private static int s_mostInside;

    public static void Run()
    {
        // 1. Monitor: the second caller times out, runs without the lock, and Monitor.Exit throws.
        using (var holding = new ManualResetEventSlim(false))
        {
            var holder = new Thread(() => UpdateBalance(holding, holdMs: 300)) { IsBackground = true };
            holder.Start();
            holding.Wait(TimeSpan.FromSeconds(2));
            try
            {
                UpdateBalance(null, holdMs: 0);
                Console.WriteLine("  Monitor: no exception");
            }
            catch (SynchronizationLockException e)
            {
                Console.WriteLine($"  Monitor: {e.GetType().Name}: {e.Message}");
            }

            holder.Join(TimeSpan.FromSeconds(2));
        }

        // 2. SemaphoreSlim: the second caller times out, gets in anyway, and its Release adds a permit.
        using (var inside = new ManualResetEventSlim(false))
        {
            var first = new Thread(() => Save(inside, holdMs: 300)) { IsBackground = true };
            first.Start();
            inside.Wait(TimeSpan.FromSeconds(2));
            Save(null, holdMs: 100);
            first.Join(TimeSpan.FromSeconds(2));
        }

        Console.WriteLine($"  SemaphoreSlim: at most {Volatile.Read(ref s_mostInside)} callers were inside at once; " +
                          $"it now admits {Gate.CurrentCount} callers at once (it was built for 1)");
    }

    private static void UpdateBalance(ManualResetEventSlim? holding, int holdMs)
    {
        Monitor.TryEnter(Sync, 50); // expect: TW0011
        try
        {
            holding?.Set();
            Thread.Sleep(holdMs);
        }
        finally
        {
            Monitor.Exit(Sync);
        }
    }

    private static void Save(ManualResetEventSlim? inside, int holdMs)
    {
        Gate.Wait(TimeSpan.FromMilliseconds(50)); // expect: TW0011
        try
        {
            var now = Interlocked.Increment(ref s_inside);
            InterlockedMax(ref s_mostInside, now);
            inside?.Set();
            Thread.Sleep(holdMs);
        }
        finally
        {
            Interlocked.Decrement(ref s_inside);
            Gate.Release();
        }
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
