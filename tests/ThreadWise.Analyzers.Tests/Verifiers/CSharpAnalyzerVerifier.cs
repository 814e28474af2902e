using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ThreadWise.Analyzers.Tests.Verifiers;

/// <summary>Thin verifier over Microsoft.CodeAnalysis.Testing for one analyzer.</summary>
public static class CSharpAnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic() => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic();

    public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(id);

    /// <summary>For an analyzer with several descriptors (one per shape, same ID).</summary>
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(descriptor);

    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected) =>
        VerifyAnalyzerAsync(source, TargetFramework.Net100, expected);

    public static Task VerifyAnalyzerAsync(string source, TargetFramework framework, params DiagnosticResult[] expected)
    {
        var test = new Test(framework) { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>Top-level statements (a console program).</summary>
    public static Task VerifyProgramAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new Test(TargetFramework.Net100) { TestCode = source };
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    public sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        public Test(TargetFramework framework = TargetFramework.Net100, bool withRuntimeLibrary = true)
        {
            TestReferences.Configure(this, framework, withRuntimeLibrary);

            // {|TW0013:…|} markup for an analyzer with one descriptor per shape under one ID checks the ID and span.
            MarkupOptions = MarkupOptions.UseFirstDescriptor;
        }
    }
}
