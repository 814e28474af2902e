using System;

namespace Samples.TW0005;

/// <summary>
/// The course: "acquire, then try, then release in finally". Without the finally, an exception between
/// Monitor.Enter and Monitor.Exit leaves the lock held by a thread that no longer runs: every other thread that wants
/// it waits forever, silently. The sample detects the hang with a timeout instead of hanging.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: Monitor.Exit not in a finally ---");
            Buggy.Run();
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: the lock statement releases on every path ---");
            Fixed.Run();
        }

        return 0;
    }
}
