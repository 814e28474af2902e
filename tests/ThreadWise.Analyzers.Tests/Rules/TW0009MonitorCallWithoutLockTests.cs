using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0009MonitorCallWithoutLockAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0009 analyzer: Monitor.Wait/Pulse/PulseAll without the lock; helpers decided on their callers in the type.</summary>
public class TW0009MonitorCallWithoutLockTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    // ---- positives (the docs' noncompliant code first) -------------------------------------------------------

    [Fact]
    public Task Reports_PulseAfterTheLockBlock()
    {
        const string source = Usings + """
            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                public void Put(int item)
                {
                    lock (_gate)
                    {
                        _items.Enqueue(item);
                    }

                    {|#0:Monitor.Pulse(_gate)|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments("Monitor.Pulse", "_gate", ""));
    }

    [Fact]
    public Task Reports_WaitInLoop_WithoutAnyLock()
    {
        const string source = Usings + """
            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                public int Take()
                {
                    while (_items.Count == 0)
                    {
                        {|TW0009:Monitor.Wait(_gate)|};
                    }

                    return _items.Dequeue();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_PrivateHelper_CalledWithoutTheLock_NamesTheCall()
    {
        const string source = Usings + """
            class Worker
            {
                private readonly object _gate = new object();
                private bool _stopping;

                private void Signal() => {|#0:Monitor.PulseAll(_gate)|};

                public void Add()
                {
                    lock (_gate)
                    {
                        Signal();
                    }
                }

                public void Stop()
                {
                    _stopping = true;
                    Signal();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments(
            "Monitor.PulseAll", "_gate", " ('Stop' calls 'Signal' at line 23 without it)"));
    }

    [Fact]
    public Task Reports_AnotherLockHeld_ThatIsCertainlyADifferentObject()
    {
        const string source = Usings + """
            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                public void Put(int item)
                {
                    lock (_items)
                    {
                        _items.Enqueue(item);
                        {|TW0009:Monitor.Pulse(_gate)|};
                    }

                    lock (this)
                    {
                        {|TW0009:Monitor.PulseAll(_gate)|};
                    }

                    lock (_plain)
                    {
                        {|TW0009:Monitor.Pulse(_gate)|};
                    }

                    lock (_reassigned)
                    {
                        Monitor.Pulse(_gate);
                    }
                }

                private object _plain = new object();
                private object _reassigned = new object();

                public void Share(object shared) => _reassigned = shared;
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_WaitAfterExit_AndTimedWait()
    {
        const string source = Usings + """
            class C
            {
                private static readonly object s_gate = new object();
                private static bool s_ready;

                public static void Run()
                {
                    Monitor.Enter(s_gate);
                    try
                    {
                        s_ready = false;
                    }
                    finally
                    {
                        Monitor.Exit(s_gate);
                    }

                    if (!s_ready)
                    {
                        {|TW0009:Monitor.Wait(s_gate, TimeSpan.FromSeconds(1))|};
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_LaunchedLambda_EvenWhenStartedUnderTheLock()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();

                public void Run()
                {
                    lock (_gate)
                    {
                        Task.Run(() => {|TW0009:Monitor.Pulse(_gate)|});
                        new Thread(() => {|TW0009:Monitor.Wait(_gate)|}).Start();
                        ThreadPool.QueueUserWorkItem(_ => {|TW0009:Monitor.PulseAll(_gate)|});
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_LaunchedMethodGroup_AndLocalFunctionCalledUnheld()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();
                private bool _ready;

                public void Start()
                {
                    new Thread(Consume).Start();
                    Notify();

                    void Notify()
                    {
                        _ready = true;
                        {|TW0009:Monitor.Pulse(_gate)|};
                    }
                }

                private void Consume()
                {
                    while (!_ready)
                    {
                        {|TW0009:Monitor.Wait(_gate)|};
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_LocalLockObject_TopLevel()
    {
        const string source = """
            using System.Threading;

            var gate = new object();
            {|TW0009:Monitor.Pulse(gate)|};
            lock (gate)
            {
                Monitor.Pulse(gate);
            }
            """;
        return Verify.VerifyProgramAsync(source);
    }

    [Fact]
    public Task Reports_ExplicitInterfaceImplementation_AndConstructor_OnPrivateLock()
    {
        const string source = Usings + """
            interface ISignal { void Signal(); }

            class C : ISignal
            {
                private readonly object _gate = new object();

                public C()
                {
                    {|TW0009:Monitor.PulseAll(_gate)|};
                }

                void ISignal.Signal() => {|TW0009:Monitor.Pulse(_gate)|};

                internal void Wake() => {|TW0009:Monitor.Pulse(_gate)|};
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_HelperChain_TwoLevels()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();

                public void Stop() => Outer();

                private void Outer() => Inner();

                private void Inner() => {|TW0009:Monitor.PulseAll(_gate)|};
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- negatives ---------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_InsideLock_WhileLoop_DoWhile_CatchAndFinally()
    {
        const string source = Usings + """
            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                public void Put(int item)
                {
                    lock (_gate)
                    {
                        _items.Enqueue(item);
                        Monitor.Pulse(_gate);
                    }
                }

                public int Take()
                {
                    lock (_gate)
                    {
                        while (_items.Count == 0)
                        {
                            Monitor.Wait(_gate);
                        }

                        do
                        {
                            try
                            {
                                Monitor.Wait(_gate, 10);
                            }
                            catch (ThreadInterruptedException)
                            {
                                Monitor.PulseAll(_gate);
                            }
                            finally
                            {
                                Monitor.Pulse(_gate);
                            }
                        }
                        while (_items.Count == 0);

                        return _items.Dequeue();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_EnterExitRegions_TryEnter_RefTaken()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();

                public bool TrySignal()
                {
                    if (!Monitor.TryEnter(_gate, 100))
                    {
                        return false;
                    }

                    try
                    {
                        Monitor.PulseAll(_gate);
                        return true;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }

                public void Signal()
                {
                    Monitor.Enter(_gate);
                    try { Monitor.Pulse(_gate); }
                    finally { Monitor.Exit(_gate); }

                    bool taken = false;
                    try
                    {
                        Monitor.Enter(_gate, ref taken);
                        Monitor.Wait(_gate, 10);
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(_gate);
                    }

                    if (Monitor.TryEnter(_gate))
                    {
                        try { Monitor.Pulse(_gate); } finally { Monitor.Exit(_gate); }
                    }

                    var ok = Monitor.TryEnter(_gate, TimeSpan.FromSeconds(1));
                    if (ok)
                    {
                        Monitor.Pulse(_gate);
                        Monitor.Exit(_gate);
                    }

                    Monitor.Enter(_gate);
                    for (var i = 0; i < 3; i++)
                    {
                        Monitor.Exit(_gate);
                        Thread.Sleep(1);
                        Monitor.Enter(_gate);
                        Monitor.Pulse(_gate);
                    }

                    Monitor.Exit(_gate);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_PrivateHelper_OnlyEverCalledWithTheLockHeld()
    {
        const string source = Usings + """
            class Pool
            {
                private readonly object _gate = new object();
                private readonly Queue<Action> _work = new Queue<Action>();
                private bool _closed;

                public void Submit(Action a)
                {
                    lock (_gate)
                    {
                        _work.Enqueue(a);
                        WakeOne();
                    }
                }

                public void Close()
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        _closed = true;
                        WakeAllLocked();
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }

                public Action? Next()
                {
                    lock (_gate)
                    {
                        WaitForWork();
                        return _work.Count > 0 ? _work.Dequeue() : null;
                    }
                }

                private void WakeOne() => Monitor.Pulse(_gate);

                private void WakeAllLocked() => Signal(all: true);

                private void Signal(bool all)
                {
                    if (all) Monitor.PulseAll(_gate); else Monitor.Pulse(_gate);
                }

                private void WaitForWork()
                {
                    while (_work.Count == 0 && !_closed)
                    {
                        Monitor.Wait(_gate);
                    }
                }

                public void Drain()
                {
                    lock (_gate)
                    {
                        Local();
                    }

                    void Local() => Monitor.PulseAll(_gate);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CallersOutsideMayHoldTheLock()
    {
        const string source = Usings + """
            public class Signals
            {
                public readonly object Gate = new object();
                protected readonly object SyncRoot = new object();

                public void PulseThis() => Monitor.Pulse(this);

                public static void Notify(object gate) => Monitor.PulseAll(gate);

                public void WaitOnGate() => Monitor.Wait(Gate);

                protected void WakeAll() => Monitor.PulseAll(SyncRoot);

                private static void Wake(object gate) => Monitor.Pulse(gate);

                public void UseWake()
                {
                    Wake(Gate);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_PrivateLockHandedOut_SyncRootPattern()
    {
        const string source = Usings + """
            public class Collection
            {
                private readonly object _sync = new object();
                private readonly object _other = new object();

                public object SyncRoot => _sync;

                /// <summary>Call inside lock (SyncRoot).</summary>
                public void NotifyChangedLocked() => Monitor.PulseAll(_sync);

                public void Register(List<object> locks) => locks.Add(_other);

                public void WakeOther() => Monitor.Pulse(_other);
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LockObjectHandedIn_ThroughTheConstructor()
    {
        // NetMQ's MailboxSafe: the owner passes its own lock in and holds it around TryRecv, which waits on it.
        const string source = Usings + """
            public class Mailbox
            {
                private readonly object _sync;
                private readonly Queue<int> _commands = new Queue<int>();

                public Mailbox(object sync) => _sync = sync;

                public bool TryReceive(int timeout, out int command)
                {
                    if (_commands.TryDequeue(out command))
                    {
                        return true;
                    }

                    Monitor.Wait(_sync, timeout);
                    return _commands.TryDequeue(out command);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_PublicHelper_CalledWithTheLockInTheType()
    {
        const string source = Usings + """
            public class Buffer
            {
                private readonly object _gate = new object();
                private int _count;

                public void Put()
                {
                    lock (_gate)
                    {
                        _count++;
                        SignalLocked();
                    }
                }

                /// <summary>Call with the lock held.</summary>
                internal void SignalLocked() => Monitor.PulseAll(_gate);
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_HeldOnSomePaths_OrAnotherLockThatMayBeTheSameObject()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();
                private object _current;
                private readonly bool _threadSafe;

                public C(object shared) { _current = shared; }

                private object GetLock() => _gate;

                public void Run()
                {
                    if (_threadSafe) Monitor.Enter(_gate);
                    Monitor.Pulse(_gate);
                    if (_threadSafe) Monitor.Exit(_gate);

                    var g = _gate;
                    lock (g)
                    {
                        Monitor.Pulse(_gate);
                    }

                    lock (_current)
                    {
                        Monitor.PulseAll(_gate);
                    }

                    lock (GetLock())
                    {
                        Monitor.Pulse(_gate);
                    }

                    Monitor.Pulse(GetLock());

                    var ok = Monitor.TryEnter(_gate);
                    Monitor.Pulse(_gate);
                    if (ok) Monitor.Exit(_gate);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LambdasNotLaunched_AndMethodGroupsStoredForLater()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();
                private readonly List<Action> _callbacks = new List<Action>();
                private readonly List<int> _items = new List<int>();

                public void Run()
                {
                    lock (_gate)
                    {
                        _items.ForEach(i => Monitor.Pulse(_gate));
                    }

                    WithLock(() => Monitor.PulseAll(_gate));
                    _callbacks.Add(Wake);
                }

                private void WithLock(Action action)
                {
                    lock (_gate)
                    {
                        action();
                    }
                }

                private void Wake() => Monitor.Pulse(_gate);
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_BoundedBuffer_RealCodeShape()
    {
        const string source = Usings + """
            public sealed class BoundedBuffer<T>
            {
                private readonly Queue<T> _queue = new Queue<T>();
                private readonly int _capacity;
                private readonly object _sync = new object();

                public BoundedBuffer(int capacity) => _capacity = capacity;

                public void Add(T item)
                {
                    lock (_sync)
                    {
                        while (_queue.Count >= _capacity)
                        {
                            Monitor.Wait(_sync);
                        }

                        _queue.Enqueue(item);
                        if (_queue.Count == 1)
                        {
                            Monitor.PulseAll(_sync);
                        }
                    }
                }

                public bool TryTake(out T item, int millisecondsTimeout)
                {
                    lock (_sync)
                    {
                        while (_queue.Count == 0)
                        {
                            if (!Monitor.Wait(_sync, millisecondsTimeout))
                            {
                                item = default!;
                                return false;
                            }
                        }

                        item = _queue.Dequeue();
                        switch (_queue.Count)
                        {
                            case 0:
                                break;
                            default:
                                Monitor.Pulse(_sync);
                                break;
                        }

                        Monitor.PulseAll(_sync);
                        return true;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CallOnAnotherInstance()
    {
        const string source = Usings + """
            class Node
            {
                private readonly object _gate = new object();

                private void Wake() => Monitor.Pulse(_gate);

                public void WakeOther(Node other)
                {
                    other.Wake();
                }

                public void WakeSelf()
                {
                    lock (_gate) { Wake(); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
