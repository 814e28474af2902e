using System;

namespace Samples.TW0006;

/// <summary>
/// The course: "daemon must be set before start(), otherwise RuntimeError". In .NET the late assignment works while
/// the thread lives and throws ThreadStateException once it has finished: a crash that depends on timing.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: IsBackground set after Start ---");
            Buggy.Run();
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: IsBackground set in the initializer ---");
            Fixed.Run();
        }

        return 0;
    }
}
