using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0010AcquireInsideTryAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0010 analyzer: an acquisition inside the try whose finally releases it unconditionally (positives) and correct code.</summary>
public class TW0010AcquireInsideTryTests
{
    private static object[] Args(string acquire, string release, int line) => new object[] { acquire, release, line.ToString() };

    private static string InClass(string members) => $$"""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _sync = new object();
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private readonly Mutex _mutex = new Mutex();
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private readonly Lock _lk = new Lock();
            private int _balance;

            private void Work() { }

            private Task SaveAsync(CancellationToken ct) => Task.CompletedTask;

        {{members}}
        }
        """;

    // ---- docs examples and other positives -------------------------------------------------------------------

    [Fact]
    public Task Reports_DocsExample_WaitAsyncInsideTry()
    {
        var source = InClass("""
                public async Task SaveAllAsync(CancellationToken ct)
                {
                    try
                    {
                        await {|#0:_gate.WaitAsync(ct)|};
                        await SaveAsync(ct);
                    }
                    finally
                    {
                        {|#1:_gate.Release()|};
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Args("_gate.WaitAsync(ct)", "_gate.Release()", 27)));
    }

    [Fact]
    public Task Reports_DocsExample_MonitorEnterInsideTry()
    {
        var source = InClass("""
                public void Withdraw(int amount)
                {
                    try
                    {
                        {|#0:Monitor.Enter(_sync)|};
                        _balance -= amount;
                    }
                    finally
                    {
                        {|#1:Monitor.Exit(_sync)|};
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Args("Monitor.Enter(_sync)", "Monitor.Exit(_sync)", 27)));
    }

    [Fact]
    public Task Reports_EveryPrimitive()
    {
        var source = InClass("""
                public async Task RunAsync(CancellationToken ct)
                {
                    try { {|#0:_gate.Wait(ct)|}; Work(); } finally { {|#1:_gate.Release()|}; }
                    try { {|#2:_mutex.WaitOne()|}; Work(); } finally { {|#3:_mutex.ReleaseMutex()|}; }
                    try { {|#4:_rw.EnterWriteLock()|}; Work(); } finally { {|#5:_rw.ExitWriteLock()|}; }
                    try { {|#6:_lk.Enter()|}; Work(); } finally { {|#7:_lk.Exit()|}; }
                    try { await {|#8:_gate.WaitAsync(ct)|}.ConfigureAwait(false); Work(); } finally { {|#9:_gate.Release()|}; }
                    try { {|#10:_gate.Wait(Timeout.Infinite, ct)|}; Work(); } finally { {|#11:_gate.Release()|}; }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Args("_gate.Wait(ct)", "_gate.Release()", 20)),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithArguments(Args("_mutex.WaitOne()", "_mutex.ReleaseMutex()", 21)),
            Verify.Diagnostic().WithLocation(4).WithLocation(5).WithArguments(Args("_rw.EnterWriteLock()", "_rw.ExitWriteLock()", 22)),
            Verify.Diagnostic().WithLocation(6).WithLocation(7).WithArguments(Args("_lk.Enter()", "_lk.Exit()", 23)),
            Verify.Diagnostic().WithLocation(8).WithLocation(9).WithArguments(Args("_gate.WaitAsync(ct)", "_gate.Release()", 24)),
            Verify.Diagnostic().WithLocation(10).WithLocation(11).WithArguments(Args("_gate.Wait(Timeout.Infinite, ct)", "_gate.Release()", 25)));
    }

    [Fact]
    public Task Reports_AcquireAfterOtherCode_AndUnderACondition()
    {
        var source = InClass("""
                public void M(bool fast)
                {
                    try
                    {
                        Work();
                        {|#0:Monitor.Enter(_sync)|};
                        _balance++;
                    }
                    finally
                    {
                        {|#1:Monitor.Exit(_sync)|};
                    }

                    try
                    {
                        if (!fast)
                        {
                            {|#2:_gate.Wait()|};
                        }
                    }
                    catch (ObjectDisposedException)
                    {
                    }
                    finally
                    {
                        Console.WriteLine("done");
                        {|#3:_gate.Release()|};
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Args("Monitor.Enter(_sync)", "Monitor.Exit(_sync)", 28)),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithArguments(Args("_gate.Wait()", "_gate.Release()", 44)));
    }

    [Fact]
    public Task Reports_InLambda_AndTopLevel()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            var gate = new SemaphoreSlim(1);
            await Task.Run(async () =>
            {
                try
                {
                    await {|#0:gate.WaitAsync()|};
                }
                finally
                {
                    {|#1:gate.Release()|};
                }
            });
            """;
        return Verify.VerifyProgramAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Args("gate.WaitAsync()", "gate.Release()", 13)));
    }

    // ---- negatives -------------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_DocsExamples_AcquireBeforeTry_AndFlags()
    {
        var source = InClass("""
                public async Task SaveAllAsync(CancellationToken ct)
                {
                    await _gate.WaitAsync(ct);
                    try
                    {
                        await SaveAsync(ct);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                public void Withdraw(int amount)
                {
                    bool taken = false;
                    try
                    {
                        Monitor.Enter(_sync, ref taken);
                        _balance -= amount;
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(_sync);
                    }
                }

                public async Task FlagAsync(CancellationToken ct)
                {
                    var acquired = false;
                    try
                    {
                        await _gate.WaitAsync(ct);
                        acquired = true;
                        await SaveAsync(ct);
                    }
                    finally
                    {
                        if (acquired) _gate.Release();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_NestedLocks_EachReleasedByItsOwnFinally()
    {
        var source = InClass("""
                private readonly SemaphoreSlim _other = new SemaphoreSlim(1, 1);

                public void M()
                {
                    _gate.Wait();
                    try
                    {
                        _other.Wait();
                        try { Work(); }
                        finally { _other.Release(); }
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LoopLambdaLocalFunctionHelperRelease()
    {
        var source = InClass("""
                private void Unlock() => _gate.Release();

                public void M(int[] items)
                {
                    try
                    {
                        foreach (var item in items)
                        {
                            _gate.Wait();
                            _balance += item;
                            _gate.Release();
                        }
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    try
                    {
                        Task.Run(() => _gate.Wait());
                        void Take() => _gate.Wait();
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    try
                    {
                        _gate.Wait();
                    }
                    finally
                    {
                        Unlock();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TryAcquiresAreTW0011s()
    {
        var source = InClass("""
                public async Task M(CancellationToken ct)
                {
                    try { Monitor.TryEnter(_sync, 10); } finally { Monitor.Exit(_sync); }
                    try { await _gate.WaitAsync(100, ct); } finally { _gate.Release(); }
                    try { _mutex.WaitOne(50); } finally { _mutex.ReleaseMutex(); }
                    bool taken = false;
                    try { Monitor.Enter(_sync, ref taken); } finally { Monitor.Exit(_sync); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReleaseInCatchOrInFinallyOfAnotherTry()
    {
        var source = InClass("""
                public void M()
                {
                    try
                    {
                        _gate.Wait();
                        Work();
                    }
                    catch (Exception)
                    {
                        _gate.Release();
                        throw;
                    }

                    _gate.Release();

                    try
                    {
                        Work();
                    }
                    finally
                    {
                        Monitor.Enter(_sync);
                        Monitor.Exit(_sync);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ConditionalReleaseInFinally()
    {
        var source = InClass("""
                private readonly bool _threadSafe = true;

                public void M()
                {
                    try
                    {
                        if (_threadSafe) Monitor.Enter(_sync);
                        _balance++;
                    }
                    finally
                    {
                        if (_threadSafe) Monitor.Exit(_sync);
                    }

                    try
                    {
                        _rw.EnterReadLock();
                        Work();
                    }
                    finally
                    {
                        if (_rw.IsReadLockHeld) _rw.ExitReadLock();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_DifferentModeOrDifferentObject()
    {
        var source = InClass("""
                public void M(C other)
                {
                    try { _rw.EnterReadLock(); } finally { _rw.ExitWriteLock(); }
                    try { other._gate.Wait(); } finally { _gate.Release(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TaskNotAwaited()
    {
        var source = InClass("""
                public async Task M()
                {
                    Task pending;
                    try
                    {
                        pending = _gate.WaitAsync();
                    }
                    finally
                    {
                        Work();
                    }

                    await pending;
                    try { Work(); } finally { _gate.Release(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_RealCodeShapes_CatchOnlyAroundTheWait_FinallyThatCountsWaiters()
    {
        var source = InClass("""
                private int _waiting;

                public async Task LoadOneAsync(CancellationToken ct)
                {
                    try { await _gate.WaitAsync(ct); }
                    catch (OperationCanceledException) { return; }
                    try
                    {
                        await SaveAsync(ct);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                public async Task EnterAsync(CancellationToken ct)
                {
                    Interlocked.Increment(ref _waiting);
                    try { await _gate.WaitAsync(ct); }
                    finally { Interlocked.Decrement(ref _waiting); }
                }

                public void Exit() => _gate.Release();

                public async Task DrainAsync(int permits)
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    for (var i = 0; i < permits; i++)
                    {
                        try { await _gate.WaitAsync(cts.Token).ConfigureAwait(false); }
                        catch (OperationCanceledException) { break; }
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }
}
