using System.Collections.Concurrent;
using System.Threading;

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

/// <summary>What consumers did with the items they took.</summary>
internal sealed class Tally
{
    private int _items;
    private int _nothing;

    public int Items => _items;

    public int Nothing => _nothing;

    /// <summary>An item a consumer believes it took; null when another consumer had taken it first.</summary>
    public void Use(string? item)
    {
        if (item is null)
        {
            Interlocked.Increment(ref _nothing);
        }
        else
        {
            Interlocked.Increment(ref _items);
        }
    }
}
