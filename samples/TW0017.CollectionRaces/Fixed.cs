using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Samples.TW0017;

internal static class Fixed
{
    /// <summary>PLINQ builds the list: each thread works on its own part and the parts are joined safely.</summary>
    public static List<long> Squares(int[] numbers)
    {
        var results = new List<long>();
        results.AddRange(numbers.AsParallel().Select(n => (long)n * n));
        return results;
    }

    /// <summary>Every writer takes the one lock the list is.</summary>
    public static List<string> Pages(int pages, int linesPerPage)
    {
        var lines = new List<string>();
        var tasks = new List<Task>();
        for (var page = 0; page < pages; page++)
        {
            var current = page;
            tasks.Add(Task.Run(() =>
            {
                foreach (var line in PageSource.Read(current, linesPerPage))
                {
                    lock (lines)
                    {
                        lines.Add(line);
                    }
                }
            }));
        }

        Task.WaitAll(tasks.ToArray());
        return lines;
    }
}
