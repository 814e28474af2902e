using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.BuildVerifier<
    ThreadWise.Analyzers.Rules.TW0016CheckThenActOnSharedStateAnalyzer,
    ThreadWise.Analyzers.Rules.TW0016CrossTypeAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0016's early-leave shape: a guard clause (<c>if (_started) return;</c>) whose condition reads the location, then a
/// write of it later in the same block. The same check-then-act as <c>if (!_started) { _started = true; … }</c>, with the
/// same silences.
/// </summary>
public class TW0016GuardClauseTests
{
    private static DiagnosticResult Race(int location, string name, string verb, string reason, string noun) =>
        Verify.Diagnostic().WithLocation(location).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments(name, verb, reason, noun);

    private const string OnSeveralThreads = "in the Parallel.For body at line {0}, which runs on several threads at once";

    private static string Parallel(int line) => string.Format(System.Globalization.CultureInfo.InvariantCulture, OnSeveralThreads, line);

    private static string InClass(string members) => $$"""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private int _balance = 1000;
            private int _tickets = 10;
            private bool _started;
            private readonly object _gate = new();
            static void StartWorker() { }

        {{members}}
        }
        """;

    // ---- positives: the docs' noncompliant examples --------------------------------------------------------------

    [Fact]
    public Task Reports_OnceFlag_GuardClause_ThenMoreWork_FromAPeriodicTimer()
    {
        const string source = """
            using System.Threading;
            class Connector
            {
                private bool _started;
                private readonly Timer _timer;
                public Connector() => _timer = new Timer(_ => Start(), null, 0, 100);
                public void Start()
                {
                    {|#0:if (_started)|} return;
                    _started = true;
                    Connect();
                }
                private void Connect() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, "_started", "set", "in the timer callback at line 6, whose calls can overlap", "write"));
    }

    [Fact]
    public Task Reports_TryWithdraw_ReturnFalseGuard() => Verify.VerifyAnalyzerAsync(InClass("""
            public bool TryWithdraw(int amount)
            {
                {|#0:if (_balance < amount)|} return false;
                _balance -= amount;
                return true;
            }

            void Run() => Parallel.For(0, 10, _ => TryWithdraw(800));
        """), Race(0, "_balance", "updated", Parallel(20), "update"));

    // ---- positives: more shapes ----------------------------------------------------------------------------------

    [Fact]
    public Task Reports_ThrowGuard_BlockGuard_AndWorkBetweenCheckAndAct() => Verify.VerifyAnalyzerAsync(InClass("""
            private int _sold;

            void Sell()
            {
                {|#0:if (_tickets <= 0)|} throw new InvalidOperationException("sold out");
                Console.WriteLine("selling");
                _tickets--;
            }

            void Start()
            {
                {|#1:if (_started)|}
                {
                    Console.WriteLine("already started");
                    return;
                }

                Console.WriteLine("starting");
                _started = true;
            }

            void Count(int limit)
            {
                {|#2:if (_sold >= limit)|} return;
                if (limit > 0)
                {
                    _sold++;
                }
            }

            void Run() => Parallel.For(0, 10, i => { Sell(); Start(); Count(i); });
        """),
        Race(0, "_tickets", "decremented", Parallel(43), "decrement"),
        Race(1, "_started", "set", Parallel(43), "write"),
        Race(2, "_sold", "incremented", Parallel(43), "increment"));

    [Fact]
    public Task Reports_BreakAndContinueGuards_InALoop() => Verify.VerifyAnalyzerAsync(InClass("""
            private int _taken;
            private int _skipped;

            void Take(int[] items, int max)
            {
                foreach (var item in items)
                {
                    {|#0:if (_taken >= max)|} break;
                    _taken++;
                }

                for (var i = 0; i < items.Length; i++)
                {
                    {|#1:if (_skipped > items[i])|} continue;
                    _skipped = items[i];
                    Console.WriteLine(i);
                }
            }

            void Run(int[] items) => Parallel.For(0, 10, _ => Take(items, 5));
        """),
        Race(0, "_taken", "incremented", Parallel(32), "increment"),
        Race(1, "_skipped", "set", Parallel(32), "write"));

    [Fact]
    public Task Reports_GuardOutsideTheLock_ActInside_WithoutARecheck() => Verify.VerifyAnalyzerAsync(InClass("""
            bool TryWithdraw(int amount)
            {
                {|#0:if (_balance < amount)|} return false;
                lock (_gate)
                {
                    _balance -= amount;
                }

                return true;
            }

            void Run() => Parallel.For(0, 10, _ => TryWithdraw(800));
        """), Race(0, "_balance", "updated", Parallel(24), "update"));

    [Fact]
    public Task Reports_ReentrancyGuard_InAPeriodicTimer_Once()
    {
        const string source = """
            using System;
            using System.Threading;
            class Poller
            {
                private bool _busy;
                private readonly Timer _timer;
                public Poller() => _timer = new Timer(OnTick, null, 0, 100);
                private void OnTick(object? state)
                {
                    {|#0:if (_busy)|} return;
                    _busy = true;
                    try
                    {
                        Console.WriteLine("poll");
                    }
                    finally
                    {
                        _busy = false;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, "_busy", "set", "in the timer callback at line 7, whose calls can overlap", "write"));
    }

    [Fact]
    public Task Reports_InterlockedAct_AfterAPlainGuard() => Verify.VerifyAnalyzerAsync(InClass("""
            private int _active;

            bool Enter(int max)
            {
                {|#0:if (Volatile.Read(ref _active) >= max)|} return false;
                Interlocked.Increment(ref _active);
                return true;
            }

            void Run() => Parallel.For(0, 10, _ => Enter(4));
        """), Race(0, "_active", "updated", Parallel(22), "update"));

    [Fact]
    public Task Reports_StateMachineTransition_ThenWork_AndNestedFlagStore()
    {
        const string source = """
            using System;
            using System.Threading;
            enum State { Idle, Running, Stopped }
            class Worker
            {
                private State _state;
                private bool _announced;
                public void Stop()
                {
                    {|#0:if (_state != State.Running)|} return;
                    _state = State.Stopped;
                    Console.WriteLine("cleanup");
                }
                public void Announce(bool loud)
                {
                    if (loud)
                    {
                        {|#1:if (_announced)|} return;
                        _announced = true;
                    }

                    Console.WriteLine("announced");
                }
                public static void Main()
                {
                    var w = new Worker();
                    new Thread(() => { w.Stop(); w.Announce(true); }).Start();
                    new Thread(() => { w.Stop(); w.Announce(true); }).Start();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, "_state", "set", "on the thread started at line 27 while the thread started at line 28 also writes it", "write"),
            Race(1, "_announced", "set", "on the thread started at line 27 while the thread started at line 28 also writes it", "write"));
    }

    [Fact]
    public Task Reports_DisposeGuard_WhenAPeriodicTimerCallbackDisposes()
    {
        const string source = """
            using System;
            using System.Threading;
            sealed class Watchdog : IDisposable
            {
                private bool _disposed;
                private readonly Timer _timer;
                public Watchdog() => _timer = new Timer(_ => Dispose(), null, 0, 100);
                public void Dispose()
                {
                    {|#0:if (_disposed)|} return;
                    _disposed = true;
                    _timer.Dispose();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, "_disposed", "set", "in the timer callback at line 7, whose calls can overlap", "write"));
    }

    [Fact]
    public Task Reports_GuardClause_CrossType_AtBuildTime()
    {
        const string source = """
            using System.Threading.Tasks;
            class Account
            {
                private int _balance = 1000;
                public bool TryWithdraw(int amount)
                {
                    {|#0:if (_balance < amount)|} return false;
                    _balance -= amount;
                    return true;
                }
            }
            class Bank
            {
                public static void Run(Account account) => Parallel.For(0, 8, _ => account.TryWithdraw(100));
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Race(0, "_balance", "updated", Parallel(14), "update"));
    }

    // ---- negatives: the silences of the if shape hold for the guard clause --------------------------------------

    [Fact]
    public Task NoDiagnostic_GuardAndActUnderOneLock_AllLockKinds() => Verify.VerifyAnalyzerAsync(InClass("""
            private readonly SemaphoreSlim _semaphore = new(1, 1);

            void A()
            {
                lock (_gate)
                {
                    if (_started) return;
                    _started = true;
                    StartWorker();
                }
            }

            void B(int amount)
            {
                Monitor.Enter(_gate);
                try
                {
                    if (_balance < amount) return;
                    _balance -= amount;
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }

            async Task D()
            {
                await _semaphore.WaitAsync();
                try
                {
                    if (_tickets <= 0) throw new InvalidOperationException();
                    _tickets--;
                }
                finally
                {
                    _semaphore.Release();
                }
            }

            [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.Synchronized)]
            void F(int amount)
            {
                if (_balance < amount) return;
                _balance -= amount;
            }

            void Run() => Parallel.Invoke(A, () => B(1), () => D().Wait(), () => F(1));
        """));

    [Fact]
    public Task NoDiagnostic_DoubleCheckedGuards_AndLazyInit() => Verify.VerifyAnalyzerAsync(InClass("""
            private volatile bool _ready;
            private object? _value;
            private string? _name;

            void Init()
            {
                if (_ready) return;
                lock (_gate)
                {
                    if (_ready) return;
                    StartWorker();
                    _ready = true;
                }
            }

            void InitNested()
            {
                if (_started) return;
                lock (_gate)
                {
                    if (!_started)
                    {
                        _started = true;
                        StartWorker();
                    }
                }
            }

            object Get()
            {
                if (_value != null) return _value;
                _value = new object();
                return _value;
            }

            void Name()
            {
                if (_name is not null) return;
                if (!string.IsNullOrEmpty(_name)) return;
                _name = "x";
                StartWorker();
            }

            void Run() => Parallel.For(0, 10, _ => { Init(); InitNested(); Get(); Name(); });
        """));

    [Fact]
    public Task NoDiagnostic_InterlockedGuards() => Verify.VerifyAnalyzerAsync(InClass("""
            private int _once;
            private int _disposed;
            private int _state;

            void Once()
            {
                if (Interlocked.Exchange(ref _once, 1) != 0) return;
                StartWorker();
            }

            void Dispose()
            {
                if (Volatile.Read(ref _disposed) != 0) return;
                if (Interlocked.CompareExchange(ref _disposed, 1, 0) != 0) return;
                StartWorker();
            }

            void Advance()
            {
                if (Interlocked.CompareExchange(ref _state, 1, 0) != 0) return;
                StartWorker();
                _state = 2;
            }

            void Run() => Parallel.For(0, 10, _ => { Once(); Dispose(); Advance(); });
        """));

    [Fact]
    public Task NoDiagnostic_IdempotentActs_FlagStoreLast_AndSetIfChanged() => Verify.VerifyAnalyzerAsync(InClass("""
            private volatile bool _stopped;
            private bool _seen;
            private int _mode;

            void Stop()
            {
                if (_stopped) return;
                _stopped = true;
            }

            void Mark()
            {
                lock (_gate)
                {
                    StartWorker();
                }

                if (_started)
                {
                    return;
                }

                _started = true;
            }

            void Scan(int[] items)
            {
                foreach (var item in items)
                {
                    if (_seen) continue;
                    _seen = true;
                }
            }

            void SetMode(int value)
            {
                if (_mode == value) return;
                _mode = value;
                StartWorker();
            }

            void Run(int[] items) => Parallel.For(0, 10, i => { Stop(); Mark(); Scan(items); SetMode(i); });
        """));

    [Fact]
    public Task NoDiagnostic_NotAGuard_OtherLocations_AndWritesInLambdas() => Verify.VerifyAnalyzerAsync(InClass("""
            private volatile bool _stopping;
            private int _count;

            void Step()
            {
                if (_count > 10) Console.WriteLine("many");
                _count = 0;

                if (_started) Console.WriteLine("started"); else return;
                _started = false;

                if (_stopping) return;
                _balance = 5;

                _tickets = 3;
                if (_tickets > 2) return;

                if (_balance > 0) return;
                Task.Run(() => _balance = 10).Wait();
            }

            void Run() => Parallel.For(0, 10, _ => Step());
        """));

    [Fact]
    public Task NoDiagnostic_OptimisticInterlockedWithRollback_AndAValueOnlyPassedToACall() => Verify.VerifyAnalyzerAsync(InClass("""
            private int _lock;
            private int _count;
            private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _index = new();

            bool TryReadLock()
            {
                if (_lock >= 0)
                {
                    if (Interlocked.Increment(ref _lock) > 0) return true;
                    Interlocked.Decrement(ref _lock);
                }

                return false;
            }

            bool Add(string key)
            {
                if (!_index.TryAdd(key, _count)) return false;
                _count++;
                return true;
            }

            void Run() => Parallel.For(0, 10, i => { TryReadLock(); Add(i.ToString()); });
        """));

    [Fact]
    public Task Reports_AGuardThatComparesAValueReadThroughVolatileOrACall() => Verify.VerifyAnalyzerAsync(InClass("""
            private int _count;

            bool Add(int max)
            {
                {|#0:if (Math.Max(Volatile.Read(ref _count), 0) >= max)|} return false;
                _count++;
                return true;
            }

            void Run() => Parallel.For(0, 10, _ => Add(4));
        """), Race(0, "_count", "incremented", Parallel(22), "increment"));

    // ---- negatives: real-code shapes where the code does not run concurrently -------------------------------------

    [Fact]
    public Task NoDiagnostic_DisposeGuard_CalledByTheOwner_WhileTheWorkerReadsTheFlag()
    {
        const string source = """
            using System;
            using System.Threading;
            sealed class Pump : IDisposable
            {
                private volatile bool _disposed;
                private readonly Thread _thread;
                public Pump()
                {
                    _thread = new Thread(Loop);
                    _thread.Start();
                }
                private void Loop()
                {
                    while (!_disposed) Thread.Sleep(10);
                }
                public void Dispose()
                {
                    if (_disposed) return;
                    _disposed = true;
                    _thread.Join();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_Builder_AndStateMachine_OnOneThread()
    {
        const string source = """
            using System;
            using System.Text;
            using System.Threading;
            sealed class MessageBuilder
            {
                private readonly StringBuilder _text = new();
                private bool _built;
                private int _parts;
                public MessageBuilder Add(string part)
                {
                    if (_built) throw new InvalidOperationException("built");
                    if (_parts >= 16) return this;
                    _parts++;
                    _text.Append(part);
                    return this;
                }
                public string Build()
                {
                    if (_built) throw new InvalidOperationException("built twice");
                    _built = true;
                    return _text.ToString();
                }
            }
            enum Phase { Header, Body, Done }
            sealed class Parser
            {
                private Phase _phase;
                private int _lines;
                private readonly Thread _reader;
                public Parser() => _reader = new Thread(ReadAll);
                public void Start() => _reader.Start();
                private void ReadAll()
                {
                    foreach (var line in Console.In.ReadToEnd().Split('\n'))
                    {
                        if (_phase == Phase.Done) break;
                        if (line.Length == 0)
                        {
                            _phase = Phase.Body;
                            continue;
                        }

                        if (_lines > 1000) return;
                        _lines++;
                        if (_phase != Phase.Header) continue;
                        _phase = Phase.Done;
                        new MessageBuilder().Add(line).Build();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_Constructor_ObjectsPerThread_AndAwaitedWork() => Verify.VerifyAnalyzerAsync(InClass("""
            C(bool start)
            {
                if (!start) return;
                _started = true;
                StartWorker();
            }

            C() { }

            void Open()
            {
                if (_started) return;
                _started = true;
                StartWorker();
            }

            async Task Step()
            {
                await Task.Run(() => Console.WriteLine());
                if (_balance < 10) return;
                _balance -= 10;
            }

            static void Run() => Parallel.For(0, 10, _ =>
            {
                var c = new C();
                c.Open();
            });
        """));

    // ---- a cache refresh after the guard (netmq's clock) ---------------------------------------------------------

    private static string Clock(string refresh) => $$"""
        using System.Diagnostics;
        using System.Threading.Tasks;

        static class Clock
        {
            private static long s_lastTsc;
            private static long s_lastTime;
            private static int s_refreshes;

            public static long NowMs()
            {
                long tsc = Stopwatch.GetTimestamp();
                {|#0:if (tsc - s_lastTsc <= 100 && tsc >= s_lastTsc)|}
                {
                    return s_lastTime;
                }

        {{refresh}}
            }

            static void Run() => Parallel.For(0, 10, _ => NowMs());
        }
        """;

    [Fact]
    public Task NoDiagnostic_CacheRefreshAfterTheGuard_ReturnsTheStoredValue() => Verify.VerifyAnalyzerAsync(Clock("""
                s_lastTsc = tsc;
                s_lastTime = Stopwatch.GetTimestamp() / 1000;
                return s_lastTime;
        """).Replace("{|#0:", "").Replace(")|}", ")"));

    [Theory]
    [InlineData("        s_lastTsc = s_lastTsc + 1;\n        s_lastTime = tsc / 1000;\n        return s_lastTime;", "updated", "update")]
    [InlineData("        s_lastTsc = tsc;\n        s_lastTime = tsc / 1000;\n        s_refreshes++;\n        return s_lastTime;", "set", "write")]
    [InlineData("        s_lastTsc = tsc;\n        s_lastTime = tsc / 1000;\n        return 1;", "set", "write")]
    [InlineData("        s_lastTsc = 0;\n        s_lastTime = tsc / 1000;\n        return s_lastTime;", "set", "write")]
    public Task Reports_GuardFollowedByMoreThanARefresh(string refresh, string verb, string noun) => Verify.VerifyAnalyzerAsync(
        Clock(refresh),
        Race(0, "s_lastTsc", verb, Parallel(20 + refresh.Split('\n').Length), noun));
}
