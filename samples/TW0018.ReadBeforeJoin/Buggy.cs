using System.Threading;
using System.Threading.Tasks;

namespace Samples.TW0018;

internal static class Buggy
{
    private static readonly object Gate = new();

    /// <summary>The course: two threads add to one counter under a lock, and the total is read right after start().</summary>
    public static int Count(int perThread)
    {
        var num = 0;
        var p1 = new Thread(() => { for (var i = 0; i < perThread; i++) { lock (Gate) { num++; } } });
        var p2 = new Thread(() => { for (var i = 0; i < perThread; i++) { lock (Gate) { num++; } } });
        p1.Start();
        p2.Start();
        var total = num; // expect: TW0018
        p1.Join();
        p2.Join();
        return total;
    }

    /// <summary>The longest word, searched on the pool.</summary>
    public static string Longest(string[] words)
    {
        var longest = "";
        var search = Task.Run(() =>
        {
            foreach (var word in words)
            {
                if (word.Length > longest.Length)
                {
                    longest = word;
                }
            }
        });
        var found = longest; // expect: TW0018
        search.Wait();
        return found;
    }
}
