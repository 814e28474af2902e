using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Tests.Verifiers;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0005ReleaseNotInFinallyAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0005 analyzer: positives (an exception, a throw or an exit leaves the lock held) and negatives.</summary>
public class TW0005ReleaseNotInFinallyTests
{
    private static string Exception(string call, int line) => $"an exception from '{call}' at line {line} leaves it held";

    private static string Throw(int line) => $"the throw at line {line} leaves it held";

    private static string Return(int line) => $"the return at line {line} leaves it held";

    private static string Exit(int line) => $"a path that leaves after line {line} never releases it";

    // ---- positives -------------------------------------------------------------------------------------------

    [Fact]
    public Task Reports_MonitorEnter_CallBeforeExit()
    {
        const string source = """
            using System.Threading;

            class Counter
            {
                private readonly object _sync = new object();
                private int _count;

                public void Add()
                {
                    {|#0:Monitor.Enter(_sync)|};
                    _count = {|#1:Compute()|};
                    Monitor.Exit(_sync);
                }

                private int Compute() => 42;
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("Compute()", 11)));
    }

    [Fact]
    public Task Reports_LongMultiLineCall_NamedOnOneLineInTheMessage()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Worker
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public void Run()
                {
                    {|#0:_gate.Wait()|};
                    var started = {|#1:Task.Run(() =>
                    {
                        System.Console.WriteLine("a long body that does not fit in a message");
                    })|};
                    _gate.Release();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_gate", Exception("Task.Run(...)", 11)));
    }

    [Fact]
    public Task Reports_EarlyReturnBetweenEnterAndExit()
    {
        const string source = """
            using System.Threading;

            class Account
            {
                private readonly object _sync = new object();
                private int _balance;

                public bool Withdraw(int amount)
                {
                    {|#0:Monitor.Enter(_sync)|};
                    if (_balance < amount)
                    {
                        {|#1:return false;|}
                    }

                    _balance -= amount;
                    Monitor.Exit(_sync);
                    return true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Return(13)));
    }

    [Fact]
    public Task Reports_VoidEarlyReturn_WithLockHeld()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private int _count;

                public void M(bool skip)
                {
                    {|#0:_gate.Wait()|};
                    if ({|#1:skip|})
                        return;
                    _count++;
                    _gate.Release();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_gate", Exit(11)));
    }

    [Fact]
    public Task Reports_ThrowBetweenEnterAndExit()
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
                    if (amount > _balance)
                    {
                        {|#1:throw new InvalidOperationException("insufficient funds");|}
                    }

                    _balance -= amount;
                    Monitor.Exit(_sync);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Throw(14)));
    }

    [Fact]
    public Task Reports_SemaphoreSlimWaitAsync_AwaitBeforeRelease()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Cache
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task RefreshAsync()
                {
                    await {|#0:_gate.WaitAsync()|};
                    {|#1:await LoadAsync()|};
                    _gate.Release();
                }

                private static Task LoadAsync() => Task.CompletedTask;
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_gate", Exception("await LoadAsync()", 11)));
    }

    [Fact]
    public Task Reports_WaitAsyncWithConfigureAwait_AndCancellation()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Cache
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task RefreshAsync(CancellationToken ct)
                {
                    await {|#0:_gate.WaitAsync(ct)|}.ConfigureAwait(false);
                    {|#1:Load()|};
                    _gate.Release();
                }

                private static void Load() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_gate", Exception("Load()", 11)));
    }

    [Fact]
    public Task Reports_SemaphoreSlimWait_Synchronous()
    {
        const string source = """
            using System;
            using System.Threading;

            class Pool
            {
                private readonly SemaphoreSlim _slots = new SemaphoreSlim(4, 4);

                public void Use(Action work)
                {
                    {|#0:_slots.Wait()|};
                    {|#1:work()|};
                    _slots.Release();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_slots", Exception("work()", 11)));
    }

    [Fact]
    public Task Reports_ReaderWriterLockSlim_WriteAndRead()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            class Store
            {
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private readonly Dictionary<string, int> _map = new Dictionary<string, int>();

                public void Set(string key, int value)
                {
                    {|#0:_rw.EnterWriteLock()|};
                    {|#1:_map[key]|} = value;
                    _rw.ExitWriteLock();
                }

                public int Get(string key)
                {
                    {|#2:_rw.EnterReadLock()|};
                    var value = {|#3:_map[key]|};
                    _rw.ExitReadLock();
                    return value;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_rw", Exception("_map[key]", 12)),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithArguments("_rw", Exception("_map[key]", 19)));
    }

    [Fact]
    public Task Reports_SystemThreadingLock_EnterExit()
    {
        const string source = """
            using System;
            using System.Threading;

            class Log
            {
                private readonly Lock _lock = new Lock();

                public void Write(string line)
                {
                    {|#0:_lock.Enter()|};
                    {|#1:Console.WriteLine(line)|};
                    _lock.Exit();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_lock", Exception("Console.WriteLine(line)", 11)));
    }

    [Fact]
    public Task Reports_MutexAndSemaphore_WaitOne()
    {
        const string source = """
            using System;
            using System.Threading;

            class Ipc
            {
                private readonly Mutex _mutex = new Mutex();
                private readonly Semaphore _slots = new Semaphore(2, 2);

                public void Write(string line)
                {
                    {|#0:_mutex.WaitOne()|};
                    {|#1:Console.WriteLine(line)|};
                    _mutex.ReleaseMutex();
                }

                public void Read()
                {
                    {|#2:_slots.WaitOne()|};
                    {|#3:Console.ReadLine()|};
                    _slots.Release();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_mutex", Exception("Console.WriteLine(line)", 12)),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithArguments("_slots", Exception("Console.ReadLine()", 19)));
    }

    [Fact]
    public Task Reports_SpinLock_EnterWithFlag_NoFinally()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            class Queue
            {
                private SpinLock _spin = new SpinLock(false);
                private readonly List<int> _items = new List<int>();

                public void Push(int item)
                {
                    bool taken = false;
                    {|#0:_spin.Enter(ref taken)|};
                    {|#1:_items.Add(item)|};
                    if (taken) _spin.Exit();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_spin", Exception("_items.Add(item)", 13)));
    }

    [Fact]
    public Task Reports_CheckedTryEnter_ReleaseWithoutFinally()
    {
        const string source = """
            using System;
            using System.Threading;

            class Poller
            {
                private readonly object _sync = new object();

                public void Poll()
                {
                    if ({|#0:Monitor.TryEnter(_sync, 100)|})
                    {
                        {|#1:Console.WriteLine("polling")|};
                        Monitor.Exit(_sync);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("Console.WriteLine(\"polling\")", 12)));
    }

    [Fact]
    public Task Reports_NegatedTryEnter_ThenWorkWithoutFinally()
    {
        const string source = """
            using System;
            using System.Threading;

            class Poller
            {
                private readonly object _sync = new object();

                public void Poll()
                {
                    if (!{|#0:Monitor.TryEnter(_sync, TimeSpan.FromSeconds(1))|})
                    {
                        throw new TimeoutException();
                    }

                    {|#1:Console.WriteLine("polling")|};
                    Monitor.Exit(_sync);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("Console.WriteLine(\"polling\")", 15)));
    }

    [Fact]
    public Task Reports_TimedWaitResultInLocal_ThenWorkWithoutFinally()
    {
        const string source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class Throttle
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task<bool> TryRunAsync(Func<Task> work)
                {
                    bool entered = await {|#0:_gate.WaitAsync(500)|};
                    if (!entered)
                    {
                        return false;
                    }

                    {|#1:await work()|};
                    _gate.Release();
                    return true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_gate", Exception("await work()", 17)));
    }

    [Fact]
    public Task Reports_EnterWithTakenFlag_OutsideTry()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M()
                {
                    bool taken = false;
                    {|#0:Monitor.Enter(_sync, ref taken)|};
                    {|#1:Console.WriteLine("work")|};
                    if (taken)
                    {
                        Monitor.Exit(_sync);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("Console.WriteLine(\"work\")", 12)));
    }

    [Fact]
    public Task Reports_CallBetweenEnterAndTheTry()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M()
                {
                    {|#0:Monitor.Enter(_sync)|};
                    {|#1:Console.WriteLine("entered")|};
                    try
                    {
                        Console.WriteLine("work");
                    }
                    finally
                    {
                        Monitor.Exit(_sync);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("Console.WriteLine(\"entered\")", 11)));
    }

    [Fact]
    public Task Reports_CatchThatReturns_WithoutRelease()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M()
                {
                    {|#0:Monitor.Enter(_sync)|};
                    try
                    {
                        Console.WriteLine("work");
                    }
                    catch (Exception)
                    {
                        {|#1:return;|}
                    }

                    Monitor.Exit(_sync);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations)
                .WithArguments("_sync", Exit(13)));
    }

    [Fact]
    public Task Reports_BreakOutOfLoop_WithLockHeld()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private int _count;

                public void M(IReadOnlyList<int> items, int limit)
                {
                    for (int i = 0; i < limit; i++)
                    {
                        {|#0:Monitor.Enter(_sync)|};
                        if ({|#1:_count > 100|})
                        {
                            break;
                        }

                        _count++;
                        Monitor.Exit(_sync);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exit(14)));
    }

    [Fact]
    public Task Reports_LockOnThis()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                public void M()
                {
                    {|#0:Monitor.Enter(this)|};
                    {|#1:Console.WriteLine("work")|};
                    Monitor.Exit(this);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("this", Exception("Console.WriteLine(\"work\")", 9)));
    }

    [Fact]
    public Task Reports_InsideLambda_AndLocalFunction()
    {
        const string source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private static readonly object Sync = new object();

                public Task M()
                {
                    void Local()
                    {
                        {|#2:Monitor.Enter(Sync)|};
                        {|#3:Console.WriteLine("local")|};
                        Monitor.Exit(Sync);
                    }

                    Local();
                    return Task.Run(() =>
                    {
                        {|#0:Monitor.Enter(Sync)|};
                        {|#1:Console.WriteLine("lambda")|};
                        Monitor.Exit(Sync);
                    });
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("Sync", Exception("Console.WriteLine(\"lambda\")", 22)),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithArguments("Sync", Exception("Console.WriteLine(\"local\")", 14)));
    }

    [Fact]
    public Task Reports_TopLevelProgram()
    {
        const string source = """
            using System;
            using System.Threading;

            var gate = new SemaphoreSlim(1, 1);
            {|#0:gate.Wait()|};
            {|#1:Console.WriteLine("work")|};
            gate.Release();
            """;
        return Verify.VerifyProgramAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("gate", Exception("Console.WriteLine(\"work\")", 6)));
    }

    [Fact]
    public Task Reports_OnNet80()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M()
                {
                    {|#0:Monitor.Enter(_sync)|};
                    {|#1:Console.WriteLine("work")|};
                    Monitor.Exit(_sync);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, TargetFramework.Net80,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("Console.WriteLine(\"work\")", 11)));
    }

    [Fact]
    public Task Reports_ParameterLock_AndFieldOfParameter()
    {
        const string source = """
            using System;
            using System.Threading;

            class Account
            {
                public readonly object Sync = new object();
                public int Balance;

                public static void Deposit(Account to, SemaphoreSlim gate, int amount)
                {
                    {|#0:Monitor.Enter(to.Sync)|};
                    to.Balance += {|#1:Checked(amount)|};
                    Monitor.Exit(to.Sync);

                    {|#2:gate.Wait()|};
                    {|#3:Console.WriteLine(amount)|};
                    gate.Release();
                }

                private static int Checked(int amount) => amount;
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("to.Sync", Exception("Checked(amount)", 12)),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithArguments("gate", Exception("Console.WriteLine(amount)", 16)));
    }

    [Fact]
    public Task Reports_ObjectCreationAndCastBetween()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private object _last;
                private string _text;

                public void M(object value)
                {
                    {|#0:Monitor.Enter(_sync)|};
                    _last = {|#1:new List<int>()|};
                    Monitor.Exit(_sync);

                    {|#2:Monitor.Enter(_sync)|};
                    _text = {|#3:(string)value|};
                    Monitor.Exit(_sync);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("new List<int>()", 13)),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithArguments("_sync", Exception("(string)value", 17)));
    }

    // ---- negatives -------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_EnterThenTryFinally()
    {
        const string source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _sync = new object();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private readonly Lock _lock = new Lock();

                public async Task M(CancellationToken ct)
                {
                    Monitor.Enter(_sync);
                    try { Console.WriteLine("monitor"); }
                    finally { Monitor.Exit(_sync); }

                    await _gate.WaitAsync(ct).ConfigureAwait(false);
                    try { await Task.Delay(1, ct); }
                    finally { _gate.Release(); }

                    _rw.EnterUpgradeableReadLock();
                    try
                    {
                        _rw.EnterWriteLock();
                        try { Console.WriteLine("write"); }
                        finally { _rw.ExitWriteLock(); }
                    }
                    finally { _rw.ExitUpgradeableReadLock(); }

                    _lock.Enter();
                    try { Console.WriteLine("lock"); }
                    finally { _lock.Exit(); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CheckedTryEnter_WithItsOwnTryFinally()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();

                public void M()
                {
                    if (Monitor.TryEnter(_sync))
                    {
                        try { Console.WriteLine("work"); }
                        finally { Monitor.Exit(_sync); }
                    }
                    else
                    {
                        Console.WriteLine("busy");
                    }

                    if (!_gate.Wait(100))
                    {
                        Console.WriteLine("timed out");
                        return;
                    }

                    try { Console.WriteLine("work"); }
                    finally { _gate.Release(); }

                    if (_rw.TryEnterWriteLock(10))
                    {
                        try { Console.WriteLine("write"); }
                        finally { _rw.ExitWriteLock(); }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TakenFlagGuardedRelease_InFinally()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private SpinLock _spin = new SpinLock(false);

                public void M()
                {
                    bool taken = false;
                    try
                    {
                        Monitor.Enter(_sync, ref taken);
                        Console.WriteLine("work");
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(_sync);
                    }

                    bool spinTaken = false;
                    try
                    {
                        _spin.Enter(ref spinTaken);
                        Console.WriteLine("work");
                    }
                    finally
                    {
                        if (spinTaken) _spin.Exit();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LockStatement_AndEnterScope()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private readonly Lock _lock = new Lock();

                public void M()
                {
                    lock (_sync)
                    {
                        Console.WriteLine("monitor");
                    }

                    using (_lock.EnterScope())
                    {
                        Console.WriteLine("scope");
                    }

                    lock (_lock)
                    {
                        Console.WriteLine("lock type");
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_SemaphoreUsedAsSignal_NoReleaseInTheMethod()
    {
        const string source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class Pipeline
            {
                private readonly SemaphoreSlim _itemReady = new SemaphoreSlim(0);
                private readonly Semaphore _slots = new Semaphore(0, 10);

                public async Task ConsumeAsync()
                {
                    await _itemReady.WaitAsync();
                    Console.WriteLine("consumed");
                }

                public void Produce()
                {
                    Console.WriteLine("produced");
                    _itemReady.Release();
                }

                public void Run()
                {
                    var producer = Task.Run(() => _itemReady.Release());
                    _itemReady.Wait();
                    Console.WriteLine("got it");
                    _slots.WaitOne();
                    Console.WriteLine("slot");
                    producer.Wait();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_AcquireInsideTry_A6IsAnotherRule()
    {
        const string source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _sync = new object();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task M(CancellationToken ct)
                {
                    try
                    {
                        Monitor.Enter(_sync);
                        Console.WriteLine("work");
                    }
                    finally
                    {
                        Monitor.Exit(_sync);
                    }

                    try
                    {
                        await _gate.WaitAsync(ct);
                        await Task.Delay(10, ct);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_OnlyTrivialStatementsBetween()
    {
        const string source = """
            using System.Threading;

            class Counter
            {
                private readonly object _sync = new object();
                private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);
                private int _count;
                private static long s_total;
                private bool _dirty;

                public int Increment()
                {
                    int result;
                    Monitor.Enter(_sync);
                    _count++;
                    _dirty = true;
                    result = _count;
                    Monitor.Exit(_sync);

                    Gate.Wait();
                    s_total += 2;
                    Interlocked.Increment(ref _count);
                    Gate.Release();
                    return result;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_AcquireHelper_ReleasedByAnotherMethod()
    {
        const string source = """
            using System;
            using System.Threading;

            class Resource
            {
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private readonly object _sync = new object();
                private bool _disposed;

                public void BeginWrite()
                {
                    _rw.EnterWriteLock();
                    if (_disposed)
                    {
                        _rw.ExitWriteLock();
                        throw new ObjectDisposedException(nameof(Resource));
                    }
                }

                public void EndWrite() => _rw.ExitWriteLock();

                public void Acquire()
                {
                    Monitor.Enter(_sync);
                    Console.WriteLine("acquired");
                }

                public void Release() => Monitor.Exit(_sync);
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TryCatchFinally_ReleaseInFinally()
    {
        const string source = """
            using System;
            using System.IO;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M()
                {
                    Monitor.Enter(_sync);
                    try
                    {
                        try
                        {
                            Console.WriteLine("work");
                        }
                        catch (IOException e)
                        {
                            Console.WriteLine(e.Message);
                            return;
                        }

                        Console.WriteLine("more");
                    }
                    catch (Exception e)
                    {
                        Console.WriteLine(e);
                        throw;
                    }
                    finally
                    {
                        Monitor.Exit(_sync);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReleasedInEveryBranch_BeforeEachExit()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private int _count;

                public bool M(int limit)
                {
                    Monitor.Enter(_sync);
                    if (_count > limit)
                    {
                        Monitor.Exit(_sync);
                        return false;
                    }

                    _count++;
                    Monitor.Exit(_sync);
                    Console.WriteLine("after");
                    return true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TryAcquireResultIgnored_IsNotThisRule()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public void M()
                {
                    Monitor.TryEnter(_sync, 100);
                    Console.WriteLine("work");
                    Monitor.Exit(_sync);

                    var waiting = _gate.WaitAsync();
                    Console.WriteLine("not yet awaited");
                    waiting.Wait();
                    _gate.Release();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_DifferentLocks_AndComputedLockObjects()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private readonly SemaphoreSlim[] _gates = { new SemaphoreSlim(1, 1) };

                private SemaphoreSlim Gate(int i) => _gates[i];

                public void M(int i)
                {
                    Monitor.Enter(_a);
                    Console.WriteLine("a");
                    Monitor.Exit(_b);

                    Gate(i).Wait();
                    Console.WriteLine("computed");
                    Gate(i).Release();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReadLockReleasedAsRead_WriteLockNotConfused()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();

                public void M()
                {
                    _rw.EnterReadLock();
                    try { Console.WriteLine("read"); }
                    finally { _rw.ExitReadLock(); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_EnterThenImmediateExit_AndEnterScopeInUsingDeclaration()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private readonly Lock _lock = new Lock();

                public void M()
                {
                    Monitor.Enter(_sync);
                    Monitor.Exit(_sync);

                    using var scope = _lock.EnterScope();
                    Console.WriteLine("held until the end of the method");
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_WaitInLoop_ReleaseInFinally()
    {
        const string source = """
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _throttle = new SemaphoreSlim(4, 4);

                public async Task M(IEnumerable<string> urls)
                {
                    foreach (var url in urls)
                    {
                        await _throttle.WaitAsync();
                        try
                        {
                            if (url.Length == 0)
                            {
                                continue;
                            }

                            await Task.Delay(1);
                        }
                        finally
                        {
                            _throttle.Release();
                        }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReturnsTrueHoldingTheLock_TryAcquireHelper()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public bool TryAcquire(int timeout)
                {
                    if (!Monitor.TryEnter(_sync, timeout))
                    {
                        return false;
                    }

                    return true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_DocsCompliantExamples()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;
            using ThreadWise;

            class Docs
            {
                private readonly object _sync = new object();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private readonly SemaphoreSlim _itemReady = new SemaphoreSlim(0);
                private SpinLock _spin = new SpinLock(false);
                private int _count;
                private int _balance;

                public void Add()
                {
                    lock (_sync)
                    {
                        _count += Compute();
                    }
                }

                public bool Withdraw(int amount)
                {
                    Monitor.Enter(_sync);
                    try
                    {
                        if (_balance < amount)
                        {
                            return false;
                        }

                        _balance -= amount;
                        return true;
                    }
                    finally
                    {
                        Monitor.Exit(_sync);
                    }
                }

                public async Task RefreshAsync(CancellationToken ct)
                {
                    using (await _gate.EnterAsync(ct))
                    {
                        await Task.Delay(1, ct);
                    }
                }

                public void Spin()
                {
                    bool taken = false;
                    try
                    {
                        _spin.Enter(ref taken);
                        Compute();
                    }
                    finally
                    {
                        if (taken) _spin.Exit();
                    }
                }

                public async Task ConsumeAsync()
                {
                    await _itemReady.WaitAsync();
                    Compute();
                }

                private static int Compute() => 1;
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_PropertyReadsAndEarlyReleaseBeforeReturn()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            class Cache
            {
                private readonly SemaphoreSlim _lock = new SemaphoreSlim(1, 1);
                private readonly List<int> _items = new List<int>();
                private string _value;

                public int Count()
                {
                    _lock.Wait();
                    var n = _items.Count;
                    _lock.Release();
                    return n;
                }

                public async Task<string> GetAsync()
                {
                    await _lock.WaitAsync();
                    if (_value != null)
                    {
                        _lock.Release();
                        return _value;
                    }

                    try
                    {
                        _value = await Task.FromResult("loaded");
                    }
                    finally
                    {
                        _lock.Release();
                    }

                    return _value;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CatchAllReleasesAndRethrows()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public void M()
                {
                    _gate.Wait();
                    try
                    {
                        Console.WriteLine("work");
                    }
                    catch
                    {
                        _gate.Release();
                        throw;
                    }

                    _gate.Release();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_TypedCatchReleases_OtherExceptionsEscape()
    {
        const string source = """
            using System;
            using System.IO;
            using System.Threading;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public void M()
                {
                    {|#0:_gate.Wait()|};
                    try
                    {
                        {|#1:Console.WriteLine("work")|};
                    }
                    catch (IOException)
                    {
                        _gate.Release();
                        throw;
                    }

                    _gate.Release();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_gate", Exception("Console.WriteLine(\"work\")", 14)));
    }

    [Fact]
    public Task NoDiagnostic_OptionalLock_SameConditionGuardsBoth()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private readonly bool _threadSafe;
                private int _count;

                public C(bool threadSafe) => _threadSafe = threadSafe;

                public void Add(bool useLock)
                {
                    if (_threadSafe) Monitor.Enter(_sync);
                    _count++;
                    if (_threadSafe) Monitor.Exit(_sync);

                    if (!useLock)
                    {
                    }
                    else
                    {
                        Monitor.Enter(_sync);
                    }

                    _count--;
                    if (useLock)
                    {
                        Monitor.Exit(_sync);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_OptionalLock_CallBetween()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void Add(bool useLock)
                {
                    if (useLock) {|#0:Monitor.Enter(_sync)|};
                    {|#1:Console.WriteLine("work")|};
                    if (useLock) Monitor.Exit(_sync);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("Console.WriteLine(\"work\")", 11)));
    }

    [Fact]
    public Task NoDiagnostic_TryAcquireHelpers_ReturnHoldingOnSuccess()
    {
        const string source = """
            using System;
            using System.Net.Sockets;
            using System.Threading;
            using System.Threading.Tasks;

            class InputLock
            {
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
                private readonly object _sync = new object();
                private string _owner;
                private Thread _holder;

                public bool TryAcquire(string source, int timeoutMs)
                {
                    if (!_semaphore.Wait(timeoutMs))
                        return false;

                    if (_owner != null && _owner != source)
                    {
                        _semaphore.Release();
                        return false;
                    }

                    _owner = source;
                    return true;
                }

                public bool TryLock()
                {
                    Monitor.Enter(_sync);
                    if (_holder == null)
                    {
                        _holder = Thread.CurrentThread;
                        return true;
                    }

                    Monitor.Exit(_sync);
                    return false;
                }

                public async Task<Socket> RentAsync(Func<Task<Socket>> create, CancellationToken ct)
                {
                    await _semaphore.WaitAsync(ct).ConfigureAwait(false);
                    try
                    {
                        var socket = await create().ConfigureAwait(false);
                        if (socket != null)
                        {
                            return socket;
                        }

                        _semaphore.Release();
                        return null;
                    }
                    catch
                    {
                        _semaphore.Release();
                        throw;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_EarlyReturnOfAValue_ReleaseOnTheMainPath()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            class Store
            {
                private readonly Mutex _mutex = new Mutex();
                private readonly Dictionary<string, int> _map = new Dictionary<string, int>();
                private int _last;

                public int Lookup(string key)
                {
                    {|#0:_mutex.WaitOne()|};
                    if (_last < 0)
                    {
                        {|#1:return -1;|}
                    }

                    var value = _last;
                    _mutex.ReleaseMutex();
                    return value;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_mutex", Return(15)));
    }

    [Fact]
    public Task Reports_AcquireInsideAFinallyBlock()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private int _count;

                public void M()
                {
                    try
                    {
                        _count++;
                    }
                    finally
                    {
                        {|#0:Monitor.Enter(_sync)|};
                        {|#1:Console.WriteLine(_count)|};
                        Monitor.Exit(_sync);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("Console.WriteLine(_count)", 18)));
    }

    [Fact]
    public Task Reports_DivisionUnboxingAndCheckedArithmetic()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private int _count;

                public void M(int divisor, object boxed)
                {
                    {|#0:Monitor.Enter(_sync)|};
                    _count = {|#1:_count / divisor|};
                    Monitor.Exit(_sync);

                    {|#2:Monitor.Enter(_sync)|};
                    _count = {|#3:(int)boxed|};
                    Monitor.Exit(_sync);

                    {|#4:Monitor.Enter(_sync)|};
                    _count = checked({|#5:_count + divisor|});
                    Monitor.Exit(_sync);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_sync", Exception("_count / divisor", 11)),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithArguments("_sync", Exception("(int)boxed", 15)),
            Verify.Diagnostic().WithLocation(4).WithLocation(5).WithArguments("_sync", Exception("_count + divisor", 19)));
    }

    [Fact]
    public Task NoDiagnostic_ConstantDivision_NumericCast_Reentry_LambdaNotRunHere()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private int _count;
                private Action _later;

                public void M(long value)
                {
                    Monitor.Enter(_sync);
                    Monitor.Enter(_sync);
                    _count = _count / 2;
                    _count = (int)value;
                    _later = () => Console.WriteLine(_count);
                    Monitor.Exit(_sync);
                    Monitor.Exit(_sync);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_PermitHandedToATask_ReleasedThere()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            class Crawler
            {
                private readonly SemaphoreSlim _throttle = new SemaphoreSlim(4, 4);

                public async Task CrawlAsync(IEnumerable<string> urls)
                {
                    var tasks = new List<Task>();
                    foreach (var url in urls)
                    {
                        await _throttle.WaitAsync();
                        tasks.Add(Task.Run(async () =>
                        {
                            try { await Task.Delay(url.Length); }
                            finally { _throttle.Release(); }
                        }));
                    }

                    await Task.WhenAll(tasks);
                    await _throttle.WaitAsync();
                    _throttle.Release();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Theory]
    [InlineData("Monitor.Enter(_sync); Work(); Monitor.Exit(")]
    [InlineData("Monitor.Enter(; Work(); Monitor.Exit(_sync);")]
    [InlineData("if (Monitor.TryEnter(_sync) { Work(); Monitor.Exit(_sync); }")]
    [InlineData("await _gate.WaitAsync(; Work(); _gate.Release();")]
    [InlineData("_gate.Wait(); try { Work(); } finally { _gate.Release(")]
    [InlineData("bool taken; Monitor.Enter(_sync, ref taken); Work(); if (taken) Monitor.Exit(_sync)")]
    [InlineData("Monitor.Enter(Unknown); Work(); Monitor.Exit(Unknown);")]
    [InlineData("_gate.Wait(); goto missing; _gate.Release();")]
    [InlineData("_rw.EnterWriteLock(); try { Work(); } catch (Missing) { return; } _rw.ExitWriteLock();")]
    public void NeverThrows_OnIncompleteCode(string body)
    {
        var source = $$"""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _sync = new object();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();

                async Task M()
                {
                    {{body}}
                }

                void Work() { }
            }
            """;
        var result = Meta.AnalyzerRunner.Run(new[] { ("incomplete.cs", source) });
        Assert.Empty(result.Exceptions);
    }
}
