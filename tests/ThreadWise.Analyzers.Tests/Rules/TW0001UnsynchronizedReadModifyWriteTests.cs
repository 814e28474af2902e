using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ThreadWise.Analyzers.Tests.Verifiers;
using Xunit;
using ThreadWise.CodeFixes.Rules;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.BuildVerifier<
    ThreadWise.Analyzers.Rules.TW0001UnsynchronizedReadModifyWriteAnalyzer,
    ThreadWise.Analyzers.Rules.TW0001CrossTypeAnalyzer>;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0001UnsynchronizedReadModifyWriteAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0001UnsynchronizedReadModifyWriteCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

public class TW0001UnsynchronizedReadModifyWriteTests
{
    /// <summary>Location, then the related locations in order: the launch (entry point) and the other racing write, if any.</summary>
    private static DiagnosticResult Race(int location, int launch, string name, string verb, string reason, int? racing = null)
    {
        var result = Verify.Diagnostic().WithLocation(location).WithLocation(launch);
        return (racing is { } other ? result.WithLocation(other) : result).WithArguments(name, verb, reason);
    }

    // ---- positives -------------------------------------------------------------------------------------------

    [Fact]
    public Task Reports_StaticCounterFromTwoThreads_TheCourseExample()
    {
        const string source = """
            using System;
            using System.Threading;

            static class Program
            {
                static int num;

                static void Test1() { for (int i = 0; i < 1000000; i++) {|#0:num += 1|}; }

                static void Test2() { for (int i = 0; i < 1000000; i++) {|#1:num += 1|}; }

                static void Main()
                {
                    var t1 = {|#10:new Thread(Test1)|};
                    var t2 = {|#11:new Thread(Test2)|};
                    t1.Start();
                    t2.Start();
                    t1.Join();
                    t2.Join();
                    Console.WriteLine(num);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "num", "updated", "on the thread started at line 14 while the thread started at line 15 also writes it", racing: 1),
            Race(1, 11, "num", "updated", "on the thread started at line 15 while the thread started at line 14 also writes it", racing: 0));
    }

    [Fact]
    public Task Reports_OneMethodOnTwoThreads()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private static int s_count;

                static void Work()
                {
                    for (int i = 0; i < 1000; i++)
                    {
                        {|#0:s_count++|};
                    }
                }

                static void Main()
                {
                    var a = {|#10:new Thread(Work)|};
                    var b = new Thread(Work);
                    a.Start();
                    b.Start();
                    a.Join();
                    b.Join();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "s_count", "incremented", "on the threads started at lines 17 and 18, which run at the same time"));
    }

    [Fact]
    public Task Reports_ParallelForSummingIntoCapturedLocal()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                int Sum(int[] data)
                {
                    int total = 0;
                    {|#10:Parallel.For(0, data.Length, i => {|#0:total += data[i]|})|};
                    return total;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "total", "updated", "in the Parallel.For body at line 8, which runs on several threads at once"));
    }

    [Fact]
    public Task Reports_ThreadsStartedInLoop_IncrementInPrivateHelper()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            class Counter
            {
                private int _hits;

                public void Run(int workers)
                {
                    var threads = new List<Thread>();
                    for (int w = 0; w < workers; w++)
                    {
                        var t = {|#10:new Thread(() => Loop())|};
                        threads.Add(t);
                        t.Start();
                    }

                    foreach (var t in threads) t.Join();
                }

                private void Loop()
                {
                    for (int i = 0; i < 100; i++) Hit();
                }

                private void Hit() => {|#0:_hits++|};
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "_hits", "incremented", "on the threads started at line 13, which run at the same time"));
    }

    [Fact]
    public Task Reports_TaskRunInLoop_CompoundOnInstanceField_AndXEqualsXPlusN()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class Bank
            {
                private decimal _balance;
                private long _operations;

                public async Task DepositAll(IEnumerable<decimal> amounts)
                {
                    var tasks = new List<Task>();
                    foreach (var amount in amounts)
                    {
                        tasks.Add({|#10:Task.Run(() =>
                        {
                            {|#0:_balance += amount|};
                            {|#1:_operations = _operations + 1|};
                        })|});
                    }

                    await Task.WhenAll(tasks);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "_balance", "updated", "on the tasks started at line 14, which run at the same time"),
            Race(1, 10, "_operations", "updated", "on the tasks started at line 14, which run at the same time"));
    }

    [Fact]
    public Task Reports_BodyAndStarter_BetweenStartAndJoin()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private int _count;

                void M()
                {
                    var t = {|#10:new Thread(() => { for (int i = 0; i < 1000; i++) {|#0:_count++|}; })|};
                    t.Start();
                    for (int i = 0; i < 1000; i++) {|#1:_count++|};
                    t.Join();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "_count", "incremented", "on the thread started at line 9 while the code that started it also writes it at line 11", racing: 1),
            Race(1, 10, "_count", "incremented", "while the thread started at line 9 also writes it", racing: 0));
    }

    [Fact]
    public Task Reports_CapturedLocal_TaskAndStarterBeforeAwait()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                async Task<int> M()
                {
                    int n = 0;
                    var task = {|#10:Task.Run(() => {|#0:n++|})|};
                    {|#1:n--|};
                    await task;
                    return n;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "n", "incremented", "on the task started at line 8 while the code that started it also writes it at line 9", racing: 1),
            Race(1, 10, "n", "decremented", "while the task started at line 8 also writes it", racing: 0));
    }

    [Fact]
    public Task Reports_VolatileDoesNotHelp_ParallelForEach()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                private volatile int _processed;

                void M(List<string> items)
                {
                    {|#10:Parallel.ForEach(items, item => {|#0:_processed++|})|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "_processed", "incremented", "in the Parallel.ForEach body at line 10, which runs on several threads at once"));
    }

    [Fact]
    public Task Reports_HistogramBucket_InParallelForEach()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                int[] Histogram(int[] values)
                {
                    var buckets = new int[10];
                    {|#10:Parallel.ForEach(values, v => {|#0:buckets[v % 10]++|})|};
                    return buckets;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "buckets[v % 10]", "incremented", "in the Parallel.ForEach body at line 8, which runs on several threads at once"));
    }

    [Fact]
    public Task Reports_TimerCallbacks()
    {
        const string source = """
            using System;
            using System.Threading;

            class Poller : IDisposable
            {
                private static long s_ticks;
                private int _elapsed;
                private readonly Timer _timer;
                private readonly System.Timers.Timer _other = new System.Timers.Timer(10);

                public Poller()
                {
                    _timer = {|#10:new Timer(_ => {|#0:s_ticks++|}, null, 0, 10)|};
                    {|#11:_other.Elapsed += (s, e) => {|#1:_elapsed += 1|}|};
                }

                public void Dispose() { _timer.Dispose(); _other.Dispose(); }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "s_ticks", "incremented", "in the timer callback at line 13, whose calls can overlap"),
            Race(1, 11, "_elapsed", "updated", "in the timer callback at line 14, whose calls can overlap"));
    }

    [Fact]
    public Task Reports_SharedObjectMethod_CalledFromParallelBody()
    {
        const string source = """
            using System.Threading.Tasks;

            class Counter
            {
                private int _n;
                public void Inc() => {|#0:_n++|};
                public int Value => _n;
            }

            class C
            {
                int M()
                {
                    var counter = new Counter();
                    {|#10:Parallel.For(0, 1000, i => counter.Inc())|};
                    return counter.Value;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "_n", "incremented", "in the Parallel.For body at line 15, which runs on several threads at once"));
    }

    [Fact]
    public Task Reports_TwoDifferentTasks_WritingOneField()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                private int _level;

                public async Task M()
                {
                    var up = {|#10:Task.Run(() => { for (int i = 0; i < 100; i++) {|#0:_level += 2|}; })|};
                    var down = {|#11:Task.Run(Down)|};
                    await Task.WhenAll(up, down);
                }

                private void Down()
                {
                    for (int i = 0; i < 100; i++) {|#1:_level--|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "_level", "updated", "on the task started at line 9 while the task started at line 10 also writes it", racing: 1),
            Race(1, 11, "_level", "decremented", "on the task started at line 10 while the task started at line 9 also writes it", racing: 0));
    }

    [Fact]
    public Task Reports_PlinqForAll_QueueUserWorkItemInLoop_SelectTaskRun()
    {
        const string source = """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private static int s_a, s_b, s_c;

                void M(int[] data)
                {
                    {|#10:data.AsParallel().ForAll(x => {|#0:s_a += x|})|};
                    for (int i = 0; i < 4; i++)
                    {
                        {|#11:ThreadPool.QueueUserWorkItem(_ => {|#1:s_b++|})|};
                    }

                    var tasks = data.Select(x => {|#12:Task.Run(() => {|#2:s_c--|})|}).ToArray();
                    Task.WaitAll(tasks);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "s_a", "updated", "in the parallel ForAll delegate at line 11, which runs on several threads at once"),
            Race(1, 11, "s_b", "incremented", "on the work items queued at line 14, which run at the same time"),
            Race(2, 12, "s_c", "decremented", "on the tasks started at line 17, which run at the same time"));
    }

    [Fact]
    public Task Reports_DelegateLocalStartedTwice_AndTopLevelProgram()
    {
        const string source = """
            using System;
            using System.Threading;

            int count = 0;
            ThreadStart work = () => { for (int i = 0; i < 1000; i++) {|#0:count++|}; };
            var a = {|#10:new Thread(work)|};
            var b = new Thread(work);
            a.Start(); b.Start();
            a.Join(); b.Join();
            Console.WriteLine(count);
            """;
        return Verify.VerifyProgramAsync(source,
            Race(0, 10, "count", "incremented", "on the threads started at lines 6 and 7, which run at the same time"));
    }

    [Fact]
    public Task Reports_OnNet80()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                static long s_total;
                static void M() => {|#10:Parallel.For(0, 10, i => {|#0:s_total += i|})|};
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, TargetFramework.Net80,
            Race(0, 10, "s_total", "updated", "in the Parallel.For body at line 6, which runs on several threads at once"));
    }

    [Fact]
    public Task Reports_ParallelInvoke_TwoActionsOnOneField_AndColdTasks()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                private int _x;
                private static long s_y;

                void M()
                {
                    {|#10:Parallel.Invoke(() => {|#0:_x++|}, () => {|#1:_x--|})|};
                    var a = {|#11:new Task(Step)|};
                    var b = new Task(Step);
                    a.Start();
                    b.Start();
                    Task.WaitAll(a, b);
                }

                static void Step() => {|#2:s_y += 3|};
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "_x", "incremented", "in the Parallel.Invoke action at line 10 while another action of the same call also writes it", racing: 1),
            Race(1, 10, "_x", "decremented", "in the Parallel.Invoke action at line 10 while another action of the same call also writes it", racing: 0),
            Race(2, 11, "s_y", "updated", "on the tasks started at lines 11 and 12, which run at the same time"));
    }

    [Fact]
    public Task Reports_ConstantArrayElement_FromTwoThreads_AndStartNewInLoop()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly int[] _counts = new int[2];
                private static int s_done;

                void M()
                {
                    var t1 = {|#10:new Thread(() => {|#0:_counts[0]++|})|};
                    var t2 = {|#11:new Thread(() => { {|#2:_counts[0] = 5|}; })|};
                    t1.Start();
                    t2.Start();
                    for (int i = 0; i < 3; i++)
                    {
                        {|#12:Task.Factory.StartNew(() => {|#1:s_done++|}, TaskCreationOptions.LongRunning)|};
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "_counts[0]", "incremented", "on the thread started at line 11 while the thread started at line 12 also writes it", racing: 2),
            Race(1, 12, "s_done", "incremented", "on the tasks started at line 17, which run at the same time"));
    }

    [Fact]
    public Task Reports_TaskRunFromEventHandler_AndListForEach()
    {
        const string source = """
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                public event EventHandler? Clicked;
                private int _clicks;
                private static int s_jobs;

                void Wire(List<int> jobs)
                {
                    Clicked += (s, e) => {|#10:Task.Run(() => {|#0:_clicks++|})|};
                    jobs.ForEach(j => {|#11:Task.Run(() => {|#1:s_jobs += j|})|});
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Race(0, 10, "_clicks", "incremented", "on the tasks started at line 13, which run at the same time"),
            Race(1, 11, "s_jobs", "updated", "on the tasks started at line 14, which run at the same time"));
    }

    // ---- negatives -------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_SingleThreadedCode()
    {
        const string source = """
            class C
            {
                private int _count;
                private static int s_total;
                void M(int[] a) { for (int i = 0; i < a.Length; i++) { _count++; s_total += a[i]; a[i]++; } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_OneThreadStartedOnce_StarterTouchesItOnlyBeforeStartAndAfterJoin()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private int _count;

                void M()
                {
                    _count = 0;
                    var t = new Thread(() => { for (int i = 0; i < 1000; i++) _count++; });
                    _count++;
                    t.Start();
                    Console.WriteLine(_count);
                    t.Join();
                    _count++;
                    Console.WriteLine(_count);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CapturedLocalIncrementedInOneTask_ReadAfterAwait()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                async Task<int> M()
                {
                    int n = 0;
                    await Task.Run(() => { for (int i = 0; i < 10; i++) n++; });
                    n++;
                    var t = Task.Run(() => n += 2);
                    t.Wait();
                    return n + 1;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_Interlocked()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private static int s_count;
                private long _total;

                void M()
                {
                    Parallel.For(0, 1000, i =>
                    {
                        Interlocked.Increment(ref s_count);
                        Interlocked.Add(ref _total, i);
                    });
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LockStatement_Monitor_LockType_Semaphores_Synchronized()
    {
        const string source = """
            using System.Runtime.CompilerServices;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _sync = new object();
                private readonly Lock _gate = new Lock();
                private readonly SemaphoreSlim _sem = new SemaphoreSlim(1, 1);
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private int _a, _b, _c, _d, _e, _f, _g, _h, _i;

                void M()
                {
                    Parallel.For(0, 100, i =>
                    {
                        lock (_sync) { _a++; }
                        Monitor.Enter(_sync);
                        try { _b += i; }
                        finally { Monitor.Exit(_sync); }
                        bool taken = false;
                        try { Monitor.Enter(_sync, ref taken); _c--; }
                        finally { if (taken) Monitor.Exit(_sync); }
                        using (_gate.EnterScope()) { _d++; }
                        _sem.Wait();
                        _e++;
                        _sem.Release();
                        _rw.EnterWriteLock();
                        try { _f++; } finally { _rw.ExitWriteLock(); }
                        if (Monitor.TryEnter(_sync, 100))
                        {
                            try { _g++; } finally { Monitor.Exit(_sync); }
                        }

                        Synchronized();
                        lock (_sync) { Helper(); }
                    });
                }

                async Task N()
                {
                    await Task.WhenAll(Task.Run(Work), Task.Run(Work));
                }

                async Task Work()
                {
                    await _sem.WaitAsync();
                    try { _i++; }
                    finally { _sem.Release(); }
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                void Synchronized() => _h++;

                void Helper() => _a += 2;
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LocalsDeclaredInsideTheBody_AndLambdaParameters()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class Item { public int Count; }

            class C
            {
                void M(List<Item> items)
                {
                    Parallel.For(0, 100, i =>
                    {
                        int local = 0;
                        local++;
                        var box = new Item();
                        box.Count++;
                        i++;
                    });
                    Parallel.ForEach(items, item => item.Count++);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ThreadStatic_AndThreadLocal()
    {
        const string source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                [ThreadStatic] private static int t_calls;
                private readonly ThreadLocal<int> _perThread = new ThreadLocal<int>(() => 0);

                void M()
                {
                    Parallel.For(0, 100, i =>
                    {
                        t_calls++;
                        _perThread.Value++;
                        _perThread.Value += 2;
                    });
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ParallelForLocalInitLocalFinally_MergeLockedOrInterlocked()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _sync = new object();

                long M(int[] data)
                {
                    long sum = 0;
                    Parallel.For(0, data.Length, () => 0L, (i, state, acc) => acc + data[i], acc => Interlocked.Add(ref sum, acc));
                    double mean = 0;
                    Parallel.For(0, data.Length, () => 0.0, (i, state, acc) => { acc += data[i]; return acc; }, acc => { lock (_sync) { mean += acc; } });
                    return sum + (long)mean;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ConstructorsAndStaticConstructors()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                private static int s_instances;
                private int _id;

                static C() { s_instances++; }

                public C() { s_instances++; _id += 1; }

                public static C Make() => new C();

                static void M() => Parallel.For(0, 10, i => Make());
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_EachParallelIterationWritesItsOwnElement()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                double[] M(double[] input)
                {
                    var results = new double[input.Length];
                    Parallel.For(0, input.Length, i => { results[i] += input[i] * 2; results[i]++; });
                    return results;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_PerIterationState_InLoopLaunches()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            class Worker
            {
                private int _done;
                public void Run() { for (int i = 0; i < 10; i++) _done++; }
            }

            class C
            {
                void M()
                {
                    var partial = new int[4];
                    var threads = new List<Thread>();
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        int mine = 0;
                        threads.Add(new Thread(() => { for (int i = 0; i < 10; i++) { partial[id]++; mine++; } }));
                        var w = new Worker();
                        threads.Add(new Thread(w.Run));
                    }

                    foreach (var th in threads) th.Start();
                    foreach (var th in threads) th.Join();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_SequentialThreads_JoinedBeforeTheNextStarts()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private static int s_count;

                static void A() => s_count++;
                static void B() => s_count += 2;

                static void M()
                {
                    var t1 = new Thread(A);
                    t1.Start();
                    t1.Join();
                    var t2 = new Thread(B);
                    t2.Start();
                    t2.Join();
                    Task.Run(A).Wait();
                    Task.Run(() => s_count--).ContinueWith(_ => s_count++).Wait();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ParallelInvoke_EachActionItsOwnField()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                private int _left, _right;

                void M() => Parallel.Invoke(() => _left++, () => _right++);
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_StarterOnlyReadsWhileTheThreadRuns()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private int _progress;
                private volatile bool _stop;

                void M()
                {
                    var t = new Thread(() => { while (!_stop) _progress++; });
                    t.Start();
                    Console.WriteLine(_progress);
                    _stop = true;
                    t.Join();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CorrectServiceLikeTheBenchmark()
    {
        const string source = """
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Service
            {
                private static readonly object s_registry = new();
                private static int s_instances;
                private readonly object _gate = new();
                private int _count;
                private long _total;
                private int _hits;

                public Service() { lock (s_registry) { s_instances++; } }

                public void Work(int n) { lock (_gate) { _count++; _total += n; } }

                public int SumParallel(int[] data)
                {
                    int sum = 0;
                    Parallel.For(0, data.Length, () => 0, (k, _, acc) => acc + data[k], acc => Interlocked.Add(ref sum, acc));
                    return sum;
                }

                public void Spawn(int workers)
                {
                    var threads = new List<Thread>();
                    for (int w = 0; w < workers; w++)
                    {
                        var t = new Thread(() => Work(1)) { IsBackground = true };
                        threads.Add(t);
                    }
                    foreach (var t in threads) t.Start();
                    foreach (var t in threads) t.Join();
                }

                public long Pipeline(IEnumerable<int> items)
                {
                    using var queue = new BlockingCollection<int>(boundedCapacity: 64);
                    var consumers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
                    {
                        foreach (var x in queue.GetConsumingEnumerable())
                            Interlocked.Add(ref _hits, x);
                    })).ToArray();
                    foreach (var x in items) queue.Add(x);
                    queue.CompleteAdding();
                    Task.WaitAll(consumers);
                    return Volatile.Read(ref _hits);
                }

                public static int Checksum(string text)
                {
                    int h = 7;
                    foreach (var ch in text) h = unchecked(h * 31 + ch);
                    return h;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_FireAndForgetSingleWorker_OwnsItsCounter()
    {
        const string source = """
            using System.Threading;

            class Pump
            {
                private Thread? _thread;
                private long _pumped;

                public void Start()
                {
                    _thread = new Thread(Loop) { IsBackground = true };
                    _thread.Start();
                }

                public long Pumped => Interlocked.Read(ref _pumped);

                private void Loop()
                {
                    while (true) { _pumped++; Thread.Sleep(10); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_EachLaunchWaitedForInsideTheLoop()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private int _count;

                async Task M(IEnumerable<int> items)
                {
                    foreach (var item in items)
                    {
                        await Task.Run(() => _count += item);
                    }

                    for (int i = 0; i < 3; i++)
                    {
                        var t = new Thread(() => _count++);
                        t.Start();
                        t.Join();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_UsingDeclarationOfLockScope_AndSpinLock()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly Lock _gate = new Lock();
                private SpinLock _spin = new SpinLock(false);
                private int _a, _b;

                void M()
                {
                    Parallel.For(0, 100, i =>
                    {
                        {
                            using var scope = _gate.EnterScope();
                            _a++;
                        }

                        bool taken = false;
                        try
                        {
                            _spin.Enter(ref taken);
                            _b++;
                        }
                        finally
                        {
                            if (taken) _spin.Exit();
                        }
                    });
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LaunchInsideALambdaThatRunsOnce()
    {
        const string source = """
            using System;
            using System.Threading.Tasks;

            class C
            {
                private int _warmups;
                private readonly Lazy<Task> _warm;

                public C() => _warm = new Lazy<Task>(() => Task.Run(() => _warmups++));

                public Task WarmAsync() => _warm.Value;
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_IncompleteCode()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private int _n;
                void M()
                {
                    Parallel.For(0, 10, i => {|CS0103:Undefined|}++);
                    var t = new Thread({|CS0103:Missing|});
                    t.Start();
                    Task.{|CS1501:Run|}();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}

public class TW0001UnsynchronizedReadModifyWriteFixTests
{
    /// <summary>
    /// The fixed stories lie in one type, so the diagnostics are live (local): the testing library checks that too.
    /// </summary>
    private static Task VerifyAsync(string source, string fixedSource, string? key, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
    {
        var test = new VerifyFix.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = key,
        };
        test.TestState.OutputKind = outputKind;
        test.FixedState.OutputKind = outputKind;
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_StaticIncrement_UsesInterlocked()
    {
        const string source = """
            using System.Threading;

            class C
            {
                static int s_count;

                static void Work()
                {
                    // count one
                    {|TW0001:s_count++|}; // trailing
                }

                static void Main()
                {
                    var a = new Thread(Work);
                    var b = new Thread(Work);
                    a.Start(); b.Start();
                    a.Join(); b.Join();
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;

            class C
            {
                static int s_count;

                static void Work()
                {
                    // count one
                    Interlocked.Increment(ref s_count); // trailing
                }

                static void Main()
                {
                    var a = new Thread(Work);
                    var b = new Thread(Work);
                    a.Start(); b.Start();
                    a.Join(); b.Join();
                }
            }
            """;
        return VerifyAsync(source, fixedSource, TW0001UnsynchronizedReadModifyWriteCodeFix.UseInterlockedKey);
    }

    [Fact]
    public Task Fix_SubtractFromCapturedLocal_AddsUsing_AndNegatesTheAmount()
    {
        const string source = """
            using System;
            using System.Threading.Tasks;

            class C
            {
                long M(int[] data)
                {
                    long total = 0;
                    Parallel.For(0, data.Length, i =>
                    {
                        {|TW0001:total -= data[i] * 2|};
                        {|TW0001:total += 1|};
                    });
                    return total;
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                long M(int[] data)
                {
                    long total = 0;
                    Parallel.For(0, data.Length, i =>
                    {
                        Interlocked.Add(ref total, -(data[i] * 2));
                        Interlocked.Add(ref total, 1);
                    });
                    return total;
                }
            }
            """;
        return VerifyAsync(source, fixedSource, TW0001UnsynchronizedReadModifyWriteCodeFix.UseInterlockedKey);
    }

    [Fact]
    public Task Fix_PostfixUsedAsValue_KeepsTheOldValue_AndPrefixKeepsTheNew()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private int _next;
                private uint _ticks;

                void M(int[] ids, uint[] seen)
                {
                    Parallel.For(0, ids.Length, i =>
                    {
                        ids[i] = {|TW0001:_next++|};
                        seen[i] = {|TW0001:++_ticks|};
                    });
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private int _next;
                private uint _ticks;

                void M(int[] ids, uint[] seen)
                {
                    Parallel.For(0, ids.Length, i =>
                    {
                        ids[i] = (Interlocked.Increment(ref _next) - 1);
                        seen[i] = Interlocked.Increment(ref _ticks);
                    });
                }
            }
            """;
        return VerifyAsync(source, fixedSource, TW0001UnsynchronizedReadModifyWriteCodeFix.UseInterlockedKey);
    }

    [Fact]
    public Task Fix_DoubleField_WrapsInLock_AddsInstanceLockObject_KeepsComments()
    {
        const string source = """
            using System.Threading.Tasks;

            class Stats
            {
                private double _sum;

                public void Add(double[] values)
                {
                    Parallel.ForEach(values, v =>
                    {
                        // accumulate
                        {|TW0001:_sum += v|}; // the total
                    });
                }
            }
            """;
        const string fixedSource = """
            using System.Threading.Tasks;

            class Stats
            {
                private double _sum;
                private readonly object _sync = new object();

                public void Add(double[] values)
                {
                    Parallel.ForEach(values, v =>
                    {
                        // accumulate
                        lock (_sync)
                        {
                            _sum += v; // the total
                        }
                    });
                }
            }
            """;
        return VerifyAsync(source, fixedSource, TW0001UnsynchronizedReadModifyWriteCodeFix.WrapInLockKey);
    }

    [Fact]
    public Task FixAll_OneStaticLockPerType_ExpressionLambdaAndExpressionBodiedMethod()
    {
        const string source = """
            using System.Threading.Tasks;

            static class Ledger
            {
                private static decimal s_balance;
                private static int s_count;

                public static void Run(decimal[] amounts)
                {
                    Parallel.For(0, amounts.Length, i => {|TW0001:s_balance += amounts[i]|});
                    Parallel.For(0, amounts.Length, i => Count());
                }

                private static void Count() => {|TW0001:s_count = s_count + 1|};
            }
            """;
        const string fixedSource = """
            using System.Threading.Tasks;

            static class Ledger
            {
                private static decimal s_balance;
                private static int s_count;
                private static readonly object s_sync = new object();

                public static void Run(decimal[] amounts)
                {
                    Parallel.For(0, amounts.Length, i =>
                    {
                        lock (s_sync)
                        {
                            s_balance += amounts[i];
                        }
                    });
                    Parallel.For(0, amounts.Length, i => Count());
                }

                private static void Count()
                {
                    lock (s_sync)
                    {
                        s_count = s_count + 1;
                    }
                }
            }
            """;
        return VerifyAsync(source, fixedSource, TW0001UnsynchronizedReadModifyWriteCodeFix.WrapInLockKey);
    }

    [Fact]
    public Task Fix_ReusesAnExistingSyncObject_ForAnAutoProperty()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                private readonly object _sync = new object();

                public int Processed { get; private set; }

                void M() => Parallel.For(0, 10, i =>
                {
                    {|TW0001:Processed++|};
                });
            }
            """;
        const string fixedSource = """
            using System.Threading.Tasks;

            class C
            {
                private readonly object _sync = new object();

                public int Processed { get; private set; }

                void M() => Parallel.For(0, 10, i =>
                {
                    lock (_sync)
                    {
                        Processed++;
                    }
                });
            }
            """;
        return VerifyAsync(source, fixedSource, TW0001UnsynchronizedReadModifyWriteCodeFix.WrapInLockKey);
    }

    [Fact]
    public Task Fix_UnsignedAdd_OnNet80_UsesTheUIntOverload()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private static ulong s_bytes;

                static void M(uint[] sizes) => Parallel.For(0, sizes.Length, i =>
                {
                    {|TW0001:s_bytes += sizes[i]|};
                });
            }
            """;
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private static ulong s_bytes;

                static void M(uint[] sizes) => Parallel.For(0, sizes.Length, i =>
                {
                    Interlocked.Add(ref s_bytes, sizes[i]);
                });
            }
            """;
        var test = new VerifyFix.Test(TargetFramework.Net80)
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = TW0001UnsynchronizedReadModifyWriteCodeFix.UseInterlockedKey,
        };
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_CheckedContext_FallsBackToLock()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                private int _n;

                void M() => Parallel.For(0, 10, i =>
                {
                    checked
                    {
                        {|TW0001:_n++|};
                    }
                });
            }
            """;
        const string fixedSource = """
            using System.Threading.Tasks;

            class C
            {
                private int _n;
                private readonly object _sync = new object();

                void M() => Parallel.For(0, 10, i =>
                {
                    checked
                    {
                        lock (_sync)
                        {
                            _n++;
                        }
                    }
                });
            }
            """;
        return VerifyAsync(source, fixedSource, TW0001UnsynchronizedReadModifyWriteCodeFix.WrapInLockKey);
    }

    [Fact]
    public Task Fix_TopLevelCapturedDouble_LocksOnALocalDeclaredBeforeIt()
    {
        const string source = """
            using System.Threading.Tasks;

            double total = 0;
            Parallel.For(0, 10, i => { {|TW0001:total += i|}; });
            System.Console.WriteLine(total);
            """;
        const string fixedSource = """
            using System.Threading.Tasks;

            double total = 0;
            var sync = new object();
            Parallel.For(0, 10, i => {
                lock (sync)
                {
                    total += i;
                }
            });
            System.Console.WriteLine(total);
            """;
        return VerifyAsync(source, fixedSource, null, OutputKind.ConsoleApplication);
    }
}
