using System;
using System.Linq;

namespace Samples.TW0018;

/// <summary>
/// The course starts two threads that add to one counter and prints the counter right after start(): Python printed
/// 87,099 instead of 200,000, the .NET port printed 0. Starting a thread returns at once; only Join (Wait, await) waits
/// for the work and makes its writes visible. Each run counts with two threads and searches words on the pool, reads
/// the result, and checks it.
/// </summary>
public static class Program
{
    private const int Runs = 20;
    private const int PerThread = 1_000_000;
    private const int Words = 200_000;

    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        var words = Enumerable.Range(0, Words).Select(i => new string('a', 1 + (i % 50))).Append(new string('z', 80)).ToArray();
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: p1.Start(); p2.Start(); var total = num; p1.Join(); p2.Join(); ---");
            Measure(Buggy.Count, Buggy.Longest, words);
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: p1.Start(); p2.Start(); p1.Join(); p2.Join(); var total = num; ---");
            Measure(Fixed.Count, Fixed.Longest, words);
        }

        return 0;
    }

    private static void Measure(Func<int, int> count, Func<string[], string> longest, string[] words)
    {
        int countWrong = 0, longestWrong = 0, smallest = int.MaxValue;
        for (var run = 0; run < Runs; run++)
        {
            var total = count(PerThread);
            if (total != 2 * PerThread)
            {
                countWrong++;
                smallest = Math.Min(smallest, total);
            }

            if (longest(words).Length != 80)
            {
                longestWrong++;
            }
        }

        Console.WriteLine($"  counter: {Runs} runs, {countWrong} read a partial total" + (countWrong > 0 ? $" (as low as {smallest:N0} of {2 * PerThread:N0})" : ""));
        Console.WriteLine($"  longest word: {Runs} runs, {longestWrong} read before the search finished");
    }
}
