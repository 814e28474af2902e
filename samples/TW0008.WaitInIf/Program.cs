using System;
using System.Threading;

namespace Samples.TW0008;

/// <summary>
/// The course's Condition demo used `if not flag: cond.wait()`. With two consumers and one item, PulseAll wakes both:
/// the first takes the item, the second goes on on a stale predicate and dequeues from an empty queue. With a while
/// loop the second consumer re-tests and waits again. Joins are timed, so nothing hangs.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: if (_items.Count == 0) Monitor.Wait(_gate); ---");
            Demo(new Buggy.Buffer());
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: while (_items.Count == 0) Monitor.Wait(_gate); ---");
            Demo(new Fixed.Buffer());
        }

        return 0;
    }

    private static void Demo(IBuffer buffer)
    {
        var consumers = new Thread[2];
        for (var i = 0; i < consumers.Length; i++)
        {
            var name = $"consumer {i + 1}";
            consumers[i] = new Thread(() =>
            {
                try
                {
                    Console.WriteLine($"  {name}: got {buffer.Take()}");
                }
                catch (InvalidOperationException e)
                {
                    Console.WriteLine($"  {name}: {e.GetType().Name}: {e.Message} (woke up to an empty queue)");
                }
            }) { IsBackground = true };
            consumers[i].Start();
        }

        buffer.WaitForWaiters(consumers.Length, TimeSpan.FromSeconds(2));
        buffer.Put(1); // one item, PulseAll wakes both consumers
        var second = TimeSpan.FromMilliseconds(500);
        if (!consumers[0].Join(second) | !consumers[1].Join(second))
        {
            Console.WriteLine("  one consumer still waits after 500 ms (right: there was one item); putting a second one");
            buffer.Put(2);
        }

        foreach (var consumer in consumers)
        {
            if (!consumer.Join(TimeSpan.FromSeconds(2)))
            {
                Console.WriteLine("  a consumer still waits after 2 s");
            }
        }
    }
}

internal interface IBuffer
{
    void Put(int item);

    int Take();

    /// <summary>Returns once <paramref name="count"/> consumers wait (or after the timeout).</summary>
    void WaitForWaiters(int count, TimeSpan timeout);
}
