using System.Collections.Concurrent;

namespace Samples.TW0015;

internal static class Buggy
{
    /// <summary>One consumer's share of the queue: take items while the queue says it has some.</summary>
    public static void Drain(ConcurrentQueue<string> queue, Tally tally)
    {
        while (!queue.IsEmpty) // expect: TW0015
        {
            queue.TryDequeue(out var item);
            tally.Use(item);
        }
    }

    /// <summary>Counts one word: read the old count, write the new one.</summary>
    public static void Count(ConcurrentDictionary<string, int> counts, string word)
    {
        if (counts.TryGetValue(word, out var n)) // expect: TW0015 no-fix
        {
            counts[word] = n + 1;
        }
        else
        {
            counts[word] = 1;
        }
    }
}
