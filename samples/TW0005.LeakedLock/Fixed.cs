using System;
using System.Threading;

namespace Samples.TW0005;

internal static class Fixed
{
    private static readonly object Sync = new object();
    private static int s_count;

    public static void Run()
    {
        var firstEnded = new ManualResetEventSlim(false);
        var first = new Thread(() =>
        {
            try
            {
                AddMany(1000, failAt: 500);
            }
            catch (InvalidOperationException e)
            {
                Console.WriteLine($"  worker 1 failed: {e.Message}");
            }
            finally
            {
                firstEnded.Set();
            }
        }) { IsBackground = true };

        var second = new Thread(() =>
        {
            firstEnded.Wait();
            AddMany(1000, failAt: -1);
        }) { IsBackground = true };

        first.Start();
        second.Start();
        first.Join();
        if (second.Join(TimeSpan.FromSeconds(2)))
        {
            Console.WriteLine($"  both workers done: count = {Volatile.Read(ref s_count)} (501 from worker 1, 1000 from worker 2)");
        }
        else
        {
            Console.WriteLine($"  hung: the lock leaked (count = {Volatile.Read(ref s_count)})");
        }
    }

    private static void AddMany(int times, int failAt)
    {
        for (var i = 0; i < times; i++)
        {
            // The lock statement is Monitor.Enter + try/finally Monitor.Exit: the exception releases the lock.
            lock (Sync)
            {
                s_count++;
                Validate(i, failAt);
            }
        }
    }

    private static void Validate(int item, int failAt)
    {
        if (item == failAt)
        {
            throw new InvalidOperationException($"bad record at item {item}");
        }
    }
}
