using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Rules;
using ThreadWise.Analyzers.Tests.Verifiers;
using ThreadWise.CodeFixes.Rules;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0012LoopVariableCapturedByThreadAnalyzer>;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0012LoopVariableCapturedByThreadAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0012LoopVariableCapturedByThreadCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

public class TW0012LoopVariableCapturedByThreadTests
{
    private static string InClass(string members) => $$"""
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            static void Process(int i) { }
            static void Handle(string s) { }
            static Task DownloadAsync(int page) => Task.CompletedTask;

        {{members}}
        }
        """;

    // ---- positives ---------------------------------------------------------------------------------------------

    [Fact]
    public Task Reports_ForVariable_InNewThread()
    {
        var source = InClass("""
                void M(Thread[] workers)
                {
                    for (int i = 0; i < workers.Length; i++)
                    {
                        workers[i] = new Thread(() => Process({|#0:i|}));
                        workers[i].Start();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments("i", "new Thread"));
    }

    [Fact]
    public Task Reports_WhileVariable_InQueueUserWorkItem()
    {
        var source = InClass("""
                void M(TextReader reader)
                {
                    string line;
                    while ((line = reader.ReadLine()) != null)
                    {
                        ThreadPool.QueueUserWorkItem(_ => Handle({|TW0012:line|}));
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_TaskRun_CollectedAndAwaitedAfterTheLoop()
    {
        var source = InClass("""
                async Task M(int pages)
                {
                    var tasks = new List<Task>();
                    for (var page = 1; page <= pages; page++)
                    {
                        tasks.Add(Task.Run(() => DownloadAsync({|TW0012:page|})));
                    }

                    await Task.WhenAll(tasks);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_StartNew_NewTask_ContinueWith_Timer()
    {
        var source = InClass("""
                void M(int n, Task first)
                {
                    for (int i = 0; i < n; i++)
                    {
                        Task.Factory.StartNew(() => Process({|TW0012:i|}));
                        new Task(() => Process({|TW0012:i|})).Start();
                        first.ContinueWith(_ => Process({|TW0012:i|}));
                        new Timer(_ => Process({|TW0012:i|}), null, 100, Timeout.Infinite);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_OnlyTheFirstUse_OncePerVariable()
    {
        var source = InClass("""
                void M(int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        new Thread(() => { Process({|TW0012:i|}); Process(i * 2); }).Start();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_CounterOfAnOuterLoop_ChangedByTheInnerLoop()
    {
        var source = InClass("""
                void M(int n)
                {
                    for (int row = 0; row < n; row++)
                    {
                        int column = 0;
                        while (column < n)
                        {
                            Task.Run(() => Process({|TW0012:column|}));
                            column++;
                        }
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_AnonymousMethod_AndTopLevelProgram()
    {
        const string source = """
            using System.Threading;

            for (int i = 0; i < 3; i++)
            {
                new Thread(delegate () { System.Console.WriteLine({|TW0012:i|}); }).Start();
            }
            """;
        return Verify.VerifyProgramAsync(source);
    }

    [Fact]
    public Task Reports_ThreadCreatedInLoop_StartedAfterIt()
    {
        var source = InClass("""
                void M(int n)
                {
                    var threads = new List<Thread>();
                    for (int i = 0; i < n; i++)
                    {
                        threads.Add(new Thread(() => Process({|TW0012:i|})));
                    }

                    threads.ForEach(t => t.Start());
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- negatives ---------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_CopyInTheLoopBody()
    {
        var source = InClass("""
                void M(Thread[] workers)
                {
                    for (int i = 0; i < workers.Length; i++)
                    {
                        var index = i;
                        workers[i] = new Thread(() => Process(index));
                        workers[i].Start();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_Foreach()
    {
        var source = InClass("""
                void M(int[] items)
                {
                    foreach (var item in items)
                    {
                        Task.Run(() => Process(item));
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_StatePassedAsArgument()
    {
        var source = InClass("""
                static void Work(object state) { }

                void M(int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        new Thread(Work).Start(i);
                        ThreadPool.QueueUserWorkItem(Work, i);
                        Task.Factory.StartNew(state => Process((int)state!), i);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ParallelAndPlinq()
    {
        var source = InClass("""
                void M(int n, int[] data)
                {
                    Parallel.For(0, n, i => Process(i));
                    for (int round = 0; round < 3; round++)
                    {
                        Parallel.For(0, n, i => Process(i + round));
                        var sum = data.AsParallel().Select(x => x + round).Sum();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_AwaitedOrJoinedInTheSameIteration()
    {
        var source = InClass("""
                async Task M(int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        await Task.Run(() => Process(i));
                        var t = new Thread(() => Process(i));
                        t.Start();
                        t.Join();
                        Task.Run(() => Process(i)).Wait();
                        var r = Task.Run(() => i * 2).Result;
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_HandShakeAfterTheLaunch()
    {
        var source = InClass("""
                void M(int n)
                {
                    using var started = new ManualResetEventSlim();
                    for (int i = 0; i < n; i++)
                    {
                        started.Reset();
                        ThreadPool.QueueUserWorkItem(_ => { var mine = i; started.Set(); Process(mine); });
                        started.Wait();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_VariableNotChangedByTheLoop()
    {
        var source = InClass("""
                void M(int n, int limit)
                {
                    var offset = limit * 2;
                    for (int i = 0; i < n; i++)
                    {
                        Task.Run(() => Process(offset));
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LambdaWritesTheVariable()
    {
        var source = InClass("""
                void M(int n)
                {
                    int done = 0;
                    for (int i = 0; i < n; i++)
                    {
                        done = 0;
                        Task.Run(() => done++);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LambdaRunOnTheSameThread()
    {
        var source = InClass("""
                void M(int n)
                {
                    var actions = new List<Action>();
                    for (int i = 0; i < n; i++)
                    {
                        Action a = () => Process(i);
                        a();
                        var squares = Enumerable.Range(0, n).Select(x => x * i).ToList();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LaunchBeforeTheLoop_OrDeclaredInTheBody()
    {
        var source = InClass("""
                void M(int n)
                {
                    int i = 0;
                    Task.Run(() => Process(i));
                    for (i = 0; i < n; i++)
                    {
                        int j = i * 2;
                        Task.Run(() => Process(j));
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- fixes -------------------------------------------------------------------------------------------------

    [Fact]
    public Task Fix_CopiesTheVariable_BeforeTheStatement_ReplacingEveryUse()
    {
        var source = InClass("""
                void M(Thread[] workers)
                {
                    for (int i = 0; i < workers.Length; i++)
                    {
                        // one worker per slot
                        workers[i] = new Thread(() => { Process({|TW0012:i|}); Process(i + 1); });
                        workers[i].Start();
                    }
                }
            """);
        var fixedSource = InClass("""
                void M(Thread[] workers)
                {
                    for (int i = 0; i < workers.Length; i++)
                    {
                        // one worker per slot
                        var index = i;
                        workers[i] = new Thread(() => { Process(index); Process(index + 1); });
                        workers[i].Start();
                    }
                }
            """);
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0012LoopVariableCapturedByThreadCodeFix.CopyInLoopBodyKey);
    }

    [Fact]
    public Task Fix_SingleStatementBody_BecomesABlock_NullKeyFixAll()
    {
        var source = InClass("""
                void M(TextReader reader, int n)
                {
                    string line;
                    while ((line = reader.ReadLine()) != null)
                        ThreadPool.QueueUserWorkItem(_ => Handle({|TW0012:line|}));

                    for (int i = 0; i < n; i++)
                        Task.Run(() => Process({|TW0012:i|}));
                }
            """);
        var fixedSource = InClass("""
                void M(TextReader reader, int n)
                {
                    string line;
                    while ((line = reader.ReadLine()) != null)
                    {
                        var currentLine = line;
                        ThreadPool.QueueUserWorkItem(_ => Handle(currentLine));
                    }

                    for (int i = 0; i < n; i++)
                    {
                        var index = i;
                        Task.Run(() => Process(index));
                    }
                }
            """);
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_TwoVariables_OneLambda_FixAll()
    {
        var source = InClass("""
                void M(int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            Task.Run(() => Process({|TW0012:i|} * {|TW0012:j|}));
                        }
                    }
                }
            """);
        var fixedSource = InClass("""
                void M(int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            var index = i;
                            var currentJ = j;
                            Task.Run(() => Process(index * currentJ));
                        }
                    }
                }
            """);
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Live_SquigglesAndOffersTheCopy()
    {
        var source = InClass("""
                void M(int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        new Thread(() => Process(i)).Start();
                    }
                }
            """);
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        Assert.Empty(live.Exceptions);
        var diagnostic = Assert.Single(live.Diagnostics, d => d.Id == "TW0012");
        var action = Assert.Single(await EditorHost.LightBulbAsync(live.Document, diagnostic));
        Assert.Contains("var index = i;", await EditorHost.ApplyAsync(live.Document, action), System.StringComparison.Ordinal);
    }
}
