using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0011TryAcquireResultIgnoredAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0011: each claim of docs/rules/TW0011.md that the other test files did not prove, in the page's own words.</summary>
public class TW0011DocClaimsTests
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
            private readonly Lock _lk = new Lock();
            private SpinLock _spin = new SpinLock(true);
            private int _balance;

            private void Work() { }

            private Task SaveAsync() => Task.CompletedTask;

        {{members}}
        }
        """;

    // The list of try-acquires: every form the page names, its result thrown away and a release following.
    [Fact]
    public Task Reports_EveryListedTryAcquire_ResultThrownAway()
    {
        var source = InClass("""
                public async Task M(CancellationToken ct)
                {
                    {|TW0011:Monitor.TryEnter(_sync)|};
                    try { Work(); } finally { Monitor.Exit(_sync); }
                    {|TW0011:Monitor.TryEnter(_sync, TimeSpan.FromMilliseconds(10))|};
                    try { Work(); } finally { Monitor.Exit(_sync); }
                    {|TW0011:_lk.TryEnter(10)|};
                    try { Work(); } finally { _lk.Exit(); }
                    {|TW0011:_gate.Wait(100, ct)|};
                    try { Work(); } finally { _gate.Release(); }
                    await {|TW0011:_gate.WaitAsync(TimeSpan.FromSeconds(1), ct)|};
                    try { Work(); } finally { _gate.Release(); }
                    {|TW0011:_pool.WaitOne(100)|};
                    try { Work(); } finally { _pool.Release(); }
                    {|TW0011:_rw.TryEnterReadLock(10)|};
                    try { Work(); } finally { _rw.ExitReadLock(); }
                    {|TW0011:_rw.TryEnterUpgradeableReadLock(10)|};
                    try { Work(); } finally { _rw.ExitUpgradeableReadLock(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "SpinLock.TryEnter(…, ref taken)" whose flag does not guard the release, and "Lock.TryEnter()" tested in an if
    // that the release is outside of.
    [Fact]
    public Task Reports_SpinLockRefFlagNotTested_LockTryEnterReleasedOutsideTheIf()
    {
        var source = InClass("""
                public void M()
                {
                    bool taken = false;
                    try
                    {
                        {|TW0011:_spin.TryEnter(10, ref taken)|};
                        Work();
                    }
                    finally
                    {
                        _spin.Exit();
                    }

                    if ({|TW0011:_lk.TryEnter()|})
                    {
                        Work();
                    }

                    _lk.Exit();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "the path on which it failed still reaches Exit/Release/ReleaseMutex ... through ... catch handlers".
    [Fact]
    public Task Reports_FailureReachesTheReleaseThroughACatch()
    {
        var source = InClass("""
                public void M()
                {
                    try
                    {
                        if (!{|TW0011:_gate.Wait(100)|}) throw new TimeoutException();
                        Work();
                    }
                    catch (TimeoutException)
                    {
                        Console.WriteLine("busy");
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // Silent: "if (!taken) { … return; }", "a source method whose body only throws", the held queries
    // "IsUpgradeableReadLockHeld", "IsHeldByCurrentThread", the checked form of SpinLock.
    [Fact]
    public Task NoDiagnostic_FlagTestedWithReturn_ThrowingMethod_HeldQueries_SpinLockChecked()
    {
        var source = InClass("""
                private static void Busy() => throw new TimeoutException();

                public void M1()
                {
                    var taken = _gate.Wait(100);
                    if (!taken)
                    {
                        Console.WriteLine("busy");
                        return;
                    }

                    try { Work(); } finally { _gate.Release(); }
                }

                public void M2()
                {
                    if (!_rw.TryEnterWriteLock(10)) Busy();
                    try { Work(); } finally { _rw.ExitWriteLock(); }
                }

                public void M3()
                {
                    _rw.TryEnterUpgradeableReadLock(10);
                    try { Work(); } finally { if (_rw.IsUpgradeableReadLockHeld) _rw.ExitUpgradeableReadLock(); }
                }

                public void M4()
                {
                    bool taken = false;
                    _spin.TryEnter(10, ref taken);
                    try { Work(); } finally { if (_spin.IsHeldByCurrentThread) _spin.Exit(); }
                }

                public void M5()
                {
                    bool taken = false;
                    try { _spin.TryEnter(10, ref taken); Work(); } finally { if (taken) _spin.Exit(); }
                }

                public void M6()
                {
                    _lk.TryEnter(5);
                    try { Work(); } finally { if (_lk.IsHeldByCurrentThread) _lk.Exit(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // Silent: "WaitOne(timeout) on an event (an event is not a lock)", even followed by a Set; a retry loop in the
    // `for` and `do` forms; the compliant examples in a lambda.
    [Fact]
    public Task NoDiagnostic_EventWaitOne_RetryLoopForms_CompliantInALambda()
    {
        var source = InClass("""
                private readonly AutoResetEvent _ready = new AutoResetEvent(false);

                public void M()
                {
                    _ready.WaitOne(100);
                    Work();
                    _ready.Set();

                    for (var tries = 0; !Monitor.TryEnter(_sync, 100); tries++) { Console.WriteLine(tries); }
                    try { Work(); } finally { Monitor.Exit(_sync); }

                    do { Console.WriteLine("waiting"); } while (!_gate.Wait(100));
                    try { Work(); } finally { _gate.Release(); }

                    Task.Run(async () =>
                    {
                        if (await _gate.WaitAsync(TimeSpan.FromSeconds(1)))
                        {
                            try { await SaveAsync(); } finally { _gate.Release(); }
                        }
                    });
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // Silent: "the ref bool lockTaken forms" with the flag tested before the try, and an awaited result stored and tested
    // in the finally ("the result stored in a flag that is tested before the release").
    [Fact]
    public Task NoDiagnostic_RefFlagTestedAroundTheTry_AwaitedResultTestedInFinally()
    {
        var source = InClass("""
                public void M()
                {
                    bool lockTaken = false;
                    Monitor.TryEnter(_sync, 100, ref lockTaken);
                    if (lockTaken)
                    {
                        try { Work(); } finally { Monitor.Exit(_sync); }
                    }
                }

                public async Task N()
                {
                    var acquired = await _gate.WaitAsync(1000);
                    try { Work(); } finally { if (acquired) _gate.Release(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }
}
