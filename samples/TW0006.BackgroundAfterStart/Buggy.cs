using System;
using System.Threading;

namespace Samples.TW0006;

internal static class Buggy
{
    public static void Run()
    {
        var logger = new Thread(() => Console.WriteLine("  logger: one line and done"));
        logger.Start();

        // Anything slow here (a log flush, a GC, a loaded CI machine) lets the short thread finish first.
        Thread.Sleep(200);

        try
        {
            logger.IsBackground = true; // expect: TW0006 no-fix (inside the try that shows the exception)
            Console.WriteLine("  no exception this time: the thread was still alive");
        }
        catch (ThreadStateException e)
        {
            Console.WriteLine($"  ThreadStateException: {e.Message}");
        }

        // Apartment states exist only on Windows: elsewhere SetApartmentState throws PlatformNotSupportedException
        // before Start as well as after it, so this half of the bug can only be shown on Windows.
        if (!OperatingSystem.IsWindows())
        {
            Console.WriteLine("  (SetApartmentState after Start is shown on Windows only: this OS has no COM apartments)");
            return;
        }

        var ui = new Thread(() => { });
        ui.Start();
        try
        {
            ui.SetApartmentState(ApartmentState.STA); // expect: TW0006 no-fix (inside the try that shows the exception)
        }
        catch (Exception e) when (e is ThreadStateException or InvalidOperationException)
        {
            Console.WriteLine($"  SetApartmentState after Start: {e.GetType().Name}: {e.Message}");
        }

        ui.Join();
    }
}
