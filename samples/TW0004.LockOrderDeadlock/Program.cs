using System;

namespace Samples.TW0004;

/// <summary>
/// The course: "two people, one chopstick each". Two threads that take the same two locks in opposite orders each get
/// one and wait for the other forever; the CLR does not notice. This program detects the hang with a timeout and says
/// so instead of hanging.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: locks taken in opposite orders ---");
            Buggy.Run();
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: one lock order everywhere ---");
            Fixed.Run();
        }

        return 0;
    }
}
