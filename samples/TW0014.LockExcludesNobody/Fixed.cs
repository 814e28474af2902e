using System;
using System.Threading;

namespace Samples.TW0014;

internal sealed class Fixed
{
    private const int PerThread = 1_000_000;
    private static long s_visits;
    private static long s_hits;
    private static readonly object s_sync = new object(); // one lock for the one static state

    public static void Run()
    {
        // Two counters (two instances: two locks) and four threads updating the one static total.
        var counters = new[] { new Fixed(), new Fixed() };
        var threads = new Thread[4];
        for (var i = 0; i < threads.Length; i++)
        {
            var counter = counters[i % counters.Length];
            threads[i] = new Thread(() =>
            {
                for (var n = 0; n < PerThread; n++)
                {
                    counter.Visit();
                    counter.Hit();
                }
            }) { IsBackground = true };
        }

        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            if (!thread.Join(TimeSpan.FromSeconds(30)))
            {
                Console.WriteLine("  a counting thread did not finish within 30 s");
            }
        }

        var expected = (long)PerThread * threads.Length;
        Console.WriteLine($"  static lock, static total:   {Interlocked.Read(ref s_visits):N0} of {expected:N0} visits ({expected - Interlocked.Read(ref s_visits):N0} lost)");
        Console.WriteLine($"  static lock, second total:   {Interlocked.Read(ref s_hits):N0} of {expected:N0} hits ({expected - Interlocked.Read(ref s_hits):N0} lost)");
    }

    private void Visit()
    {
        lock (s_sync)
        {
            s_visits++;
        }
    }

    private void Hit()
    {
        lock (s_sync)
        {
            s_hits++;
        }
    }
}
