using System.Threading.Tasks;
using ThreadWise.Analyzers.Tests.Verifiers;
using ThreadWise.CodeFixes.Rules;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0015CheckThenActOnConcurrentCollectionAnalyzer>;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0015CheckThenActOnConcurrentCollectionAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0015CheckThenActOnConcurrentCollectionCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

public class TW0015CheckThenActOnConcurrentCollectionTests
{
    private static string InClass(string members) => $$"""
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class C
        {
            private readonly ConcurrentQueue<string> _queue = new();
            private readonly ConcurrentStack<string> _stack = new();
            private readonly ConcurrentBag<string> _bag = new();
            private readonly BlockingCollection<string> _jobs = new();
            private readonly ConcurrentDictionary<string, int> _counts = new();
            private readonly Channel<string> _channel = Channel.CreateUnbounded<string>();
            private readonly object _gate = new();
            static void Process(string s) { }

        {{members}}
        }
        """;

    // ---- positives (the docs' noncompliant examples first) ------------------------------------------------------

    [Fact]
    public Task Reports_IsEmpty_ThenTryDequeueIgnored()
    {
        var source = InClass("""
                void M()
                {
                    if (!{|#0:_queue.IsEmpty|})
                    {
                        _queue.TryDequeue(out var item);
                        Process(item);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments(
            "_queue.IsEmpty", "'TryDequeue' runs with its result ignored", "_queue",
            "when another consumer won, the item is used without having been taken; test the result of 'TryDequeue' instead of checking first"));
    }

    [Fact]
    public Task Reports_BlockingCount_ThenTake()
    {
        var source = InClass("""
                void M()
                {
                    if ([|_jobs.Count > 0|])
                    {
                        var job = _jobs.Take();
                        Process(job);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ContainsKey_ThenIndexerWrite()
    {
        var source = InClass("""
                void M(string key, int value)
                {
                    if (![|_counts.ContainsKey(key)|])
                    {
                        _counts[key] = value;
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_TryGetValue_ThenIndexerWriteOfOld()
    {
        var source = InClass("""
                void M(string word)
                {
                    if ([|_counts.TryGetValue(word, out var n)|])
                        _counts[word] = n + 1;
                    else
                        _counts[word] = 1;
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_WhileNotEmpty_TryDequeueUsedUnchecked()
    {
        var source = InClass("""
                void M()
                {
                    while ([|_queue.Count > 0|])
                    {
                        _queue.TryDequeue(out var item);
                        Process(item);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_EarlyReturn_ThenTryPop()
    {
        var source = InClass("""
                string M()
                {
                    if ([|_stack.IsEmpty|]) return null;
                    _stack.TryPop(out var top);
                    return top;
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ChannelReaderCount_ThenReadAsync()
    {
        var source = InClass("""
                async Task M()
                {
                    if ([|_channel.Reader.Count > 0|])
                    {
                        var item = await _channel.Reader.ReadAsync();
                        Process(item);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_Any_OnBag_ThenTryTakeIgnored_DiscardAssigned()
    {
        var source = InClass("""
                void M()
                {
                    if ([|_bag.Any()|])
                    {
                        _ = _bag.TryTake(out var item);
                        Process(item);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_Parameter_AndLocalCapturedByATask()
    {
        var source = InClass("""
                void M(ConcurrentQueue<string> shared)
                {
                    if (!{|#0:shared.IsEmpty|}) { shared.TryDequeue(out var a); Process(a); }

                    var local = new ConcurrentQueue<string>();
                    Task.Run(() => local.Enqueue("x"));
                    if (!{|#1:local.IsEmpty|}) { local.TryDequeue(out var b); Process(b); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments(
            "shared.IsEmpty", "'TryDequeue' runs with its result ignored", "shared",
            "when another consumer won, the item is used without having been taken; test the result of 'TryDequeue' instead of checking first"),
            Verify.Diagnostic().WithLocation(1).WithArguments(
            "local.IsEmpty", "'TryDequeue' runs with its result ignored", "local",
            "when another consumer won, the item is used without having been taken; test the result of 'TryDequeue' instead of checking first"));
    }

    [Fact]
    public Task Reports_InsideAParallelBody_LocalFromOutside()
    {
        var source = InClass("""
                void M(int[] ids)
                {
                    var work = new BlockingCollection<string>();
                    Parallel.ForEach(ids, id =>
                    {
                        if ([|work.Count != 0|]) Process(work.Take());
                    });
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- negatives ---------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_TryFormWithResultTested()
    {
        var source = InClass("""
                void M()
                {
                    if (_queue.TryDequeue(out var item)) Process(item);
                    while (_jobs.TryTake(out var job)) Process(job);
                    if (!_queue.IsEmpty && _queue.TryDequeue(out var again)) Process(again);
                    if (!_queue.IsEmpty)
                    {
                        if (_queue.TryDequeue(out var checkedItem)) Process(checkedItem);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_DrainWithDiscard()
    {
        var source = InClass("""
                void M()
                {
                    while (!_queue.IsEmpty) _queue.TryDequeue(out _);
                    if (_stack.Count > 0) _stack.TryPop(out _);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_AtomicDictionaryMembers()
    {
        var source = InClass("""
                void M(string key)
                {
                    _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
                    _counts.GetOrAdd(key, 0);
                    if (!_counts.ContainsKey(key)) _counts.TryAdd(key, 1);
                    if (_counts.TryGetValue(key, out var n)) _counts.TryUpdate(key, n + 1, n);
                    if (_counts.ContainsKey(key)) Console.WriteLine(_counts[key]);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_DifferentKeyOrCollection()
    {
        var source = InClass("""
                private readonly ConcurrentQueue<string> _other = new();
                void M(string key, string otherKey)
                {
                    if (!_counts.ContainsKey(key)) _counts[otherKey] = 1;
                    if (!_other.IsEmpty) { _queue.TryDequeue(out var item); Process(item); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CheckAndActUnderOneLock()
    {
        var source = InClass("""
                void M()
                {
                    lock (_gate)
                    {
                        if (!_queue.IsEmpty) { _queue.TryDequeue(out var item); Process(item); }
                    }

                    Monitor.Enter(_gate);
                    try
                    {
                        if (_jobs.Count > 0) Process(_jobs.Take());
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LocalOnlyThisThreadUses()
    {
        var source = InClass("""
                void M(IEnumerable<string> input)
                {
                    var local = new ConcurrentQueue<string>(input);
                    while (!local.IsEmpty) { local.TryDequeue(out var item); Process(item); }

                    Parallel.For(0, 4, i =>
                    {
                        var mine = new BlockingCollection<string>();
                        mine.Add("x");
                        if (mine.Count > 0) Process(mine.Take());
                    });
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CountThreshold_IsACap()
    {
        var source = InClass("""
                void M()
                {
                    if (_queue.Count > 100) { _queue.TryDequeue(out var dropped); Process(dropped); }
                    while (_bag.Count >= 10) { _bag.TryTake(out var extra); Process(extra); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ActInALambdaOrAfterANonLeavingIf()
    {
        var source = InClass("""
                void M()
                {
                    if (!_queue.IsEmpty) Task.Run(() => { _queue.TryDequeue(out var item); Process(item); });
                    if (_queue.IsEmpty) Console.WriteLine("empty");
                    _queue.TryDequeue(out var next);
                    Process(next);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_NonConcurrentCollections()
    {
        var source = InClass("""
                void M(Queue<string> plain, Dictionary<string, int> map, string key)
                {
                    if (plain.Count > 0) Process(plain.Dequeue());
                    if (!map.ContainsKey(key)) map[key] = 1;
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CompletedCheck_ThenTakeWithTimeout()
    {
        var source = InClass("""
                void M(CancellationToken token)
                {
                    while (!_jobs.IsCompleted)
                    {
                        if (_jobs.TryTake(out var job, 100, token)) Process(job);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_WriteWhereTryGetValueFound_Nothing_ReusesItsOutVariable()
    {
        // Shape from Orleans (GrainInterfaceTypeToGrainTypeResolver.TryGetGrainType): on the branch where TryGetValue
        // returned false its out variable holds default, not an entry; the write there fills the cache. The twins
        // write on the found branch, where the out variable is the old entry.
        var source = InClass("""
                bool TryGet(string key, out int result)
                {
                    result = default;
                    if (key.Length == 0)
                    {
                    }
                    else if (_counts.TryGetValue(key, out result))
                    {
                    }
                    else if (key.Length > 1)
                    {
                        if (key.Length > 2) result = key.Length;
                        _counts[key] = result;
                    }

                    return result != 0;
                }

                int Get(string key, string other)
                {
                    if (!_counts.TryGetValue(key, out var value))
                    {
                        value = value + key.Length;
                        _counts[key] = value;
                    }

                    if (_counts.TryGetValue(other, out var known)) return known;
                    _counts[other] = known + 1;
                    return value;
                }

                void Bump(string key)
                {
                    if (!{|TW0015:_counts.TryGetValue(key, out var n)|}) return;
                    _counts[key] = n + 1;
                }

                void BumpElse(string key)
                {
                    if (!{|TW0015:_counts.TryGetValue(key, out var n)|}) { } else _counts[key] = n + 1;
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CacheRefillIgnoringTheOldValue_AndDoubleCheckedUnderALock()
    {
        // Shapes from StackExchange.Redis (LuaScript.Prepare) and npgsql (TestBase.GetDataSource).
        var source = InClass("""
                private readonly ConcurrentDictionary<string, WeakReference> _cache = new();
                object Prepare(string script)
                {
                    if (!_cache.TryGetValue(script, out var weak) || weak.Target is not string ret)
                    {
                        ret = script.Trim();
                        _cache[script] = new WeakReference(ret);
                    }

                    return ret;
                }

                int Get(string key)
                {
                    if (!_counts.TryGetValue(key, out var value))
                    {
                        lock (_gate)
                        {
                            if (!_counts.TryGetValue(key, out value))
                            {
                                _counts[key] = value = key.Length;
                            }
                        }
                    }

                    return value;
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- fixes -------------------------------------------------------------------------------------------------

    [Fact]
    public Task Fix_IfNotEmpty_TryDequeueInCondition_KeepsComments()
    {
        var source = InClass("""
                void M()
                {
                    // drain one item
                    if (!{|TW0015:_queue.IsEmpty|})
                    {
                        _queue.TryDequeue(out var item); // take it
                        Process(item);
                    }
                }
            """);
        var fixedSource = InClass("""
                void M()
                {
                    // drain one item
                    if (_queue.TryDequeue(out var item))
                    {
                        // take it
                        Process(item);
                    }
                }
            """);
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0015CheckThenActOnConcurrentCollectionCodeFix.UseTryTakeKey);
    }

    [Fact]
    public Task Fix_TakeAndReadAsync_WhileAndEarlyReturn_NullKeyFixAll()
    {
        var source = InClass("""
                async Task<string> M()
                {
                    while ({|TW0015:_jobs.Count > 0|})
                    {
                        var job = _jobs.Take();
                        Process(job);
                    }

                    if ({|TW0015:_channel.Reader.Count > 0|})
                    {
                        string item = await _channel.Reader.ReadAsync();
                        Process(item);
                    }

                    if ({|TW0015:_stack.IsEmpty|})
                        return null;
                    _stack.TryPop(out var top);
                    return top;
                }
            """);
        var fixedSource = InClass("""
                async Task<string> M()
                {
                    while (_jobs.TryTake(out var job))
                    {
                        Process(job);
                    }

                    if (_channel.Reader.TryRead(out string item))
                    {
                        Process(item);
                    }

                    if (!_stack.TryPop(out var top))
                        return null;
                    return top;
                }
            """);
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_ContainsKey_BecomesTryAdd()
    {
        var source = InClass("""
                void M(string key, int value)
                {
                    // first writer wins
                    if (!{|TW0015:_counts.ContainsKey(key)|})
                    {
                        _counts[key] = value;
                    }
                    Process(key);
                }
            """);
        var fixedSource = InClass("""
                void M(string key, int value)
                {
                    // first writer wins
                    _counts.TryAdd(key, value);
                    Process(key);
                }
            """);
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task NoFix_WhenTheShapeDoesNotMapExactly()
    {
        var source = InClass("""
                void M(string key)
                {
                    if ({|TW0015:_counts.TryGetValue(key, out var n)|}) _counts[key] = n + 1;
                    if (!{|TW0015:_counts.ContainsKey(key)|}) _counts[key] = Environment.TickCount;
                    if (!{|TW0015:_queue.IsEmpty|})
                    {
                        Process("before");
                        _queue.TryDequeue(out var item);
                        Process(item);
                    }
                    if ({|TW0015:_jobs.Count > 0|} && key.Length > 0) Process(_jobs.Take());
                    if ({|TW0015:_queue.IsEmpty|})
                    {
                        _queue.TryDequeue(out var odd);
                        Process(odd);
                    }
                    _queue.TryDequeue(out var after);
                    Process(after);
                }
            """);
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public async Task Live_SquigglesAndOffersTheTryForm()
    {
        var source = InClass("""
                void M()
                {
                    if (!_queue.IsEmpty)
                    {
                        _queue.TryDequeue(out var item);
                        Process(item);
                    }
                }
            """);
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        Assert.Empty(live.Exceptions);
        var diagnostic = Assert.Single(live.Diagnostics, d => d.Id == "TW0015");
        var action = Assert.Single(await EditorHost.LightBulbAsync(live.Document, diagnostic));
        Assert.Contains("if (_queue.TryDequeue(out var item))", await EditorHost.ApplyAsync(live.Document, action), System.StringComparison.Ordinal);
    }
}
