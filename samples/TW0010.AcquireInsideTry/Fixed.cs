using System;
using System.Threading;
using System.Threading.Tasks;

namespace Samples.TW0010;

internal static class Fixed
{
    private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1); // one saver at a time
    private static readonly object Sync = new object();
    private static int s_inside;
    private static int s_mostInside;

    public static async Task RunAsync()
    {
        // 1. A cancelled WaitAsync: its finally adds a permit, and a third caller gets in while the first still saves.
        var first = SaveAsync("first", holdMs: 400, CancellationToken.None);
        await Task.Delay(50);
        using (var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            try
            {
                await SaveAsync("second", holdMs: 0, impatient.Token);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("  second: cancelled while waiting (fine so far)");
            }
        }

        var third = SaveAsync("third", holdMs: 100, CancellationToken.None);
        await Task.WhenAll(first, third).WaitAsync(TimeSpan.FromSeconds(3));
        Console.WriteLine($"  SemaphoreSlim: at most {Volatile.Read(ref s_mostInside)} saver(s) inside at once; " +
                          $"it still admits {Gate.CurrentCount}");

        // 2. An interrupted Monitor.Enter: the finally's Monitor.Exit throws and hides the ThreadInterruptedException.
        Exception? seen = null;
        var waiter = new Thread(() =>
        {
            try
            {
                Update();
            }
            catch (Exception e)
            {
                seen = e;
            }
        }) { IsBackground = true };
        lock (Sync)
        {
            waiter.Start();
            Thread.Sleep(100); // the waiter now blocks in Monitor.Enter
            waiter.Interrupt();
            waiter.Join(TimeSpan.FromSeconds(2));
        }

        Console.WriteLine($"  Monitor: the caller sees {seen?.GetType().Name}: {seen?.Message}");
    }

    private static async Task SaveAsync(string who, int holdMs, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            var now = Interlocked.Increment(ref s_inside);
            if (now > Volatile.Read(ref s_mostInside))
            {
                Volatile.Write(ref s_mostInside, now);
            }

            Console.WriteLine($"  {who}: saving ({now} inside)");
            await Task.Delay(holdMs);
            Interlocked.Decrement(ref s_inside);
        }
        finally
        {
            Gate.Release();
        }
    }

    private static void Update()
    {
        Monitor.Enter(Sync);
        try
        {
            Console.WriteLine("  updating");
        }
        finally
        {
            Monitor.Exit(Sync);
        }
    }
}
