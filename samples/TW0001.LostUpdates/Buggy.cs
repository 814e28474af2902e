using System;
using System.Threading;
using System.Threading.Tasks;

namespace Samples.TW0001;

internal static class Buggy
{
    private static int s_num;

    public static void Run()
    {
        // Two threads, N increments each, released together by a Barrier so they really overlap.
        for (int run = 1; run <= Program.Runs; run++)
        {
            s_num = 0;
            using var start = new Barrier(2);
            var t1 = new Thread(() => Count(start));
            var t2 = new Thread(() => Count(start));
            t1.Start();
            t2.Start();
            t1.Join();
            t2.Join();
            Console.WriteLine($"  run {run}: two threads counted {s_num:N0}{(s_num < 2 * Program.PerThread ? "  <- updates lost" : string.Empty)}");
        }

        // Parallel.For summing into a captured local: the body runs on several threads at once.
        int total = 0;
        Parallel.For(0, 2 * Program.PerThread, i => total++); // expect: TW0001
        Console.WriteLine($"  Parallel.For counted {total:N0}{(total < 2 * Program.PerThread ? "  <- updates lost" : string.Empty)}");
    }

    private static void Count(Barrier start)
    {
        start.SignalAndWait();
        for (int i = 0; i < Program.PerThread; i++)
        {
            s_num++; // expect: TW0001
        }
    }
}
