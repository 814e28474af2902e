using System;
using System.Threading.Tasks;

namespace Samples.TW0010;

/// <summary>
/// The course writes "try: lock.acquire() … finally: lock.release()". When the acquisition itself throws (a cancelled
/// WaitAsync, an interrupted Monitor.Enter), the finally releases a lock that was never taken: a SemaphoreSlim gets an
/// extra permit and lets two callers in at once, and Monitor.Exit throws SynchronizationLockException, hiding the
/// real exception. Nothing here can hang: every wait has a timeout.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: the acquisition is inside the try ---");
            await Buggy.RunAsync();
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: the acquisition is just before the try ---");
            await Fixed.RunAsync();
        }

        return 0;
    }
}
