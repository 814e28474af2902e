using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0010AcquireInsideTryAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0010: each claim of docs/rules/TW0010.md that the other test files did not prove, in the page's own words.</summary>
public class TW0010DocClaimsTests
{
    private static string InClass(string members) => $$"""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _sync = new object();
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private readonly Semaphore _pool = new Semaphore(2, 2);
            private readonly Mutex _mutex = new Mutex();
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private SpinLock _spin = new SpinLock(false);
            private int _balance;

            private void Work() { }

        {{members}}
        }
        """;

    // "ReaderWriterLockSlim.EnterReadLock/EnterWriteLock/EnterUpgradeableReadLock", "WaitOne() on a Mutex or a Semaphore",
    // "a timed wait given an infinite timeout (WaitOne(-1))", "await WaitAsync()" without a token.
    [Fact]
    public Task Reports_ReadAndUpgradeableLocks_SemaphoreWaitOne_InfiniteWaitOne_WaitAsyncWithoutToken()
    {
        var source = InClass("""
                public async Task M()
                {
                    try { {|TW0010:_rw.EnterReadLock()|}; Work(); } finally { _rw.ExitReadLock(); }
                    try { {|TW0010:_rw.EnterUpgradeableReadLock()|}; Work(); } finally { _rw.ExitUpgradeableReadLock(); }
                    try { {|TW0010:_pool.WaitOne()|}; Work(); } finally { _pool.Release(); }
                    try { {|TW0010:_mutex.WaitOne(-1)|}; Work(); } finally { _mutex.ReleaseMutex(); }
                    try { {|TW0010:_mutex.WaitOne(Timeout.Infinite)|}; Work(); } finally { _mutex.ReleaseMutex(); }
                    try { await {|TW0010:_gate.WaitAsync()|}; Work(); } finally { _gate.Release(); }
                    try { await {|TW0010:_gate.WaitAsync(Timeout.Infinite)|}; Work(); } finally { _gate.Release(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "The same lock is the same storage location of the lock object (_gate, this, other._sync)".
    [Fact]
    public Task Reports_LockOnThis_AndOnAnotherObjectsField()
    {
        var source = InClass("""
                public void M(C other)
                {
                    try { {|TW0010:Monitor.Enter(this)|}; Work(); } finally { Monitor.Exit(this); }
                    try { {|TW0010:Monitor.Enter(other._sync)|}; Work(); } finally { Monitor.Exit(other._sync); }
                    try { {|TW0010:other._gate.Wait()|}; Work(); } finally { other._gate.Release(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // Realistic variants of the first noncompliant example: in an async lambda, in an async local function, in a
    // synchronous Wait(ct), in a `for` loop body whose iteration owns the try.
    [Fact]
    public Task Reports_Variants_AsyncLocalFunction_TryInsideALoopBody()
    {
        var source = InClass("""
                public async Task M(int n, CancellationToken ct)
                {
                    await Save();
                    for (var i = 0; i < n; i++)
                    {
                        try
                        {
                            {|TW0010:_gate.Wait(ct)|};
                            Work();
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }

                    async Task Save()
                    {
                        try
                        {
                            await {|TW0010:_gate.WaitAsync(ct)|}.ConfigureAwait(false);
                            Work();
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "SpinLock.Enter(ref taken) with if (taken) ... in the finally" and "any flag set right after the acquisition and
    // tested in the finally" (SemaphoreSlim.Wait, Mutex.WaitOne).
    [Fact]
    public Task NoDiagnostic_SpinLockRefTaken_AndFlagsForOtherPrimitives()
    {
        var source = InClass("""
                public void M()
                {
                    bool taken = false;
                    try
                    {
                        _spin.Enter(ref taken);
                        Work();
                    }
                    finally
                    {
                        if (taken) _spin.Exit();
                    }

                    var owned = false;
                    try
                    {
                        _mutex.WaitOne();
                        owned = true;
                        Work();
                    }
                    finally
                    {
                        if (owned)
                        {
                            _mutex.ReleaseMutex();
                        }
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "an acquisition inside a loop ... within the try" in the `for`/`while` forms, not only `foreach`.
    [Fact]
    public Task NoDiagnostic_AcquisitionInForAndWhileLoopsWithinTheTry()
    {
        var source = InClass("""
                public void M(int n)
                {
                    try
                    {
                        for (var i = 0; i < n; i++)
                        {
                            _gate.Wait();
                            _balance++;
                            _gate.Release();
                        }
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    try
                    {
                        while (_balance < n)
                        {
                            Monitor.Enter(_sync);
                            _balance++;
                            Monitor.Exit(_sync);
                        }
                    }
                    finally
                    {
                        Monitor.Exit(_sync);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "a try-acquire (TryEnter, Wait(timeout), WaitAsync(timeout), WaitOne(timeout))": the synchronous Wait(timeout),
    // a TimeSpan timeout, Lock.TryEnter and ReaderWriterLockSlim.TryEnter… are TW0011's, not TW0010's.
    [Fact]
    public Task NoDiagnostic_MoreTryAcquires()
    {
        var source = InClass("""
                private readonly Lock _lk = new Lock();

                public void M()
                {
                    try { _gate.Wait(100); } finally { _gate.Release(); }
                    try { _gate.Wait(TimeSpan.FromSeconds(1)); } finally { _gate.Release(); }
                    try { _lk.TryEnter(); } finally { _lk.Exit(); }
                    try { _rw.TryEnterWriteLock(10); } finally { _rw.ExitWriteLock(); }
                    try { _pool.WaitOne(TimeSpan.FromMilliseconds(5)); } finally { _pool.Release(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "TW0005 reports the opposite mistake ... and is silent here": the page's noncompliant examples under TW0005.
    [Fact]
    public Task TW0005_IsSilentOnTheNoncompliantExamples()
    {
        var source = InClass("""
                private Task SaveAsync(CancellationToken ct) => Task.CompletedTask;

                public async Task SaveAllAsync(CancellationToken ct)
                {
                    try
                    {
                        await _gate.WaitAsync(ct);
                        await SaveAsync(ct);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                public void Withdraw(int amount)
                {
                    try
                    {
                        Monitor.Enter(_sync);
                        _balance -= amount;
                    }
                    finally
                    {
                        Monitor.Exit(_sync);
                    }
                }
            """);
        return ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0005ReleaseNotInFinallyAnalyzer>.VerifyAnalyzerAsync(source);
    }

    // "releases the same lock unconditionally": a release the finally always attempts inside a nested try (to swallow
    // ObjectDisposedException) or a nested block is still unconditional, and `this._gate` is the same storage as `_gate`.
    [Fact]
    public Task Reports_ReleaseInATryNestedInTheFinally_AndThisQualifiedLock()
    {
        var source = InClass("""
                public void M()
                {
                    try { {|TW0010:this._gate.Wait()|}; Work(); } finally { _gate.Release(); }
                    try { {|TW0010:_gate.Wait()|}; Work(); } finally { try { _gate.Release(); } catch (ObjectDisposedException) { } }
                    try { {|TW0010:Monitor.Enter(_sync)|}; Work(); } finally { { Console.WriteLine("exit"); Monitor.Exit(_sync); } }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // A release under a condition stays silent even inside a nested try of the finally.
    [Fact]
    public Task NoDiagnostic_ConditionalReleaseInATryNestedInTheFinally()
    {
        var source = InClass("""
                public void M()
                {
                    var acquired = false;
                    try { _gate.Wait(); acquired = true; Work(); }
                    finally { try { if (acquired) _gate.Release(); } catch (ObjectDisposedException) { } }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }
}
