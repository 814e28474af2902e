using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using ThreadWise.Analyzers.Rules;
using ThreadWise.Analyzers.Tests.Verifiers;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0004 as a build sees it: the live analyzer (findings within one type) and the build-only cross-type analyzer
/// together. By default a report's additional locations are cut to the first one (the other site of the cycle, which
/// the message also names); <see cref="Test.FullPath"/> keeps the whole path (the path tests).
/// </summary>
public static class TW0004Verify
{
    public static DiagnosticResult Diagnostic() => new(TW0004InconsistentLockOrderAnalyzer.Rule);

    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected) =>
        VerifyAnalyzerAsync(source, TargetFramework.Net100, expected);

    public static Task VerifyAnalyzerAsync(string source, TargetFramework framework, params DiagnosticResult[] expected)
    {
        var test = new Test(framework) { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected.Select(PrimaryOnlyIgnoresPath));
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>An expectation that names only the site does not check the path (the path tests do).</summary>
    public static DiagnosticResult PrimaryOnlyIgnoresPath(DiagnosticResult expected) =>
        expected.Spans.Length == 1 ? expected.WithOptions(DiagnosticOptions.IgnoreAdditionalLocations) : expected;

    /// <summary>Top-level statements (a console program).</summary>
    public static Task VerifyProgramAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new Test(TargetFramework.Net100) { TestCode = source };
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        test.ExpectedDiagnostics.AddRange(expected.Select(PrimaryOnlyIgnoresPath));
        return test.RunAsync(CancellationToken.None);
    }

    public sealed class Test : CSharpAnalyzerTest<TW0004InconsistentLockOrderAnalyzer, DefaultVerifier>
    {
        public Test(TargetFramework framework = TargetFramework.Net100, bool withRuntimeLibrary = true)
        {
            TestReferences.Configure(this, framework, withRuntimeLibrary);
            MarkupOptions = MarkupOptions.UseFirstDescriptor; // the live and the build-only descriptor share the ID
        }

        /// <summary>Keep every additional location (the whole path), instead of only the other site.</summary>
        public bool FullPath { get; set; }

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() =>
            new DiagnosticAnalyzer[] { new TW0004InconsistentLockOrderAnalyzer(), new TW0004CrossTypeAnalyzer() };

        protected override ImmutableArray<(Project project, Diagnostic diagnostic)> FilterDiagnostics(ImmutableArray<(Project project, Diagnostic diagnostic)> diagnostics)
        {
            diagnostics = base.FilterDiagnostics(diagnostics);
            return FullPath ? diagnostics : diagnostics.Select(d => (d.project, OtherSiteOnly(d.diagnostic))).ToImmutableArray();
        }

        private static Diagnostic OtherSiteOnly(Diagnostic d) => d.AdditionalLocations.Count <= 1
            ? d
            : Microsoft.CodeAnalysis.Diagnostic.Create(d.Id, d.Descriptor.Category, d.GetMessage(), d.Severity, d.DefaultSeverity,
                d.Descriptor.IsEnabledByDefault, d.WarningLevel, d.Descriptor.Title, d.Descriptor.Description, d.Descriptor.HelpLinkUri,
                d.Location, d.AdditionalLocations.Take(1), d.Descriptor.CustomTags, d.Properties);
    }
}
