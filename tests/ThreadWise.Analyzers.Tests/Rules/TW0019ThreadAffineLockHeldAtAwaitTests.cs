using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0019ThreadAffineLockHeldAtAwaitAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0019 analyzer: a thread-affine lock held on every path to an await; negatives from real async code.</summary>
public class TW0019ThreadAffineLockHeldAtAwaitTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    // ---- positives (the docs' noncompliant code first) -------------------------------------------------------

    [Fact]
    public Task Reports_MonitorEnter_TryFinally_AroundAwait()
    {
        const string source = Usings + """
            class Store
            {
                private readonly object _gate = new object();

                public async Task SaveAsync(Stream stream, byte[] item)
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        {|#0:await stream.WriteAsync(item, 0, item.Length)|};
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments(
            "_gate", "Monitor", "Monitor.Exit throws SynchronizationLockException"));
    }

    [Fact]
    public Task Reports_ReaderWriterLockSlim_WriteLock_ConfigureAwaitFalse()
    {
        const string source = Usings + """
            class Cache
            {
                private readonly ReaderWriterLockSlim _cacheLock = new ReaderWriterLockSlim();
                private readonly Dictionary<string, string> _cache = new Dictionary<string, string>();

                public async Task RefreshAsync(string key)
                {
                    _cacheLock.EnterWriteLock();
                    try
                    {
                        _cache[key] = {|#0:await LoadAsync(key).ConfigureAwait(false)|};
                    }
                    finally
                    {
                        _cacheLock.ExitWriteLock();
                    }
                }

                private Task<string> LoadAsync(string key) => Task.FromResult(key);
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments(
            "_cacheLock", "ReaderWriterLockSlim", "the Exit…Lock call throws SynchronizationLockException"));
    }

    [Fact]
    public Task Reports_TryEnter_EarlyReturn_ThenYield()
    {
        const string source = Usings + """
            class Poller
            {
                private readonly object _gate = new object();

                public async Task PollAsync()
                {
                    if (!Monitor.TryEnter(_gate, 100))
                    {
                        return;
                    }

                    try
                    {
                        {|TW0019:await Task.Yield()|};
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_TryEnter_AsIfCondition()
    {
        const string source = Usings + """
            class Poller
            {
                private readonly object _gate = new object();

                public async Task PollAsync()
                {
                    if (Monitor.TryEnter(_gate))
                    {
                        try { {|TW0019:await Task.Delay(10)|}; }
                        finally { Monitor.Exit(_gate); }
                    }

                    await Task.Delay(10);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_EnterWithRefTaken_InsideTry()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _sync = new object();

                public async Task RunAsync()
                {
                    bool taken = false;
                    try
                    {
                        Monitor.Enter(_sync, ref taken);
                        {|TW0019:await Task.Delay(1)|};
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(_sync);
                    }

                    await Task.Delay(1);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_StoredTryEnterResult_TestedBeforeAwait()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _sync = new object();

                public async Task RunAsync()
                {
                    var ok = Monitor.TryEnter(_sync, TimeSpan.FromSeconds(1));
                    if (!ok) throw new TimeoutException();
                    try { {|TW0019:await Task.Delay(1)|}; }
                    finally { Monitor.Exit(_sync); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_Mutex_WaitOne()
    {
        const string source = Usings + """
            class C
            {
                private readonly Mutex _mutex = new Mutex();

                public async Task RunAsync()
                {
                    _mutex.WaitOne();
                    try { {|#0:await Task.Delay(1)|}; }
                    finally { _mutex.ReleaseMutex(); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments(
            "_mutex", "Mutex", "ReleaseMutex throws ApplicationException"));
    }

    [Fact]
    public Task Reports_SystemThreadingLock_Enter()
    {
        const string source = Usings + """
            class C
            {
                private readonly Lock _lock = new Lock();

                public async Task RunAsync()
                {
                    _lock.Enter();
                    try { {|#0:await Task.Delay(1)|}; }
                    finally { _lock.Exit(); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments(
            "_lock", "System.Threading.Lock", "Lock.Exit throws SynchronizationLockException"));
    }

    [Fact]
    public Task Reports_SpinLock_AndReadLock()
    {
        const string source = Usings + """
            class C
            {
                private SpinLock _spin = new SpinLock();
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();

                public async Task SpinAsync()
                {
                    var taken = false;
                    _spin.Enter(ref taken);
                    {|TW0019:await Task.Delay(1)|};
                    if (taken) _spin.Exit();
                }

                public async Task ReadAsync()
                {
                    _rw.EnterReadLock();
                    try { {|TW0019:await Task.Delay(1)|}; }
                    finally { _rw.ExitReadLock(); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_AwaitForeach_AwaitUsing_InAsyncLambda_AndLocalFunction()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();

                public async Task RunAsync(IAsyncEnumerable<int> items, IAsyncDisposable resource)
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        {|TW0019:await|} foreach (var item in items)
                        {
                            Console.WriteLine(item);
                        }

                        {|TW0019:await|} using (resource)
                        {
                        }
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }

                public void Start()
                {
                    Func<Task> work = async () =>
                    {
                        Monitor.Enter(_gate);
                        try { {|TW0019:await Task.Delay(1)|}; }
                        finally { Monitor.Exit(_gate); }
                    };
                    _ = work();
                    _ = Local();

                    async Task Local()
                    {
                        Monitor.Enter(_gate);
                        {|TW0019:await Task.Delay(1)|};
                        Monitor.Exit(_gate);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_AwaitInLoop_WhileHeld_OnceEach()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();

                public async Task RunAsync(int n)
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        for (var i = 0; i < n; i++)
                        {
                            while (i < 3)
                            {
                                {|TW0019:await Task.Delay(i)|};
                                i++;
                            }
                        }
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_LocalLockObject_AndAwaitInFinally()
    {
        const string source = Usings + """
            class C
            {
                public async Task RunAsync(Stream stream)
                {
                    var gate = new object();
                    Monitor.Enter(gate);
                    try
                    {
                        stream.WriteByte(1);
                    }
                    finally
                    {
                        {|TW0019:await stream.FlushAsync()|};
                        Monitor.Exit(gate);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- negatives ---------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_SemaphoreSlim_WaitAsync_Release()
    {
        const string source = Usings + """
            class Store
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task SaveAsync(Stream stream, byte[] item)
                {
                    await _gate.WaitAsync();
                    try
                    {
                        await stream.WriteAsync(item, 0, item.Length);
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    using (await _gate.EnterAsync())
                    {
                        await stream.FlushAsync();
                    }

                    _gate.Wait();
                    try { await Task.Yield(); } finally { _gate.Release(); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source.Replace("using System;", "using System;\nusing ThreadWise;"));
    }

    [Fact]
    public Task NoDiagnostic_LockTakenAndReleasedBetweenAwaits()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private readonly Dictionary<string, string> _cache = new Dictionary<string, string>();
                private int _n;

                public async Task RunAsync(string key)
                {
                    var item = await LoadAsync(key);
                    Monitor.Enter(_gate);
                    try
                    {
                        _cache[key] = item;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }

                    await Task.Delay(1);
                    lock (_gate)
                    {
                        _n++;
                    }

                    await Task.Delay(1);
                    _rw.EnterWriteLock();
                    _n++;
                    _rw.ExitWriteLock();
                    await Task.Delay(1);
                }

                private Task<string> LoadAsync(string key) => Task.FromResult(key);
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_AsyncLambdaDefinedWhileHolding()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();
                private Task _pending = Task.CompletedTask;

                public async Task RunAsync()
                {
                    lock (_gate)
                    {
                        _pending = Task.Run(async () => await FlushAsync());
                    }

                    Monitor.Enter(_gate);
                    try
                    {
                        Func<Task> later = async () => await FlushAsync();
                        _pending = later();
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }

                    await _pending;
                }

                private Task FlushAsync() => Task.CompletedTask;
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_HeldOnSomePathsOnly_OrReleasedOnEveryBranch()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();
                private bool _threadSafe;

                public async Task RunAsync(bool flag)
                {
                    var taken = Monitor.TryEnter(_gate);
                    await Task.Delay(1);
                    if (taken) Monitor.Exit(_gate);

                    if (_threadSafe) Monitor.Enter(_gate);
                    await Task.Delay(1);
                    if (_threadSafe) Monitor.Exit(_gate);

                    Monitor.Enter(_gate);
                    if (flag)
                    {
                        Monitor.Exit(_gate);
                    }
                    else
                    {
                        Monitor.Exit(_gate);
                    }

                    await Task.Delay(1);

                    Monitor.Enter(_gate);
                    while (true)
                    {
                        if (flag)
                        {
                            Monitor.Exit(_gate);
                            break;
                        }
                    }

                    await Task.Delay(1);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_SynchronousMethod_BlockingWait_AndNonAsyncLambda()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();

                public void Run(Task task)
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        task.Wait();
                        Func<Task> f = () => Task.Delay(1);
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }

                public Task RunAsync()
                {
                    Monitor.Enter(_gate);
                    try { return Task.Delay(1); }
                    finally { Monitor.Exit(_gate); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ComputedLockObject_AndAfterTryCatchThatReleases()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();
                private object GetLock() => _gate;

                public async Task RunAsync()
                {
                    Monitor.Enter(GetLock());
                    await Task.Delay(1);
                    Monitor.Exit(GetLock());

                    Monitor.Enter(_gate);
                    try
                    {
                        Console.WriteLine();
                    }
                    catch (Exception)
                    {
                        Monitor.Exit(_gate);
                        throw;
                    }

                    Monitor.Exit(_gate);
                    await Task.Delay(1);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_IncompleteCode()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();

                public async Task RunAsync()
                {
                    Monitor.{|CS1501:Enter|}();
                    await Task.Delay(1);
                    Monitor.Exit(_gate);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
