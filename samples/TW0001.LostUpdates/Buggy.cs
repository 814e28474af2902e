using System;
using System.Threading;
using System.Threading.Tasks;

namespace Samples.TW0001;

internal static class Buggy
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

        // Parallel.For summing into a captured local: the body runs on several threads at once.
        int total = 0;
        Parallel.For(0, 2 * Program.PerThread, i => total++); // expect: TW0001
        Console.WriteLine($"  Parallel.For counted {total:N0}{(total < 2 * Program.PerThread ? "  <- updates lost" : string.Empty)}");
    }

    private static int Count(Barrier start)
    {
        start.SignalAndWait();
        var mine = 0;
        while (!s_stop)
        {
            s_num++; // expect: TW0001
            mine++;
        }

        return mine;
    }
}
