using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ThreadWise.Analyzers.Tests.Verifiers;

/// <summary>
/// A rule that is a live analyzer plus a build-only analyzer under one ID, verified the way <c>dotnet build</c> runs it:
/// both analyzers over the whole compilation. (What the editor shows is tested with <see cref="EditorHost"/>.)
/// </summary>
public static class BuildVerifier<TLive, TBuildOnly>
    where TLive : DiagnosticAnalyzer, new()
    where TBuildOnly : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic() => CSharpAnalyzerVerifier<TLive, DefaultVerifier>.Diagnostic();

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

    public sealed class Test : CSharpAnalyzerTest<TLive, DefaultVerifier>
    {
        public Test(TargetFramework framework = TargetFramework.Net100, bool withRuntimeLibrary = true) =>
            TestReferences.Configure(this, framework, withRuntimeLibrary);

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => new DiagnosticAnalyzer[] { new TLive(), new TBuildOnly() };
    }
}
