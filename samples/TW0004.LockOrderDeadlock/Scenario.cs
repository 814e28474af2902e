using System;
using System.Diagnostics;
using System.Threading;

namespace Samples.TW0004;

/// <summary>Runs two actions on two background threads and reports whether they finished or deadlocked.</summary>
internal static class Scenario
{
    /// <summary>How long to wait before calling it a deadlock (the work itself takes about 100 ms).</summary>
    private const int TimeoutMilliseconds = 3000;

    public static void Race(string name, Action first, Action second)
    {
        // Background threads: a deadlocked pair must not keep the process alive after Main returns.
        var one = new Thread(() => first()) { IsBackground = true, Name = name + " 1" };
        var two = new Thread(() => second()) { IsBackground = true, Name = name + " 2" };
        one.Start();
        two.Start();
        var clock = Stopwatch.StartNew();
        var finished = one.Join(TimeoutMilliseconds) &&
                       two.Join(Math.Max(0, TimeoutMilliseconds - (int)clock.ElapsedMilliseconds));
        Console.WriteLine(finished
            ? $"  {name}: both threads finished"
            : $"  {name}: deadlocked (no progress after {TimeoutMilliseconds} ms; each thread holds one lock and waits for the other)");
    }
}
