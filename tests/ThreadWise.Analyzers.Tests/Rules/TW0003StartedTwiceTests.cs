using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Tests.Verifiers;
using ThreadWise.CodeFixes.Rules;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0003StartedTwiceAnalyzer>;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0003StartedTwiceAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0003StartedTwiceCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

public class TW0003StartedTwiceTests
{
    private const string Thread = "a thread can be started only once, so this throws ThreadStateException; create a new Thread for each start";
    private const string Task_ = "a task can be started only once, so this throws InvalidOperationException; create a new Task for each start";
    private const string Hot = "the task is already running, so Start() throws InvalidOperationException; do not call Start() on it";
    private const string Process = "Process.Start() on a started instance silently launches a second process and loses the first one's handle; wait for it to exit first, or use a new Process";
    private const string Loop = "by this call in an earlier iteration of the loop";

    // ---- positives and negatives ----
    [Fact]
    public Task Reports_StartTwice_StraightLine()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = new Thread(Work);
                    {|#10:t.Start()|};
                    {|#0:t.Start()|};
                }

                static void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "at line 8", Thread));
    }

    [Fact]
    public Task Reports_StartAfterJoin()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread t)
                {
                    {|#10:t.Start()|};
                    t.Join();
                    {|#0:t.Start()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "at line 7", Thread));
    }

    [Fact]
    public Task Reports_StartAfterBranch()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread t, bool eager)
                {
                    if (eager)
                    {
                        {|#10:t.Start()|};
                    }

                    {|#0:t.Start()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "at line 9", Thread));
    }

    [Fact]
    public Task Reports_RestartWhenNotAlive_Loop()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                void Watch()
                {
                    var t = new Thread(() => Console.WriteLine("work"));
                    {|#10:t.Start()|};
                    while (true)
                    {
                        Thread.Sleep(1000);
                        if (!t.IsAlive)
                        {
                            {|#0:t.Start()|};
                        }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "at line 9", Thread));
    }

    [Fact]
    public Task Reports_StartInLoop_ThreadCreatedOutside()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(int n)
                {
                    var t = new Thread(() => { });
                    for (int i = 0; i < n; i++)
                    {
                        {|#0:t.Start()|};
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(0).WithArguments("t", Loop, Thread));
    }

    [Fact]
    public Task Reports_ThreadStateStoppedGuard_IsNoGuard()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private Thread _worker = new Thread(() => { });

                void Tick()
                {
                    {|#10:_worker.Start()|};
                    _worker.Join();
                    if (_worker.ThreadState == ThreadState.Stopped)
                    {
                        {|#0:_worker.Start()|};
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("_worker", "at line 9", Thread));
    }

    [Fact]
    public Task Reports_ColdTaskStartedTwice_AndRunSynchronously()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                void M()
                {
                    var task = new Task(() => { });
                    {|#10:task.Start()|};
                    task.Wait();
                    {|#0:task.Start()|};
                    var other = new Task(() => { });
                    {|#11:other.Start()|};
                    {|#1:other.RunSynchronously()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("task", "at line 8", Task_),
            Verify.Diagnostic().WithLocation(1).WithLocation(11).WithArguments("other", "at line 12", Task_));
    }

    [Fact]
    public Task Reports_StartOnTaskRun()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    var t = {|#10:Task.Run(() => { })|};
                    {|#0:t.Start()|};
                    {|#1:{|#11:Task.Factory.StartNew(() => { })|}.Start()|};
                    Task a = {|#12:WorkAsync()|};
                    {|#2:a.Start()|};
                    await t;
                }

                async Task WorkAsync() => await Task.Delay(1);
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "by the call at line 7 that created it", Hot),
            Verify.Diagnostic().WithLocation(1).WithLocation(11).WithArguments("Task.Factory.StartNew(() => { })", "by the call at line 9 that created it", Hot),
            Verify.Diagnostic().WithLocation(2).WithLocation(12).WithArguments("a", "by the call at line 10 that created it", Hot));
    }

    [Fact]
    public Task Reports_ProcessStartedTwice()
    {
        const string source = """
            using System.Diagnostics;

            class C
            {
                void M()
                {
                    var p = new Process { StartInfo = new ProcessStartInfo("dotnet", "--version") };
                    {|#10:p.Start()|};
                    {|#0:p.Start()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("p", "at line 8", Process));
    }

    [Fact]
    public Task Reports_FieldChainAndParameter()
    {
        const string source = """
            using System.Threading;

            class Job { public Thread Worker { get; set; } = new Thread(() => { }); }

            class C
            {
                void M(Job job, Thread t)
                {
                    {|#10:job.Worker.Start()|};
                    {|#11:t.Start()|};
                    {|#0:job.Worker.Start()|};
                    {|#1:t.UnsafeStart()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("job.Worker", "at line 9", Thread),
            Verify.Diagnostic().WithLocation(1).WithLocation(11).WithArguments("t", "at line 10", Thread));
    }

    [Fact]
    public Task Reports_InTopLevelProgram_AndLambda()
    {
        const string source = """
            using System;
            using System.Threading;

            var t = new Thread(() => { });
            {|#10:t.Start()|};
            t.Join();
            {|#0:t.Start()|};

            Action a = () =>
            {
                var u = new Thread(() => { });
                {|#11:u.Start()|};
                {|#1:u.Start()|};
            };
            """;
        return Verify.VerifyProgramAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "at line 5", Thread),
            Verify.Diagnostic().WithLocation(1).WithLocation(11).WithArguments("u", "at line 12", Thread));
    }

    [Fact]
    public Task Reports_InCatch_AfterStartInTry()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                void M(Thread t)
                {
                    try
                    {
                        {|#10:t.Start()|};
                        t.Join();
                    }
                    catch (Exception)
                    {
                        {|#0:t.Start()|};
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "at line 10", Thread));
    }

    [Fact]
    public Task NoDiagnostic_SingleStart()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = new Thread(() => { });
                    t.Start();
                    t.Join();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_NewThreadEachIteration()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        var t = new Thread(() => { });
                        t.Start();
                    }

                    Thread u = null;
                    while (n-- > 0)
                    {
                        u = new Thread(() => { });
                        u.Start();
                        u.Join();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ForeachOverThreads()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            class C
            {
                void M(List<Thread> threads)
                {
                    foreach (var t in threads)
                    {
                        t.Start();
                    }

                    for (int i = 0; i < threads.Count; i++)
                    {
                        threads[i].Start();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ExclusiveBranches()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread t, bool a)
                {
                    if (a)
                    {
                        t.Start();
                    }
                    else
                    {
                        t.Start();
                    }
                }

                void N(Thread t, int mode)
                {
                    switch (mode)
                    {
                        case 1:
                            t.Start("x");
                            break;
                        default:
                            t.Start();
                            break;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReassignedBetweenStarts()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private Thread _t = new Thread(() => { });

                void M()
                {
                    var t = new Thread(Work);
                    t.Start();
                    t.Join();
                    t = new Thread(Work);
                    t.Start();

                    _t.Start();
                    _t = new Thread(Work);
                    _t.Start();
                }

                static void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_RestartCreatesNewThread_WhenNotAlive()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private Thread _worker;

                void Watch()
                {
                    while (true)
                    {
                        if (_worker == null || !_worker.IsAlive)
                        {
                            _worker = new Thread(() => { });
                            _worker.Start();
                        }

                        Thread.Sleep(1000);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_OnceFlag_InLoop()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            class C
            {
                private bool _started;
                private readonly Thread _consumer = new Thread(() => { });

                void Produce(IEnumerable<int> items)
                {
                    bool started = false;
                    var t = new Thread(() => { });
                    foreach (var item in items)
                    {
                        if (!started)
                        {
                            t.Start();
                            started = true;
                        }
                    }

                    foreach (var item in items)
                    {
                        if (_started)
                        {
                            continue;
                        }

                        _started = true;
                        _consumer.Start();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_UnstartedStateGuard_AndInterlocked()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private int _once;
                private readonly Thread _t = new Thread(() => { });
                private readonly Task _task = new Task(() => { });

                void Ensure()
                {
                    for (int i = 0; i < 3; i++)
                    {
                        if (_t.ThreadState == ThreadState.Unstarted)
                        {
                            _t.Start();
                        }

                        if ((_t.ThreadState & ThreadState.Unstarted) != 0)
                        {
                            _t.Start();
                        }

                        if (_task.Status == TaskStatus.Created)
                        {
                            _task.Start();
                        }

                        if (Interlocked.CompareExchange(ref _once, 1, 0) == 0)
                        {
                            _t.Start();
                        }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TaskRunWithoutStart_AndTimersTimer()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    var t = Task.Run(() => { });
                    await t;
                    var timer = new System.Timers.Timer(100);
                    timer.Start();
                    timer.Start();
                    timer.Stop();
                    timer.Start();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ProcessRerunAfterExit()
    {
        const string source = """
            using System.Diagnostics;

            class C
            {
                void M(int times)
                {
                    var p = new Process { StartInfo = new ProcessStartInfo("dotnet", "--version") };
                    for (int i = 0; i < times; i++)
                    {
                        p.Start();
                        p.WaitForExit();
                    }

                    p.Start();
                    p.Kill();
                    p.Start();
                    if (p.HasExited)
                    {
                        p.Start();
                    }

                    Process.Start("dotnet");
                    Process.Start("dotnet");
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_DifferentInstances_AndSameFieldOfTwoObjects()
    {
        const string source = """
            using System.Threading;

            class Job { public Thread T = new Thread(() => { }); }

            class C
            {
                void M(Thread a, Thread b, Job x, Job y)
                {
                    a.Start();
                    b.Start();
                    x.T.Start();
                    y.T.Start();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_StartAfterReturn_AndBreakInLoop()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread t, bool done)
                {
                    while (true)
                    {
                        t.Start();
                        break;
                    }

                    if (done)
                    {
                        return;
                    }
                }

                void N(Thread t, bool a)
                {
                    if (a)
                    {
                        t.Start();
                        return;
                    }

                    t.Start();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_StartInsideLambda_NotRunHere()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                void M(Thread t)
                {
                    t.Start();
                    Action later = () => t.Start();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_HelperReassignsField()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private Thread _t = new Thread(() => { });

                void Recreate() => _t = new Thread(() => { });

                void Loop(int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        Recreate();
                        _t.Start();
                        _t.Join();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_PassedByRef_AndLocalFunctionReassigns()
    {
        const string source = """
            using System.Threading;

            class C
            {
                static void Renew(ref Thread t) => t = new Thread(() => { });

                void M()
                {
                    var t = new Thread(() => { });
                    t.Start();
                    Renew(ref t);
                    t.Start();
                    Reset();
                    t.Start();

                    void Reset() => t = new Thread(() => { });
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_OnNet80_WhileGuardedByFlag()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private volatile bool _running;
                private readonly Thread _pump = new Thread(() => { });

                void Run()
                {
                    while (!_running)
                    {
                        _pump.Start();
                        _running = true;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }


    [Fact]
    public Task NoDiagnostic_NewThreadAssignedWithInitializer_BeforeStart()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = new Thread(Work) { IsBackground = true };
                    t.Start();
                    t.Join();
                    // again
                    t = new Thread(Work) { IsBackground = true };
                    t.Start();
                }

                static void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ThisFieldAndPlainField_AreOneInstance_DoWhileRestart()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private Thread _t = new Thread(() => { });

                void M(int n)
                {
                    {|#10:this._t.Start()|};
                    {|#0:_t.Start()|};
                }

                void Restart(Thread t)
                {
                    do
                    {
                        {|#1:t.Start()|};
                        t.Join();
                    }
                    while (!t.IsAlive);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("_t", "at line 9", Thread),
            Verify.Diagnostic().WithLocation(1).WithLocation(1).WithArguments("t", Loop, Thread));
    }

    [Fact]
    public Task NoDiagnostic_EarlyReturnFlagGuard_AndStateMachineSwitch()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private enum State { Idle, Running }

                private State _state;
                private bool _started;
                private readonly Thread _t = new Thread(() => { });

                void EnsureStarted()
                {
                    for (int i = 0; i < 3; i++)
                    {
                        switch (_state)
                        {
                            case State.Idle:
                                _t.Start();
                                _state = State.Running;
                                break;
                        }
                    }
                }

                void Loop()
                {
                    while (true)
                    {
                        if (_started)
                        {
                            return;
                        }

                        _t.Start();
                        _started = true;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_IncompleteCode()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread t)
                {
                    t.Start();
                    {|CS0103:x|}.Start();
                    t = {|CS0103:Unknown|};
                    t.Start();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_RetryUntilStarted()
    {
        const string source = """
            using System;
            using System.ComponentModel;
            using System.Diagnostics;
            using System.Threading;

            class C
            {
                void M(Process process, Thread t)
                {
                    for (int attempt = 0; attempt < 3; attempt++)
                    {
                        try
                        {
                            process.Start();
                            break;
                        }
                        catch (Win32Exception)
                        {
                            Thread.Sleep(100);
                        }
                    }

                    while (true)
                    {
                        try
                        {
                            t.Start();
                            return;
                        }
                        catch (OutOfMemoryException)
                        {
                        }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_StartInLoopUnderAConditionOnSomethingElse()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            class C
            {
                void M(List<int> items)
                {
                    var t = new Thread(() => { });
                    for (int i = 0; i < items.Count; i++)
                    {
                        if (i == 0)
                        {
                            t.Start();
                        }
                    }

                    var u = new Thread(() => { });
                    foreach (var item in items)
                    {
                        switch (item)
                        {
                            case 42:
                                u.Start();
                                break;
                        }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- code fixes ----
    [Fact]
    public Task Fix_CreatesNewThread_BeforeSecondStart()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = new Thread(Work) { IsBackground = true };
                    t.Start();
                    t.Join();
                    // again
                    {|TW0003:t.Start()|};
                }

                static void Work() { }
            }
            """;
        const string fixedSource = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = new Thread(Work) { IsBackground = true };
                    t.Start();
                    t.Join();
                    // again
                    t = new Thread(Work) { IsBackground = true };
                    t.Start();
                }

                static void Work() { }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0003StartedTwiceCodeFix.NewInstanceKey);
    }

    [Fact]
    public Task Fix_RestartLoop_EmbeddedStatement_Field()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private Thread _t = new Thread(() => Console.WriteLine("tick"));

                void Watch()
                {
                    while (true)
                    {
                        if (!_t.IsAlive)
                            {|TW0003:_t.Start()|};
                    }
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            class C
            {
                private Thread _t = new Thread(() => Console.WriteLine("tick"));

                void Watch()
                {
                    while (true)
                    {
                        if (!_t.IsAlive)
                        {
                            _t = new Thread(() => Console.WriteLine("tick"));
                            _t.Start();
                        }
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0003StartedTwiceCodeFix.NewInstanceKey);
    }

    [Fact]
    public Task Fix_ColdTask()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                void M()
                {
                    var task = new Task(() => { });
                    task.Start();
                    task.Wait();
                    {|TW0003:task.Start()|};
                }
            }
            """;
        const string fixedSource = """
            using System.Threading.Tasks;

            class C
            {
                void M()
                {
                    var task = new Task(() => { });
                    task.Start();
                    task.Wait();
                    task = new Task(() => { });
                    task.Start();
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0003StartedTwiceCodeFix.NewInstanceKey);
    }

    [Fact]
    public Task FixAll_TopLevel()
    {
        const string source = """
            using System.Threading;

            var t = new Thread(() => { });
            t.Start();
            t.Join();
            {|TW0003:t.Start()|};
            t.Join();
            {|TW0003:t.Start()|};
            """;
        const string fixedSource = """
            using System.Threading;

            var t = new Thread(() => { });
            t.Start();
            t.Join();
            t = new Thread(() => { });
            t.Start();
            t.Join();
            t = new Thread(() => { });
            t.Start();
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0003StartedTwiceCodeFix.NewInstanceKey, OutputKind.ConsoleApplication);
    }

    [Fact]
    public Task NoFix_ReadonlyField()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly Thread _t = new Thread(() => { });

                void M()
                {
                    _t.Start();
                    {|TW0003:_t.Start()|};
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task NoFix_CreationArgumentHasSideEffects()
    {
        const string source = """
            using System.Threading;

            class C
            {
                static ThreadStart Make() => () => { };

                void M()
                {
                    var t = new Thread(Make());
                    t.Start();
                    {|TW0003:t.Start()|};
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task NoFix_ParameterWithoutVisibleCreation_AndProcess()
    {
        const string source = """
            using System.Diagnostics;
            using System.Threading;

            class C
            {
                void M(Thread t, Process p)
                {
                    t.Start();
                    {|TW0003:t.Start()|};
                    p.Start();
                    {|TW0003:p.Start()|};
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task NoFix_CapturedLocalOutOfScope()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private Thread _t;

                C(int port) { _t = new Thread(() => Console.WriteLine(port)); }

                void M()
                {
                    _t.Start();
                    {|TW0003:_t.Start()|};
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task Fix_RemovesStartOnARunningTask()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    var t = Task.Run(() => { });
                    {|TW0003:t.Start()|};
                    // keep the task running
                    {|TW0003:Task.Run(() => { }).Start()|};
                    await t;
                }
            }
            """;
        const string fixedSource = """
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    var t = Task.Run(() => { });
                    // keep the task running
                    Task.Run(() => { });
                    await t;
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0003StartedTwiceCodeFix.RemoveStartKey);
    }
}
