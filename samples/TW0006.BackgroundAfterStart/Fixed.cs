using System;
using System.Threading;

namespace Samples.TW0006;

internal static class Fixed
{
    public static void Run()
    {
        // Configured where it is created, before Start: no race, no exception, never keeps the process alive.
        var logger = new Thread(() => Console.WriteLine("  logger: one line and done")) { IsBackground = true };
        logger.Start();
        Thread.Sleep(200);
        Console.WriteLine("  IsBackground was set before Start: nothing to throw, however fast the thread ends");

        if (!OperatingSystem.IsWindows())
        {
            Console.WriteLine("  (apartment state: Windows only, see the bug half)");
            return;
        }

        var ui = new Thread(() => { });
        ui.SetApartmentState(ApartmentState.STA);
        ui.Start();
        ui.Join();
        Console.WriteLine("  apartment state set before Start: fine");
    }
}
