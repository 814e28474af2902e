using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0013ProcessOutputReadAfterWaitAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0013: each claim of docs/rules/TW0013.md that the other test files did not prove, in the page's own words.</summary>
public class TW0013DocClaimsTests
{
    private static string InMethod(string body, string signature = "void M(ProcessStartInfo info)") => $$"""
        using System;
        using System.Diagnostics;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            {{signature}}
            {
        {{body}}
            }
        }
        """;

    // "WaitForExit(timeout)" with a TimeSpan, then a read of standard error; in an async method with a synchronous wait.
    [Fact]
    public Task Reports_TimeSpanWait_ThenStandardErrorRead()
    {
        var source = InMethod("""
                    using var p = Process.Start(info)!;
                    {|TW0013:p.WaitForExit(TimeSpan.FromSeconds(30))|};
                    var errors = await p.StandardError.ReadToEndAsync();
            """, "async Task M(ProcessStartInfo info)");
        return Verify.VerifyAnalyzerAsync(source);
    }

    // Shape 2 with "a synchronous read of p.StandardError" that is a ReadLine loop, not ReadToEnd.
    [Fact]
    public Task Reports_ReadToEnd_ThenSynchronousReadLineOfTheOtherStream()
    {
        var source = InMethod("""
                    using var p = Process.Start(info)!;
                    var output = p.StandardOutput.ReadToEnd();
                    var first = {|TW0013:p.StandardError.ReadLine()|};
                    p.WaitForExit();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "a path that assigns a new process to the variable ends the story": a `for` loop reusing one variable, whose wait
    // at the end of an iteration precedes the next iteration's read only through a new assignment.
    [Fact]
    public Task NoDiagnostic_VariableReusedByALoop_NewProcessEachIteration()
    {
        var source = InMethod("""
                    Process p;
                    for (var i = 0; i < 3; i++)
                    {
                        p = Process.Start(info)!;
                        var text = p.StandardOutput.ReadToEnd();
                        p.WaitForExit();
                    }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The compliant examples as written: event-based reading, and the async read started before the wait.
    [Fact]
    public Task NoDiagnostic_DocsCompliantExamples()
    {
        var source = InMethod("""
                    var p = Process.Start(new ProcessStartInfo("dotnet", "build") { RedirectStandardOutput = true, RedirectStandardError = true })!;
                    var lines = new System.Collections.Generic.List<string?>();
                    p.OutputDataReceived += (_, e) => lines.Add(e.Data);
                    p.BeginOutputReadLine();
                    p.WaitForExit();

                    var q = Process.Start(info)!;
                    var outputTask = q.StandardOutput.ReadToEndAsync();
                    var errors = q.StandardError.ReadToEnd();
                    var output = outputTask.GetAwaiter().GetResult();
                    q.WaitForExit();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "a wait in a branch that never reaches the read is not reported": the wait on a branch that returns.
    [Fact]
    public Task NoDiagnostic_WaitOnABranchThatReturns()
    {
        var source = InMethod("""
                    using var p = Process.Start(info)!;
                    if (!info.RedirectStandardOutput)
                    {
                        p.WaitForExit();
                        return null;
                    }

                    var text = p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
                    return text;
            """, "string? M(ProcessStartInfo info)");
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The page's limitation: any use of the stream before the wait counts as draining it, including taking it into a
    // variable that is read only after the wait; ThreadWise does not follow where the reader goes.
    [Fact]
    public Task NoDiagnostic_ReaderTakenBeforeTheWait_NotFollowed()
    {
        var source = InMethod("""
                    using var p = Process.Start(info)!;
                    var reader = p.StandardOutput;
                    p.WaitForExit();
                    var text = reader.ReadToEnd();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // Realistic variants of the first noncompliant example: a `using` block returning the output, and the error text read
    // only when the exit code says it failed.
    [Fact]
    public Task Reports_UsingBlock_AndErrorReadOnFailure()
    {
        var source = InMethod("""
                    using (var p = Process.Start(info)!)
                    {
                        {|TW0013:p.WaitForExit()|};
                        if (p.ExitCode != 0) throw new InvalidOperationException(p.StandardError.ReadToEnd());
                        return p.StandardOutput.ReadToEnd();
                    }
            """, "string M(ProcessStartInfo info)");
        return Verify.VerifyAnalyzerAsync(source);
    }
}
