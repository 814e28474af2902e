using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0003StartedTwiceAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>Every example and claim of docs/rules/TW0003.md, as the page writes it.</summary>
public class TW0003PageClaimsTests
{
    [Fact]
    public Task Page_NoncompliantExamples_ReportEachMarkedStart()
    {
        const string source = """
            using System.Diagnostics;
            using System.Threading;

            class C
            {
                static void Work() { }

                void JoinThenStart()
                {
                    var t = new Thread(Work);
                    t.Start();
                    t.Join();
                    {|TW0003:t.Start()|};
                }

                void Restart(Thread t)
                {
                    while (true)
                    {
                        Thread.Sleep(1000);
                        if (!t.IsAlive)
                        {
                            {|TW0003:t.Start()|};
                        }
                    }
                }

                void Process()
                {
                    var p = new Process { StartInfo = new ProcessStartInfo("worker") };
                    p.Start();
                    {|TW0003:p.Start()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Page_CompliantExamples_AreSilent()
    {
        const string source = """
            using System.Diagnostics;
            using System.Threading;

            class C
            {
                private Thread _worker;
                private bool _started;
                private readonly Thread _consumer = new Thread(Work);

                static void Work() { }

                void NewThread()
                {
                    var t = new Thread(Work);
                    t.Start();
                    t.Join();
                    t = new Thread(Work);
                    t.Start();
                }

                void Watch()
                {
                    while (true)
                    {
                        Thread.Sleep(1000);
                        if (_worker is null || !_worker.IsAlive)
                        {
                            _worker = new Thread(Work);
                            _worker.Start();
                        }
                    }
                }

                void Once()
                {
                    if (!_started)
                    {
                        _started = true;
                        _consumer.Start();
                    }
                }

                void Rerun(Process p)
                {
                    p.Start();
                    p.WaitForExit();
                    p.Start();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "for a process, after WaitForExit, Kill, Close or Dispose": p.Dispose() binds to Component.Dispose(), which was
    // not recognized, so a start after Dispose was reported.
    [Fact]
    public Task NoDiagnostic_ProcessStartedAgain_AfterDisposeKillOrClose()
    {
        const string source = """
            using System.Diagnostics;

            class C
            {
                void AfterDispose(Process p)
                {
                    p.Start();
                    p.Dispose();
                    p.Start();
                }

                void AfterKill(Process p)
                {
                    p.Start();
                    p.Kill();
                    p.Start();
                }

                void AfterClose(Process p)
                {
                    p.Start();
                    p.Close();
                    p.Start();
                }

                void InLoop(Process p)
                {
                    for (var i = 0; i < 3; i++)
                    {
                        p.Start();
                        p.Dispose();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The twin: disposing something else does not end the process.
    [Fact]
    public Task Reports_ProcessStartedAgain_AfterDisposingAnotherComponent()
    {
        const string source = """
            using System.Diagnostics;

            class C
            {
                void M(Process p, Process other, System.Timers.Timer timer)
                {
                    p.Start();
                    other.Dispose();
                    timer.Dispose();
                    {|TW0003:p.Start()|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
