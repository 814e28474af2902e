using System.Linq;
using System.Threading.Tasks;
using ThreadWise.Analyzers.Tests.Verifiers;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0005ReleaseNotInFinallyAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0005 on shapes from code written for other analyzers and real projects: guards that test whether the lock is held,
/// fixed loop iterations, typed catches that release, repeated null tests, hand-offs to continuations; and their twins
/// that must still be reported.
/// </summary>
public class TW0005ReleaseNotInFinallyShapeTests
{
    private static string Exception(string call, int line) => $"an exception from '{call}' at line {line} leaves it held";

    private static string Exit(int line) => $"a path that leaves after line {line} never releases it";

    private static string Throw(int line) => $"the throw at line {line} leaves it held";

    [Theory]
    [InlineData("if (!hasSemaphore) throw new TimeoutException();")]
    [InlineData("if (!hasSemaphore) { Log(); return; }")]
    public Task NoDiagnostic_SyncOrAsyncTryAcquireIntoAFlag_TestedBeforeTheTry(string test)
    {
        // Npgsql's dual sync/async path: `async ? await s.WaitAsync(t) : s.Wait(t)` stores either result in one flag.
        var source = $$"""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class DataSource
            {
                private readonly SemaphoreSlim _setup = new SemaphoreSlim(1, 1);

                public async Task Bootstrap(bool async, TimeSpan timeout, CancellationToken ct)
                {
                    var hasSemaphore = async
                        ? await _setup.WaitAsync(timeout, ct).ConfigureAwait(false)
                        : _setup.Wait(timeout, ct);

                    {{test}}

                    try
                    {
                        Load();
                    }
                    finally
                    {
                        _setup.Release();
                    }
                }

                private static void Load() { }

                private static void Log() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Diagnostic_SyncOrAsyncTryAcquireIntoAFlag_WorkBeforeTheTry()
    {
        // The same flag, but a call that can throw runs while the semaphore is held and before the try.
        const string source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class DataSource
            {
                private readonly SemaphoreSlim _setup = new SemaphoreSlim(1, 1);

                public async Task Bootstrap(bool async, TimeSpan timeout, CancellationToken ct)
                {
                    var hasSemaphore = async
                        ? await {|TW0005:_setup.WaitAsync(timeout, ct)|}.ConfigureAwait(false)
                        : {|TW0005:_setup.Wait(timeout, ct)|};

                    if (!hasSemaphore) throw new TimeoutException();

                    Load();
                    try
                    {
                        Load();
                    }
                    finally
                    {
                        _setup.Release();
                    }
                }

                private static void Load() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Diagnostic_SyncOrAsyncTryAcquireIntoAFlag_FlagReassigned()
    {
        // A flag written again is no longer the acquire's result: the throw may leave the semaphore held.
        const string source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class DataSource
            {
                private readonly SemaphoreSlim _setup = new SemaphoreSlim(1, 1);

                public async Task Bootstrap(bool async, bool force, TimeSpan timeout, CancellationToken ct)
                {
                    var hasSemaphore = async
                        ? await {|TW0005:_setup.WaitAsync(timeout, ct)|}.ConfigureAwait(false)
                        : {|TW0005:_setup.Wait(timeout, ct)|};
                    if (force) hasSemaphore = false;

                    if (!hasSemaphore) throw new TimeoutException();

                    try
                    {
                        Load();
                    }
                    finally
                    {
                        _setup.Release();
                    }
                }

                private static void Load() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Theory]
    [InlineData("EnterReadLock", "IsReadLockHeld", "ExitReadLock")]
    [InlineData("EnterWriteLock", "IsWriteLockHeld", "ExitWriteLock")]
    [InlineData("EnterUpgradeableReadLock", "IsUpgradeableReadLockHeld", "ExitUpgradeableReadLock")]
    public Task NoDiagnostic_HeldStateCheckedRightAfterTheAcquire(string enter, string held, string exit)
    {
        var source = $$"""
            using System.Threading;

            class Cache
            {
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private int _value;

                public int Read()
                {
                    _rw.{{enter}}();
                    if (!_rw.{{held}})
                    {
                        return -1;
                    }

                    try { return Compute(); }
                    finally { _rw.{{exit}}(); }
                }

                private int Compute() => _value;
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_MonitorIsEnteredCheckedRightAfterTheEnter()
    {
        const string source = """
            using System.Threading;

            class Cache
            {
                private readonly object _sync = new object();

                public void Touch()
                {
                    Monitor.Enter(_sync);
                    if (!Monitor.IsEntered(_sync)) return;
                    try { Work(); }
                    finally { Monitor.Exit(_sync); }
                }

                private void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_HeldStateOfAnotherLockIsNoGuard()
    {
        const string source = """
            using System.Threading;

            class Cache
            {
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private readonly ReaderWriterLockSlim _other = new ReaderWriterLockSlim();

                public void Read()
                {
                    {|#0:_rw.EnterReadLock()|};
                    if (!{|#1:_other.IsReadLockHeld|}) return;
                    try { Work(); }
                    finally { _rw.ExitReadLock(); }
                }

                private void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_rw", Exit(11)));
    }

    [Fact]
    public Task NoDiagnostic_ReleaseAtAFixedIterationOfALoopThatAlwaysRunsIt()
    {
        const string source = """
            using System.Threading;

            class Stepper
            {
                private readonly object _sync = new object();
                private int _steps;

                public void Run()
                {
                    for (var i = 0; i < 3; i++)
                    {
                        if (i == 0) Monitor.Enter(_sync);
                        _steps++;
                        if (i == 2) Monitor.Exit(_sync);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ReleaseAtAnIterationTheLoopNeverReaches()
    {
        const string source = """
            using System.Threading;

            class Stepper
            {
                private readonly object _sync = new object();
                private int _steps;

                public void Run()
                {
                    for (var i = 0; {|#1:i < 3|}; i++)
                    {
                        if (i == 0) {|#0:Monitor.Enter(_sync)|};
                        _steps++;
                        if (i == 5) Monitor.Exit(_sync);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exit(10)));
    }

    [Fact]
    public Task Reports_ThrowingCallBetweenTheFixedIterations()
    {
        const string source = """
            using System.Threading;

            class Stepper
            {
                private readonly object _sync = new object();

                public void Run()
                {
                    for (var i = 0; i < 3; i++)
                    {
                        if (i == 0) {|#0:Monitor.Enter(_sync)|};
                        {|#1:Work()|};
                        if (i == 2) Monitor.Exit(_sync);
                    }
                }

                private void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("Work()", 12)));
    }

    [Theory]
    [InlineData("catch (InvalidOperationException) { Monitor.Exit(_sync); throw; }")]
    [InlineData("catch (Exception) { Monitor.Exit(_sync); return false; }")]
    [InlineData("catch { Monitor.Exit(_sync); throw; }")]
    public Task NoDiagnostic_ThrowInsideTheTryWhoseCatchReleases(string handler)
    {
        var source = $$"""
            using System;
            using System.Threading;

            class Account
            {
                private readonly object _sync = new object();
                private int _balance;

                public bool Withdraw(int amount)
                {
                    Monitor.Enter(_sync);
                    try
                    {
                        if (amount > _balance) throw new InvalidOperationException("insufficient funds");
                        _balance -= amount;
                    }
                    {{handler}}

                    Monitor.Exit(_sync);
                    return true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ThrowThatTheReleasingCatchDoesNotCatch()
    {
        const string source = """
            using System;
            using System.Threading;

            class Account
            {
                private readonly object _sync = new object();
                private int _balance;

                public void Withdraw(int amount)
                {
                    {|#0:Monitor.Enter(_sync)|};
                    try
                    {
                        if (amount > _balance) {|#1:throw new ArgumentException("insufficient funds");|}
                        _balance -= amount;
                    }
                    catch (InvalidOperationException)
                    {
                        Monitor.Exit(_sync);
                        throw;
                    }

                    Monitor.Exit(_sync);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Throw(14)));
    }

    [Fact]
    public Task NoDiagnostic_SameNullTestAtBothEnds()
    {
        const string source = """
            using System.Threading;

            class Log
            {
                private readonly Mutex? _mutex;
                private int _lines;

                public Log(bool shared) => _mutex = shared ? new Mutex() : null;

                public void Write()
                {
                    if (_mutex != null) _mutex.WaitOne();
                    _lines++;
                    if (_mutex != null) _mutex.ReleaseMutex();
                }

                public void WritePattern()
                {
                    if (_mutex is not null) _mutex.WaitOne();
                    _lines++;
                    if (_mutex is { }) _mutex.ReleaseMutex();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_SameNullTestAtBothEnds_WithAThrowingCallBetween()
    {
        const string source = """
            using System.Threading;

            class Log
            {
                private readonly Mutex? _mutex = new Mutex();

                public void Write(string line)
                {
                    if (_mutex != null) {|#0:_mutex.WaitOne()|};
                    {|#1:System.Console.WriteLine(line)|};
                    if (_mutex != null) _mutex.ReleaseMutex();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_mutex", Exception("System.Console.WriteLine(line)", 10)));
    }

    private const string HandOff = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class Throttle
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(4, 4);
            private bool _closed;

            public Task Track(Task work)
            {
                if (work == null) throw new ArgumentNullException(nameof(work));
                BODY
            }

            private sealed class Entry
            {
                private readonly Task _work;

                public Entry(Task work) => _work = work ?? throw new ArgumentNullException(nameof(work));
            }
        }
        """;

    [Fact]
    public Task NoDiagnostic_PermitHandedToAContinuation_WithAnEarlyRelease()
    {
        var source = HandOff.Replace("BODY", """
                    _gate.Wait();
                    if (_closed)
                    {
                        _gate.Release();
                        return Task.CompletedTask;
                    }

                    var entry = new Entry(work);
                    return work.ContinueWith((_, state) => ((SemaphoreSlim)state!).Release(), _gate);
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_PermitHandedToAContinuationThatCallsAReleasingMethod()
    {
        var source = HandOff.Replace("BODY", """
                    _gate.Wait();
                    if (_closed)
                    {
                        _gate.Release();
                        return Task.CompletedTask;
                    }

                    return work.ContinueWith(_ => ReleaseGate());
                }

                private void ReleaseGate()
                {
                    _gate.Release();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_PermitHandedToAContinuation_AfterAnAllocationNoNullCheckCovers()
    {
        var source = HandOff.Replace("if (work == null) throw new ArgumentNullException(nameof(work));", "var other = work;").Replace("BODY", """
                    {|#0:_gate.Wait()|};
                    if (_closed)
                    {
                        _gate.Release();
                        return Task.CompletedTask;
                    }

                    var entry = {|#1:new Entry(other)|};
                    return work.ContinueWith((_, state) => ((SemaphoreSlim)state!).Release(), _gate);
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_gate", Exception("new Entry(other)", 20)));
    }

    [Fact]
    public Task Reports_MutexHeldForASeparateRelease_AfterACallThatCanThrow()
    {
        const string source = """
            using System.IO;
            using System.Threading;

            class SharedFile
            {
                private readonly Mutex _mutex = new Mutex();
                private readonly Stream _stream = Stream.Null;

                public void Acquire(long position)
                {
                    {|#0:_mutex.WaitOne()|};
                    if (position < 0)
                    {
                        _mutex.ReleaseMutex();
                        return;
                    }

                    {|#1:_stream.Seek(position, SeekOrigin.Begin)|};
                }

                public void Release() => _mutex.ReleaseMutex();
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_mutex", Exception("_stream.Seek(position, SeekOrigin.Begin)", 18)));
    }

    // ---- misses: named arguments, unrelated finally flags, switch on a try-acquire, Mutex constructor ----------

    [Fact]
    public Task Reports_MonitorEnterWithNamedArgumentsInAnyOrder()
    {
        const string source = """
            using System.Threading;

            class Counter
            {
                private readonly object _sync = new object();

                public void Add()
                {
                    var taken = false;
                    {|#0:Monitor.Enter(lockTaken: ref taken, obj: _sync)|};
                    {|#1:Work()|};
                    if (taken) Monitor.Exit(_sync);
                }

                public void Safe()
                {
                    var taken = false;
                    try
                    {
                        Monitor.Enter(lockTaken: ref taken, obj: _sync);
                        Work();
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(_sync);
                    }
                }

                private void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("Work()", 11)));
    }

    [Fact]
    public Task Reports_FinallyReleaseUnderAFlagThatSaysNothingAboutTheLock()
    {
        const string source = """
            using System.Threading;

            class Counter
            {
                private readonly object _sync = new object();

                public void Add(bool verbose)
                {
                    {|#0:Monitor.Enter(_sync)|};
                    try { {|#1:Work()|}; }
                    finally { if (verbose) Monitor.Exit(_sync); }
                }

                public void Guarded(bool useLock)
                {
                    if (useLock) Monitor.Enter(_sync);
                    try { Work(); }
                    finally { if (useLock) Monitor.Exit(_sync); }
                }

                public void Held()
                {
                    Monitor.Enter(_sync);
                    try { Work(); }
                    finally { if (Monitor.IsEntered(_sync)) Monitor.Exit(_sync); }
                }

                private void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("Work()", 10)));
    }

    [Fact]
    public Task Reports_SwitchOnATryEnter()
    {
        const string source = """
            using System.Threading;

            class Counter
            {
                private readonly object _sync = new object();

                public void Add()
                {
                    switch ({|#0:Monitor.TryEnter(_sync)|})
                    {
                        case true:
                            {|#1:Work()|};
                            Monitor.Exit(_sync);
                            break;
                        case false:
                            break;
                    }
                }

                public void Safe()
                {
                    switch (Monitor.TryEnter(_sync))
                    {
                        case true:
                            try { Work(); } finally { Monitor.Exit(_sync); }
                            break;
                    }
                }

                private void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("Work()", 12)));
    }

    [Fact]
    public Task Reports_MutexOwnedByItsConstructor()
    {
        const string source = """
            using System.Threading;

            class Single
            {
                public void Run()
                {
                    var mutex = {|#0:new Mutex(initiallyOwned: true, "Local\\demo")|};
                    {|#1:Work()|};
                    mutex.ReleaseMutex();
                }

                public void Created()
                {
                    var mutex = {|#2:new Mutex(true, "Local\\demo2", out var createdNew)|};
                    if (!createdNew) return;
                    {|#3:Work()|};
                    mutex.ReleaseMutex();
                }

                public void Safe()
                {
                    var mutex = new Mutex(true);
                    try { Work(); } finally { mutex.ReleaseMutex(); }
                }

                public void NotOwned()
                {
                    var mutex = new Mutex(false);
                    Work();
                    mutex.Dispose();
                }

                public void KeptForTheProcess()
                {
                    var mutex = new Mutex(true, "Local\\app", out var createdNew);
                    if (!createdNew) return;
                    Work();
                }

                private void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("mutex", Exception("Work()", 8)),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithArguments("mutex", Exception("Work()", 16)));
    }

    [Fact]
    public async Task Live_GuardAndLoopShapesStaySilent_TheSeekTwinSquiggles()
    {
        const string source = """
            using System.IO;
            using System.Threading;

            class C
            {
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private readonly Mutex _mutex = new Mutex();
                private readonly Stream _stream = Stream.Null;
                private int _n;

                int Read()
                {
                    _rw.EnterReadLock();
                    if (!_rw.IsReadLockHeld) return -1;
                    try { return _n; } finally { _rw.ExitReadLock(); }
                }

                void Steps()
                {
                    for (var i = 0; i < 3; i++)
                    {
                        if (i == 0) _mutex.WaitOne();
                        _n++;
                        if (i == 2) _mutex.ReleaseMutex();
                    }
                }

                void Acquire(long position)
                {
                    _mutex.WaitOne();
                    if (position < 0) { _mutex.ReleaseMutex(); return; }
                    _stream.Seek(position, SeekOrigin.Begin);
                }
            }
            """;
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        Assert.Empty(live.Exceptions);
        var diagnostic = Assert.Single(live.Diagnostics, d => d.Id == "TW0005");
        Assert.Equal(29, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
    }
}
