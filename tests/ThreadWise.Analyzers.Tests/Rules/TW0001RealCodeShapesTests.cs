using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.BuildVerifier<
    ThreadWise.Analyzers.Rules.TW0001UnsynchronizedReadModifyWriteAnalyzer,
    ThreadWise.Analyzers.Rules.TW0001CrossTypeAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0001 on shapes from real code that looked like races and are not, each beside its true-positive twin:
/// A, a one-shot timer re-armed at the end of its own callback (its runs never overlap);
/// B, one worker thread per new object (no two threads share the object's fields), even when the starting code repeats.
/// And a recall case: a captured local passed by ref to a helper that increments it, from a parallel body.
/// </summary>
public class TW0001RealCodeShapesTests
{
    private static DiagnosticResult Race(int location, int launch, string name, string verb, string reason) =>
        Verify.Diagnostic().WithLocation(location).WithLocation(launch).WithArguments(name, verb, reason);

    // ---- A: one-shot timers --------------------------------------------------------------------------------------

    [Fact]
    public Task Silent_OneShotTimer_ReArmedAtTheEndOfItsOwnCallback()
    {
        const string source = """
            using System;
            using System.Threading;

            class Poller : IDisposable
            {
                private readonly Timer _timer;
                private int _polls;
                private long _bytes;

                public Poller()
                {
                    _timer = new Timer(Poll, null, 1000, Timeout.Infinite);
                }

                private void Poll(object? state)
                {
                    try
                    {
                        _polls++;
                        _bytes += Read();
                    }
                    finally
                    {
                        _timer.Change(1000, Timeout.Infinite);
                    }
                }

                private static int Read() => 42;

                public void Dispose() => _timer.Change(Timeout.Infinite, Timeout.Infinite);
            }

            class Heartbeat
            {
                private Timer? _timer;
                private int _beats;

                public void Start() => _timer = new Timer(_ =>
                {
                    _beats++;
                    if (_beats < 100)
                    {
                        _timer?.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
                    }
                }, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Silent_OneShotTimer_CreatedLazily_ReArmedThroughConditionalAccess_InAnAsyncCallback()
    {
        const string source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class Heartbeats
            {
                private Timer? _readTimer;
                private int _missed;
                private bool _seen;

                public void Start() => _readTimer ??= new Timer(OnRead, null, 300, Timeout.Infinite);

                private async void OnRead(object? state)
                {
                    try
                    {
                        if (_seen)
                        {
                            _seen = false;
                            _missed = 0;
                        }
                        else
                        {
                            _missed++;
                        }

                        if (_missed > 2)
                        {
                            await Task.Delay(10);
                        }
                        else
                        {
                            _readTimer?.Change(1000, Timeout.Infinite);
                        }
                    }
                    catch (ObjectDisposedException)
                    {
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_LazyOneShotTimer_ReArmedAsPeriodicThroughConditionalAccess()
    {
        const string source = """
            using System.Threading;

            class Heartbeats
            {
                private Timer? _readTimer;
                private int _missed;

                public void Start() => _readTimer ??= {|#10:new Timer(OnRead, null, 300, Timeout.Infinite)|};

                public void Speed() => _readTimer?.Change(0, 100);

                private void OnRead(object? state) => {|#0:_missed++|};
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "_missed", "incremented", "in the timer callback at line 8, whose calls can overlap"));
    }

    [Fact]
    public Task Reports_PeriodicTimer_TheTwinOfTheOneShot()
    {
        const string source = """
            using System;
            using System.Threading;

            class Poller : IDisposable
            {
                private readonly Timer _timer;
                private int _polls;

                public Poller()
                {
                    _timer = {|#10:new Timer(Poll, null, 1000, 1000)|};
                }

                private void Poll(object? state)
                {
                    {|#0:_polls++|};
                }

                public void Dispose() => _timer.Dispose();
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "_polls", "incremented", "in the timer callback at line 11, whose calls can overlap"));
    }

    [Fact]
    public Task Reports_OneShotTimer_ReArmedBeforeItsWorkOrFromElsewhere()
    {
        const string source = """
            using System.Threading;

            class Early
            {
                private readonly Timer _timer;
                private int _polls;

                public Early() => _timer = {|#10:new Timer(Poll, null, 0, Timeout.Infinite)|};

                private void Poll(object? state)
                {
                    _timer.Change(10, Timeout.Infinite);
                    {|#0:_polls++|};
                }
            }

            class Kicked
            {
                private readonly Timer _timer;
                private int _polls;

                public Kicked() => _timer = {|#11:new Timer(Poll, null, 0, Timeout.Infinite)|};

                public void Kick() => _timer.Change(0, Timeout.Infinite);

                private void Poll(object? state)
                {
                    {|#1:_polls++|};
                    _timer.Change(10, Timeout.Infinite);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "_polls", "incremented", "in the timer callback at line 8, whose calls can overlap"),
            Race(1, 11, "_polls", "incremented", "in the timer callback at line 22, whose calls can overlap"));
    }

    // ---- B: one worker thread per new object ---------------------------------------------------------------------

    private const string Connection = """
        class Connection
        {
            private int _received;
            private Thread? _reader;

            public void Start()
            {
                _reader = new Thread(ReadLoop) { IsBackground = true };
                _reader.Start();
            }

            public void ReadLoop()
            {
                while (Receive())
                {
                    _received++;
                }
            }

            private static bool Receive() => false;
        }
        """;

    [Fact]
    public Task Silent_OneThreadPerNewConnection_EvenFromARepeatingReconnectTimer()
    {
        const string source = """
            using System.Threading;

            class Client
            {
                private readonly Timer _reconnect;

                public Client() => _reconnect = new Timer(_ => Reconnect(), null, 0, 5000);

                private void Reconnect()
                {
                    var conn = new Connection();
                    var reader = new Thread(() => conn.ReadLoop());
                    reader.Start();
                    new Connection().Start();
                    var other = new Connection();
                    other.Start();
                }
            }

            class Reconnecting
            {
                private readonly Timer _reconnect;
                private Connection? _current;

                public Reconnecting() => _reconnect = new Timer(_ => Reconnect(), null, 0, 5000);

                private void Reconnect()
                {
                    _current = new Connection();
                    _current.Start();
                }
            }

            """ + Connection;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ThreadsOnASharedConnection_FromTheRepeatingTimer()
    {
        const string source = """
            using System.Threading;

            class Client
            {
                private readonly Timer _reconnect;
                private readonly Connection _conn = new Connection();

                public Client() => _reconnect = new Timer(_ => Reconnect(), null, 0, 5000);

                private void Reconnect() => _conn.Start();
            }

            """ + Connection;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithSpan(27, 13, 27, 24).WithSpan(19, 19, 19, 63).WithSpan(8, 37, 8, 79)
                .WithArguments("_received", "incremented", "on the threads started at line 19, started again by the timer callback at line 8 while earlier ones run"));
    }

    [Fact]
    public Task Reports_ALocalThatAliasesTheSharedConnection_FromTheRepeatingTimer()
    {
        const string source = """
            using System.Threading;

            class Client
            {
                private readonly Timer _reconnect;
                private readonly Connection _shared = new Connection();

                public Client() => _reconnect = new Timer(_ => Reconnect(), null, 0, 5000);

                private void Reconnect()
                {
                    var conn = _shared;
                    new Thread(() => conn.ReadLoop()).Start();
                }
            }

            """ + Connection;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithSpan(31, 13, 31, 24).WithSpan(13, 9, 13, 42).WithSpan(8, 37, 8, 79)
                .WithArguments("_received", "incremented", "on the threads started at line 13, started again by the timer callback at line 8 while earlier ones run"));
    }

    [Fact]
    public Task Reports_TwoThreadsStartedOnOneConnection()
    {
        const string source = """
            using System.Threading;

            class Twice
            {
                public static void Run()
                {
                    var conn = new Connection();
                    new Thread(conn.ReadLoop).Start();
                    new Thread(conn.ReadLoop).Start();
                }
            }

            """ + Connection;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithSpan(27, 13, 27, 24).WithSpan(8, 9, 8, 34)
                .WithArguments("_received", "incremented", "on the threads started at lines 8 and 9, which run at the same time"));
    }

    [Fact]
    public Task Silent_OneBodyLaunchedOnDifferentLocals_InDifferentMethods()
    {
        const string source = """
            using System.Threading.Tasks;

            class Poller
            {
                private int _ticks;
                public void Run() { while (_ticks < 1000) _ticks++; }
            }

            class Tests
            {
                public async Task First()
                {
                    var poller = new Poller();
                    await Task.WhenAny(Task.Factory.StartNew(poller.Run), Task.Delay(10));
                }

                public async Task Second()
                {
                    var poller = new Poller();
                    await Task.WhenAny(Task.Factory.StartNew(poller.Run), Task.Delay(10));
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- tasks on a scheduler the caller chose -------------------------------------------------------------------

    [Fact]
    public Task Silent_TasksOnACallerChosenScheduler_WhichDecidesWhatRunsTogether()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                private int _done;

                public void Post(TaskScheduler loop)
                {
                    for (int i = 0; i < 100; i++)
                    {
                        var task = new Task(() => { _done++; });
                        task.Start(loop);
                        Task.Factory.StartNew(() => _done++, default, TaskCreationOptions.None, loop);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_TasksInALoop_OnTheDefaultScheduler_TheTwin()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                private int _done;

                public void Post()
                {
                    for (int i = 0; i < 100; i++)
                    {
                        {|#10:Task.Factory.StartNew(() => {|#0:_done++|}, default, TaskCreationOptions.None, TaskScheduler.Default)|};
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "_done", "incremented", "on the tasks started at line 11, which run at the same time"));
    }

    // ---- recall: a captured local passed by ref to a helper that increments it ---------------------------------

    [Fact]
    public Task Reports_CapturedLocalPassedByRef_ToAHelperThatIncrementsIt()
    {
        const string source = """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            static class Program
            {
                static void Inc(ref int x) => x++;
                static void Add(ref long x, long n) { x += n; }
                static void Safe(ref int x) => Interlocked.Increment(ref x);
                static void Twice(ref int x) { Inc(ref x); Inc(ref x); }

                static void Run(int n, int[] items)
                {
                    int total = 0;
                    {|#10:Parallel.For(0, n, i => Inc({|#0:ref total|}))|};
                    long sum = 0;
                    {|#11:items.AsParallel().ForAll(v => Add({|#1:ref sum|}, v))|};
                    int safe = 0;
                    Parallel.For(0, n, i => Safe(ref safe));
                    int serial = 0;
                    for (var i = 0; i < n; i++) Inc(ref serial);
                    int both = 0;
                    {|#12:Parallel.For(0, n, i => Twice({|#2:ref both|}))|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "total", "incremented by 'Inc'", "in the Parallel.For body at line 15, which runs on several threads at once"),
            Race(1, 11, "sum", "updated by 'Add'", "in the parallel ForAll delegate at line 17, which runs on several threads at once"),
            Race(2, 12, "both", "incremented by 'Twice'", "in the Parallel.For body at line 23, which runs on several threads at once"));
    }

    [Fact]
    public Task Reports_PlinqQueryExpressions_AndRefHelpers_InEveryForm()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Linq;

            class Query
            {
                private static int Bump(ref int n) { return ++n; }
                private bool Odd(ref int n) => n++ % 2 == 1;

                public int[] Selected(IEnumerable<int> items)
                {
                    int seen = 0;
                    return (from v in items.AsParallel() select v + ++seen).ToArray();
                }

                public int[] ByRef(IEnumerable<int> items)
                {
                    int calls = 0;
                    return (from v in items.AsParallel() select v * Bump(ref calls)).ToArray();
                }

                public int[] Grouped(IEnumerable<int> items)
                {
                    int groups = 0;
                    var q = from v in items.AsParallel()
                            group v by v % 3 into g
                            select g.Key + (groups += 1);
                    return q.ToArray();
                }

                public int Static(IEnumerable<int> items)
                {
                    int odd = 0;
                    return ParallelEnumerable.Select(ParallelEnumerable.AsParallel(items), v => Odd(ref odd)).Count();
                }

                public int[] Sequential(IEnumerable<int> items)
                {
                    int n = 0;
                    var a = (from v in items select v + ++n).ToArray();
                    var b = items.Select(v => v - --n).AsParallel().ToArray();
                    var c = items.AsParallel().Select(v => v * 2).AsSequential().Select(v => v + (n *= 3)).ToArray();
                    var d = (from v in items.AsParallel() select v + Copy(n)).ToArray();
                    return a.Concat(b).Concat(c).Concat(d).ToArray();
                }

                private static int Copy(int n) { return ++n; }
            }
            """;
        const string Parallel = "in the parallel Select delegate at line {0}, which runs on several threads at once";
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithSpan(12, 57, 12, 63).WithSpan(12, 46, 12, 63).WithArguments("seen", "incremented", string.Format(Parallel, 12)),
            Verify.Diagnostic().WithSpan(18, 62, 18, 71).WithSpan(18, 46, 18, 72).WithArguments("calls", "incremented by 'Bump'", string.Format(Parallel, 18)),
            Verify.Diagnostic().WithSpan(26, 33, 26, 44).WithSpan(26, 17, 26, 45).WithArguments("groups", "updated", string.Format(Parallel, 26)),
            Verify.Diagnostic().WithSpan(33, 89, 33, 96).WithSpan(33, 16, 33, 98).WithArguments("odd", "incremented by 'Odd'", string.Format(Parallel, 33)));
    }
}
