using System.Threading.Tasks;
using ThreadWise.Analyzers.Tests.Verifiers;
using ThreadWise.CodeFixes.Rules;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0017CollectionMutatedConcurrentlyAnalyzer>;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0017CollectionMutatedConcurrentlyAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0017CollectionMutatedConcurrentlyCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

public class TW0017CollectionMutatedConcurrentlyTests
{
    private static string InClass(string members) => $$"""
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly Queue<int> _samples = new();
            private readonly List<int> _results = new();
            private readonly object _gate = new();
            private Timer _timer;
            static int Compute(int i) => i * 2;
            static string Download(string url) => url;

        {{members}}
        }
        """;

    // ---- positives (the docs' noncompliant examples first) ------------------------------------------------------

    [Fact]
    public Task Reports_ParallelForEach_ListAdd()
    {
        var source = InClass("""
                List<int> M(int[] items)
                {
                    var results = new List<int>();
                    Parallel.ForEach(items, item => {|#0:results.Add(Compute(item))|});
                    return results;
                }
            """);
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments(
            "Add", "List<T>", "results", "a Parallel.ForEach body, which runs on several threads at once"));
    }

    [Fact]
    public Task Reports_ParallelFor_DictionaryIndexerWrite()
    {
        var source = InClass("""
                void M(string[] words)
                {
                    var index = new Dictionary<string, int>();
                    Parallel.For(0, words.Length, i => [|index[words[i]] = i|]);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_TaskRunInALoop_NotWaitedPerIteration()
    {
        var source = InClass("""
                void M(string[] urls)
                {
                    var downloaded = new List<string>();
                    var tasks = new List<Task>();
                    foreach (var url in urls)
                    {
                        tasks.Add(Task.Run(() => {|#0:downloaded.Add(Download(url))|}));
                    }
                    Task.WaitAll(tasks.ToArray());
                }
            """);
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments(
            "Add", "List<T>", "downloaded", "a Task.Run body started in a loop without waiting, so the bodies run at the same time"));
    }

    [Fact]
    public Task Reports_TimerCallback_FieldQueue_AndElapsedHandler()
    {
        var source = InClass("""
                void Start(System.Timers.Timer other)
                {
                    _timer = new Timer(_ => [|_samples.Enqueue(Environment.TickCount)|], null, 0, 10);
                    other.Elapsed += (s, e) => [|_results.Clear()|];
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_NewThreadInALoop_HashSetField()
    {
        var source = InClass("""
                private readonly HashSet<int> _seen = new();
                void M(int n)
                {
                    for (var i = 0; i < n; i++)
                    {
                        var id = i;
                        new Thread(() => [|_seen.Add(id)|]).Start();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_StarterChangesTheListBeforeWaiting()
    {
        var source = InClass("""
                void M()
                {
                    var list = new List<int>();
                    var t = Task.Run(() => {|#0:list.Add(1)|});
                    list.Add(2);
                    t.Wait();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments(
            "Add", "List<T>", "list", "a Task.Run body while the code that started it changes it too (line 22)"));
    }

    [Fact]
    public Task Reports_ParallelInvoke_TwoActionsOneList_PlinqAndLocalFinally()
    {
        var source = InClass("""
                void M(int[] items)
                {
                    var shared = new List<int>();
                    Parallel.Invoke(() => [|shared.Add(1)|], () => [|shared.Remove(2)|], () => Console.WriteLine(shared.Count));
                    var squares = items.AsParallel().Select(x => { [|_results.Add(x)|]; return x * x; }).ToArray();
                    var all = new List<int>();
                    Parallel.For(0, 10, () => new List<int>(), (i, state, mine) => { mine.Add(i); return mine; }, mine => [|all.AddRange(mine)|]);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ParallelForEachAsync_StackPush()
    {
        var source = InClass("""
                async Task M(int[] items)
                {
                    var stack = new Stack<int>();
                    await Parallel.ForEachAsync(items, async (x, ct) => { await Task.Yield(); [|stack.Push(x)|]; });
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- negatives ---------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_ConcurrentAndImmutableCollections()
    {
        var source = InClass("""
                void M(int[] items)
                {
                    var bag = new ConcurrentBag<int>();
                    var map = new ConcurrentDictionary<int, int>();
                    var queue = new ConcurrentQueue<int>();
                    var immutable = ImmutableList<int>.Empty;
                    Parallel.ForEach(items, x => { bag.Add(x); map[x] = x; map.TryAdd(x, x); queue.Enqueue(x); immutable.Add(x); });
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_EveryWriterTakesALock()
    {
        var source = InClass("""
                void M(int[] items)
                {
                    var results = new List<int>();
                    Parallel.ForEach(items, x => { var v = Compute(x); lock (results) { results.Add(v); } });
                    Parallel.ForEach(items, x =>
                    {
                        Monitor.Enter(_gate);
                        try { _results.Add(x); }
                        finally { Monitor.Exit(_gate); }
                    });
                    _timer = new Timer(_ => { lock (_gate) _samples.Enqueue(1); }, null, 0, 10);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ThreadOwnedCollections()
    {
        var source = InClass("""
                [ThreadStatic] private static List<int> t_buffer;
                void M(int[] items)
                {
                    var all = new List<int>();
                    Parallel.For(0, 10, () => new List<int>(), (i, state, mine) => { mine.Add(i); return mine; }, mine => { lock (all) all.AddRange(mine); });
                    Parallel.ForEach(items, x => { var local = new List<int> { x }; local.Add(x); var d = new Dictionary<int, int>(); d[x] = x; });
                    Parallel.ForEach(items, x => { (t_buffer ??= new List<int>()).Clear(); t_buffer.Add(x); });
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_FilledBeforeStartAndAfterJoin()
    {
        var source = InClass("""
                async Task M(string[] urls)
                {
                    var list = new List<int>();
                    list.Add(0);
                    var t = Task.Run(() => list.Add(1));
                    t.Wait();
                    list.Add(2);

                    var other = new List<int>();
                    var thread = new Thread(() => other.Add(1));
                    other.Add(0);
                    thread.Start();
                    thread.Join();
                    other.Add(2);

                    var awaited = new List<string>();
                    foreach (var url in urls)
                    {
                        await Task.Run(() => awaited.Add(Download(url)));
                        var w = new Thread(() => awaited.Add(url));
                        w.Start();
                        w.Join();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_DistinctArraySlotsAndReads()
    {
        var source = InClass("""
                void M(int[] items, Dictionary<int, int> lookup)
                {
                    var squares = new int[items.Length];
                    Parallel.For(0, items.Length, i => squares[i] = items[i] * items[i]);
                    var slots = new List<int>(new int[items.Length]);
                    Parallel.For(0, items.Length, i => slots[i] = i);
                    Parallel.ForEach(items, x => { if (lookup.TryGetValue(x, out var v) && _results.Contains(v)) Console.WriteLine(v); });
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_SingleTaskAlone_ParallelInvokeOneWriter_PerIterationList()
    {
        var source = InClass("""
                void M(int[][] batches)
                {
                    var list = new List<int>();
                    Task.Run(() => list.Add(1));
                    var mine = new List<int>();
                    Parallel.Invoke(() => mine.Add(1), () => Console.WriteLine("other"));
                    foreach (var batch in batches)
                    {
                        var part = new List<int>();
                        Task.Run(() => part.AddRange(batch));
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_NestedLambdaAndMethodGroups()
    {
        var source = InClass("""
                void Tick(object state) => _samples.Enqueue(1);
                void M(int[] items)
                {
                    _timer = new Timer(Tick, null, 0, 10);
                    Parallel.ForEach(items, x => { lock (_gate) { items.ToList().ForEach(y => _results.Add(y)); } });
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_OneShotTimer_SerialParallelOptions_ChainedContinuations()
    {
        var source = InClass("""
                void M(int[] items, Task start)
                {
                    _timer = new Timer(_ => _samples.Enqueue(1), null, 1000, Timeout.Infinite);
                    var once = new Timer(_ => _results.Clear());
                    var later = new Timer(_ => _results.Add(1), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
                    var serial = new List<int>();
                    Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = 1 }, x => serial.Add(x));
                    var chain = start;
                    var log = new List<int>();
                    foreach (var item in items)
                    {
                        chain = chain.ContinueWith(_ => log.Add(item));
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- fixes -------------------------------------------------------------------------------------------------

    [Fact]
    public Task Fix_LockTheCollection_BlockAndExpressionBodies_NullKeyFixAll()
    {
        var source = InClass("""
                void M(int[] items, string[] words)
                {
                    var results = new List<int>();
                    Parallel.ForEach(items, item =>
                    {
                        var value = Compute(item);
                        {|TW0017:results.Add(value)|}; // keep me
                    });
                    var index = new Dictionary<string, int>();
                    Parallel.For(0, words.Length, i => {|TW0017:index[words[i]] = i|});
                }
            """);
        var fixedSource = InClass("""
                void M(int[] items, string[] words)
                {
                    var results = new List<int>();
                    Parallel.ForEach(items, item =>
                    {
                        var value = Compute(item);
                        lock (results)
                        {
                            results.Add(value); // keep me
                        }
                    });
                    var index = new Dictionary<string, int>();
                    Parallel.For(0, words.Length, i =>
                    {
                        lock (index)
                        {
                            index[words[i]] = i;
                        }
                    });
                }
            """);
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_ParallelForEachOneAdd_BecomesPlinq()
    {
        var source = InClass("""
                List<int> M(int[] items)
                {
                    var results = new List<int>();
                    // compute them all
                    Parallel.ForEach(items, item => {|TW0017:results.Add(Compute(item))|});
                    return results;
                }
            """);
        var fixedSource = InClass("""
                List<int> M(int[] items)
                {
                    var results = new List<int>();
                    // compute them all
                    results.AddRange(items.AsParallel().Select(item => Compute(item)));
                    return results;
                }
            """);
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0017CollectionMutatedConcurrentlyCodeFix.UsePlinqKey);
    }

    [Fact]
    public Task NoFix_WhenTheCollectionCanBeReplaced()
    {
        var source = InClass("""
                private List<int> _mutable = new();
                void M(int[] items)
                {
                    Parallel.ForEach(items, item => { {|TW0017:_mutable.Add(item)|}; Console.WriteLine(item); });
                    _mutable = new List<int>();
                }
            """);
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public async Task Live_SquigglesAndOffersTheLock()
    {
        var source = InClass("""
                void M(int[] items)
                {
                    Parallel.ForEach(items, item => { _results.Add(item); });
                }
            """);
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        Assert.Empty(live.Exceptions);
        var diagnostic = Assert.Single(live.Diagnostics, d => d.Id == "TW0017");
        var actions = await EditorHost.LightBulbAsync(live.Document, diagnostic);
        Assert.Equal("Lock '_results' around the change", actions[0].Title);
        Assert.Contains("lock (_results)", await EditorHost.ApplyAsync(live.Document, actions[0]), System.StringComparison.Ordinal);
    }
}
