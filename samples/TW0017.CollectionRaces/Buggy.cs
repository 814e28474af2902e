using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Samples.TW0017;

internal static class Buggy
{
    /// <summary>The square of every number, computed in parallel.</summary>
    public static List<long> Squares(int[] numbers)
    {
        var results = new List<long>();
        Parallel.ForEach(numbers, n => results.Add((long)n * n)); // expect: TW0017
        return results;
    }

    /// <summary>Every page's lines, one task per page.</summary>
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
                    lines.Add(line); // expect: TW0017
                }
            }));
        }

        Task.WaitAll(tasks.ToArray());
        return lines;
    }
}

/// <summary>Where the lines of a page come from (a file, a web page: here made up).</summary>
internal static class PageSource
{
    public static IEnumerable<string> Read(int page, int lines)
    {
        for (var i = 0; i < lines; i++)
        {
            yield return $"page {page} line {i}";
        }
    }
}
