using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0018ReadBeforeWaitAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0018: each claim of docs/rules/TW0018.md that the other test files did not prove, in the page's own words.</summary>
public class TW0018DocClaimsTests
{
    private static string InClass(string members) => TW0018ReadBeforeWaitTests.InClass(members);

    // "t1.Join() does not wait for t2": a join on one thread leaves the other's writes unordered.
    [Fact]
    public Task Reports_JoinOfOneThread_DoesNotCoverTheOther()
    {
        var source = InClass("""
                void M()
                {
                    var first = 0;
                    var second = 0;
                    var t1 = new Thread(() => first = Compute());
                    var t2 = new Thread(() => second = Compute());
                    t1.Start();
                    t2.Start();
                    t1.Join();
                    Console.WriteLine(first);
                    Console.WriteLine([|second|]);
                    t2.Join();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // Realistic variants of the noncompliant examples: an async lambda given to Task.Run in an async method, and the
    // counter of the first example started with Task.Run instead of new Thread.
    [Fact]
    public Task Reports_AsyncLambdaBody_AndTaskRunCounter()
    {
        var source = InClass("""
                static Task<string> DownloadAsync(string url) => Task.FromResult(url);

                async Task LoadAsync(string url)
                {
                    var task = Task.Run(async () => _page = await DownloadAsync(url));
                    Show([|_page|]);
                    await task;
                }

                void Count()
                {
                    var total = 0;
                    var worker = Task.Run(() =>
                    {
                        for (var i = 0; i < 1_000_000; i++) total++;
                    });
                    Console.WriteLine([|total|]);
                    worker.Wait();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "new Task(…) (from its Start() on)" and "new Thread(…) (from its Start() on)": a read between the creation and the
    // Start is silent; the same read after the Start is reported.
    [Fact]
    public Task ColdTaskAndThread_OnlyFromTheirStartOn()
    {
        var source = InClass("""
                void M()
                {
                    var task = new Task(() => _result = Compute());
                    Console.WriteLine(_result);
                    task.Start();
                    Console.WriteLine([|_result|]);
                    task.Wait();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The listed waits that the other tests do not name: Task.WaitAny, GetAwaiter().GetResult(), WaitHandle.WaitAll,
    // CountdownEvent.Wait, Barrier.SignalAndWait, Monitor.Wait; and "a timed wait counts whether it returned true or false".
    [Fact]
    public Task NoDiagnostic_EveryListedWait_AndATimedJoinIgnored()
    {
        var source = InClass("""
                void M1()
                {
                    var t = Task.Run(() => _result = Compute());
                    Task.WaitAny(t);
                    Console.WriteLine(_result);
                }

                void M2()
                {
                    var t = Task.Run(() => _result = Compute());
                    t.GetAwaiter().GetResult();
                    Console.WriteLine(_result);
                }

                void M3(ManualResetEvent done)
                {
                    ThreadPool.QueueUserWorkItem(_ => { _result = Compute(); done.Set(); });
                    WaitHandle.WaitAll(new WaitHandle[] { done });
                    Console.WriteLine(_result);
                }

                void M4(CountdownEvent countdown)
                {
                    ThreadPool.QueueUserWorkItem(_ => { _result = Compute(); countdown.Signal(); });
                    countdown.Wait();
                    Console.WriteLine(_result);
                }

                void M5(Barrier barrier)
                {
                    new Thread(() => { _result = Compute(); barrier.SignalAndWait(); }).Start();
                    barrier.SignalAndWait();
                    Console.WriteLine(_result);
                }

                void M6()
                {
                    new Thread(() => { lock (_gate) { _result = Compute(); Monitor.Pulse(_gate); } }).Start();
                    lock (_gate)
                    {
                        Monitor.Wait(_gate);
                        Console.WriteLine(_result);
                    }
                }

                void M7()
                {
                    var t = new Thread(() => _result = Compute());
                    t.Start();
                    t.Join(100);
                    Console.WriteLine(_result);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // Silent: "the thread or task handle" where it is used to wait for the work, "reads through Volatile.Read or
    // Interlocked (any ref argument)", "Parallel.* and PLINQ".
    [Fact]
    public Task NoDiagnostic_HandleWaitedOn_RefArguments_Parallel()
    {
        var source = InClass("""
                private Task? _pending;

                void M(int[] items)
                {
                    _pending = Task.Run(() => { _pending = null; _result = Compute(); });
                    Task.WaitAll(_pending);
                    Console.WriteLine(Interlocked.CompareExchange(ref _result, 0, 0));
                    Console.WriteLine(Volatile.Read(ref _count));

                    var sum = 0;
                    Parallel.ForEach(items, x => Interlocked.Add(ref sum, x));
                    Console.WriteLine(sum);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // A status read of a handle the work itself clears is a read of storage the work writes, not a use of the handle to
    // wait: it races like any other read (the page says "handle" only for starting, joining and waiting).
    [Fact]
    public Task Reports_StatusReadOfAHandleTheWorkClears()
    {
        var source = InClass("""
                private Task? _pending;

                void M()
                {
                    _pending = Task.Run(() => { Work(); _pending = null; });
                    Console.WriteLine([|_pending|]?.IsCompleted);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "the thread or task handle itself" where it is waited on, in every spelling of the wait: its own Wait, WaitAll
    // with an explicit array, and WaitAll with a params argument (on .NET 9+ a params ReadOnlySpan, which was reported).
    [Fact]
    public Task NoDiagnostic_HandleTheWorkClears_WaitedOnInEverySpelling()
    {
        var source = InClass("""
                private Task? _pending;

                void M1()
                {
                    _pending = Task.Run(() => { Work(); _pending = null; });
                    _pending.Wait();
                }

                void M2()
                {
                    _pending = Task.Run(() => { Work(); _pending = null; });
                    Task.WaitAll(new[] { _pending });
                }

                void M3()
                {
                    _pending = Task.Run(() => { Work(); _pending = null; });
                    Task.WaitAll(_pending);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "a method of the same file named as a method group (static or on this)": `this.Fill`, and a WaitCallback method group.
    [Fact]
    public Task Reports_MethodGroupOnThis_AndQueueUserWorkItemMethodGroup()
    {
        var source = InClass("""
                private void Fill() => _page = Download("x");
                private void FillState(object? state) => _result = Compute();
                void M()
                {
                    var t = Task.Run(this.Fill);
                    Show([|_page|]);
                    ThreadPool.QueueUserWorkItem(FillState);
                    Console.WriteLine([|_result|]);
                    t.Wait();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }
}
