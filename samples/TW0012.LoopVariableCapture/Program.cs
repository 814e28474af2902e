using System;
using System.Linq;
using System.Threading;

namespace Samples.TW0012;

/// <summary>
/// The course passes a thread its arguments with args=(i,): Python copies them when the thread is created. A C#
/// lambda captures the variable instead, so threads started in a for loop read i when they run, by which time the
/// loop has moved on: here every worker should take one slot, and most of them find i already past the end.
/// </summary>
public static class Program
{
    public const int Workers = 8;

    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine($"--- bug: new Thread(() => Work(i)) in a for loop (each of slots 0..{Workers - 1} should be taken once) ---");
            Report(Buggy.Run());
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: var index = i; new Thread(() => Work(index)) ---");
            Report(Fixed.Run());
        }

        return 0;
    }

    /// <summary>What a worker does first (open a connection, load a file) before it looks at its slot.</summary>
    public static void Prepare() => Thread.Sleep(20);

    public static void Take(int[] taken, int slot, ref int pastTheEnd)
    {
        if (slot < taken.Length)
        {
            Interlocked.Increment(ref taken[slot]);
        }
        else
        {
            Interlocked.Increment(ref pastTheEnd);
        }
    }

    private static void Report((int[] Taken, int PastTheEnd) result)
    {
        var slots = string.Join(" ", result.Taken.Select((n, slot) => $"{slot}:{n}"));
        var missed = result.Taken.Count(n => n == 0);
        Console.WriteLine($"  times each slot was taken: {slots}");
        Console.WriteLine(missed == 0 && result.PastTheEnd == 0
            ? "  every slot taken exactly once"
            : $"  {missed} slot(s) never taken; {result.PastTheEnd} worker(s) read i == {Workers}, one past the last slot");
    }
}
