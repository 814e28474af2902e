using System;

namespace Samples.TW0007;

/// <summary>
/// The course: a producer/consumer with a pool, "close() then join(): join must come after close". Python raises
/// ValueError("Pool is still running") when join comes first; in .NET the consumers wait for "no more work" while the
/// program waits for the consumers: a silent permanent hang. The buggy version detects it with a timeout.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: waiting for the consumers before CompleteAdding / Complete ---");
            Buggy.Run();
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: complete first, then wait ---");
            Fixed.Run();
        }

        return 0;
    }
}
