using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0015CheckThenActOnConcurrentCollectionAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0015: each claim of docs/rules/TW0015.md that the other test files did not prove, in the page's own words.</summary>
public class TW0015DocClaimsTests
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
            static void Process(string s) { }

        {{members}}
        }
        """;

    // The table's checks in their other spellings: IsEmpty on a stack and a bag, `Any()` on a queue, `Count` compared
    // with 0 or 1 (`>= 1`, `!= 0`, `0 < Count`), the cancellable Take and ReadAsync.
    [Fact]
    public Task Reports_OtherSpellingsOfTheChecks()
    {
        var source = InClass("""
                async Task M(CancellationToken ct)
                {
                    if (![|_stack.IsEmpty|]) { _stack.TryPop(out var a); Process(a); }
                    if (![|_bag.IsEmpty|]) { _bag.TryTake(out var b); Process(b); }
                    if ([|_queue.Any()|]) { _queue.TryDequeue(out var c); Process(c); }
                    if ([|_queue.Count >= 1|]) { _queue.TryDequeue(out var d); Process(d); }
                    if ([|_jobs.Count != 0|]) { Process(_jobs.Take(ct)); }
                    if ([|0 < _jobs.Count|]) { Process(_jobs.Take()); }
                    while ([|_channel.Reader.Count > 0|]) { Process(await _channel.Reader.ReadAsync(ct)); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "Also the shape that leaves early", for every kind of leaving and for the other collections of the table.
    [Fact]
    public Task Reports_LeavesEarly_ThrowContinueBreak()
    {
        var source = InClass("""
                void M(string key, int value)
                {
                    if ([|_jobs.Count == 0|]) throw new InvalidOperationException();
                    Process(_jobs.Take());

                    for (var i = 0; i < 10; i++)
                    {
                        if ([|_queue.IsEmpty|]) continue;
                        _queue.TryDequeue(out var item);
                        Process(item);
                    }

                    while (true)
                    {
                        if ([|_stack.Count == 0|]) break;
                        _stack.TryPop(out var top);
                        Process(top);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The ContainsKey row: "another thread added or removed the entry in between; its value is overwritten", in the
    // leave-early form.
    [Fact]
    public Task Reports_ContainsKey_LeaveEarly_ThenIndexerWrite()
    {
        var source = InClass("""
                void M(string key, int value)
                {
                    if ([|_counts.ContainsKey(key)|]) return;
                    _counts[key] = value;
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The docs' noncompliant examples as written (local names, a cache of another value type), in an async method.
    [Fact]
    public Task Reports_DocsExamples_AsWritten()
    {
        var source = InClass("""
                private readonly ConcurrentQueue<string> queue = new();
                private readonly BlockingCollection<string> jobs = new();
                private readonly ConcurrentDictionary<string, object> cache = new();
                private readonly ConcurrentDictionary<string, int> counts = new();
                static void Run(string job) { }

                async Task M(string key, object value, string word)
                {
                    await Task.Yield();
                    if (![|queue.IsEmpty|])
                    {
                        queue.TryDequeue(out var item);
                        Process(item);
                    }

                    if ([|jobs.Count > 0|])
                    {
                        var job = jobs.Take();
                        Run(job);
                    }

                    if (![|cache.ContainsKey(key)|])
                    {
                        cache[key] = value;
                    }

                    if ([|counts.TryGetValue(word, out var n)|])
                    {
                        counts[word] = n + 1;
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // Silent: the compliant examples as written, the `Count` compared with a number other than 0 or 1, TryPeek-based checks.
    [Fact]
    public Task NoDiagnostic_DocsCompliantExamples_AndOtherCounts()
    {
        var source = InClass("""
                private readonly object _gate = new();
                static void Use(int x) { }

                void M(string key, string word)
                {
                    if (_queue.TryDequeue(out var item)) Process(item);
                    if (_jobs.TryTake(out var job)) Process(job);
                    _counts.TryAdd(key, 1);
                    _counts.AddOrUpdate(word, 1, (_, n) => n + 1);
                    lock (_gate)
                    {
                        if (!_queue.IsEmpty)
                        {
                            _queue.TryDequeue(out var locked);
                            Process(locked);
                        }
                    }

                    var local = new ConcurrentQueue<int>();
                    if (!local.IsEmpty) { local.TryDequeue(out var x); Use(x); }

                    if (_queue.Count == 2) { _queue.TryDequeue(out var capped); Process(capped); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The seed's own examples (A11): `if (bc.Count > 0) bc.Take();` with the item thrown away still blocks forever.
    [Fact]
    public Task Reports_SeedExample_TakeAsAStatement()
    {
        var source = InClass("""
                void M(BlockingCollection<int> bc)
                {
                    if ([|bc.Count > 0|]) bc.Take();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "Reader.Count compared with 0" on a ChannelReader field, and the BlockingCollection of a parameter.
    [Fact]
    public Task Reports_ChannelReaderField_AndBlockingCollectionParameter()
    {
        var source = InClass("""
                private readonly ChannelReader<string> _reader = Channel.CreateUnbounded<string>().Reader;

                async Task M(BlockingCollection<string> work)
                {
                    if ([|_reader.Count > 0|]) Process(await _reader.ReadAsync());
                    while ([|work.Count > 0|]) Process(work.Take());
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The page's limit: "with its result thrown away" means a statement of its own or `_ =`; a result stored in a variable
    // that is never tested is not followed.
    [Fact]
    public Task NoDiagnostic_ResultStoredButNeverTested_NotFollowed()
    {
        var source = InClass("""
                void M()
                {
                    if (!_queue.IsEmpty) { var ok = _queue.TryDequeue(out var item); Process(item); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }
}
