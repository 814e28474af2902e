using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.BuildVerifier<
    ThreadWise.Analyzers.Rules.TW0016CheckThenActOnSharedStateAnalyzer,
    ThreadWise.Analyzers.Rules.TW0016CrossTypeAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0016 as a build runs it (live and build-only analyzers together): the docs' examples, then the shapes.</summary>
public class TW0016CheckThenActOnSharedStateTests
{
    private static DiagnosticResult At(int location) =>
        Verify.Diagnostic().WithLocation(location).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

    private static DiagnosticResult Race(int location, string name, string verb, string reason, string noun) =>
        At(location).WithArguments(name, verb, reason, noun);

    private static string InClass(string members) => $$"""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private int _balance = 1000;
            private int _tickets = 10;
            private int _max;
            private bool _started;
            private readonly object _gate = new();
            static void Connect() { }

        {{members}}
        }
        """;

    // ---- positives: the docs' noncompliant examples ------------------------------------------------------------

    [Fact]
    public Task Reports_TheCourseAccount_WithdrawnFromTwoThreads()
    {
        const string source = """
            using System.Threading;

            class Account
            {
                private int _balance = 1000;

                public void Withdraw(int amount)
                {
                    {|#0:if (_balance >= amount)|}
                    {
                        Thread.Sleep(1);
                        _balance -= amount;
                    }
                }

                public void Run()
                {
                    var a = {|#1:new Thread(() => Withdraw(800))|};
                    var b = new Thread(() => Withdraw(800));
                    a.Start(); b.Start();
                    a.Join(); b.Join();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(
                "_balance", "updated", "on the thread started at line 18 while the thread started at line 19 also writes it", "update"));
    }

    [Fact]
    public Task Reports_MaxTracking_InParallelForEach()
    {
        const string source = """
            using System.Threading.Tasks;
            class Gauge
            {
                private int _max;
                public void Track(int[] samples) =>
                    Parallel.ForEach(samples, s => { {|#0:if (s > _max)|} _max = s; });
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, "_max", "set", "in the Parallel.ForEach body at line 6, which runs on several threads at once", "write"));
    }

    [Fact]
    public Task Reports_OnceFlag_FromAPeriodicTimer()
    {
        const string source = """
            using System.Threading;
            class Connector
            {
                private bool _started;
                private readonly Timer _timer;
                public Connector() => _timer = new Timer(_ => Start(), null, 0, 100);
                private void Start()
                {
                    {|#0:if (!_started)|}
                    {
                        _started = true;
                        Connect();
                    }
                }
                private void Connect() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, "_started", "set", "in the timer callback at line 6, whose calls can overlap", "write"));
    }

    // ---- positives: more shapes ----------------------------------------------------------------------------------

    [Fact]
    public Task Reports_TicketDecrement_FromTasksInALoop() => Verify.VerifyAnalyzerAsync(InClass("""
            void Sell()
            {
                {|#0:if (_tickets > 0)|} _tickets--;
            }

            void Run()
            {
                for (var i = 0; i < 4; i++)
                {
                    Task.Run(() => Sell());
                }
            }
        """), At(0).WithArguments("_tickets", "decremented", "on the tasks started at line 23, which run at the same time", "decrement"));

    [Fact]
    public Task Reports_StaticField_AndElseBranch_AndCapturedLocal()
    {
        const string source = """
            using System;
            using System.Threading.Tasks;
            static class Seats
            {
                private static int s_free = 100;

                public static bool Book(int n)
                {
                    {|#0:if (s_free < n)|}
                    {
                        return false;
                    }
                    else
                    {
                        s_free -= n;
                        return true;
                    }
                }

                public static void Run() => Parallel.For(0, 10, _ => Book(3));

                public static int Peak(int[] values)
                {
                    var peak = 0;
                    Parallel.ForEach(values, v =>
                    {
                        {|#1:if (v > peak)|}
                        {
                            peak = v;
                            Console.WriteLine(v);
                        }
                    });
                    return peak;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, "s_free", "updated", "in the Parallel.For body at line 20, which runs on several threads at once", "update"),
            Race(1, "peak", "set", "in the Parallel.ForEach body at line 25, which runs on several threads at once", "write"));
    }

    [Fact]
    public Task Reports_CheckOutsideTheLock_ActInside_WithoutARecheck() => Verify.VerifyAnalyzerAsync(InClass("""
            void Withdraw(int amount)
            {
                {|#0:if (_balance >= amount)|}
                {
                    lock (_gate)
                    {
                        _balance -= amount;
                    }
                }
            }

            void Run() => Parallel.Invoke(() => Withdraw(800), () => Withdraw(800));
        """), Race(0, "_balance", "updated", "in the Parallel.Invoke action at line 25 while another action of the same call also writes it", "update"));

    [Fact]
    public Task Reports_StateMachineTransition_WithMoreThanTheWrite_OverSeveralThreads()
    {
        const string source = """
            using System.Threading;
            enum State { Idle, Running, Stopped }
            class Worker
            {
                private State _state;
                private Thread? _thread;
                public void Start()
                {
                    {|#0:if (_state == State.Idle)|}
                    {
                        _state = State.Running;
                        _thread = new Thread(Loop);
                        _thread.Start();
                    }
                }
                private void Loop() { }
                public static void Main()
                {
                    var w = new Worker();
                    new Thread(w.Start).Start();
                    new Thread(w.Start).Start();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, "_state", "set", "on the threads started at lines 20 and 21, which run at the same time", "write"));
    }

    [Fact]
    public Task Reports_InterlockedAct_UnderAPlainCheck() => Verify.VerifyAnalyzerAsync(InClass("""
            private long _left = 100;

            void Sell(int n)
            {
                {|#0:if (Volatile.Read(ref _balance) >= n)|} Interlocked.Add(ref _balance, -n);
                {|#1:if (Interlocked.Read(ref _left) > 0)|} Interlocked.Decrement(ref _left);
            }

            void Run() => Parallel.For(0, 10, Sell);
        """),
        Race(0, "_balance", "updated", "in the Parallel.For body at line 22, which runs on several threads at once", "update"),
        Race(1, "_left", "updated", "in the Parallel.For body at line 22, which runs on several threads at once", "update"));

    [Fact]
    public Task Reports_OneIfOnce_WhateverItsActs() => Verify.VerifyAnalyzerAsync(InClass("""
            void Take()
            {
                {|#0:if (_tickets > 0)|}
                {
                    _tickets--;
                    Console.WriteLine(_tickets);
                    _tickets = Math.Max(_tickets, 0);
                    if (_tickets == 0) _tickets = 10;
                }
            }

            void Run() => Parallel.For(0, 10, _ => Take());
        """), Race(0, "_tickets", "decremented", "in the Parallel.For body at line 25, which runs on several threads at once", "decrement"));

    [Fact]
    public Task Reports_CrossType_AtBuildTime()
    {
        const string source = """
            using System.Threading.Tasks;
            class Account
            {
                private int _balance = 1000;
                public void Withdraw(int amount)
                {
                    {|#0:if (_balance >= amount)|} _balance -= amount;
                }
            }
            class Bank
            {
                public static void Run(Account account) => Parallel.For(0, 8, _ => account.Withdraw(100));
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, "_balance", "updated", "in the Parallel.For body at line 12, which runs on several threads at once", "update"));
    }

    // ---- negatives -----------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_CheckAndActUnderOneLock_AllLockKinds()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;
            class C
            {
                private int _balance = 1000;
                private readonly object _gate = new();
                private readonly SemaphoreSlim _semaphore = new(1, 1);
                private readonly ReaderWriterLockSlim _rw = new();

                void A(int x) { lock (_gate) { if (_balance >= x) _balance -= x; } }
                void B(int x)
                {
                    Monitor.Enter(_gate);
                    try { if (_balance >= x) _balance -= x; }
                    finally { Monitor.Exit(_gate); }
                }
                async Task D(int x)
                {
                    await _semaphore.WaitAsync();
                    try { if (_balance >= x) _balance -= x; }
                    finally { _semaphore.Release(); }
                }
                void E(int x)
                {
                    _rw.EnterWriteLock();
                    try { if (_balance >= x) _balance -= x; }
                    finally { _rw.ExitWriteLock(); }
                }
                [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.Synchronized)]
                void F(int x) { if (_balance >= x) _balance -= x; }
                void G(int x)
                {
                    if (Monitor.TryEnter(_gate))
                    {
                        try { if (_balance >= x) _balance -= x; }
                        finally { Monitor.Exit(_gate); }
                    }
                }

                void Run() => Parallel.Invoke(() => A(1), () => B(1), () => D(1).Wait(), () => E(1), () => F(1), () => G(1));
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CompareExchangeLoop_AndInterlockedOnceFlags() => Verify.VerifyAnalyzerAsync(InClass("""
            private int _once;
            private int _state;
            private int _disposed;

            void Track(int x)
            {
                while (true)
                {
                    var current = _max;
                    if (x <= current || Interlocked.CompareExchange(ref _max, x, current) == current)
                    {
                        return;
                    }
                }
            }

            void Once()
            {
                if (Interlocked.Exchange(ref _once, 1) == 0)
                {
                    Connect();
                }

                if (_state == 0 && Interlocked.CompareExchange(ref _state, 1, 0) == 0)
                {
                    _state = 2;
                    Connect();
                }
            }

            void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) != 0)
                {
                    return;
                }

                Connect();
            }

            void Limited()
            {
                if (Interlocked.Increment(ref _state) > 10)
                {
                    Interlocked.Decrement(ref _state);
                }

                var current = _max;
                if (current < 5) Interlocked.CompareExchange(ref _max, 5, current);
                if (_once != 0) Interlocked.Exchange(ref _once, 0);
            }

            void Run() => Parallel.For(0, 10, i => { Track(i); Once(); Dispose(); Limited(); });
        """));

    [Fact]
    public Task NoDiagnostic_DoubleCheckedLocking_AndLazyInit() => Verify.VerifyAnalyzerAsync(InClass("""
            private object? _value;
            private string? _name;
            private volatile bool _ready;

            object Get()
            {
                if (_value == null)
                {
                    lock (_gate)
                    {
                        if (_value == null)
                        {
                            _value = new object();
                        }
                    }
                }

                if (_name is null) _name = "x";
                if (string.IsNullOrEmpty(_name)) _name = "z";
                _name ??= "y";
                return _value;
            }

            void Init()
            {
                if (!_ready)
                {
                    lock (_gate)
                    {
                        if (!_ready)
                        {
                            Connect();
                            _ready = true;
                        }
                    }
                }
            }

            void Run() => Parallel.For(0, 10, _ => { Get(); Init(); });
        """));

    [Fact]
    public Task NoDiagnostic_IdempotentWrites() => Verify.VerifyAnalyzerAsync(InClass("""
            private volatile bool _stopped;
            private int _mode;

            void Stop()
            {
                if (!_stopped) _stopped = true;
                if (!_started)
                {
                    _started = true;
                }
            }

            void SetMode(int value)
            {
                if (_mode != value)
                {
                    _mode = value;
                    Connect();
                }
            }

            void Run() => Parallel.For(0, 10, i => { Stop(); SetMode(i); });
        """));

    [Fact]
    public Task NoDiagnostic_SingleThreadedCode_AndOneDedicatedThread() => Verify.VerifyAnalyzerAsync(InClass("""
            void Withdraw(int amount)
            {
                if (_balance >= amount) _balance -= amount;
            }

            void Sell()
            {
                if (_tickets > 0) _tickets--;
            }

            void Main()
            {
                Withdraw(800);
                Withdraw(800);
                var worker = new Thread(() => { while (true) Sell(); });
                worker.Start();
            }
        """));

    [Fact]
    public Task NoDiagnostic_Constructor_AndObjectsCreatedPerThread()
    {
        const string source = """
            using System.Threading.Tasks;
            class Session
            {
                private int _credits;
                private bool _open;
                public Session(int credits)
                {
                    if (credits > 0) _credits = credits;
                    if (!_open) { _open = true; System.Console.WriteLine(); }
                }
                public void Spend()
                {
                    if (_credits > 0) _credits--;
                    if (!_open) { _open = true; System.Console.WriteLine(); }
                }
            }
            class Server
            {
                public static void Run() => Parallel.For(0, 10, _ =>
                {
                    var session = new Session(5);
                    session.Spend();
                });
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_UiThreadOnly_CustomScheduler_AndLocalsOfTheBody() => Verify.VerifyAnalyzerAsync(InClass("""
            void Click()
            {
                if (_balance >= 100) _balance -= 100;
            }

            void Run(TaskScheduler ui)
            {
                Task.Factory.StartNew(Click, CancellationToken.None, TaskCreationOptions.None, ui);
                Task.Factory.StartNew(Click, CancellationToken.None, TaskCreationOptions.None, ui);
                Parallel.For(0, 10, i =>
                {
                    var best = 0;
                    if (i > best) best = i;
                });
            }
        """));

    [Fact]
    public Task NoDiagnostic_CollectionsAndElements_AreOtherRulesBusiness() => Verify.VerifyAnalyzerAsync(InClass("""
            private readonly System.Collections.Generic.Dictionary<int, int> _map = new();
            private readonly int[] _slots = new int[8];
            private System.Collections.Generic.List<int> _buffer = new();

            void Put(int k)
            {
                if (!_map.ContainsKey(k)) _map[k] = k;
                if (_slots[k % 8] == 0) _slots[k % 8] = k;
                if (_buffer.Count > 100) _buffer = new();
            }

            void Run() => Parallel.For(0, 10, Put);
        """));

    [Fact]
    public Task NoDiagnostic_DifferentLocations_AndNoWrite() => Verify.VerifyAnalyzerAsync(InClass("""
            private int _limit = 5;
            private int _used;

            void Use()
            {
                if (_limit > 0) Console.WriteLine(_limit);
                if (_used < 0) Console.WriteLine(_limit);
                _used = _limit;
            }

            void Run() => Parallel.For(0, 10, _ => Use());
        """));

    // ---- negatives: real-code shapes ---------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_StopFlag_WrittenOnlyByTheOwner_AndReadByTheWorker()
    {
        const string source = """
            using System.Threading;
            class Pump
            {
                private volatile bool _stopping;
                private readonly Thread _thread;
                public Pump()
                {
                    _thread = new Thread(Loop);
                    _thread.Start();
                }
                private void Loop()
                {
                    while (!_stopping) Thread.Sleep(10);
                }
                public void Stop()
                {
                    if (!_stopping)
                    {
                        _stopping = true;
                        _thread.Join();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_StateMachineUnderLock_InAPeriodicTimer_AndOneShotTimerReArmedAtTheEnd()
    {
        const string source = """
            using System;
            using System.Threading;
            enum State { Idle, Busy }
            class Scheduler
            {
                private readonly object _gate = new();
                private State _state;
                private bool _busy;
                private readonly Timer _periodic;
                private readonly Timer _oneShot;
                public Scheduler()
                {
                    _periodic = new Timer(OnTick, null, 0, 100);
                    _oneShot = new Timer(Poll, null, 100, Timeout.Infinite);
                }
                private void OnTick(object? state)
                {
                    lock (_gate)
                    {
                        if (_state == State.Idle)
                        {
                            _state = State.Busy;
                            Console.WriteLine("work");
                            _state = State.Idle;
                        }
                    }
                }
                private void Poll(object? state)
                {
                    if (!_busy)
                    {
                        _busy = true;
                        Console.WriteLine("poll");
                        _busy = false;
                    }

                    _oneShot.Change(100, Timeout.Infinite);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_EventHandlers_AndAwaitedTasks() => Verify.VerifyAnalyzerAsync(InClass("""
            public event EventHandler? Clicked;

            void Wire()
            {
                Clicked += (s, e) => { if (_tickets > 0) _tickets--; };
            }

            async Task Step()
            {
                await Task.Run(() => Console.WriteLine());
                if (_balance >= 10) _balance -= 10;
                Task.Run(() => Console.WriteLine()).Wait();
                if (_tickets > 0) _tickets--;
            }
        """));
}
