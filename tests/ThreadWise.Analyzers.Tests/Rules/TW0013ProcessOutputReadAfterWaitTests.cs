using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Rules;
using ThreadWise.Analyzers.Tests.Verifiers;
using ThreadWise.CodeFixes.Rules;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0013ProcessOutputReadAfterWaitAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

public class TW0013ProcessOutputReadAfterWaitTests
{
    private static string InMethod(string body, string signature = "void M(ProcessStartInfo info)") => $$"""
        using System.Diagnostics;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private Process _process;

            {{signature}}
            {
        {{body}}
            }
        }
        """;

    // ---- positives: wait before read ---------------------------------------------------------------------------

    [Fact]
    public Task Reports_WaitForExit_ThenReadToEnd()
    {
        var source = InMethod("""
                    var p = Process.Start(new ProcessStartInfo("dotnet", "build") { RedirectStandardOutput = true });
                    {|#0:p.WaitForExit()|};
                    var log = {|#1:p.StandardOutput|}.ReadToEnd();
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic(TW0013ProcessOutputReadAfterWaitAnalyzer.WaitBeforeRead).WithLocation(0).WithLocation(1).WithArguments("p", "standard output", 14));
    }

    [Fact]
    public Task Reports_TimedWait_ThenRead()
    {
        var source = InMethod("""
                    using var p = Process.Start(info);
                    if (!{|TW0013:p.WaitForExit(5000)|})
                    {
                        p.Kill();
                    }

                    var text = p.StandardOutput.ReadToEnd();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_WaitForExitAsync_ThenReadToEndAsync()
    {
        var source = InMethod("""
                    using var p = Process.Start(info);
                    await {|TW0013:p.WaitForExitAsync(ct)|};
                    var text = await p.StandardOutput.ReadToEndAsync();
            """, "async Task M(ProcessStartInfo info, CancellationToken ct)");
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_StandardError_ReadLineLoop_AfterWait()
    {
        var source = InMethod("""
                    using var p = Process.Start(info);
                    {|TW0013:p.WaitForExit()|};
                    string line;
                    while ((line = p.StandardError.ReadLine()) != null)
                    {
                        System.Console.WriteLine(line);
                    }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_FieldProcess_AndNewProcessObject()
    {
        var source = InMethod("""
                    _process = new Process { StartInfo = info };
                    _process.Start();
                    {|TW0013:_process.WaitForExit()|};
                    return _process.StandardOutput.ReadToEnd();
            """, "string M(ProcessStartInfo info)");
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_WaitInBranch_ReadAfterIf()
    {
        var source = InMethod("""
                    using var p = Process.Start(info);
                    if (info.Arguments.Length > 0)
                    {
                        {|TW0013:p.WaitForExit()|};
                    }

                    var text = p.StandardOutput.ReadToEnd();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_InLambda()
    {
        var source = InMethod("""
                    Task.Run(() =>
                    {
                        using var p = Process.Start(info);
                        {|TW0013:p.WaitForExit()|};
                        return p.StandardOutput.ReadToEnd();
                    });
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_TopLevelProgram()
    {
        const string source = """
            using System.Diagnostics;

            var p = Process.Start(new ProcessStartInfo("git", "log") { RedirectStandardOutput = true })!;
            {|TW0013:p.WaitForExit()|};
            System.Console.WriteLine(p.StandardOutput.ReadToEnd());
            """;
        return Verify.VerifyProgramAsync(source);
    }

    // ---- positives: two synchronous reads ----------------------------------------------------------------------

    [Fact]
    public Task Reports_TwoSynchronousReadToEnds()
    {
        var source = InMethod("""
                    using var p = Process.Start(info);
                    var output = {|#1:p.StandardOutput.ReadToEnd()|};
                    var errors = {|#0:p.StandardError.ReadToEnd()|};
                    p.WaitForExit();
            """);
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic(TW0013ProcessOutputReadAfterWaitAnalyzer.SequentialReads).WithLocation(0).WithLocation(1).WithArguments("p", "standard error", "standard output", 13));
    }

    [Fact]
    public Task Reports_ErrorFirst_ThenOutput()
    {
        var source = InMethod("""
                    using var p = Process.Start(info);
                    var errors = p.StandardError.ReadToEnd();
                    var output = {|TW0013:p.StandardOutput.ReadToEnd()|};
                    p.WaitForExit();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- negatives ---------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_ReadBeforeWait()
    {
        var source = InMethod("""
                    var p = Process.Start(new ProcessStartInfo("dotnet", "build") { RedirectStandardOutput = true });
                    var log = p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_AsyncReadStartedBeforeWait()
    {
        var source = InMethod("""
                    using var p = Process.Start(info);
                    var outputTask = p.StandardOutput.ReadToEndAsync();
                    var errors = p.StandardError.ReadToEnd();
                    p.WaitForExit();
                    var output = outputTask.GetAwaiter().GetResult();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_BeginOutputReadLine()
    {
        var source = InMethod("""
                    using var p = new Process { StartInfo = info };
                    var lines = new System.Collections.Generic.List<string>();
                    p.OutputDataReceived += (_, e) => lines.Add(e.Data);
                    p.Start();
                    p.BeginOutputReadLine();
                    p.WaitForExit();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_EventReadingForOutput_ErrorReadAfterWait_IsStillReported_OnlyForError()
    {
        var source = InMethod("""
                    using var p = new Process { StartInfo = info };
                    p.Start();
                    p.BeginOutputReadLine();
                    {|TW0013:p.WaitForExit()|};
                    var errors = p.StandardError.ReadToEnd();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_NotRedirected_NothingRead()
    {
        var source = InMethod("""
                    using var p = Process.Start(info);
                    p.WaitForExit();
                    System.Console.WriteLine(p.ExitCode);
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_NewProcessEachIteration_ReadBeforeWait()
    {
        var source = InMethod("""
                    foreach (var name in new[] { "a", "b" })
                    {
                        using var p = Process.Start(info);
                        var text = p.StandardOutput.ReadToEnd();
                        p.WaitForExit();
                    }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_VariableReassignedBetweenWaitAndRead()
    {
        var source = InMethod("""
                    var p = Process.Start(info);
                    p.WaitForExit();
                    p = Process.Start(info);
                    var text = p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_WaitAndReadInExclusiveBranches()
    {
        var source = InMethod("""
                    using var p = Process.Start(info);
                    if (info.UseShellExecute)
                    {
                        p.WaitForExit();
                    }
                    else
                    {
                        var text = p.StandardOutput.ReadToEnd();
                    }
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_DifferentProcesses()
    {
        var source = InMethod("""
                    using var first = Process.Start(info);
                    using var second = Process.Start(info);
                    first.WaitForExit();
                    var text = second.StandardOutput.ReadToEnd();
                    second.WaitForExit();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReadInAnotherMethod()
    {
        const string source = """
            using System.Diagnostics;

            class C
            {
                void M(Process p)
                {
                    p.WaitForExit();
                }

                string Read(Process p) => p.StandardOutput.ReadToEnd();
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_OneStreamAsync_OtherSync()
    {
        var source = InMethod("""
                    using var p = Process.Start(info);
                    var errorTask = p.StandardError.ReadToEndAsync();
                    var output = p.StandardOutput.ReadToEnd();
                    var errors = await errorTask;
                    await p.WaitForExitAsync();
            """, "async Task M(ProcessStartInfo info)");
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ErrorDrainedByEvents_OutputReadSynchronously()
    {
        var source = InMethod("""
                    using var p = new Process { StartInfo = info };
                    p.ErrorDataReceived += (_, e) => { };
                    p.Start();
                    p.BeginErrorReadLine();
                    var output = p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_SameStreamReadTwice()
    {
        var source = InMethod("""
                    using var p = Process.Start(info);
                    var first = p.StandardOutput.ReadLine();
                    var rest = p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_StandardInputWrittenAfterWait()
    {
        var source = InMethod("""
                    using var p = Process.Start(info);
                    p.StandardInput.WriteLine("quit");
                    p.WaitForExit();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ExitedHandlerReadsOutput()
    {
        var source = InMethod("""
                    var p = new Process { StartInfo = info, EnableRaisingEvents = true };
                    p.Exited += (_, _) => System.Console.WriteLine(p.ExitCode);
                    p.Start();
                    var text = p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
            """);
        return Verify.VerifyAnalyzerAsync(source);
    }
}

public class TW0013ProcessOutputReadAfterWaitFixTests
{
    private static Task VerifyFix(string source, string fixedSource, string? key = null, OutputKind kind = OutputKind.DynamicallyLinkedLibrary) =>
        CSharpCodeFixVerifier<TW0013ProcessOutputReadAfterWaitAnalyzer, TW0013ProcessOutputReadAfterWaitCodeFix>.VerifyCodeFixAsync(source, fixedSource, key, kind);

    [Fact]
    public Task Fix_MovesTheReadAboveTheWait_KeepingComments()
    {
        const string source = """
            using System.Diagnostics;

            class C
            {
                string M(ProcessStartInfo info)
                {
                    using var p = Process.Start(info);
                    {|TW0013:p.WaitForExit()|};
                    System.Console.WriteLine("child exited");

                    // the whole log
                    var log = p.StandardOutput.ReadToEnd();
                    return log;
                }
            }
            """;
        const string fixedSource = """
            using System.Diagnostics;

            class C
            {
                string M(ProcessStartInfo info)
                {
                    using var p = Process.Start(info);

                    // the whole log
                    var log = p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
                    System.Console.WriteLine("child exited");
                    return log;
                }
            }
            """;
        return VerifyFix(source, fixedSource, TW0013ProcessOutputReadAfterWaitCodeFix.ReadBeforeWaitKey);
    }

    [Fact]
    public Task Fix_BothStreamsAfterAsyncWait_FirstReadAsynchronously()
    {
        const string source = """
            using System.Diagnostics;
            using System.Threading.Tasks;

            class C
            {
                async Task<string> M(ProcessStartInfo info)
                {
                    using var p = Process.Start(info);
                    await {|TW0013:p.WaitForExitAsync()|};
                    var output = await p.StandardOutput.ReadToEndAsync();
                    var errors = await p.StandardError.ReadToEndAsync();
                    return output + errors;
                }
            }
            """;
        const string fixedSource = """
            using System.Diagnostics;
            using System.Threading.Tasks;

            class C
            {
                async Task<string> M(ProcessStartInfo info)
                {
                    using var p = Process.Start(info);
                    var outputTask = p.StandardOutput.ReadToEndAsync();
                    var errors = await p.StandardError.ReadToEndAsync();
                    var output = await outputTask;
                    await p.WaitForExitAsync();
                    return output + errors;
                }
            }
            """;
        return VerifyFix(source, fixedSource);
    }

    [Fact]
    public Task FixAll_NullKey_EachShapeGetsItsOwnFix()
    {
        const string source = """
            using System.Diagnostics;

            class C
            {
                string M(ProcessStartInfo info)
                {
                    using var p = Process.Start(info);
                    string output = p.StandardOutput.ReadToEnd();
                    var errors = {|TW0013:p.StandardError.ReadToEnd()|};
                    p.WaitForExit();
                    return output + errors;
                }

                string N(ProcessStartInfo info)
                {
                    using var q = Process.Start(info);
                    {|TW0013:q.WaitForExit()|};
                    var errors = q.StandardError.ReadToEnd();
                    return errors;
                }
            }
            """;
        const string fixedSource = """
            using System.Diagnostics;

            class C
            {
                string M(ProcessStartInfo info)
                {
                    using var p = Process.Start(info);
                    var outputTask = p.StandardOutput.ReadToEndAsync();
                    var errors = p.StandardError.ReadToEnd();
                    string output = outputTask.GetAwaiter().GetResult();
                    p.WaitForExit();
                    return output + errors;
                }

                string N(ProcessStartInfo info)
                {
                    using var q = Process.Start(info);
                    var errors = q.StandardError.ReadToEnd();
                    q.WaitForExit();
                    return errors;
                }
            }
            """;
        return VerifyFix(source, fixedSource);
    }

    [Fact]
    public Task Fix_TopLevelProgram()
    {
        const string source = """
            using System.Diagnostics;

            var p = Process.Start(new ProcessStartInfo("git", "log") { RedirectStandardOutput = true })!;
            {|TW0013:p.WaitForExit()|};
            var log = p.StandardOutput.ReadToEnd();
            System.Console.WriteLine(log);
            """;
        const string fixedSource = """
            using System.Diagnostics;

            var p = Process.Start(new ProcessStartInfo("git", "log") { RedirectStandardOutput = true })!;
            var log = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            System.Console.WriteLine(log);
            """;
        return VerifyFix(source, fixedSource, kind: OutputKind.ConsoleApplication);
    }

    [Fact]
    public Task NoFix_TimedWaitWhoseResultIsUsed()
    {
        const string source = """
            using System.Diagnostics;

            class C
            {
                string M(ProcessStartInfo info)
                {
                    using var p = Process.Start(info);
                    if (!{|TW0013:p.WaitForExit(5000)|})
                    {
                        p.Kill();
                    }

                    return p.StandardOutput.ReadToEnd();
                }
            }
            """;
        return CSharpCodeFixVerifier<TW0013ProcessOutputReadAfterWaitAnalyzer, TW0013ProcessOutputReadAfterWaitCodeFix>.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task NoFix_ReadInsideALargerExpression()
    {
        const string source = """
            using System.Diagnostics;

            class C
            {
                void M(ProcessStartInfo info)
                {
                    using var p = Process.Start(info);
                    {|TW0013:p.WaitForExit()|};
                    System.Console.WriteLine(p.StandardOutput.ReadToEnd().Trim());
                }
            }
            """;
        return CSharpCodeFixVerifier<TW0013ProcessOutputReadAfterWaitAnalyzer, TW0013ProcessOutputReadAfterWaitCodeFix>.VerifyNoCodeFixAsync(source);
    }
}

public class TW0013ProcessOutputReadAfterWaitLiveTests
{
    [Fact]
    public async Task BothShapes_SquiggleInTheOpenDocument_WithTheirLightBulbs()
    {
        const string source = """
            using System.Diagnostics;

            class C
            {
                string Build(ProcessStartInfo info)
                {
                    using var p = Process.Start(info);
                    p.WaitForExit();
                    var log = p.StandardOutput.ReadToEnd();
                    return log;
                }

                string Both(ProcessStartInfo info)
                {
                    using var p = Process.Start(info);
                    var output = p.StandardOutput.ReadToEnd();
                    var errors = p.StandardError.ReadToEnd();
                    p.WaitForExit();
                    return output + errors;
                }
            }
            """;
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        Assert.Empty(live.Exceptions);
        Assert.Equal(2, live.Diagnostics.Count(d => d.Id == "TW0013"));
        foreach (var diagnostic in live.Diagnostics.Where(d => d.Id == "TW0013"))
        {
            var actions = await EditorHost.LightBulbAsync(live.Document, diagnostic);
            var action = Assert.Single(actions);
            Assert.NotEqual(source, await EditorHost.ApplyAsync(live.Document, action));
        }
    }
}
