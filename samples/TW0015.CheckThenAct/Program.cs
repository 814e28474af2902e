using System;
using System.Collections.Concurrent;
using System.Threading;

namespace Samples.TW0015;

/// <summary>
/// The course's queue reader asks "what if there are two receivers?": `if not q.empty(): q.get()`. Here four consumers
/// drain a ConcurrentQueue fed by one producer with `while (!q.IsEmpty) q.TryDequeue(out var item)`: whenever the
/// queue holds one item, two of them can see it, one gets it and the other goes on with null. Then four threads count words in a
/// ConcurrentDictionary with TryGetValue followed by an indexer write: concurrent increments are lost.
/// </summary>
public static class Program
{
    private const int Consumers = 4;
    private const int Items = 1_000_000;
    private const int WordsPerThread = 200_000;

    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: while (!queue.IsEmpty) queue.TryDequeue(out var item); TryGetValue then counts[word] = n + 1 ---");
            Report(Consume(Buggy.Drain), CountWords(Buggy.Count));
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: while (queue.TryDequeue(out var item)); AddOrUpdate ---");
            Report(Consume(Fixed.Drain), CountWords(Fixed.Count));
        }

        return 0;
    }

    /// <summary>One producer streams items; four consumer threads keep draining the queue until it is done.</summary>
    private static Tally Consume(Action<ConcurrentQueue<string>, Tally> drain)
    {
        var queue = new ConcurrentQueue<string>();
        var tally = new Tally();
        var done = 0;
        var threads = new Thread[Consumers];
        for (var c = 0; c < Consumers; c++)
        {
            threads[c] = new Thread(() =>
            {
                while (Volatile.Read(ref done) == 0)
                {
                    drain(queue, tally);
                }

                drain(queue, tally);
            });
            threads[c].Start();
        }

        for (var i = 0; i < Items; i++)
        {
            queue.Enqueue("item");
        }

        Volatile.Write(ref done, 1);
        foreach (var thread in threads)
        {
            thread.Join();
        }

        return tally;
    }

    /// <summary>Four threads count the same word; the total must be four times the words each counted.</summary>
    private static int CountWords(Action<ConcurrentDictionary<string, int>, string> count)
    {
        var counts = new ConcurrentDictionary<string, int>();
        var threads = new Thread[Consumers];
        for (var t = 0; t < Consumers; t++)
        {
            threads[t] = new Thread(() =>
            {
                for (var i = 0; i < WordsPerThread; i++)
                {
                    count(counts, "word");
                }
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return counts["word"];
    }

    private static void Report(Tally tally, int counted)
    {
        Console.WriteLine($"  queue: {Items} items taken as {tally.Items}; {tally.Nothing} time(s) a consumer went on with null (another consumer had taken the item)");
        Console.WriteLine($"  words: expected {Consumers * WordsPerThread}, counted {counted}" + (counted == Consumers * WordsPerThread ? "" : $" ({Consumers * WordsPerThread - counted} increments lost)"));
    }
}
