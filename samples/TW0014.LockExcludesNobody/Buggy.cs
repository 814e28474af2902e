using System;
using System.Threading;

namespace Samples.TW0014;

internal sealed class Buggy
{
    private const int PerThread = 1_000_000;
    private static long s_visits;
    private static long s_hits;
    private readonly object _gate = new object();

    public static void Run()
    {
        // Two counters (two instances: two locks) and four threads updating the one static total.
        var counters = new[] { new Buggy(), new Buggy() };
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
        Console.WriteLine($"  instance lock, static total: {Interlocked.Read(ref s_visits):N0} of {expected:N0} visits ({expected - Interlocked.Read(ref s_visits):N0} lost)");
        Console.WriteLine($"  lock (new object()):         {Interlocked.Read(ref s_hits):N0} of {expected:N0} hits ({expected - Interlocked.Read(ref s_hits):N0} lost)");
    }

    private void Visit()
    {
        lock (_gate) // expect: TW0014
        {
            s_visits++;
        }
    }

    private void Hit()
    {
        lock (new object()) // expect: TW0014
        {
            s_hits++;
        }
    }
}
