using System.Threading.Tasks;
using ThreadWise.Analyzers.Tests.Verifiers;
using Xunit;
using Verify2 = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0002ThreadBodyCalledDirectlyAnalyzer>;
using Verify3 = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0003StartedTwiceAnalyzer>;
using Verify6 = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0006ThreadConfiguredAfterStartAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0002, TW0003 and TW0006 on shapes from code written for other analyzers and real user reports: a local function
/// as a thread body, a wrapper whose Start() starts a field-held thread (dotnet/core#1695), and starts or settings
/// inside lambdas that run where they are handed over.
/// </summary>
public class LifecycleShapeTests
{
    private const string Thread = "a thread can be started only once, so this throws ThreadStateException; create a new Thread for each start";

    private static string Wrapper(string type, string field) =>
        $"'{type}.Start()' starts the thread in '{field}' each time, and a thread can be started only once, so this throws ThreadStateException; create a new instance for each start";

    // ---- TW0002: a local function as the thread body --------------------------------------------------------

    [Fact]
    public Task TW0002_Reports_LocalFunctionBodyCalledDirectly()
    {
        const string source = """
            using System;
            using System.Threading;

            class Spinner
            {
                public static void Run()
                {
                    var t = {|#1:new Thread(Spin) { IsBackground = true }|};
                    {|#0:Spin()|};
                    t.Join();

                    void Spin() => Console.WriteLine("spinning");
                }
            }
            """;
        return Verify2.VerifyAnalyzerAsync(source,
            Verify2.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("Spin()", "the body of thread 't'", "'t' is never started; call 't.Start()' instead"));
    }

    [Fact]
    public Task TW0002_NoDiagnostic_LocalFunctionBodyCalledAndThreadStarted()
    {
        const string source = """
            using System;
            using System.Threading;

            class Spinner
            {
                public static void Run()
                {
                    var t = new Thread(Spin);
                    t.Start();
                    Spin();
                    t.Join();

                    void Spin() => Console.WriteLine("spinning");
                }

                public static void Other()
                {
                    var t = new Thread(Spin);
                    t.Start();
                    Log();
                    t.Join();

                    void Spin() => Console.WriteLine("spinning");
                    void Log() => Console.WriteLine("started");
                }
            }
            """;
        return Verify2.VerifyAnalyzerAsync(source);
    }

    // ---- TW0003: a wrapper type whose Start() starts a field-held thread ----------------------------------

    private const string Worker = """
        using System;
        using System.Threading;

        sealed class Worker
        {
            private readonly Thread _thread;
            private bool _running;

            public Worker() => _thread = new Thread(Loop) { IsBackground = true };

            public bool IsRunning => _running;

            public void Start()
            {
                _running = true;
                _thread.Start();
            }

            public void Stop() => _running = false;

            private void Loop() { while (_running) Thread.Sleep(10); }
        }

        """;

    [Fact]
    public Task TW0003_Reports_WrapperStartCalledTwiceOnOneInstance()
    {
        const string source = Worker + """
            class Program
            {
                static void Main()
                {
                    var worker = new Worker();
                    {|#10:worker.Start()|};
                    {|#0:worker.Start()|};
                }
            }
            """;
        return Verify3.VerifyAnalyzerAsync(source,
            Verify3.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("worker", "at line 28", Wrapper("Worker", "_thread")));
    }

    [Fact]
    public Task TW0003_Reports_WrapperStartedAgainInALoop()
    {
        const string source = Worker + """
            class Program
            {
                static void Main()
                {
                    var worker = new Worker();
                    for (var i = 0; i < 2; i++)
                    {
                        {|#0:worker.Start()|};
                        worker.Stop();
                        Thread.Sleep(10);
                    }
                }

                static void Restart(Worker worker)
                {
                    {|#11:worker.Start()|};
                    Thread.Sleep(10);
                    {|#1:worker.Start()|};
                }
            }
            """;
        return Verify3.VerifyAnalyzerAsync(source,
            Verify3.Diagnostic().WithLocation(1).WithLocation(11).WithArguments("worker", "at line 38", Wrapper("Worker", "_thread")));
    }

    [Fact]
    public Task TW0003_NoDiagnostic_WrapperGuardedOrNotAStartOfTheSameThread()
    {
        const string source = Worker + """
            sealed class Renewing
            {
                private Thread _thread = new Thread(() => { });

                public void Start()
                {
                    _thread = new Thread(() => { });
                    _thread.Start();
                }
            }

            sealed class Checked
            {
                private readonly Thread _thread = new Thread(() => { });

                public void Start()
                {
                    if (_thread.ThreadState == ThreadState.Unstarted) _thread.Start();
                }
            }

            class Program
            {
                static void Guarded()
                {
                    var worker = new Worker();
                    worker.Start();
                    if (!worker.IsRunning) worker.Start();
                }

                static void TwoInstances()
                {
                    var a = new Worker();
                    var b = new Worker();
                    a.Start();
                    b.Start();
                }

                static void Reassigned()
                {
                    var worker = new Worker();
                    worker.Start();
                    worker = new Worker();
                    worker.Start();
                }

                static void RenewedEachTime()
                {
                    var r = new Renewing();
                    r.Start();
                    r.Start();
                    var c = new Checked();
                    c.Start();
                    c.Start();
                }
            }
            """;
        return Verify3.VerifyAnalyzerAsync(source);
    }

    // ---- TW0003 / TW0006: inside lambdas that run where they are handed over ------------------------------

    [Fact]
    public Task TW0003_Reports_StartInsideAnInvokedLambdaAfterAFirstStart()
    {
        const string source = """
            using System;
            using System.Threading;

            static class Assert
            {
                public static void Throws<T>(Action action) where T : Exception { }
            }

            class Tests
            {
                void SecondStartThrows()
                {
                    var t = new Thread(() => { });
                    {|#10:t.Start()|};
                    Assert.Throws<ThreadStateException>(() => {|#0:t.Start()|});
                }

                void LocalDelegate()
                {
                    var t = new Thread(() => { });
                    {|#11:t.Start()|};
                    Action again = () => {|#1:t.Start()|};
                    again();
                }
            }
            """;
        return Verify3.VerifyAnalyzerAsync(source,
            Verify3.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "at line 14", Thread),
            Verify3.Diagnostic().WithLocation(1).WithLocation(11).WithArguments("t", "at line 21", Thread));
    }

    [Fact]
    public Task TW0003_NoDiagnostic_LambdaThatMakesItsOwnThreadOrRunsFirst()
    {
        const string source = """
            using System;
            using System.Threading;

            class Tests
            {
                void OwnThread()
                {
                    var t = new Thread(() => { });
                    t.Start();
                    Run(() =>
                    {
                        var inner = new Thread(() => { });
                        inner.Start();
                    });
                    Run(() =>
                    {
                        t = new Thread(() => { });
                        t.Start();
                    });
                }

                void StartedOnlyInTheLambda()
                {
                    var t = new Thread(() => { });
                    Run(() => t.Start());
                }

                static void Run(Action action) => action();
            }
            """;
        return Verify3.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task TW0006_Reports_SettingInsideAnInvokedLambdaAfterTheStart()
    {
        const string source = """
            using System;
            using System.Threading;

            class Tests
            {
                void Background()
                {
                    var t = new Thread(() => { });
                    {|#10:t.Start()|};
                    Run(() => {|#0:t.IsBackground = true|});
                }

                static void Run(Action action) => action();
            }
            """;
        return Verify6.VerifyAnalyzerAsync(source,
            Verify6.Diagnostic().WithLocation(0).WithLocation(10).WithArguments("t", "IsBackground", 9));
    }

    [Fact]
    public Task TW0006_NoDiagnostic_SettingInsideALambdaBeforeTheStart()
    {
        const string source = """
            using System;
            using System.Threading;

            class Tests
            {
                void Background()
                {
                    var t = new Thread(() => { });
                    Run(() => t.IsBackground = true);
                    t.Start();
                }

                static void Run(Action action) => action();
            }
            """;
        return Verify6.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Live_WrapperStartAndLambdaStart_Squiggle()
    {
        const string source = Worker + """
            class Program
            {
                static void Main()
                {
                    var worker = new Worker();
                    worker.Start();
                    worker.Start();
                    var t = new Thread(() => { });
                    t.Start();
                    Action again = () => t.Start();
                    again();
                }
            }
            """;
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        Assert.Empty(live.Exceptions);
        Assert.Equal(2, System.Linq.Enumerable.Count(live.Diagnostics, d => d.Id == "TW0003"));
    }
}
