using System;
using System.Diagnostics;

namespace Samples.TW0013;

/// <summary>
/// The course: "the child must finish first … then queue.get()" hangs once the child writes more than the pipe holds.
/// .NET documents the same deadlock for Process: a child writing 1 MiB into a redirected stream blocks once the OS pipe
/// (64 KiB on Linux) is full, and a parent that waits for it to exit before reading waits forever. The hangs are
/// detected with a timeout here, and the child is killed.
/// </summary>
public static class Program
{
    public const int ChildBytes = 1 << 20;
    public const int HangTimeoutMilliseconds = 3000;

    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        switch (which)
        {
            case "child-out":
                Console.Out.Write(new string('o', ChildBytes));
                return 0;
            case "child-err-first":
                Console.Error.Write(new string('e', ChildBytes));
                Console.Out.Write("done");
                return 0;
        }

        if (which is "bug" or "both")
        {
            Console.WriteLine($"--- bug: wait for the child, then read ({ChildBytes:N0} bytes of output) ---");
            Buggy.Run();
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: read first (one stream asynchronously), then wait ---");
            Fixed.Run();
        }

        return 0;
    }

    /// <summary>This program again, as a child that writes <see cref="ChildBytes"/> bytes in the given mode.</summary>
    public static ProcessStartInfo Child(string mode) =>
        new("dotnet", $"\"{typeof(Program).Assembly.Location}\" {mode}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
}
