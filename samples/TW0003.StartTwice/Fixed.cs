using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Samples.TW0003;

internal static class Fixed
{
    public static void Run()
    {
        var worker = new Thread(Work) { IsBackground = true };
        worker.Start();
        for (var round = 1; round <= 2; round++)
        {
            worker.Join(TimeSpan.FromSeconds(5));
            if (!worker.IsAlive)
            {
                Console.WriteLine($"  round {round}: the worker is dead, starting a new one");
                worker = new Thread(Work) { IsBackground = true };
                worker.Start();
            }
        }

        worker.Join(TimeSpan.FromSeconds(5));

        var task = new Task(() => Console.WriteLine("  task body"));
        task.Start();
        task.Wait();
        task = new Task(() => Console.WriteLine("  task body, second task"));
        task.Start();
        task.Wait();

        // One Process object per process: both handles are kept and both exits are observed.
        var info = new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true };
        using var first = Process.Start(info);
        using var second = Process.Start(info);
        Console.WriteLine($"  two processes on purpose: pid {first?.Id}, pid {second?.Id}");
        foreach (var process in new[] { first, second })
        {
            if (process is null)
            {
                continue;
            }

            Console.WriteLine($"  child pid {process.Id} printed: {process.StandardOutput.ReadToEnd().Trim()}");
            if (!process.WaitForExit(10_000))
            {
                Console.WriteLine($"  pid {process.Id} did not exit within 10 s");
            }
        }
    }

    private static void Work() => Console.WriteLine($"  worker ran on thread {Environment.CurrentManagedThreadId}");
}
