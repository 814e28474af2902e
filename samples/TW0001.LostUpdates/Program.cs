using System;

namespace Samples.TW0001;

/// <summary>
/// The course's first lesson, "the bug at 1,000,000 executions": two threads run num += 1 and the total comes out
/// short. In .NET the lost updates are real and silent: no exception, just a wrong number.
/// </summary>
public static class Program
{
    public const int PerThread = 10_000_000;
    public const int WindowMilliseconds = 200;
    public const int Runs = 3;

    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine($"--- bug: unsynchronized ++ (two threads for {WindowMilliseconds} ms each run; Parallel.For: {2 * PerThread:N0}) ---");
            Buggy.Run();
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine($"--- fixed: Interlocked, and Parallel.For with local state (the counter matches the tallies) ---");
            Fixed.Run();
        }

        return 0;
    }
}
