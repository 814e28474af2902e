using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Tests.Verifiers;
using ThreadWise.CodeFixes.Rules;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0002ThreadBodyCalledDirectlyAnalyzer>;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0002ThreadBodyCalledDirectlyAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0002ThreadBodyCalledDirectlyCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

public class TW0002ThreadBodyCalledDirectlyTests
{
    private const string Counter = """
        using System;
        using System.Collections.Generic;
        using System.Threading;

        class Counter
        {
            private readonly string _name;
            private Thread _thread;

            public Counter(string name) => _name = name;

            public void Start()
            {
                _thread = new Thread(Run);
                _thread.Start();
            }

            public void Join() => _thread.Join();

            public void Run()
            {
                for (int i = 0; i < 3; i++)
                {
                    Console.WriteLine($"{_name}: {i} on thread {Environment.CurrentManagedThreadId}");
                }
            }
        }

        """;

    // ---- positives and negatives ----
    [Fact]
    public Task Reports_RunInsteadOfStart_TheCourseDemo()
    {
        const string source = """
            class Program
            {
                static void Main()
                {
                    var t1 = new Counter("t1");
                    var t2 = new Counter("t2");
                    {|#0:t1.Run()|};
                    {|#1:t2.Run()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(Counter + source, Verify.Diagnostic().WithLocation(0).WithArguments("t1.Run()", "the body of the thread that 'Counter.Start()' starts", "call 't1.Start()' to run it on its own thread"),
            Verify.Diagnostic().WithLocation(1).WithArguments("t2.Run()", "the body of the thread that 'Counter.Start()' starts", "call 't2.Start()' to run it on its own thread"));
    }

    [Fact]
    public Task Reports_ThreadCreatedInConstructor_StartedInStart()
    {
        const string source = """
            using System.Threading;

            class Worker
            {
                private readonly Thread _thread;

                public Worker() => _thread = new Thread(() => Run());

                public void Start() => _thread.Start();

                public void Run() { }
            }

            class Client
            {
                void M()
                {
                    var w = new Worker();
                    {|#0:w.Run()|};
                    {|#1:new Worker().Run()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments("w.Run()", "the body of the thread that 'Worker.Start()' starts", "call 'w.Start()' to run it on its own thread"),
            Verify.Diagnostic().WithLocation(1).WithArguments("new Worker().Run()", "the body of the thread that 'Worker.Start()' starts", "call 'new Worker().Start()' to run it on its own thread"));
    }

    [Fact]
    public Task Reports_FieldInitializerThread_AndTaskRunStarter()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Pump
            {
                private readonly Thread _thread;

                public Pump() { _thread = new Thread(Loop) { IsBackground = true }; }

                public void Begin() { _thread.Start(); }

                public void Loop() { }
            }

            class Poller
            {
                public void Start() { Task.Run(Poll); }

                public void Poll() { }
            }

            class Client
            {
                void M()
                {
                    var p = new Pump();
                    {|#0:p.Loop()|};
                    Poller poller = new Poller();
                    {|#1:poller.Poll()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments("p.Loop()", "the body of the thread that 'Pump.Begin()' starts", "call 'p.Begin()' to run it on its own thread"),
            Verify.Diagnostic().WithLocation(1).WithArguments("poller.Poll()", "the body of the thread that 'Poller.Start()' starts", "call 'poller.Start()' to run it on its own thread"));
    }

    [Fact]
    public Task Reports_SubclassOverridesTheBody()
    {
        const string source = """
            using System.Threading;

            abstract class WorkerBase
            {
                public void Start() => new Thread(Run).Start();

                public abstract void Run();
            }

            sealed class Downloader : WorkerBase
            {
                public string Url { get; set; }

                public override void Run() { }
            }

            class Client
            {
                void M()
                {
                    var d = new Downloader { Url = "http://example.org" };
                    {|#0:d.Run()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments("d.Run()", "the body of the thread that 'WorkerBase.Start()' starts", "call 'd.Start()' to run it on its own thread"));
    }

    [Fact]
    public Task Reports_LocalThreadNeverStarted_BodyCalledDirectly()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = {|#10:new Thread(Work)|};
                    t.IsBackground = true;
                    {|#0:Work()|};
                    t.Join();
                }

                void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("Work()", "the body of thread 't'", "'t' is never started; call 't.Start()' instead"));
    }

    [Fact]
    public Task Reports_LambdaThatOnlyCallsTheBody_AndColdTask()
    {
        const string source = """
            using System.Threading.Tasks;
            using System.Threading;

            class C
            {
                static int Compute(int n) => n;

                void M(bool b)
                {
                    var t = {|#10:new Thread(() => Compute(5))|};
                    if (b)
                    {
                        {|#0:Compute(5)|};
                    }

                    var task = {|#11:new Task(Report)|};
                    {|#1:Report()|};
                    task.Wait();
                }

                static void Report() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("Compute(5)", "the body of thread 't'", "'t' is never started; call 't.Start()' instead"),
            Verify.Diagnostic().WithLocation(1).WithLocation(11).WithArguments("Report()", "the body of task 'task'", "'task' is never started; call 'task.Start()' instead"));
    }

    [Fact]
    public Task Reports_InTopLevelProgram()
    {
        const string source = """
            using System;
            using System.Threading;

            var worker = {|#10:new Thread(Print)|};
            {|#0:Print()|};

            static void Print() => Console.WriteLine(Environment.CurrentManagedThreadId);
            """;
        return Verify.VerifyProgramAsync(source, Verify.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("Print()", "the body of thread 'worker'", "'worker' is never started; call 'worker.Start()' instead"));
    }

    [Fact]
    public Task NoDiagnostic_SynchronousTwinOfAnAsyncStarter()
    {
        // NetMQ's NetMQPoller: Run() runs the poller on the caller's thread, RunAsync() on a new one; calling Run() is
        // the synchronous form on purpose. Its twin below, with the starter named Start(), is the course's bug.
        const string source = """
            using System.Threading;

            class Poller
            {
                public void Run() { }

                public void RunAsync() => new Thread(Run).Start();
            }

            class Worker
            {
                public void Run() { }

                public void Start() => new Thread(Run).Start();
            }

            class Client
            {
                void M()
                {
                    var poller = new Poller();
                    poller.Run();
                    var worker = new Worker();
                    {|TW0002:worker.Run()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_RunThatIsNoThreadBody()
    {
        const string source = """
            using System;
            using System.Threading;

            class Job
            {
                public void Start() => Console.WriteLine("starting");

                public void Run() { }
            }

            class Client
            {
                void M()
                {
                    var job = new Job();
                    job.Run();
                    new Thread(() => Console.WriteLine()).Start();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_BodyCalledDirectlyAndThreadStarted()
    {
        const string source = """
            class Program
            {
                static void Main()
                {
                    var t1 = new Counter("t1");
                    t1.Start();
                    t1.Run();
                    var t2 = new Counter("t2");
                    t2.Run();
                    t2.Start();
                    t1.Join();
                    t2.Join();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(Counter + source);
    }

    [Fact]
    public Task NoDiagnostic_LocalThreadStarted_AndBodyCalledToo()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(bool inline)
                {
                    var t = new Thread(Work);
                    if (inline)
                    {
                        Work();
                    }
                    else
                    {
                        t.Start();
                    }

                    var u = new Thread(Work);
                    Work();
                    u.Start();
                    u.Join();
                }

                void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_BodyCalledFromInsideTheThread()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Worker
            {
                private Thread _t;
                private int _depth;

                public void Start()
                {
                    _t = new Thread(Run);
                    _t.Start();
                }

                public void Run()
                {
                    if (_depth++ < 3)
                    {
                        Run();
                    }
                }

                public void RunInline() => this.Run();
            }

            class Client
            {
                void M()
                {
                    var t = new Thread(() =>
                    {
                        Work();
                    });
                    t.Start();
                    Task.Run(() =>
                    {
                        var w = new Worker();
                        w.Run();
                    });
                    new Thread(() => new Worker().Run()).Start();
                }

                static void Work()
                {
                    var again = new Thread(Work);
                    Work();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_StartedOnConstruction_OrAsyncWrapper()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Service
            {
                private readonly Thread _t;

                public Service()
                {
                    _t = new Thread(Loop);
                    _t.Start();
                }

                public void Loop() { }
            }

            class Job
            {
                public Task StartAsync() => Task.Run(Execute);

                public void Execute() { }
            }

            class Client
            {
                void M()
                {
                    var s = new Service();
                    s.Loop();
                    var job = new Job();
                    job.Execute();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReceiverNotCreatedHere_OrEscapes()
    {
        const string source = """
            class Client
            {
                private readonly Counter _field = new Counter("f");

                public void Begin() => _field.Start();

                void M(Counter parameter, List<Counter> all)
                {
                    parameter.Run();
                    _field.Run();
                    var c = new Counter("c");
                    all.Add(c);
                    c.Run();
                    var d = parameter;
                    d.Run();
                    foreach (var e in all)
                    {
                        e.Run();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(Counter + source);
    }

    [Fact]
    public Task NoDiagnostic_LocalThreadEscapes_OrIsReassigned()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            class C
            {
                void M(List<Thread> threads)
                {
                    var t = new Thread(Work);
                    threads.Add(t);
                    Work();

                    var u = new Thread(Work);
                    u = new Thread(Other);
                    Work();

                    var v = new Thread(Work);
                    Starter.Begin(v);
                    Work();
                }

                void Work() { }

                void Other() { }
            }

            static class Starter
            {
                public static void Begin(this Thread t) => t.Start();
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CallBeforeCreation_DifferentReceiverOrOverload()
    {
        const string source = """
            using System.Threading;

            class Engine
            {
                public void Work() { }

                public void Work(int n) { }
            }

            class C
            {
                void M(Engine a, Engine b)
                {
                    a.Work();
                    var t = new Thread(a.Work);
                    b.Work();
                    a.Work(3);
                    t.IsBackground = true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TimerCallbacks_AndRunSynchronously()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                void M()
                {
                    using var timer = new Timer(_ => Tick(), null, 0, 1000);
                    Tick();
                    var task = new Task(Tick);
                    task.RunSynchronously();
                    Tick();
                }

                void Tick() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_StructReceiver_AndUnrelatedStaticRun()
    {
        const string source = """
            using System.Threading;

            static class Tool
            {
                public static void Run() { }
            }

            class C
            {
                void M()
                {
                    var t = new Thread(Noop);
                    t.Start();
                    Tool.Run();
                }

                static void Noop() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_QueueUserWorkItemAndStartNewStarters_InALoop()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            class Fetcher
            {
                public void Start() => ThreadPool.QueueUserWorkItem(_ => Fetch());

                public void Fetch() { }
            }

            class Indexer
            {
                private Task _task;

                public void Begin() { _task = Task.Factory.StartNew(() => Index()); }

                public void Index() { }
            }

            class Client
            {
                void M(IEnumerable<string> urls)
                {
                    foreach (var url in urls)
                    {
                        var f = new Fetcher();
                        {|#0:f.Fetch()|};
                    }

                    var i = new Indexer();
                    {|#1:i.Index()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments("f.Fetch()", "the body of the thread that 'Fetcher.Start()' starts", "call 'f.Start()' to run it on its own thread"),
            Verify.Diagnostic().WithLocation(1).WithArguments("i.Index()", "the body of the thread that 'Indexer.Begin()' starts", "call 'i.Begin()' to run it on its own thread"));
    }

    [Fact]
    public Task Reports_ExplicitThreadStartDelegate_AndGenericWorker()
    {
        const string source = """
            using System.Threading;

            class Worker<T>
            {
                private Thread _t;

                public void Start()
                {
                    var t = new Thread(new ThreadStart(Run));
                    _t = t;
                    t.Start();
                }

                public void Run() { }
            }

            class C
            {
                void M()
                {
                    var w = new Worker<int>();
                    {|#0:w.Run()|};
                    var t = {|#10:new Thread(new ThreadStart(Work))|};
                    {|#1:Work()|};
                }

                static void Work() { }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments("w.Run()", "the body of the thread that 'Worker.Start()' starts", "call 'w.Start()' to run it on its own thread"),
            Verify.Diagnostic().WithLocation(1).WithLocation(10).WithArguments("Work()", "the body of thread 't'", "'t' is never started; call 't.Start()' instead"));
    }

    [Fact]
    public Task NoDiagnostic_TheBodyOfAnotherMethod_AndCallBetweenStartAndJoin()
    {
        const string source = """
            using System.Threading;

            class Pump
            {
                private Thread _t;

                public void Start()
                {
                    _t = new Thread(Loop);
                    _t.Start();
                }

                private void Loop()
                {
                    while (true)
                    {
                        Step();
                    }
                }

                public void Step() { }
            }

            class C
            {
                void M()
                {
                    var p = new Pump();
                    p.Step();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReceiverReassignedFromElsewhere_OrStartedThroughBase()
    {
        const string source = """
            using System.Threading;

            class WorkerBase
            {
                public void Start() => new Thread(Run).Start();

                public virtual void Run() { }
            }

            class Special : WorkerBase
            {
                public override void Run() { }
            }

            class C
            {
                WorkerBase Make() => new Special();

                void M()
                {
                    var w = Make();
                    w.Run();
                    var s = new Special();
                    s.Start();
                    s.Run();
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

            class Worker
            {
                public void Start() => new Thread(Run).Start();

                public void Run() { }
            }

            class C
            {
                void M()
                {
                    var w = new Worker();
                    w.{|CS1061:Runn|}();
                    var t = new Thread({|CS0103:Missing|});
                    {|CS0103:Missing2|}();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_PrivateFieldThatIsNeverStarted()
    {
        const string source = """
            class Service
            {
                private readonly Counter _counter = new Counter("c");
                private Counter _other;

                public Service() => _other = new Counter("o");

                public void Go()
                {
                    {|#0:_counter.Run()|};
                    {|#1:this._other.Run()|};
                    _counter.Join();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(Counter + source,
            Verify.Diagnostic().WithLocation(0).WithArguments("_counter.Run()", "the body of the thread that 'Counter.Start()' starts", "call '_counter.Start()' to run it on its own thread"),
            Verify.Diagnostic().WithLocation(1).WithArguments("this._other.Run()", "the body of the thread that 'Counter.Start()' starts", "call 'this._other.Start()' to run it on its own thread"));
    }

    [Fact]
    public Task NoDiagnostic_FieldHandedOut_AssignedFromOutside_OrPublic()
    {
        const string source = """
            class Service
            {
                private readonly Counter _shared = new Counter("s");
                private Counter _injected;
                public Counter Public = new Counter("p");

                public Service(Counter injected) => _injected = injected;

                public Counter Shared => _shared;

                public void Go()
                {
                    _shared.Run();
                    _injected.Run();
                    Public.Run();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(Counter + source);
    }

    [Fact]
    public Task NoDiagnostic_CalledInsideAnotherThreadsBody()
    {
        const string source = """
            class Supervisor
            {
                private System.Threading.Thread _t;

                public void Start()
                {
                    _t = new System.Threading.Thread(Loop);
                    _t.Start();
                }

                private void Loop()
                {
                    var worker = new Counter("inline");
                    worker.Run();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(Counter + source);
    }

    [Fact]
    public Task NoCrash_CyclicInheritanceInBrokenCode()
    {
        const string source = """
            using System.Threading;

            class {|CS0146:A|} : B
            {
                public void Start() => new Thread(Run).Start();

                public void Run() { }
            }

            class {|CS0146:B|} : A
            {
            }

            class C
            {
                void M()
                {
                    var b = new B();
                    b.Run();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- code fixes ----
    [Fact]
    public Task FixAll_CallsStartInsteadOfRun()
    {
        const string source = """
            class Program
            {
                static void Main()
                {
                    var t1 = new Counter("t1");
                    var t2 = new Counter("t2");
                    // both at once
                    {|TW0002:t1.Run()|};
                    {|TW0002:t2.Run()|}; // second
                    t1.Join();
                    t2.Join();
                }
            }
            """;
        const string fixedSource = """
            class Program
            {
                static void Main()
                {
                    var t1 = new Counter("t1");
                    var t2 = new Counter("t2");
                    // both at once
                    t1.Start();
                    t2.Start(); // second
                    t1.Join();
                    t2.Join();
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(Counter + source, Counter + fixedSource, TW0002ThreadBodyCalledDirectlyCodeFix.CallStartKey);
    }

    [Fact]
    public Task Fix_StartsTheLocalThread()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = new Thread(Work);
                    /* run it */ {|TW0002:Work()|};
                    t.Join();
                }

                void Work() { }
            }
            """;
        const string fixedSource = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = new Thread(Work);
                    /* run it */ t.Start();
                    t.Join();
                }

                void Work() { }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0002ThreadBodyCalledDirectlyCodeFix.StartThreadKey);
    }

    [Fact]
    public Task NoFix_ValueUsed_OrStarterNeedsArguments()
    {
        const string source = """
            using System.Threading;

            class Calc
            {
                public void Start(int priority) => new Thread(() => Compute()).Start();

                public int Compute() => 42;
            }

            class Client
            {
                int M()
                {
                    var c = new Calc();
                    return {|TW0002:c.Compute()|};
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task NoFix_ArgumentsWouldBeDropped_OrCallInAnotherScope()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(bool b)
                {
                    var t = new Thread(() => Work(2));
                    {|TW0002:Work(1)|};
                    if (b)
                    {
                        var u = new Thread(Other);
                    }

                    {|TW0002:Other()|};
                }

                static void Work(int n) { }

                static void Other() { }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }
}
