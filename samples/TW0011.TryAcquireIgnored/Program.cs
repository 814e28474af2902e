using System;

namespace Samples.TW0011;

/// <summary>
/// The course uses a timed acquire as a deadlock remedy ("if mutex.acquire(): …", then "mutex.release()" outside the
/// if). A try-acquire that times out returns false and the code goes on without the lock: Monitor.Exit then throws
/// SynchronizationLockException, and a SemaphoreSlim silently gets an extra permit, so two callers get in at once from
/// then on. Nothing here can hang: every wait has a timeout.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: the result of TryEnter / Wait(timeout) is ignored ---");
            Buggy.Run();
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: the region and the release run only when the lock was taken ---");
            Fixed.Run();
        }

        return 0;
    }
}
