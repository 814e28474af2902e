using System;

namespace Samples.TW0014;

/// <summary>
/// The course: "each Account has its own Lock, just as a room has one lock", and "to protect different data you use
/// different locks". A lock protects data only when every thread locks the same object. An instance lock around a
/// static counter (two instances, two locks) and a lock on a new object exclude nobody: updates are lost exactly as
/// without a lock. Nothing here can hang: every wait has a timeout.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: locks that exclude nobody ---");
            Buggy.Run();
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: one static lock for the static state ---");
            Fixed.Run();
        }

        return 0;
    }
}
