using System;

namespace Samples.TW0002;

/// <summary>
/// The course: "t1.run(); t2.run() opens no new thread: these are ordinary calls, t2.run() runs after t1.run()
/// completes — this is not multithreading". The thread ids printed by each step show it.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: the body called instead of Start() ---");
            Buggy.Run();
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: Start() runs the body on a new thread ---");
            Fixed.Run();
        }

        return 0;
    }
}
