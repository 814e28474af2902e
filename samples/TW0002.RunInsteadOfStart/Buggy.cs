using System;
using System.Diagnostics;
using System.Threading;

namespace Samples.TW0002;

internal static class Buggy
{
    public static void Run()
    {
        Console.WriteLine($"  main thread: {Environment.CurrentManagedThreadId}");
        var clock = Stopwatch.StartNew();
        var t1 = new Counter("t1");
        var t2 = new Counter("t2");
        t1.Run(); // expect: TW0002
        t2.Run(); // expect: TW0002
        Console.WriteLine($"  {clock.ElapsedMilliseconds} ms: t2 began only after t1 ended, every step on the main thread");

        var logger = new Thread(Log);
        Log(); // expect: TW0002
        Console.WriteLine($"  the logger thread is still {logger.ThreadState}: it never ran");
    }

    private static void Log() => Console.WriteLine($"  log written on thread {Environment.CurrentManagedThreadId}");
}
