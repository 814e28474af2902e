using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0012LoopVariableCapturedByThreadAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0012: each claim of docs/rules/TW0012.md that the other test files did not prove, in the page's own words.</summary>
public class TW0012DocClaimsTests
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
            static void Process(object state) { }
            static void Handle(string s) { }
            static Task DownloadAsync(int page) => Task.CompletedTask;

        {{members}}
        }
        """;

    // Realistic variants of "a for loop's own variable": an async lambda, a parameterized thread body, a `for` whose
    // variable is declared before it, a lambda inside a nested foreach of the for.
    [Fact]
    public Task Reports_AsyncLambda_ParameterizedThread_ForOverOuterLocal_NestedForeach()
    {
        var source = InClass("""
                async Task M(int pages, int[] items)
                {
                    var tasks = new List<Task>();
                    for (var page = 1; page <= pages; page++)
                    {
                        tasks.Add(Task.Run(async () => await DownloadAsync({|TW0012:page|})));
                        new Thread(state => Process({|TW0012:page|} + (int)state!)).Start(1);
                    }

                    int k;
                    for (k = 0; k < pages; k++)
                    {
                        ThreadPool.QueueUserWorkItem(_ => Process({|TW0012:k|}));
                    }

                    for (var row = 0; row < pages; row++)
                    {
                        foreach (var item in items)
                        {
                            tasks.Add(Task.Run(() => Process(item + {|TW0012:row|})));
                        }
                    }

                    await Task.WhenAll(tasks);
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "any local declared outside the loop and assigned inside it": a do/while, and a while whose variable is assigned
    // in the body.
    [Fact]
    public Task Reports_DoWhile_AndWhileAssignedInTheBody()
    {
        var source = InClass("""
                void M(TextReader reader, Queue<string> pending)
                {
                    string? line;
                    do
                    {
                        line = reader.ReadLine();
                        Task.Run(() => Handle({|TW0012:line|}!));
                    }
                    while (line != null);

                    string next;
                    while (pending.Count > 0)
                    {
                        next = pending.Dequeue();
                        new Thread(() => Handle({|TW0012:next|})).Start();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The compliant example "new Thread(Process).Start(i); ThreadPool.QueueUserWorkItem(Process, i);" as written.
    [Fact]
    public Task NoDiagnostic_DocsExample_ValuePassed()
    {
        var source = InClass("""
                void M(int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        new Thread(Process).Start(i);
                        ThreadPool.QueueUserWorkItem(Process, i);
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "when the iteration waits for something after the launch (a Join, Wait, await, WaitOne, SignalAndWait, …)" and
    // "Local functions passed as thread bodies are not followed".
    [Fact]
    public Task NoDiagnostic_WaitOne_SignalAndWait_LocalFunctionBody()
    {
        var source = InClass("""
                void M(int n, Barrier barrier)
                {
                    using var started = new AutoResetEvent(false);
                    for (int i = 0; i < n; i++)
                    {
                        new Thread(() => { var mine = i; started.Set(); Process(mine); }).Start();
                        started.WaitOne();
                    }

                    for (int j = 0; j < n; j++)
                    {
                        Task.Run(() => { var mine = j; barrier.SignalAndWait(); Process(mine); });
                        barrier.SignalAndWait();
                    }

                    for (int k = 0; k < n; k++)
                    {
                        void Body() => Process(k);
                        new Thread(Body).Start();
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "foreach does not have the problem": also with an async lambda and a thread.
    [Fact]
    public Task NoDiagnostic_ForeachVariable_InThreadAndAsyncLambda()
    {
        var source = InClass("""
                void M(int[] pages)
                {
                    foreach (var page in pages)
                    {
                        new Thread(() => Process(page)).Start();
                        Task.Run(async () => await DownloadAsync(page));
                    }
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The seed's own example (A8): a braceless `for` body that starts the thread in one expression.
    [Fact]
    public Task Reports_SeedExample_BracelessForBody()
    {
        var source = InClass("""
                static void Work(int i) { }

                void M(int n)
                {
                    for (int i = 0; i < n; i++) new Thread(() => Work({|TW0012:i|})).Start();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "Task.Factory.StartNew" with options, and "new Thread" joined only after the loop (the threads overlap); one
    // diagnostic per lambda, on its first use.
    [Fact]
    public Task Reports_StartNewWithOptions_ThreadsJoinedAfterTheLoop()
    {
        var source = InClass("""
                void M(int n)
                {
                    var threads = new List<Thread>();
                    var i = 0;
                    while (i < n)
                    {
                        Task.Factory.StartNew(() => Process({|TW0012:i|}), TaskCreationOptions.LongRunning);
                        var t = new Thread(() => Process({|TW0012:i|}));
                        t.Start();
                        threads.Add(t);
                        i++;
                    }

                    foreach (var t in threads) t.Join();
                }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "A lambda ... handed to code that runs it on another thread": also wrapped in an explicit delegate creation, and
    // an async lambda whose use comes after its own await.
    [Fact]
    public Task Reports_ExplicitDelegateCreation_AsyncLambdaAfterAnAwait()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;
            class C
            {
                static void Process(int i) { }
                void M(int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        new Thread(new ThreadStart(() => Process({|TW0012:i|}))).Start();
                        ThreadPool.QueueUserWorkItem(new WaitCallback(_ => Process({|TW0012:i|})));
                        Task.Run(async () => { await Task.Delay(1); Process({|TW0012:i|}); });
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
