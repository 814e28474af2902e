using System.Threading.Tasks;
using Xunit;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0006ThreadConfiguredAfterStartAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0006ThreadConfiguredAfterStartCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0006: a setting under an <c>if</c> after the Start moves with its <c>if</c>, unless that changes what the <c>if</c> tests.</summary>
public class TW0006ThreadConfiguredAfterStartConditionalFixTests
{
    [Fact]
    public Task Fix_EmbeddedIf_InTopLevelStatements_KeepsItsComment()
    {
        const string source = """
            using System.Threading;

            var quiet = args.Length > 0;
            var t = new Thread(() => { });
            t.Start();
            // only when asked
            if (quiet) {|TW0006:t.IsBackground = true|};
            t.Join();
            """;
        const string fixedSource = """
            using System.Threading;

            var quiet = args.Length > 0;
            var t = new Thread(() => { });
            // only when asked
            if (quiet) t.IsBackground = true;
            t.Start();
            t.Join();
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, null, Microsoft.CodeAnalysis.OutputKind.ConsoleApplication);
    }

    [Fact]
    public Task NoFix_WhenTheIfTestsTheThread_DoesMore_OrHasAnElse()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                void M(Thread t, Thread u, Thread v, bool quiet)
                {
                    t.Start();
                    if (t.IsAlive)
                    {
                        {|TW0006:t.IsBackground = true|};
                    }

                    u.Start();
                    if (quiet)
                    {
                        {|TW0006:u.IsBackground = true|};
                        Console.WriteLine("quiet");
                    }

                    v.Start();
                    if (quiet)
                        {|TW0006:v.IsBackground = true|};
                    else
                        Console.WriteLine("loud");
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }
}
