using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.BuildVerifier<
    ThreadWise.Analyzers.Rules.TW0001UnsynchronizedReadModifyWriteAnalyzer,
    ThreadWise.Analyzers.Rules.TW0001CrossTypeAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>Claims of docs/rules/TW0001.md that the other test files did not pin down.</summary>
public class TW0001PageClaimsTests
{
    /// <summary>A TW0001 on the marked update; its related locations (launch, racing write) are tested elsewhere.</summary>
    private static DiagnosticResult Race(int location, string name, string verb, string reason) =>
        Verify.Diagnostic().WithLocation(location).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments(name, verb, reason);

    // "constructors are not reported (the object is not shared yet)" covers the constructor's own updates; code a
    // constructor launches runs concurrently like any other and is reported.
    [Fact]
    public Task Reports_ParallelBodyLaunchedFromAConstructor_ButNotTheConstructorsOwnUpdate()
    {
        const string source = """
            using System.Threading.Tasks;

            class Histogram
            {
                private int _total;
                private int _created;

                public Histogram(int[] data)
                {
                    _created++;
                    Parallel.For(0, data.Length, i => {|#0:_total += data[i]|});
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Race(0, "_total", "updated", "in the Parallel.For body at line 11, which runs on several threads at once"));
    }

    // ContinueWith is a launch: the code that scheduled the continuation races with it until it is waited for.
    [Fact]
    public Task Reports_StarterWrite_WhileContinuationMayRun()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                private int _done;

                void M(Task previous)
                {
                    var next = previous.ContinueWith(_ => {|#0:_done++|});
                    {|#1:_done++|};
                    next.Wait();
                    _done++;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(
            source,
            Race(0, "_done", "incremented", "on the continuation scheduled at line 9 while the code that started it also writes it at line 10"),
            Race(1, "_done", "incremented", "while the continuation scheduled at line 9 also writes it"));
    }

    // "The body may be ... a delegate local assigned once": a thread or task per iteration runs it concurrently.
    [Fact]
    public Task Reports_DelegateLocalBody_StartedInALoop()
    {
        const string source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private int _a;
                private int _b;

                void M()
                {
                    Action work = () => {|#0:_a++|};
                    ThreadStart body = () => {|#1:_b++|};
                    for (var i = 0; i < 2; i++)
                    {
                        Task.Run(work);
                        new Thread(body).Start();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(
            source,
            Race(0, "_a", "incremented", "on the tasks started at line 16, which run at the same time"),
            Race(1, "_b", "incremented", "on the threads started at line 17, which run at the same time"));
    }
}
