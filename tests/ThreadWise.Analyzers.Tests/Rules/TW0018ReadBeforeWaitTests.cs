using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0018ReadBeforeWaitAnalyzer>;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0018ReadBeforeWaitAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0018ReadBeforeWaitCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

public class TW0018ReadBeforeWaitTests
{
    internal static string InClass(string members) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();
            private string _page;
            private int _count;
            private int _result;
            private volatile bool _done;
            private int _progress;
            static int Compute() => 42;
            static string Download(string url) => url;
            static void Show(string page) { }
            static void Work() { }

        {{members}}
        }
        """;

    // ---- positives: the docs' noncompliant examples first ---------------------------------------------------------

    [Fact]
    public Task Reports_ThreadStarted_TotalPrintedBeforeJoin()
    {
        var source = InClass("""
                void M()
                {
                    var total = 0;
                    var worker = new Thread(() =>
                    {
                        for (var i = 0; i < 1_000_000; i++) total++;
                    });
                    worker.Start();
                    Console.WriteLine({|#0:total|});        // printed before the thread is done
                    worker.Join();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments("total", "the thread started on line 26"));
    }

    [Fact]
    public Task Reports_TaskRunWritesField_ShownBeforeWait()
    {
        var source = InClass("""
                public void Load(string url)
                {
                    var task = Task.Run(() => _page = Download(url));
                    Show({|#0:_page|});
                    task.Wait();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments("_page", "the Task.Run work started on line 21"));
    }

    [Fact]
    public Task Reports_JoinOnOneBranchOnly()
    {
        var source = InClass("""
                void M(bool ready)
                {
                    var count = 0;
                    var worker = new Thread(() => count = Compute());
                    worker.Start();
                    if (ready)
                    {
                        worker.Join();
                    }
                    Console.WriteLine([|count|]);        // when ready is false nothing waited
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_TwoThreadsCounter_PrintedAfterStarts()
    {
        var source = InClass("""
                void M()
                {
                    var p1 = new Thread(() => { for (var i = 0; i < 1000; i++) lock (_gate) _count++; });
                    var p2 = new Thread(() => { for (var i = 0; i < 1000; i++) lock (_gate) _count++; });
                    p1.Start();
                    p2.Start();
                    Console.WriteLine([|_count|]);
                    p1.Join();
                    p2.Join();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_QueueUserWorkItem_ResultReadAfterSleep()
    {
        var source = InClass("""
                void M()
                {
                    ThreadPool.QueueUserWorkItem(_ => _result = Compute());
                    Thread.Sleep(100);
                    Console.WriteLine([|_result|]);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_StartNew_And_ColdTaskStart()
    {
        var source = InClass("""
                void M()
                {
                    Task.Factory.StartNew(() => _result = Compute());
                    var x = [|_result|];
                    var cold = new Task(() => _count = 1);
                    var before = _count;
                    cold.Start();
                    if ([|_count|] == 1) Console.WriteLine(x + before);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_FieldThreadStartedInline_AndReadInReturn()
    {
        var source = InClass("""
                int M()
                {
                    new Thread(() => { _result = Compute(); }) { IsBackground = true }.Start();
                    return [|_result|];
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ReadInLoopBody_WaitAfterLoop()
    {
        var source = InClass("""
                void M(int n)
                {
                    var t = Task.Run(() => { for (var i = 0; i < n; i++) _progress = i; });
                    for (var i = 0; i < 3; i++)
                    {
                        Console.WriteLine([|_progress|]);
                    }
                    t.Wait();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_InsideAsyncLambdaStarter()
    {
        var source = InClass("""
                void M(List<Func<Task>> handlers)
                {
                    handlers.Add(async () =>
                    {
                        var t = Task.Run(() => _result = Compute());
                        Console.WriteLine([|_result|]);
                        await t;
                    });
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_MethodGroupBodies_TheCourseShape()
    {
        var source = InClass("""
                private static int s_num;
                private static void Add()
                {
                    for (var i = 0; i < 100_000; i++) s_num++;
                }
                private void Fill() => _page = Download("x");
                void M()
                {
                    var p1 = new Thread(Add);
                    var p2 = new Thread(new ThreadStart(Add));
                    p1.Start();
                    p2.Start();
                    Console.WriteLine([|s_num|]);
                    ThreadPool.QueueUserWorkItem(_ => Fill());
                    var t = Task.Run(Fill);
                    Show([|_page|]);
                    t.Wait();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_MethodGroupOnAnotherObject_OrJoined()
    {
        var source = InClass("""
                private int _n;
                private void Bump() => _n++;
                void M(C other)
                {
                    var t = new Thread(other.Bump);
                    t.Start();
                    Console.WriteLine(_n);
                    t.Join();
                    var u = new Thread(Bump);
                    u.Start();
                    u.Join();
                    Console.WriteLine(_n);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- negatives: the docs' compliant examples ----------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_ReadAfterJoin()
    {
        var source = InClass("""
                void M()
                {
                    var total = 0;
                    var worker = new Thread(() =>
                    {
                        for (var i = 0; i < 1_000_000; i++) total++;
                    });
                    worker.Start();
                    worker.Join();
                    Console.WriteLine(total);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReadAfterAwait()
    {
        var source = InClass("""
                async Task M(string url)
                {
                    var task = Task.Run(() => _page = Download(url));
                    await task;
                    Show(_page);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_VolatileFlagPolled_ProgressReadThroughVolatile()
    {
        var source = InClass("""
                public void Run()
                {
                    new Thread(() => { Work(); Interlocked.Increment(ref _progress); _done = true; }).Start();
                    while (!_done)
                    {
                        Console.WriteLine(Volatile.Read(ref _progress));
                        Thread.Sleep(100);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReadUnderTheLockTheWritesTake()
    {
        var source = InClass("""
                void M()
                {
                    var snapshot = 0;
                    var t = new Thread(() => { lock (_gate) _count++; });
                    t.Start();
                    lock (_gate)
                    {
                        snapshot = _count;
                    }
                    Console.WriteLine(snapshot);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReadBeforeStart()
    {
        var source = InClass("""
                void M()
                {
                    _result = 0;
                    var t = new Thread(() => _result = Compute());
                    Console.WriteLine(_result);
                    t.Start();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- negatives: real-code shapes -------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_WorkerLoopReadsVolatileStopFlag_StarterSetsIt()
    {
        var source = InClass("""
                private volatile bool _stop;
                private Thread _thread;
                public void Start()
                {
                    _stop = false;
                    _thread = new Thread(() => { while (!_stop) { _count++; Thread.Sleep(10); } _stop = true; });
                    _thread.IsBackground = true;
                    _thread.Start();
                    if (_stop) Console.WriteLine("already stopped");
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ProgressReadWithInterlocked()
    {
        var source = InClass("""
                private long _bytes;
                void M()
                {
                    var t = Task.Run(() => { for (var i = 0; i < 100; i++) Interlocked.Add(ref _bytes, 10); });
                    Console.WriteLine(Interlocked.Read(ref _bytes));
                    Console.WriteLine(Interlocked.CompareExchange(ref _bytes, 0, 0));
                    t.Wait();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_FireAndForget_FieldNeverReadByStarter()
    {
        var source = InClass("""
                public void Kick()
                {
                    _ = Task.Run(() => { _result = Compute(); _page = "done"; });
                    Console.WriteLine("started");
                    _count = 5;
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ResultReadInContinuation()
    {
        var source = InClass("""
                void M()
                {
                    Task.Run(() => _result = Compute())
                        .ContinueWith(t => Console.WriteLine(_result));
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_AwaitWhenAll()
    {
        var source = InClass("""
                async Task M()
                {
                    var a = 0;
                    var b = 0;
                    var t1 = Task.Run(() => a = Compute());
                    var t2 = Task.Run(() => b = Compute());
                    await Task.WhenAll(t1, t2);
                    Console.WriteLine(a + b);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_WaitAll_And_ResultAndAwaitWhereLaunched()
    {
        var source = InClass("""
                async Task M()
                {
                    var a = 0;
                    var t1 = Task.Run(() => a = Compute());
                    Task.WaitAll(t1);
                    Console.WriteLine(a);
                    var b = 0;
                    await Task.Run(() => b = Compute());
                    Console.WriteLine(b);
                    var c = 0;
                    Task.Run(() => c = Compute()).Wait();
                    Console.WriteLine(c);
                    var d = 0;
                    var r = Task.Run(() => { d = 1; return 2; }).Result;
                    Console.WriteLine(d + r);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ResetEventWaited()
    {
        var source = InClass("""
                void M()
                {
                    using var ready = new ManualResetEventSlim();
                    using var countdown = new CountdownEvent(1);
                    var value = 0;
                    ThreadPool.QueueUserWorkItem(_ => { value = Compute(); ready.Set(); });
                    ready.Wait();
                    Console.WriteLine(value);
                    ThreadPool.QueueUserWorkItem(_ => { _result = Compute(); countdown.Signal(); });
                    countdown.Wait();
                    Console.WriteLine(_result);
                    var done = new AutoResetEvent(false);
                    new Thread(() => { _count = 3; done.Set(); }).Start();
                    done.WaitOne();
                    Console.WriteLine(_count);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TimedJoinChecked()
    {
        var source = InClass("""
                void M()
                {
                    var t = new Thread(() => _result = Compute());
                    t.Start();
                    if (!t.Join(TimeSpan.FromSeconds(5)))
                    {
                        Console.WriteLine("timed out at " + _result);
                        return;
                    }
                    Console.WriteLine(_result);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_WaitOnEveryBranch()
    {
        var source = InClass("""
                void M(bool quick)
                {
                    var t = Task.Run(() => _result = Compute());
                    if (quick)
                    {
                        t.Wait();
                    }
                    else
                    {
                        t.Wait(1000);
                    }
                    Console.WriteLine(_result);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TaskCompletionSourceResult()
    {
        var source = InClass("""
                void M()
                {
                    var tcs = new TaskCompletionSource<int>();
                    new Thread(() => { _result = Compute(); tcs.SetResult(_result); }).Start();
                    var value = tcs.Task.Result;
                    Console.WriteLine(value + _result);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ValuesOnlyPassedToTheWork_OrReadByIt()
    {
        var source = InClass("""
                void M(int[] data)
                {
                    var sum = 0;
                    var t = new Thread(state => sum = ((int[])state).Length);
                    t.Start(data);
                    var copy = data;
                    var t2 = Task.Run(() => Console.WriteLine(copy.Length + _count));
                    Console.WriteLine(copy.Length + _count);
                    t.Join();
                    t2.Wait();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_HandleFieldClearedByTheWork_StarterJoinsIt()
    {
        var source = InClass("""
                private Thread _worker;
                void Start()
                {
                    _worker = new Thread(() => { Work(); _worker = null; });
                    _worker.Start();
                }
                void Stop()
                {
                    _worker?.Join();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ParallelWaits()
    {
        var source = InClass("""
                void M(int[] items)
                {
                    var total = 0;
                    Parallel.For(0, items.Length, i => Interlocked.Add(ref total, items[i]));
                    Console.WriteLine(total);
                    Parallel.Invoke(() => _result = 1, () => _count = 2);
                    Console.WriteLine(_result + _count);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReadInAnotherMethod_OrInALambda()
    {
        var source = InClass("""
                void Start()
                {
                    Task.Run(() => _result = Compute());
                    Action show = () => Console.WriteLine(_result);
                    Timer timer = null;
                }
                int Get() => _result;
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LocalDeclaredInsideTheWork_AndThreadStatic()
    {
        var source = InClass("""
                [ThreadStatic] private static int t_calls;
                void M()
                {
                    var t = Task.Run(() => { var local = Compute(); local++; t_calls++; });
                    Console.WriteLine(t_calls);
                    t.Wait();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_PollLoopOnNonVolatileFlag_ThenRead()
    {
        var source = InClass("""
                private bool _finished;
                void M()
                {
                    new Thread(() => { _result = Compute(); _finished = true; }).Start();
                    while (!_finished)
                    {
                        Thread.Sleep(10);
                    }
                    Console.WriteLine(_result);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ProgressShownInADoWhileThatPolls()
    {
        var source = InClass("""
                private bool _finished;
                void M()
                {
                    var t = new Thread(() => { for (var i = 0; i < 100; i++) _progress = i; _finished = true; });
                    t.Start();
                    do
                    {
                        Console.WriteLine(_progress);
                        Thread.Sleep(100);
                    }
                    while (!_finished);
                    Console.WriteLine(_progress);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_SpinUntil_And_SemaphoreWait()
    {
        var source = InClass("""
                void M()
                {
                    var gate = new SemaphoreSlim(0);
                    Task.Run(() => { _result = Compute(); gate.Release(); });
                    gate.Wait();
                    Console.WriteLine(_result);
                    Task.Run(() => { _count = Compute(); _done = true; });
                    SpinWait.SpinUntil(() => _done);
                    Console.WriteLine(_count);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ThreadCreatedButNeverStartedHere()
    {
        var source = InClass("""
                Thread Create()
                {
                    var t = new Thread(() => _result = Compute());
                    Console.WriteLine(_result);
                    return t;
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_JoinInFinally_ReadAfterTheTry()
    {
        var source = InClass("""
                void M()
                {
                    var t = new Thread(() => _result = Compute());
                    try
                    {
                        t.Start();
                        Work();
                    }
                    finally
                    {
                        t.Join();
                    }
                    Console.WriteLine(_result);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ReadInsideTheTry_BeforeTheFinallyJoins()
    {
        var source = InClass("""
                void M()
                {
                    var t = new Thread(() => _result = Compute());
                    try
                    {
                        t.Start();
                        Console.WriteLine([|_result|]);
                    }
                    finally
                    {
                        t.Join();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_CapturedLocalOfAnObject_ChainRead()
    {
        var source = InClass("""
                void M()
                {
                    string text = null;
                    var t = Task.Run(() => text = Download("x"));
                    Console.WriteLine([|text|].Length);
                    t.Wait();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_AwaitOfAnythingEndsEveryWork_AndOwnWritesBeforeTheStart()
    {
        var source = InClass("""
                async Task M()
                {
                    var x = 0;
                    _ = Task.Run(() => x = Compute());
                    await Task.Delay(10);
                    Console.WriteLine(x);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LocalFunctionOrLambdaVariableBodies_NotFollowed()
    {
        var source = InClass("""
                void M()
                {
                    var x = 0;
                    void Body() => x = 1;
                    var t = new Thread(Body);
                    t.Start();
                    Action a = () => x = 2;
                    Task.Run(a);
                    Console.WriteLine(x);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReadInTheCatchOfATryThatWaits()
    {
        var source = InClass("""
                void M()
                {
                    var state = 0;
                    var t = Task.Run(() => { state = 1; throw new InvalidOperationException(); });
                    try
                    {
                        t.Wait();
                    }
                    catch (AggregateException)
                    {
                        Console.WriteLine(state);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ReadInTheCatchOfATryThatDoesNotWait()
    {
        var source = InClass("""
                void M()
                {
                    var state = 0;
                    var t = Task.Run(() => state = 1);
                    try
                    {
                        Work();
                    }
                    catch (Exception)
                    {
                        Console.WriteLine([|state|]);
                    }
                    t.Wait();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- fixes -------------------------------------------------------------------------------------------------------

    [Fact]
    public Task Fix_MovesTheReadAfterTheJoins_KeepsComments()
    {
        var source = InClass("""
                void M()
                {
                    var p1 = new Thread(() => { for (var i = 0; i < 1000; i++) lock (_gate) _count++; });
                    var p2 = new Thread(() => { for (var i = 0; i < 1000; i++) lock (_gate) _count++; });
                    p1.Start();
                    p2.Start();
                    // the total
                    Console.WriteLine("total: " + {|TW0018:_count|}); // should be 2000
                    p1.Join();
                    p2.Join();
                    Console.WriteLine("done");
                }
            """);
        var fixedSource = InClass("""
                void M()
                {
                    var p1 = new Thread(() => { for (var i = 0; i < 1000; i++) lock (_gate) _count++; });
                    var p2 = new Thread(() => { for (var i = 0; i < 1000; i++) lock (_gate) _count++; });
                    p1.Start();
                    p2.Start();
                    p1.Join();
                    p2.Join();
                    // the total
                    Console.WriteLine("total: " + _count); // should be 2000
                    Console.WriteLine("done");
                }
            """);
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_TwoReads_FixAllNullKey_KeepsTheirOrder()
    {
        var source = InClass("""
                async Task M(string url)
                {
                    var task = Task.Run(() => { _page = Download(url); _result = 1; });
                    var length = {|TW0018:_page|}.Length;
                    Console.WriteLine({|TW0018:_result|} + length);
                    await task;
                }
            """);
        var fixedSource = InClass("""
                async Task M(string url)
                {
                    var task = Task.Run(() => { _page = Download(url); _result = 1; });
                    await task;
                    var length = _page.Length;
                    Console.WriteLine(_result + length);
                }
            """);
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task NoFix_WhenTheWaitIsOnlyOnOneBranch()
    {
        var source = InClass("""
                void M(bool ready)
                {
                    var count = 0;
                    var worker = new Thread(() => count = Compute());
                    worker.Start();
                    if (ready)
                    {
                        worker.Join();
                    }
                    Console.WriteLine({|TW0018:count|});
                }
            """);
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task Fix_OnlyWhereTheWaitsCoverEveryWork_ThenTheCascade()
    {
        var source = InClass("""
                void M()
                {
                    var t1 = new Thread(() => _count = 1);
                    var t2 = new Thread(() => _count = 2);
                    t1.Start();
                    t2.Start();
                    Console.WriteLine({|TW0018:_count|});
                    t1.Join();
                    Console.WriteLine({|TW0018:_count|});
                    t2.Join();
                }
            """);
        var fixedSource = InClass("""
                void M()
                {
                    var t1 = new Thread(() => _count = 1);
                    var t2 = new Thread(() => _count = 2);
                    t1.Start();
                    t2.Start();
                    t1.Join();
                    t2.Join();
                    Console.WriteLine(_count);
                    Console.WriteLine(_count);
                }
            """);
        // The second read's waits cover t2 alone, its racing work; once it moved, the first read's waits cover both.
        var test = new VerifyFix.Test { TestCode = source, FixedCode = fixedSource, NumberOfFixAllIterations = 2 };
        return test.RunAsync();
    }

    [Fact]
    public Task NoFix_WhenTheMovedStatementCouldTakePartInTheHandOff()
    {
        var source = InClass("""
                void M(ManualResetEventSlim go)
                {
                    var t = new Thread(() => { go.Wait(); _count = 1; });
                    t.Start();
                    Report({|TW0018:_count|});
                    t.Join();
                }
                void M2(ManualResetEventSlim go)
                {
                    var t = new Thread(() => { go.Wait(); _count = 1; });
                    t.Start();
                    var s = {|TW0018:_count|}.ToString();
                    go.Set();
                    t.Join();
                }
                void Report(int n) { }
            """);
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task NoFix_WhenTheWaitUsesWhatTheReadDeclares()
    {
        var source = InClass("""
                void M()
                {
                    var t = Task.Run(() => _result = Compute());
                    var seen = {|TW0018:_result|};
                    Task.WaitAll(t, Task.Delay(seen));
                    Console.WriteLine(seen);
                }
            """);
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }
}
