using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ThreadWise.Analyzers.Tests.Verifiers;

/// <summary>
/// Thin verifier over Microsoft.CodeAnalysis.Testing for an analyzer and its fix. The fixed code is compiled (any
/// compiler error fails the test) and Fix All in document, project and solution scope is checked against the same output.
/// </summary>
public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static DiagnosticResult Diagnostic() => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic();

    public static DiagnosticResult Diagnostic(string id) => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(id);

    /// <summary>Applies the fix registered under <paramref name="equivalenceKey"/> (all of them, then Fix All) and compares.</summary>
    public static Task VerifyCodeFixAsync(string source, string fixedSource, string? equivalenceKey = null, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
    {
        var test = new Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = equivalenceKey,
        };
        test.TestState.OutputKind = outputKind;
        test.FixedState.OutputKind = outputKind;
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>Asserts the diagnostic is reported but no fix is offered (the code stays as it is).</summary>
    public static Task VerifyNoCodeFixAsync(string source)
    {
        var test = new Test
        {
            TestCode = source,
            FixedCode = source,
        };
        return test.RunAsync(CancellationToken.None);
    }

    public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        public Test(TargetFramework framework = TargetFramework.Net100, bool withRuntimeLibrary = true)
        {
            TestReferences.Configure(this, framework, withRuntimeLibrary);

            // {|TW0013:…|} markup for an analyzer with one descriptor per shape under one ID checks the ID and span.
            MarkupOptions = MarkupOptions.UseFirstDescriptor;
        }
    }
}
