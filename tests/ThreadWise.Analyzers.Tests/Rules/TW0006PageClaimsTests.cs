using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0006ThreadConfiguredAfterStartAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>Claims of docs/rules/TW0006.md that the other test files did not pin down.</summary>
public class TW0006PageClaimsTests
{
    [Fact]
    public Task Reports_ObsoleteApartmentStateAndAutoPropertyChain_AfterStart()
    {
        const string source = """
            using System.Threading;

            class Job
            {
                public Thread Thread { get; set; } = new Thread(() => { });
            }

            class C
            {
            #pragma warning disable CS0618
                void Obsolete(Thread t)
                {
                    t.Start();
                    {|TW0006:t.ApartmentState = ApartmentState.STA|};
                }
            #pragma warning restore CS0618

                void Chain(Job job)
                {
                    job.Thread.Start();
                    {|TW0006:job.Thread.IsBackground = true|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "A setting inside a lambda that runs where it is handed over ... is judged at that point."
    [Fact]
    public Task LambdaRunWhereHandedOver_JudgedAtThatPoint()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                static void Run(Action action) => action();

                void ArgumentAfterStart(Thread t)
                {
                    t.Start();
                    Run(() => {|TW0006:t.IsBackground = true|});
                }

                void ArgumentBeforeStart(Thread t)
                {
                    Run(() => t.IsBackground = true);
                    t.Start();
                }

                void LocalInvokedAfterStart(Thread t)
                {
                    Action configure = () => {|TW0006:t.IsBackground = true|};
                    t.Start();
                    configure();
                }

                void LocalInvokedBeforeStart(Thread t)
                {
                    Action configure = () => t.IsBackground = true;
                    configure();
                    t.Start();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReadingTheSettingsAfterStart()
    {
        const string source = """
            using System.Threading;

            class C
            {
                bool M(Thread t)
                {
                    t.Start();
                    return t.IsBackground && t.GetApartmentState() == ApartmentState.MTA;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
