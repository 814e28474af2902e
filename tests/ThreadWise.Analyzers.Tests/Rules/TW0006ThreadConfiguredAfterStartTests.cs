using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Rules;
using ThreadWise.Analyzers.Tests.Verifiers;
using ThreadWise.CodeFixes.Rules;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0006ThreadConfiguredAfterStartAnalyzer>;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0006ThreadConfiguredAfterStartAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0006ThreadConfiguredAfterStartCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

public class TW0006ThreadConfiguredAfterStartTests
{
    // ---- positives -------------------------------------------------------------------------------------------

    [Fact]
    public Task Reports_IsBackgroundAfterStart_Local()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var worker = new Thread(Work);
                    {|#10:worker.Start()|};
                    {|#0:worker.IsBackground = true|};
                }

                static void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("worker", "IsBackground", 8));
    }

    [Fact]
    public Task Reports_StartInOneBranch_AssignmentAfterTheIf()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread t, bool verbose)
                {
                    if (verbose)
                    {
                        {|#10:t.Start()|};
                    }

                    {|#0:t.IsBackground = true|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "IsBackground", 9));
    }

    [Fact]
    public Task Reports_SetApartmentStateAfterStart_Field()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly Thread _ui = new Thread(() => { });

                void M()
                {
                    {|#10:_ui.Start()|};
                    {|#0:_ui.SetApartmentState(ApartmentState.STA)|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("_ui", "the apartment state", 9));
    }

    [Fact]
    public Task Reports_TrySetApartmentStateAfterStart_ThisField()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private Thread _ui = new Thread(() => { });

                void M()
                {
                    {|#10:this._ui.Start()|};
                    bool ok = {|#0:this._ui.TrySetApartmentState(ApartmentState.STA)|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("_ui", "the apartment state", 9));
    }

    [Fact]
    public Task Reports_StartWithArgument_AndUnsafeStart()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread a, Thread b)
                {
                    {|#10:a.Start("state")|};
                    {|#11:b.UnsafeStart()|};
                    {|#0:a.IsBackground = true|};
                    {|#1:b.IsBackground = false|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("a", "IsBackground", 7),
            Verify.Diagnostic().WithLocation(1).WithLocation(11).WithArguments("b", "IsBackground", 8));
    }

    [Fact]
    public Task Reports_InLoop_SecondIterationSetsAStartedThread()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread t, int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        {|#0:t.IsBackground = true|};
                        {|#10:t.Start()|};
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "IsBackground", 10));
    }

    [Fact]
    public Task Reports_AfterTryFinally_StartInTry()
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
                    }
                    finally
                    {
                        Console.WriteLine("started");
                    }

                    {|#0:t.IsBackground = true|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "IsBackground", 10));
    }

    [Fact]
    public Task Reports_InCatch_WhenStartMayHaveRun()
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
                        Console.WriteLine("started");
                    }
                    catch (Exception)
                    {
                        {|#0:t.IsBackground = true|};
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "IsBackground", 10));
    }

    [Fact]
    public Task Reports_InsideLambdaBody_OnItsOwnThread()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                Action M() => () =>
                {
                    var t = new Thread(() => { });
                    {|#10:t.Start()|};
                    {|#0:t.IsBackground = true|};
                };
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "IsBackground", 9));
    }

    [Fact]
    public Task Reports_InLocalFunction_AndTopLevelProgram()
    {
        const string source = """
            using System.Threading;

            var main = new Thread(() => { });
            {|#10:main.Start()|};
            {|#0:main.IsBackground = true|};

            void Local()
            {
                var t = new Thread(() => { });
                {|#11:t.Start()|};
                {|#1:t.IsBackground = true|};
            }
            """;
        return Verify.VerifyProgramAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("main", "IsBackground", 4),
            Verify.Diagnostic().WithLocation(1).WithLocation(11).WithArguments("t", "IsBackground", 10));
    }

    [Fact]
    public Task Reports_FieldOfParameter_AndAutoProperty()
    {
        const string source = """
            using System.Threading;

            class Job
            {
                public Thread Worker { get; } = new Thread(() => { });
                public Thread Raw = new Thread(() => { });
            }

            class C
            {
                void M(Job job)
                {
                    {|#10:job.Worker.Start()|};
                    {|#11:job.Raw.Start()|};
                    {|#0:job.Worker.IsBackground = true|};
                    {|#1:job.Raw.IsBackground = true|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("job.Worker", "IsBackground", 13),
            Verify.Diagnostic().WithLocation(1).WithLocation(11).WithArguments("job.Raw", "IsBackground", 14));
    }

    [Fact]
    public Task Reports_OnNet80()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread t)
                {
                    {|#10:t.Start()|};
                    {|#0:t.IsBackground = true|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, TargetFramework.Net80,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "IsBackground", 7));
    }

    [Fact]
    public Task Reports_ConditionalStart_AndConditionalConfiguration()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread? t, Thread? u)
                {
                    t?{|#10:.Start()|};
                    {|#0:t!.IsBackground = true|};
                    {|#11:u!.Start()|};
                    u?{|#1:.SetApartmentState(ApartmentState.MTA)|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "IsBackground", 7),
            Verify.Diagnostic().WithLocation(1).WithLocation(11).WithArguments("u", "the apartment state", 9));
    }

    [Fact]
    public Task Reports_ForeachThread_StartedThenConfigured_ButNotAcrossIterations()
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
                        {|#10:t.Start()|};
                        {|#0:t.IsBackground = true|};
                    }

                    foreach (var t in threads)
                    {
                        t.IsBackground = true;
                        t.Start();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "IsBackground", 10));
    }

    [Fact]
    public Task Reports_AfterJoin_TheThreadIsDead()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread t)
                {
                    {|#10:t.Start()|};
                    t.Join();
                    {|#0:t.IsBackground = false|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "IsBackground", 7));
    }

    // ---- negatives -------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_SetBeforeStart()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = new Thread(() => { });
                    t.IsBackground = true;
                    t.SetApartmentState(ApartmentState.MTA);
                    t.Start();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ObjectInitializer()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = new Thread(() => { }) { IsBackground = true, Name = "worker" };
                    t.Start();
                    Thread u = new(() => { }) { IsBackground = true };
                    u.Start();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReadAfterStart()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                void M(Thread t)
                {
                    t.Start();
                    Console.WriteLine(t.IsBackground);
                    bool b = t.IsBackground;
                    var state = t.GetApartmentState();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_DifferentThreadInstance()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private Thread _a = new Thread(() => { });
                private Thread _b = new Thread(() => { });

                void M(Thread x, Thread y)
                {
                    x.Start();
                    y.IsBackground = true;
                    _a.Start();
                    _b.IsBackground = true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_SameFieldOnTwoInstances()
    {
        const string source = """
            using System.Threading;

            class Job { public Thread T = new Thread(() => { }); }

            class C
            {
                void M(Job first, Job second)
                {
                    first.T.Start();
                    second.T.IsBackground = true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReassignedToNewThreadBetween()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private Thread _worker = new Thread(() => { });

                void M()
                {
                    var t = new Thread(Work);
                    t.Start();
                    t = new Thread(Work);
                    t.IsBackground = true;
                    t.Start();

                    _worker.Start();
                    _worker = new Thread(Work);
                    _worker.IsBackground = true;
                }

                static void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReassignedWithObjectInitializer()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = new Thread(Work);
                    t.Start();
                    t = new Thread(Work) { Name = "second" };
                    t.IsBackground = true;
                    t.Start();
                }

                static void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_FieldMayBeReplacedByAMethodOfTheProgram()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private Thread _worker = new Thread(() => { });

                void Restart() => _worker = new Thread(() => { });

                void M()
                {
                    _worker.Start();
                    Restart();
                    _worker.IsBackground = true;
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
                        t.IsBackground = true;
                        t.Start();
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
                void M(Thread t, bool fast)
                {
                    if (fast)
                    {
                        t.Start();
                    }
                    else
                    {
                        t.IsBackground = true;
                    }

                }

                void N(Thread t, int mode)
                {
                    switch (mode)
                    {
                        case 1:
                            t.Start();
                            break;
                        default:
                            t.SetApartmentState(ApartmentState.MTA);
                            break;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_StartAfterReturn_Unreachable()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread t, bool stop)
                {
                    if (stop)
                    {
                        t.Start();
                        return;
                    }

                    t.IsBackground = true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_StartInLambda_NotRunHere()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                void M(Thread t)
                {
                    Action later = () => t.Start();
                    t.IsBackground = true;
                    later();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CurrentThreadInsideBody()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = new Thread(() => { Thread.CurrentThread.IsBackground = true; });
                    t.Start();
                    Thread.CurrentThread.IsBackground = true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_OtherStartMethods()
    {
        const string source = """
            using System.Diagnostics;
            using System.Threading;
            using System.Threading.Tasks;

            class Fake { public void Start() { } public bool IsBackground { get; set; } }

            class C
            {
                void M(Task task, Fake fake, System.Timers.Timer timer)
                {
                    task.Start();
                    fake.Start();
                    fake.IsBackground = true;
                    timer.Start();
                    timer.AutoReset = true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ThreadPassedByRefAndReplaced()
    {
        const string source = """
            using System.Threading;

            class C
            {
                static void Renew(ref Thread t) => t = new Thread(() => { });

                void M(Thread t)
                {
                    t.Start();
                    Renew(ref t);
                    t.IsBackground = true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_HolderReplaced()
    {
        const string source = """
            using System.Threading;

            class Job { public Thread T = new Thread(() => { }); }

            class C
            {
                void M(Job job)
                {
                    job.T.Start();
                    job = new Job();
                    job.T.IsBackground = true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- code fixes ------------------------------------------------------------------------------------------

    [Fact]
    public Task Fix_MovesIntoObjectInitializer()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var worker = new Thread(Work);
                    worker.Start();
                    {|TW0006:worker.IsBackground = true|};
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
                    var worker = new Thread(Work) { IsBackground = true };
                    worker.Start();
                }

                static void Work() { }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0006ThreadConfiguredAfterStartCodeFix.MoveIntoInitializerKey);
    }

    [Fact]
    public Task Fix_IntoExistingInitializer_KeepsCommentAndReplacesOldValue()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    Thread worker;
                    worker = new Thread(Work) { Name = "w", IsBackground = false };
                    worker.Start();
                    // the process must not wait for this one
                    {|TW0006:worker.IsBackground = true|}; // end
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
                    Thread worker;
                    // the process must not wait for this one
                    worker = new Thread(Work) { Name = "w", IsBackground = true };
                    worker.Start();
                }

                static void Work() { }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0006ThreadConfiguredAfterStartCodeFix.MoveIntoInitializerKey);
    }

    [Fact]
    public Task Fix_MovesBeforeStart_KeepsComments()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread t)
                {
                    // start it
                    t.Start();
                    // background: do not keep the process alive
                    {|TW0006:t.IsBackground = true|}; // trailing
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;

            class C
            {
                void M(Thread t)
                {
                    // background: do not keep the process alive
                    t.IsBackground = true; // trailing
                    // start it
                    t.Start();
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0006ThreadConfiguredAfterStartCodeFix.MoveBeforeStartKey);
    }

    [Fact]
    public Task Fix_MovesSetApartmentStateBeforeStart()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly Thread _ui = new Thread(() => { });

                void M()
                {
                    _ui.Start();
                    {|TW0006:_ui.SetApartmentState(ApartmentState.STA)|};
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;

            class C
            {
                private readonly Thread _ui = new Thread(() => { });

                void M()
                {
                    _ui.SetApartmentState(ApartmentState.STA);
                    _ui.Start();
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0006ThreadConfiguredAfterStartCodeFix.MoveBeforeStartKey);
    }

    [Fact]
    public Task FixAll_MovesEveryLateSettingInOrder()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread a, Thread b)
                {
                    a.Start();
                    {|TW0006:a.IsBackground = true|};
                    {|TW0006:a.SetApartmentState(ApartmentState.MTA)|};
                    b.Start();
                    {|TW0006:b.IsBackground = true|};
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;

            class C
            {
                void M(Thread a, Thread b)
                {
                    a.IsBackground = true;
                    a.SetApartmentState(ApartmentState.MTA);
                    a.Start();
                    b.IsBackground = true;
                    b.Start();
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0006ThreadConfiguredAfterStartCodeFix.MoveBeforeStartKey);
    }

    [Fact]
    public Task Fix_TopLevelProgram()
    {
        const string source = """
            using System.Threading;

            var t = new Thread(() => { });
            t.Start();
            {|TW0006:t.IsBackground = true|};
            t.Join();
            """;
        const string fixedSource = """
            using System.Threading;

            var t = new Thread(() => { }) { IsBackground = true };
            t.Start();
            t.Join();
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0006ThreadConfiguredAfterStartCodeFix.MoveIntoInitializerKey, OutputKind.ConsoleApplication);
    }

    [Fact]
    public Task Fix_ConditionalAccessStatements_MoveAsWholeStatements()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread? t)
                {
                    t?.Start();
                    t?{|TW0006:.SetApartmentState(ApartmentState.MTA)|};
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;

            class C
            {
                void M(Thread? t)
                {
                    t?.SetApartmentState(ApartmentState.MTA);
                    t?.Start();
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0006ThreadConfiguredAfterStartCodeFix.MoveBeforeStartKey);
    }

    [Fact]
    public Task NoFix_WhenValueIsComputedAfterStart()
    {
        const string source = """
            using System.Threading;

            class C
            {
                static bool Decide() => true;

                void M(Thread t)
                {
                    t.Start();
                    bool background = Decide();
                    {|TW0006:t.IsBackground = background|};
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task Fix_ConditionalAssignment_MovesTheWholeIfBeforeStart()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(Thread t, bool quiet)
                {
                    t.Start();
                    if (quiet)
                    {
                        {|TW0006:t.IsBackground = true|};
                    }
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;

            class C
            {
                void M(Thread t, bool quiet)
                {
                    if (quiet)
                    {
                        t.IsBackground = true;
                    }
                    t.Start();
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, null);
    }
}
