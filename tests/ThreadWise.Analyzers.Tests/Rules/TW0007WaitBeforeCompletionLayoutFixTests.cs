using System.Threading.Tasks;
using Xunit;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0007WaitBeforeCompletionAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0007WaitBeforeCompletionCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0007: blank lines stay where a reviewer expects them when the completion moves before the wait.</summary>
public class TW0007WaitBeforeCompletionLayoutFixTests
{
    [Fact]
    public Task Fix_MovedCompletion_BlankLinesStayBetweenTheParagraphs()
    {
        const string source = """
            using System;
            using System.Threading.Tasks.Dataflow;

            class C
            {
                void M()
                {
                    var pool = new ActionBlock<int>(job => { });
                    pool.Post(1);

                    // wait a little
                    if (!{|TW0007:pool.Completion.Wait(2000)|})
                    {
                        Console.WriteLine("hung");
                    }

                    pool.Complete();
                    pool.Completion.Wait();
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading.Tasks.Dataflow;

            class C
            {
                void M()
                {
                    var pool = new ActionBlock<int>(job => { });
                    pool.Post(1);

                    pool.Complete();
                    // wait a little
                    if (!pool.Completion.Wait(2000))
                    {
                        Console.WriteLine("hung");
                    }

                    pool.Completion.Wait();
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, null);
    }
}
