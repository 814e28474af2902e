using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0002ThreadBodyCalledDirectlyAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>Examples and claims of docs/rules/TW0002.md that the other test files did not pin down.</summary>
public class TW0002PageClaimsTests
{
    [Fact]
    public Task Page_CompliantExamples_AreSilent()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Job
            {
                public Task StartAsync() => Task.Run(Execute);
                public void Execute() { }
            }

            class C
            {
                static void Work() { }

                void Started()
                {
                    var worker = new Thread(Work);
                    worker.Start();
                    worker.Join();
                }

                void OtherPath(bool singleThreaded)
                {
                    var t = new Thread(Work);
                    if (singleThreaded)
                    {
                        Work();
                    }
                    else
                    {
                        t.Start();
                    }
                }

                void Synchronous()
                {
                    var job = new Job();
                    job.Execute();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ThreadOwningTypes_EveryLaunchShape()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Lambda { public void Start() { new Thread(() => Run()).Start(); } public void Run() { } }
            class Pooled { public void Start() { Task.Run(Run); } public void Run() { } }
            class Field
            {
                private readonly Thread _t;
                public Field() { _t = new Thread(Run); }
                public void Start() { _t.Start(); }
                public void Run() { }
            }

            class C
            {
                void M()
                {
                    var a = new Lambda();
                    var b = new Pooled();
                    var c = new Field();
                    {|TW0002:a.Run()|};
                    {|TW0002:b.Run()|};
                    {|TW0002:c.Run()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_StartedInConstructor_HandedOn_OrCalledBeforeTheThreadExists()
    {
        const string source = """
            using System.Threading;

            class Eager
            {
                public Eager() { new Thread(Run).Start(); }
                public void Run() { }
            }

            class Counter
            {
                private Thread _thread;
                public void Start() { _thread = new Thread(Run); _thread.Start(); }
                public void Run() { }
            }

            class C
            {
                static void Work() { }
                static void Hand(Counter c) { }

                void M()
                {
                    var e = new Eager();
                    e.Run();
                    var c = new Counter();
                    Hand(c);
                    c.Run();
                    Work();
                    var t = new Thread(Work);
                    t.Join();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
