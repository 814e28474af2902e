using System;

namespace Samples.TW0019;

/// <summary>
/// "Acquire, then try, then release in finally" breaks at the first await: the code after it resumes on a
/// thread-pool thread, which does not own a Monitor or a ReaderWriterLockSlim lock. The release throws
/// SynchronizationLockException and the owner never releases the lock: the next caller waits forever. The sample
/// detects that with timeouts instead of hanging.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: Monitor / ReaderWriterLockSlim held across an await ---");
            Buggy.Run();
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: SemaphoreSlim (no owner thread) with EnterAsync / WaitAsync ---");
            Fixed.Run();
        }

        return 0;
    }
}
