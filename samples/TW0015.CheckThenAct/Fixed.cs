using System.Collections.Concurrent;

namespace Samples.TW0015;

internal static class Fixed
{
    /// <summary>One consumer's share of the queue: the take itself says whether there was an item.</summary>
    public static void Drain(ConcurrentQueue<string> queue, Tally tally)
    {
        while (queue.TryDequeue(out var item))
        {
            tally.Use(item);
        }
    }

    /// <summary>Counts one word in one atomic step.</summary>
    public static void Count(ConcurrentDictionary<string, int> counts, string word)
    {
        counts.AddOrUpdate(word, 1, (_, n) => n + 1);
    }
}
