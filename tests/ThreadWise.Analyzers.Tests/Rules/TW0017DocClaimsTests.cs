using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0017CollectionMutatedConcurrentlyAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0017: each claim of docs/rules/TW0017.md that the other test files did not prove, in the page's own words.</summary>
public class TW0017DocClaimsTests
{
    private static string InClass(string members) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();
            static int Compute(int i) => i * 2;
            static string Download(string url) => url;
            static Task<string> DownloadAsync(string url) => Task.FromResult(url);

        {{members}}
        }
        """;

    // The listed collection types and changes: SortedDictionary, SortedList, SortedSet, LinkedList; Insert, RemoveAt,
    // Dequeue, Pop, TryAdd, AddRange.
    [Fact]
    public Task Reports_EveryListedCollectionType_AndChange()
    {
        var source = InClass("""
                void M(int[] items)
                {
                    var sorted = new SortedDictionary<int, int>();
                    var sortedList = new SortedList<int, int>();
                    var set = new SortedSet<int>();
                    var linked = new LinkedList<int>();
                    var list = new List<int>();
                    var queue = new Queue<int>();
                    var stack = new Stack<int>();
                    var map = new Dictionary<int, int>();
                    Parallel.ForEach(items, x =>
                    {
                        [|sorted[x] = x|];
                        [|sortedList.Add(x, x)|];
                        [|set.Add(x)|];
                        [|linked.AddLast(x)|];
                        [|list.Insert(0, x)|];
                        [|list.RemoveAt(0)|];
                        [|list.AddRange(items)|];
                        [|queue.Dequeue()|];
                        [|stack.Pop()|];
                        [|map.TryAdd(x, x)|];
                    });
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "a PLINQ delegate": ForAll, the most common PLINQ shape; "Parallel.ForAsync"; a parameter as the collection.
    [Fact]
    public Task Reports_PlinqForAll_ParallelForAsync_ParameterCollection()
    {
        var source = InClass("""
                async Task M(int[] items, List<int> results, HashSet<int> seen)
                {
                    items.AsParallel().ForAll(x => [|results.Add(x)|]);
                    await Parallel.ForAsync(0, 10, async (i, ct) => { await Task.Yield(); [|seen.Add(i)|]; });
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "a Task.Run/StartNew/QueueUserWorkItem ... body started in a loop that does not wait for it in the same
    // iteration": StartNew and QueueUserWorkItem in `for` and `while` loops, an async body, awaited with WhenAll after.
    [Fact]
    public Task Reports_StartNewQueueUserWorkItemAndAsyncBodies_InForAndWhileLoops()
    {
        var source = InClass("""
                private readonly Dictionary<string, string> _pages = new();

                async Task M(string[] urls)
                {
                    var tasks = new List<Task>();
                    var downloaded = new List<string>();
                    foreach (var url in urls)
                    {
                        tasks.Add(Task.Run(async () => { var page = await DownloadAsync(url); [|downloaded.Add(page)|]; }));
                    }

                    await Task.WhenAll(tasks);

                    for (var i = 0; i < urls.Length; i++)
                    {
                        var url = urls[i];
                        Task.Factory.StartNew(() => [|_pages[url] = Download(url)|]);
                    }

                    var n = 0;
                    while (n < urls.Length)
                    {
                        var url = urls[n++];
                        ThreadPool.QueueUserWorkItem(_ => [|_pages.Remove(url)|]);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "when the code that started it changes the same collection afterwards, before any wait": QueueUserWorkItem and
    // StartNew on a field.
    [Fact]
    public Task Reports_StarterChangesAfterQueueUserWorkItemAndStartNew()
    {
        var source = InClass("""
                private readonly List<int> _log = new();

                void M()
                {
                    ThreadPool.QueueUserWorkItem(_ => [|_log.Add(1)|]);
                    _log.Add(2);
                }

                void N()
                {
                    var t = Task.Factory.StartNew(() => [|_log.Clear()|]);
                    _log.Add(3);
                    t.Wait();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The docs' timer example as written, with a `System.Threading.Timer` field and a Sample type.
    [Fact]
    public Task Reports_DocsTimerExample_AsWritten()
    {
        var source = InClass("""
                private sealed class Sample { }
                private static Sample Read() => new Sample();
                private readonly Queue<Sample> _samples = new();
                private Timer? _timer;

                void Start()
                {
                    _timer = new Timer(_ => [|_samples.Enqueue(Read())|], null, 0, 10);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // Silent: "reads (Contains, TryGetValue, enumeration)", "tasks awaited or joined in the iteration that started them"
    // (Wait, Result), and a collection created inside the lambda, for every listed start.
    [Fact]
    public Task NoDiagnostic_ReadsEnumeration_WaitedPerIteration_CreatedInside()
    {
        var source = InClass("""
                private readonly List<int> _results = new();

                void M(string[] urls, int[] items)
                {
                    Parallel.ForEach(items, x => { foreach (var r in _results) Console.WriteLine(r + x); });
                    foreach (var url in urls)
                    {
                        Task.Run(() => _results.Add(url.Length)).Wait();
                        var length = Task.Run(() => { _results.Add(1); return url.Length; }).Result;
                        ThreadPool.QueueUserWorkItem(_ => { var mine = new List<string>(); mine.Add(url); });
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "the callback of a repeating System.Threading.Timer" with TimeSpan due time and period; silent with a TimeSpan
    // one-shot (Timeout.InfiniteTimeSpan period).
    [Fact]
    public Task TimerWithTimeSpans_RepeatingReported_OneShotSilent()
    {
        var source = InClass("""
                private readonly List<int> _ticks = new();
                private Timer? _repeating;
                private Timer? _once;

                void Start()
                {
                    _repeating = new Timer(_ => [|_ticks.Add(1)|], null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
                    _once = new Timer(_ => _ticks.Clear(), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The third noncompliant example with a `for` loop and `await Task.WhenAll` instead of foreach and WaitAll.
    [Fact]
    public Task Reports_TaskRunInAForLoop_AwaitedWithWhenAll()
    {
        var source = InClass("""
                async Task M(int n)
                {
                    var results = new List<int>();
                    var tasks = new List<Task>();
                    for (var i = 0; i < n; i++)
                    {
                        var k = i;
                        tasks.Add(Task.Run(() => [|results.Add(Compute(k))|]));
                    }

                    await Task.WhenAll(tasks);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // A field dictionary changed by Parallel.ForEach with a MaxDegreeOfParallelism above 1 and by a Parallel.For body
    // that takes the loop state.
    [Fact]
    public Task Reports_FieldDictionary_ParallelForEachWithOptions_ParallelForWithState()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            class C
            {
                private readonly Dictionary<int, int> _map = new();
                void M(int[] items)
                {
                    Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = 4 }, x => [|_map[x] = x|]);
                    Parallel.For(0, 10, (i, state) => { [|_map.Remove(i)|]; });
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
