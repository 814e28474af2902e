using System.Threading.Tasks;
using Xunit;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0002ThreadBodyCalledDirectlyAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0002ThreadBodyCalledDirectlyCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0002: a direct call with arguments is replaced by starting the never-started thread only when the thread's body is that very call.</summary>
public class TW0002ThreadBodyCalledDirectlyArgumentsFixTests
{
    [Fact]
    public Task Fix_ThreadBodyIsTheSameCallWithConstants()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = new Thread(() => Work(1, "a"));
                    {|TW0002:Work(1, "a")|}; // run it
                    t.Join();
                }

                static void Work(int n, string s) { }
            }
            """;
        const string fixedSource = """
            using System.Threading;

            class C
            {
                void M()
                {
                    var t = new Thread(() => Work(1, "a"));
                    t.Start(); // run it
                    t.Join();
                }

                static void Work(int n, string s) { }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, null);
    }

    [Fact]
    public Task NoFix_ArgumentsAreVariables()
    {
        const string source = """
            using System.Threading;

            class C
            {
                void M(int n)
                {
                    var t = new Thread(() => Work(n));
                    {|TW0002:Work(n)|};
                    n++;
                    t.Join();
                }

                static void Work(int n) { }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }
}
