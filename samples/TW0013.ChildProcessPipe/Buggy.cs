using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace Samples.TW0013;

internal static class Buggy
{
    private const int HangTimeoutMilliseconds = 3000;

    /// <summary>This program again, as a child writing 1 MiB in the given mode, with both streams redirected.</summary>
    private static ProcessStartInfo Child(string mode) =>
        new("dotnet", $"\"{typeof(Buggy).Assembly.Location}\" {mode}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

    public static void Run()
    {
        // Wait, then read: the child fills the pipe and blocks in write; the parent waits for it to exit.
        using (var child = Process.Start(Child("child-out"))!)
        {
            if (!child.WaitForExit(HangTimeoutMilliseconds)) // expect: TW0013 no-fix (the timed wait's result decides what happens next)
            {
                Console.WriteLine($"  WaitForExit: still waiting after {HangTimeoutMilliseconds} ms: the child is blocked on a full pipe (deadlocked); killing it");
                child.Kill();
            }

            var output = child.StandardOutput.ReadToEnd();
            Console.WriteLine($"  then read {output.Length:N0} bytes");
        }

        // Standard output to the end, then standard error: the child fills the error pipe first and blocks.
        using (var child = Process.Start(Child("child-err-first"))!)
        {
            var reading = Task.Run(() =>
            {
                var output = child.StandardOutput.ReadToEnd();
                var errors = child.StandardError.ReadToEnd(); // expect: TW0013
                return output.Length + errors.Length;
            });
            if (!reading.Wait(HangTimeoutMilliseconds))
            {
                Console.WriteLine($"  ReadToEnd of output, then of error: no progress after {HangTimeoutMilliseconds} ms (deadlocked); killing the child");
                child.Kill();
            }

            child.WaitForExit();
        }
    }
}
