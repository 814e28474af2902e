using System;
using System.Threading;

namespace Samples.TW0011;

internal static class Fixed
{
    private static readonly object Sync = new object();
    private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1);
    private static int s_inside;
    private static int s_mostInside;

    public static void Run()
    {
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
            catch (TimeoutException e)
            {
                Console.WriteLine($"  Monitor: {e.GetType().Name}: {e.Message} (the caller is told; nothing ran unlocked)");
            }

            holder.Join(TimeSpan.FromSeconds(2));
        }

        using (var inside = new ManualResetEventSlim(false))
        {
            var first = new Thread(() => Save(inside, holdMs: 300)) { IsBackground = true };
            first.Start();
            inside.Wait(TimeSpan.FromSeconds(2));
            Save(null, holdMs: 100);
            first.Join(TimeSpan.FromSeconds(2));
        }

        Console.WriteLine($"  SemaphoreSlim: at most {Volatile.Read(ref s_mostInside)} caller was inside at once; " +
                          $"it still admits {Gate.CurrentCount} caller at once");
    }

    private static void UpdateBalance(ManualResetEventSlim? holding, int holdMs)
    {
        if (!Monitor.TryEnter(Sync, 50))
        {
            throw new TimeoutException("'Sync' was not acquired");
        }

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
        if (!Gate.Wait(TimeSpan.FromMilliseconds(50)))
        {
            Console.WriteLine("  SemaphoreSlim: busy after 50 ms, the save is skipped");
            return;
        }

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
