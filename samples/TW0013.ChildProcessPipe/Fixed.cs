using System;
using System.Diagnostics;

namespace Samples.TW0013;

internal static class Fixed
{
    public static void Run()
    {
        // Read to the end first: the pipe is drained while the child writes; the read ends when the child closes it.
        using (var child = Process.Start(Program.Child("child-out"))!)
        {
            var output = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            Console.WriteLine($"  read {output.Length:N0} bytes, then the child exited with {child.ExitCode}");
        }

        // Both streams: one is drained asynchronously while the other is read.
        using (var child = Process.Start(Program.Child("child-err-first"))!)
        {
            var errorsTask = child.StandardError.ReadToEndAsync();
            var output = child.StandardOutput.ReadToEnd();
            var errors = errorsTask.GetAwaiter().GetResult();
            child.WaitForExit();
            Console.WriteLine($"  read {errors.Length:N0} bytes of error and {output.Length:N0} of output, exit code {child.ExitCode}");
        }
    }
}
