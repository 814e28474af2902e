using System;
using System.Collections.Generic;
using System.Linq;

namespace Samples.TW0017;

/// <summary>
/// The course appends to one Python list from several threads and it works: CPython's list.append is atomic. A .NET
/// List&lt;T&gt; is not: Add reads the count, writes the slot and bumps the count, so two threads write one slot and an
/// item is lost, or one grows the array under the other and Add throws. Each run fills a list from Parallel.ForEach
/// and from tasks started in a loop, and checks how many items arrived.
/// </summary>
public static class Program
{
    private const int Runs = 20;
    private const int Numbers = 200_000;
    private const int Pages = 16;
    private const int LinesPerPage = 20_000;

    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: Parallel.ForEach(numbers, n => results.Add(n * n)); Task.Run(() => lines.Add(line)) in a loop ---");
            Measure(Buggy.Squares, Buggy.Pages);
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: results.AddRange(numbers.AsParallel().Select(n => n * n)); lock (lines) lines.Add(line) ---");
            Measure(Fixed.Squares, Fixed.Pages);
        }

        return 0;
    }

    private static void Measure(Func<int[], List<long>> squares, Func<int, int, List<string>> pages)
    {
        var numbers = Enumerable.Range(1, Numbers).ToArray();
        Report("squares", Numbers, () => squares(numbers).Count);
        Report("lines", Pages * LinesPerPage, () => pages(Pages, LinesPerPage).Count);
    }

    private static void Report(string what, int expected, Func<int> fill)
    {
        int short_ = 0, threw = 0, lost = 0;
        for (var run = 0; run < Runs; run++)
        {
            try
            {
                var count = fill();
                if (count != expected)
                {
                    short_++;
                    lost += expected - count;
                }
            }
            catch (Exception e) when (e is AggregateException or IndexOutOfRangeException or ArgumentException)
            {
                threw++;
            }
        }

        Console.WriteLine($"  {what}: {Runs} runs of {expected} items: {Runs - short_ - threw} complete, {short_} short ({lost} items lost), {threw} threw");
    }
}
