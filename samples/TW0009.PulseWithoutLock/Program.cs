using System;
using System.Diagnostics;
using System.Threading;

namespace Samples.TW0009;

/// <summary>
/// The course: "a Condition always needs a Lock". Monitor.Pulse outside lock (x) throws SynchronizationLockException,
/// so the waiting consumer is never woken: it notices the item only when its own timeout ends. The sample uses timed
/// waits, so it never hangs.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: Pulse / PulseAll outside the lock ---");
            Demo(new Buggy.Buffer());
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: Pulse / PulseAll inside lock (_gate) ---");
            Demo(new Fixed.Buffer());
        }

        return 0;
    }

    private static void Demo(IBuffer buffer)
    {
        var consumer = new Thread(() =>
        {
            var clock = Stopwatch.StartNew();
            var item = buffer.Take(TimeSpan.FromSeconds(1));
            Console.WriteLine(item is { } got
                ? $"  consumer: got {got} after {clock.ElapsedMilliseconds} ms" +
                  (clock.ElapsedMilliseconds >= 900 ? " (no pulse ever came: only its own timeout woke it)" : " (woken by the pulse)")
                : $"  consumer: nothing after {clock.ElapsedMilliseconds} ms");
        });
        consumer.Start();
        Thread.Sleep(100); // let the consumer start waiting
        Try("Put(42)", () => buffer.Put(42));
        consumer.Join();
        Try("Stop()", buffer.Stop);
    }

    private static void Try(string what, Action action)
    {
        try
        {
            action();
            Console.WriteLine($"  {what}: ok");
        }
        catch (SynchronizationLockException e)
        {
            Console.WriteLine($"  {what}: {e.GetType().Name}: {e.Message}");
        }
    }
}

internal interface IBuffer
{
    void Put(int item);

    int? Take(TimeSpan timeout);

    void Stop();
}
