using System;

namespace Samples.TW0003;

/// <summary>
/// The course: "start() may be called only once per thread; a dead thread cannot be restarted" (RuntimeError in
/// Python). .NET throws ThreadStateException for a thread and InvalidOperationException for a task, and silently
/// launches a second process for a Process object.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: restarting a thread, a task and a process object ---");
            Buggy.Run();
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: a new instance for each start ---");
            Fixed.Run();
        }

        return 0;
    }
}
