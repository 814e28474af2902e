using System;
using System.Diagnostics;
using System.Threading;

namespace Samples.TW0002;

internal static class Fixed
{
    public static void Run()
    {
        Console.WriteLine($"  main thread: {Environment.CurrentManagedThreadId}");
        var clock = Stopwatch.StartNew();
        var t1 = new Counter("t1");
        var t2 = new Counter("t2");
        t1.Start();
        t2.Start();
        t1.Join();
        t2.Join();
        Console.WriteLine($"  {clock.ElapsedMilliseconds} ms: the steps interleave, each counter on its own thread");

        var logger = new Thread(Log);
        logger.Start();
        logger.Join();
        Console.WriteLine($"  the logger thread is {logger.ThreadState}: it ran and finished");
    }

    private static void Log() => Console.WriteLine($"  log written on thread {Environment.CurrentManagedThreadId}");
}
