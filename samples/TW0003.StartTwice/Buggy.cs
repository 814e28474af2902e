using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Samples.TW0003;

internal static class Buggy
{
    public static void Run()
    {
        // The course's restart loop: "if not t.is_alive(): t.start()  # restart??"
        var worker = new Thread(Work) { IsBackground = true };
        worker.Start();
        for (var round = 1; round <= 2; round++)
        {
            worker.Join(TimeSpan.FromSeconds(5));
            if (!worker.IsAlive)
            {
                Console.WriteLine($"  round {round}: the worker is dead, restarting it");
                try
                {
                    worker.Start(); // expect: TW0003
                }
                catch (ThreadStateException e)
                {
                    Console.WriteLine($"  ThreadStateException: {e.Message}");
                }
            }
        }

        var task = new Task(() => Console.WriteLine("  task body"));
        task.Start();
        task.Wait();
        try
        {
            task.Start(); // expect: TW0003
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine($"  InvalidOperationException: {e.Message}");
        }

        // No exception at all: a second OS process is launched and the first one's handle is lost.
        using var process = new Process { StartInfo = new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true } };
        process.Start();
        var first = process.Id;
        process.Start(); // expect: TW0003 no-fix (a second process is a decision, not a typo)
        Console.WriteLine($"  Process.Start() twice: pid {first}, then pid {process.Id}; no exception, two processes");
        // Only the second child's output can still be read: the first one's pipe went with its lost handle.
        Console.WriteLine($"  child pid {process.Id} printed: {process.StandardOutput.ReadToEnd().Trim()}");
        if (!process.WaitForExit(10_000))
        {
            Console.WriteLine("  the second process did not exit within 10 s");
        }
    }

    private static void Work() => Console.WriteLine($"  worker ran on thread {Environment.CurrentManagedThreadId}");
}
