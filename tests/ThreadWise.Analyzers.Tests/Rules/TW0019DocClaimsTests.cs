using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0019ThreadAffineLockHeldAtAwaitAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0019: each claim of docs/rules/TW0019.md that the other test files did not prove, in the page's own words.</summary>
public class TW0019DocClaimsTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    // The listed acquisitions the other tests do not name: "a successful lk.TryEnter(…)", "a successful timed WaitOne",
    // "EnterUpgradeableReadLock" and "the TryEnter… forms", Monitor.Enter(o, ref taken) with `if (!taken) return;`.
    [Fact]
    public Task Reports_SuccessfulTryForms_Upgradeable_RefTakenEarlyReturn()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _sync = new object();
                private readonly Lock _lk = new Lock();
                private readonly Mutex _mutex = new Mutex();
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();

                public async Task A()
                {
                    if (_lk.TryEnter(100))
                    {
                        try { {|TW0019:await Task.Yield()|}; }
                        finally { _lk.Exit(); }
                    }
                }

                public async Task B()
                {
                    if (!_mutex.WaitOne(100)) return;
                    try { {|TW0019:await Task.Delay(1)|}; }
                    finally { _mutex.ReleaseMutex(); }
                }

                public async Task D()
                {
                    _rw.EnterUpgradeableReadLock();
                    try { {|TW0019:await Task.Delay(1)|}; }
                    finally { _rw.ExitUpgradeableReadLock(); }
                }

                public async Task E()
                {
                    if (_rw.TryEnterWriteLock(50))
                    {
                        try { {|TW0019:await Task.Delay(1).ConfigureAwait(false)|}; }
                        finally { _rw.ExitWriteLock(); }
                    }
                }

                public async Task F()
                {
                    var taken = false;
                    Monitor.Enter(_sync, ref taken);
                    if (!taken) return;
                    try { {|TW0019:await Task.Delay(1)|}; }
                    finally { Monitor.Exit(_sync); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The first noncompliant example in an async lambda given to Task.Run, and the second with its indexer assignment.
    [Fact]
    public Task Reports_DocsExamples_InAsyncLambda_AndIndexerAssignment()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();
                private readonly ReaderWriterLockSlim _cacheLock = new ReaderWriterLockSlim();
                private readonly Dictionary<string, string> _cache = new();

                private static Task<string> LoadAsync(string key) => Task.FromResult(key);

                public Task Run() => Task.Run(async () =>
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        {|TW0019:await Task.Delay(10)|};
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                });

                public async Task RefreshAsync(string key)
                {
                    _cacheLock.EnterWriteLock();
                    try
                    {
                        _cache[key] = {|TW0019:await LoadAsync(key).ConfigureAwait(false)|};
                    }
                    finally
                    {
                        _cacheLock.ExitWriteLock();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // Silent: "Semaphore" (the kernel one) held across an await; a try-acquire that failed (the else side).
    [Fact]
    public Task NoDiagnostic_KernelSemaphore_AndTheFailedSide()
    {
        const string source = Usings + """
            class C
            {
                private readonly Semaphore _pool = new Semaphore(1, 1);
                private readonly object _sync = new object();

                public async Task A()
                {
                    _pool.WaitOne();
                    try { await Task.Delay(1); }
                    finally { _pool.Release(); }
                }

                public async Task B()
                {
                    if (!Monitor.TryEnter(_sync, 100))
                    {
                        await Task.Delay(1);
                        return;
                    }

                    try { Console.WriteLine(); }
                    finally { Monitor.Exit(_sync); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "an await reached in an async method": an async void method (an event handler) too.
    [Fact]
    public Task Reports_AsyncVoidMethod()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _sync = new object();

                private async void OnClick(object sender, EventArgs e)
                {
                    Monitor.Enter(_sync);
                    try { {|TW0019:await Task.Delay(1)|}; } finally { Monitor.Exit(_sync); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "branches, loops, ... try/catch/finally": awaits in a loop body and in a catch while a Lock is held.
    [Fact]
    public Task Reports_AwaitInALoop_AndInACatch_WhileTheLockIsHeld()
    {
        const string source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            class C
            {
                private readonly Lock _lk = new Lock();
                async Task M(int n)
                {
                    _lk.Enter();
                    try
                    {
                        for (var i = 0; i < n; i++) { {|TW0019:await Task.Delay(i)|}; }
                    }
                    catch (Exception)
                    {
                        {|TW0019:await Task.Delay(1)|};
                    }
                    finally { _lk.Exit(); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
