using System;
using System.Threading;
using System.Threading.Tasks;

namespace Samples.TW0001;

internal static class Fixed
{
    private static int s_num;
    private static volatile bool s_stop;

    public static void Run()
    {
        // Two threads increment one counter during the same window, released together by a Barrier, so they really
        // overlap even on a busy machine. Each also keeps a private tally: their sum is what the counter should say.
        for (int run = 1; run <= Program.Runs; run++)
        {
            s_num = 0;
            s_stop = false;
            var tallies = new int[2];
            using var start = new Barrier(3);
            var t1 = new Thread(() => tallies[0] = Count(start));
            var t2 = new Thread(() => tallies[1] = Count(start));
            t1.Start();
            t2.Start();
            start.SignalAndWait();
            Thread.Sleep(Program.WindowMilliseconds);
            s_stop = true;
            t1.Join();
            t2.Join();
            var expected = tallies[0] + tallies[1];
            Console.WriteLine($"  run {run}: expected {expected:N0}, counted {s_num:N0}{(s_num < expected ? $"  <- {expected - s_num:N0} updates lost" : string.Empty)}");
        }

        // Each worker counts into its own local state; the merges are atomic.
        int total = 0;
        Parallel.For(0, 2 * Program.PerThread, () => 0, (i, _, local) => local + 1, local => Interlocked.Add(ref total, local));
        Console.WriteLine($"  Parallel.For counted {total:N0}");
    }

    private static int Count(Barrier start)
    {
        start.SignalAndWait();
        var mine = 0;
        while (!s_stop)
        {
            Interlocked.Increment(ref s_num);
            mine++;
        }

        return mine;
    }
}
