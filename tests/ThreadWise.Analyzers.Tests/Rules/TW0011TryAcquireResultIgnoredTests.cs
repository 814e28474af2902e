using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0011TryAcquireResultIgnoredAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0011 analyzer: a path where the try-acquire failed reaches the release (positives) and correct code (negatives).</summary>
public class TW0011TryAcquireResultIgnoredTests
{
    private static object[] Ignored(string call, string release, int line) => new object[] { call, "is ignored", release, line.ToString() };

    private static object[] Unguarded(string call, string release, int line) => new object[] { call, "does not guard the release", release, line.ToString() };

    private static string InClass(string members, string usings = "") => $$"""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        {{usings}}
        class C
        {
            private readonly object _sync = new object();
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private readonly Mutex _mutex = new Mutex();
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private readonly Lock _lk = new Lock();
            private int _balance;

            private void Work() { }

            private Task SaveAsync() => Task.CompletedTask;

        {{members}}
        }
        """;

    // ---- docs examples (noncompliant) ---------------------------------------------------------------------------

    [Fact]
    public Task Reports_DocsExample_MonitorTryEnterIgnored()
    {
        var source = InClass("""
                public void Withdraw(int amount)
                {
                    {|#0:Monitor.TryEnter(_sync, 100)|};
                    try
                    {
                        _balance -= amount;
                    }
                    finally
                    {
                        {|#1:Monitor.Exit(_sync)|};
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Ignored("Monitor.TryEnter(_sync, 100)", "Monitor.Exit(_sync)", 27)));
    }

    [Fact]
    public Task Reports_DocsExample_AwaitedWaitAsyncWithTimeoutIgnored()
    {
        var source = InClass("""
                public async Task SaveAllAsync()
                {
                    await {|#0:_gate.WaitAsync(TimeSpan.FromSeconds(1))|};
                    try
                    {
                        await SaveAsync();
                    }
                    finally
                    {
                        {|#1:_gate.Release()|};
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Ignored("_gate.WaitAsync(TimeSpan.FromSeconds(1))", "_gate.Release()", 27)));
    }

    [Fact]
    public Task Reports_DocsExample_MutexReleasedOutsideTheIf()
    {
        var source = InClass("""
                public void Write()
                {
                    if ({|#0:_mutex.WaitOne(500)|})
                    {
                        Work();
                    }

                    {|#1:_mutex.ReleaseMutex()|};
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Unguarded("_mutex.WaitOne(500)", "_mutex.ReleaseMutex()", 25)));
    }

    [Fact]
    public Task Reports_DocsExample_FlagNeverTested()
    {
        var source = InClass("""
                public void Run()
                {
                    bool taken = {|#0:_gate.Wait(100)|};
                    try
                    {
                        Work();
                    }
                    finally
                    {
                        {|#1:_gate.Release()|};
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Unguarded("_gate.Wait(100)", "_gate.Release()", 27)));
    }

    // ---- more positives ------------------------------------------------------------------------------------------

    [Fact]
    public Task Reports_ConfigureAwaitAndCancellationToken()
    {
        var source = InClass("""
                public async Task RunAsync(CancellationToken ct)
                {
                    await {|#0:_gate.WaitAsync(250, ct)|}.ConfigureAwait(false);
                    await SaveAsync().ConfigureAwait(false);
                    {|#1:_gate.Release()|};
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Ignored("_gate.WaitAsync(250, ct)", "_gate.Release()", 22)));
    }

    [Fact]
    public Task Reports_DiscardAssignment()
    {
        var source = InClass("""
                public void Run()
                {
                    _ = {|#0:_mutex.WaitOne(TimeSpan.FromMilliseconds(200))|};
                    Work();
                    {|#1:_mutex.ReleaseMutex()|};
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Ignored("_mutex.WaitOne(...)", "_mutex.ReleaseMutex()", 22)));
    }

    [Fact]
    public Task Reports_ReaderWriterTryEnterWriteLockIgnored()
    {
        var source = InClass("""
                public void Update()
                {
                    {|#0:_rw.TryEnterWriteLock(50)|};
                    try { _balance++; }
                    finally { {|#1:_rw.ExitWriteLock()|}; }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Ignored("_rw.TryEnterWriteLock(50)", "_rw.ExitWriteLock()", 22)));
    }

    [Fact]
    public Task Reports_LockTryEnterIgnored()
    {
        var source = InClass("""
                public void Update()
                {
                    {|#0:_lk.TryEnter()|};
                    _balance++;
                    {|#1:_lk.Exit()|};
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Ignored("_lk.TryEnter()", "_lk.Exit()", 22)));
    }

    [Fact]
    public Task Reports_TryAcquireInsideTryWhoseFinallyReleases()
    {
        var source = InClass("""
                public void Update()
                {
                    try
                    {
                        {|#0:Monitor.TryEnter(_sync, 10)|};
                        _balance++;
                    }
                    finally
                    {
                        {|#1:Monitor.Exit(_sync)|};
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Ignored("Monitor.TryEnter(_sync, 10)", "Monitor.Exit(_sync)", 27)));
    }

    [Fact]
    public Task Reports_ThrowOnFailureInsideTheTryWhoseFinallyReleases()
    {
        var source = InClass("""
                public void Update()
                {
                    try
                    {
                        if (!{|#0:_gate.Wait(100)|})
                        {
                            throw new TimeoutException();
                        }

                        Work();
                    }
                    finally
                    {
                        {|#1:_gate.Release()|};
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Unguarded("_gate.Wait(100)", "_gate.Release()", 31)));
    }

    [Fact]
    public Task Reports_FailureOnlyLogged()
    {
        var source = InClass("""
                public void Update()
                {
                    if (!{|#0:Monitor.TryEnter(_sync, 100)|})
                    {
                        Console.WriteLine("busy, going on anyway");
                    }

                    Work();
                    {|#1:Monitor.Exit(_sync)|};
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Unguarded("Monitor.TryEnter(_sync, 100)", "Monitor.Exit(_sync)", 26)));
    }

    [Fact]
    public Task Reports_RefFlagNotTestedInFinally()
    {
        var source = InClass("""
                public void Update()
                {
                    bool taken = false;
                    try
                    {
                        {|#0:Monitor.TryEnter(_sync, 100, ref taken)|};
                        Work();
                    }
                    finally
                    {
                        {|#1:Monitor.Exit(_sync)|};
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Unguarded("Monitor.TryEnter(_sync, 100, ref taken)", "Monitor.Exit(_sync)", 28)));
    }

    [Fact]
    public Task Reports_InsideLambda()
    {
        var source = InClass("""
                public Task Run() => Task.Run(() =>
                {
                    {|#0:_gate.Wait(TimeSpan.FromSeconds(2))|};
                    Work();
                    {|#1:_gate.Release()|};
                });
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Ignored("_gate.Wait(TimeSpan.FromSeconds(2))", "_gate.Release()", 22)));
    }

    [Fact]
    public Task Reports_SemaphoreWaitOneIgnored_TopLevel()
    {
        const string source = """
            using System.Threading;

            var pool = new Semaphore(2, 2);
            {|#0:pool.WaitOne(1000)|};
            System.Console.WriteLine("working");
            {|#1:pool.Release()|};
            """;
        return Verify.VerifyProgramAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Ignored("pool.WaitOne(1000)", "pool.Release()", 6)));
    }

    // ---- negatives -----------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_DocsExample_ThrowWhenNotAcquired()
    {
        var source = InClass("""
                public void Withdraw(int amount)
                {
                    if (!Monitor.TryEnter(_sync, 100))
                    {
                        throw new TimeoutException("'_sync' was not acquired within 100 ms");
                    }

                    try
                    {
                        _balance -= amount;
                    }
                    finally
                    {
                        Monitor.Exit(_sync);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_DocsExample_CheckedWaitAsync()
    {
        var source = InClass("""
                public async Task SaveAllAsync()
                {
                    if (await _gate.WaitAsync(TimeSpan.FromSeconds(1)))
                    {
                        try
                        {
                            await SaveAsync();
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

    [Fact]
    public Task NoDiagnostic_DocsExample_FlagTestedInFinally()
    {
        var source = InClass("""
                public void Run()
                {
                    bool taken = false;
                    try
                    {
                        taken = _gate.Wait(100);
                        if (taken)
                        {
                            Work();
                        }
                    }
                    finally
                    {
                        if (taken) _gate.Release();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_DocsExample_SignalWithTimeout()
    {
        var source = InClass("""
                private readonly SemaphoreSlim _wakeUp = new SemaphoreSlim(0);

                public async Task PollAsync(CancellationToken ct)
                {
                    while (!await _wakeUp.WaitAsync(TimeSpan.FromSeconds(5), ct))
                    {
                        Work();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReturnWhenNotAcquired_ThenTryFinally()
    {
        var source = InClass("""
                public bool TryUpdate()
                {
                    if (!_gate.Wait(0)) return false;
                    try { Work(); return true; }
                    finally { _gate.Release(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TryEnterWithElse()
    {
        var source = InClass("""
                public void Update()
                {
                    if (Monitor.TryEnter(_sync))
                    {
                        try { _balance++; }
                        finally { Monitor.Exit(_sync); }
                    }
                    else
                    {
                        Console.WriteLine("busy");
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_StoredFlagTestedBeforeRelease()
    {
        var source = InClass("""
                public void Update()
                {
                    var gotLock = Monitor.TryEnter(_sync, 1000);
                    if (!gotLock)
                    {
                        Console.WriteLine("could not lock");
                        return;
                    }

                    try { Work(); }
                    finally { Monitor.Exit(_sync); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_RefFlagTestedInFinally()
    {
        var source = InClass("""
                private SpinLock _spin = new SpinLock(false);

                public void Update()
                {
                    bool taken = false;
                    try
                    {
                        Monitor.TryEnter(_sync, 100, ref taken);
                        if (!taken) return;
                        Work();
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(_sync);
                    }
                }

                public void Spin()
                {
                    bool taken = false;
                    try
                    {
                        _spin.TryEnter(10, ref taken);
                        if (taken) _balance++;
                    }
                    finally
                    {
                        if (taken) _spin.Exit();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_RetryLoopUntilAcquired()
    {
        var source = InClass("""
                public void Update()
                {
                    while (!Monitor.TryEnter(_sync, 100))
                    {
                        Console.WriteLine("still waiting");
                    }

                    try { Work(); }
                    finally { Monitor.Exit(_sync); }
                }

                public void Update2()
                {
                    var acquired = false;
                    while (!acquired)
                    {
                        acquired = _gate.Wait(100);
                    }

                    try { Work(); }
                    finally { _gate.Release(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_FallBackToBlockingWait()
    {
        var source = InClass("""
                public async Task UpdateAsync()
                {
                    if (!_gate.Wait(0))
                    {
                        await _gate.WaitAsync();
                    }

                    try { await SaveAsync(); }
                    finally { _gate.Release(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ThrowHelperOnFailure()
    {
        var source = InClass("""
                private static void ThrowTimeout() => throw new TimeoutException();

                private static void ThrowBusy(string name)
                {
                    Console.WriteLine(name);
                    throw new InvalidOperationException(name);
                }

                [System.Diagnostics.CodeAnalysis.DoesNotReturn]
                private static void Fail() => Environment.FailFast("no lock");

                public void Update()
                {
                    if (!Monitor.TryEnter(_sync, 100)) ThrowTimeout();
                    try { Work(); } finally { Monitor.Exit(_sync); }
                }

                public void Update2()
                {
                    if (!_gate.Wait(100)) { ThrowBusy("gate"); }
                    try { Work(); } finally { _gate.Release(); }
                }

                public void Update3()
                {
                    if (!_mutex.WaitOne(100)) Fail();
                    try { Work(); } finally { _mutex.ReleaseMutex(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ResultPassedOn()
    {
        var source = InClass("""
                private static void Check(bool condition) { if (!condition) throw new TimeoutException(); }

                public void Update()
                {
                    Check(_gate.Wait(1000));
                    try { Work(); } finally { _gate.Release(); }
                }

                public void Update2()
                {
                    var acquired = _gate.Wait(1000);
                    Check(acquired);
                    try { Work(); } finally { _gate.Release(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_InfiniteTimeouts()
    {
        var source = InClass("""
                public void Update(CancellationToken ct)
                {
                    _gate.Wait(Timeout.Infinite);
                    try { Work(); } finally { _gate.Release(); }
                    _gate.Wait(-1, ct);
                    try { Work(); } finally { _gate.Release(); }
                    _mutex.WaitOne(Timeout.InfiniteTimeSpan);
                    try { Work(); } finally { _mutex.ReleaseMutex(); }
                    Monitor.TryEnter(_sync, Timeout.Infinite);
                    try { Work(); } finally { Monitor.Exit(_sync); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_BlockingAcquiresAndFlaggedEnter()
    {
        var source = InClass("""
                public async Task UpdateAsync(CancellationToken ct)
                {
                    _gate.Wait();
                    try { Work(); } finally { _gate.Release(); }
                    await _gate.WaitAsync(ct);
                    try { Work(); } finally { _gate.Release(); }
                    bool taken = false;
                    try { Monitor.Enter(_sync, ref taken); Work(); }
                    finally { if (taken) Monitor.Exit(_sync); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_NoReleaseInThisBody()
    {
        var source = InClass("""
                private readonly ManualResetEvent _stop = new ManualResetEvent(false);

                public bool TryAcquire(int timeout) => Monitor.TryEnter(_sync, timeout);

                public void Release() => Monitor.Exit(_sync);

                public void Loop()
                {
                    while (true)
                    {
                        Work();
                        _stop.WaitOne(1000);
                        _gate.Wait(100);
                    }
                }

                public void HandOff()
                {
                    _gate.Wait(100);
                    Task.Run(() => _gate.Release());
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReleaseOfAnotherLock()
    {
        var source = InClass("""
                private readonly SemaphoreSlim _other = new SemaphoreSlim(1, 1);

                public void Update()
                {
                    _other.Wait(100);
                    _gate.Wait();
                    try { Work(); } finally { _gate.Release(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_AcquireHelperReturningTheResult()
    {
        var source = InClass("""
                public bool TryRun()
                {
                    if (!_gate.Wait(10))
                    {
                        return false;
                    }

                    if (_balance < 0)
                    {
                        _gate.Release();
                        return false;
                    }

                    return true;
                }

                public bool TryRunFlag()
                {
                    bool lockTaken = false;
                    try
                    {
                        lockTaken = Monitor.TryEnter(_sync, 5);
                        if (lockTaken)
                        {
                            Work();
                            return true;
                        }

                        return false;
                    }
                    finally
                    {
                        if (lockTaken)
                        {
                            Monitor.Exit(_sync);
                        }
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TaskStoredForLater()
    {
        var source = InClass("""
                public async Task UpdateAsync()
                {
                    var pending = _gate.WaitAsync(100);
                    if (await pending)
                    {
                        try { Work(); } finally { _gate.Release(); }
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ConditionCombinedWithAnd()
    {
        var source = InClass("""
                public void Update(bool ready)
                {
                    if (ready && Monitor.TryEnter(_sync))
                    {
                        try { Work(); } finally { Monitor.Exit(_sync); }
                    }

                    bool taken = _gate.Wait(5);
                    if (taken && ready)
                    {
                        Work();
                    }

                    if (taken)
                    {
                        _gate.Release();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReaderWriterUpgradeableTry()
    {
        var source = InClass("""
                public int Read()
                {
                    if (!_rw.TryEnterReadLock(TimeSpan.FromMilliseconds(100)))
                    {
                        throw new TimeoutException();
                    }

                    try { return _balance; }
                    finally { _rw.ExitReadLock(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CatchRethrowsBeforeRelease()
    {
        var source = InClass("""
                public void Update()
                {
                    if (!_gate.Wait(100))
                    {
                        throw new TimeoutException();
                    }

                    try { Work(); }
                    catch (Exception)
                    {
                        _gate.Release();
                        throw;
                    }

                    _gate.Release();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_RealCodeShapes_RefFlagWithAndCondition_TimeoutDrain()
    {
        var source = InClass("""
                private bool TryTakeInsideLock() => true;

                private bool TryTakeSyncSlow() => false;

                public bool TryTakeSync()
                {
                    bool lockTaken = false;
                    try
                    {
                        // try to acquire uncontested lock
                        Monitor.TryEnter(_sync, 0, ref lockTaken);
                        if (lockTaken && TryTakeInsideLock()) return true;
                    }
                    finally
                    {
                        if (lockTaken) Monitor.Exit(_sync);
                    }

                    return TryTakeSyncSlow();
                }

                public bool TryTake(int timeout)
                {
                    bool lockTaken = false;
                    try
                    {
                        Monitor.TryEnter(_sync, timeout, ref lockTaken);
                        if (!lockTaken) throw new TimeoutException();
                        return TryTakeInsideLock();
                    }
                    finally
                    {
                        if (lockTaken) Monitor.Exit(_sync);
                    }
                }

                public void TryLock(TimeSpan timeout, Action action)
                {
                    var flag = false;
                    try
                    {
                        Console.WriteLine($"TryLock enter. CurrentCount={_gate.CurrentCount}");
                        flag = _gate.Wait(timeout);
                        if (flag) action();
                    }
                    finally
                    {
                        if (flag) _gate.Release();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_RealCodeShape_ResultChosenByAConditional_ThenTested()
    {
        var source = InClass("""
                public async Task SendAsync(bool wait, TimeSpan timeout, CancellationToken ct)
                {
                    var taken = wait
                        ? await _gate.WaitAsync(timeout, ct).ConfigureAwait(false)
                        : await _gate.WaitAsync(TimeSpan.Zero, ct).ConfigureAwait(false);
                    if (!taken)
                    {
                        return;
                    }

                    try { await SaveAsync(); }
                    finally { _gate.Release(); }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReleaseGuardedByAHeldQuery()
    {
        var source = InClass("""
                public void Update()
                {
                    _rw.TryEnterWriteLock(100);
                    try
                    {
                        if (_rw.IsWriteLockHeld) _balance++;
                    }
                    finally
                    {
                        if (_rw.IsWriteLockHeld) _rw.ExitWriteLock();
                    }
                }

                public void Update2()
                {
                    Monitor.TryEnter(_sync, 100);
                    try
                    {
                        if (!Monitor.IsEntered(_sync)) return;
                        _balance++;
                    }
                    finally
                    {
                        if (Monitor.IsEntered(_sync))
                        {
                            Monitor.Exit(_sync);
                        }
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_HeldQueryOfAnotherLockDoesNotGuard()
    {
        var source = InClass("""
                private readonly ReaderWriterLockSlim _other = new ReaderWriterLockSlim();

                public void Update()
                {
                    {|#0:_rw.TryEnterWriteLock(100)|};
                    if (_other.IsWriteLockHeld)
                    {
                        Work();
                    }

                    {|#1:_rw.ExitWriteLock()|};
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(Ignored("_rw.TryEnterWriteLock(100)", "_rw.ExitWriteLock()", 28)));
    }

    [Fact]
    public Task NoDiagnostic_ReleaseGuardedByAnotherFlag()
    {
        var source = InClass("""
                private bool _disposed;

                public void Update()
                {
                    var entered = false;
                    try
                    {
                        if (Monitor.TryEnter(_sync, 100))
                        {
                            entered = true;
                            Work();
                        }
                    }
                    finally
                    {
                        if (entered) Monitor.Exit(_sync);
                    }
                }

                public void Update2()
                {
                    var acquired = false;
                    if (_gate.Wait(10))
                    {
                        acquired = true;
                    }

                    Work();
                    if (!_disposed && acquired)
                    {
                        _gate.Release();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ReleaseUnderAConditionThatIsNotAFlag()
    {
        var source = InClass("""
                public void Update(int n)
                {
                    if (Monitor.TryEnter(_sync, 100) || n > 0)
                    {
                        Work();
                    }

                    if (n >= 0)
                    {
                        Monitor.Exit(_sync);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithSpan(20, 13, 20, 41).WithSpan(27, 13, 27, 32).WithArguments(Unguarded("Monitor.TryEnter(_sync, 100)", "Monitor.Exit(_sync)", 27)));
    }
}
