using System;
using System.Threading;
using System.Threading.Tasks;

namespace Samples.TW0001;

internal static class Fixed
{
    private static int s_num;

    public static void Run()
    {
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
            Console.WriteLine($"  run {run}: two threads counted {s_num:N0}");
        }

        // Each worker counts into its own local state; the merges are atomic.
        int total = 0;
        Parallel.For(0, 2 * Program.PerThread, () => 0, (i, _, local) => local + 1, local => Interlocked.Add(ref total, local));
        Console.WriteLine($"  Parallel.For counted {total:N0}");
    }

    private static void Count(Barrier start)
    {
        start.SignalAndWait();
        for (int i = 0; i < Program.PerThread; i++)
        {
            Interlocked.Increment(ref s_num);
        }
    }
}
