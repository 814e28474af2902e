using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadWise.Cli.Model;

namespace ThreadWise.Cli.Analysis;

/// <summary>One project's ThreadWise diagnostics, how long compiling and analyzing took, and any analyzer that threw.</summary>
internal sealed record ProjectDiagnostics(
    Project Project,
    Compilation Compilation,
    ImmutableArray<Diagnostic> Diagnostics,
    IReadOnlyList<string> AnalyzerExceptions,
    TimeSpan CompileTime,
    TimeSpan AnalysisTime);

/// <summary>
/// Runs every ThreadWise analyzer on a project's compilation, with the project's own analyzer options, so its
/// <c>.editorconfig</c>/globalconfig severities, <c>NoWarn</c> and <c>#pragma</c> apply. Only ThreadWise diagnostics
/// are kept; the project's other analyzers (its own analyzer references) are not run.
/// </summary>
internal static class ProjectAnalyzer
{
    public static async Task<ProjectDiagnostics> AnalyzeAsync(Project project, bool allRules, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{project.Name}: no compilation");
        var compileTime = clock.Elapsed;

        if (allRules)
        {
            compilation = EnableAll(compilation);
        }

        clock.Restart();
        var exceptions = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            project.AnalyzerOptions,
            (exception, analyzer, diagnostic) => exceptions.Enqueue($"{analyzer.GetType().Name} threw on {project.Name}: {exception.GetType().Name}: {exception.Message}"),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(ThreadWiseRules.Analyzers, options)
            .GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        var kept = diagnostics
            .Where(d => ThreadWiseRules.IsThreadWise(d.Id) && !d.IsSuppressed && d.Severity != DiagnosticSeverity.Hidden && d.Location.IsInSource)
            .GroupBy(d => (d.Id, d.Location.SourceTree?.FilePath, d.Location.SourceSpan, Message: d.GetMessage()))
            .Select(g => g.First())
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();
        foreach (var crash in diagnostics.Where(d => d.Id == "AD0001"))
        {
            exceptions.Enqueue($"{project.Name}: {crash.GetMessage()}");
        }

        return new ProjectDiagnostics(project, compilation, kept, exceptions.ToList(), compileTime, clock.Elapsed);
    }

    /// <summary>
    /// <c>--all</c>: every ThreadWise rule at warning at least (an error stays an error), whatever the project's
    /// <c>.editorconfig</c>, globalconfig or <c>NoWarn</c> says (source suppressions still apply).
    /// </summary>
    private static Compilation EnableAll(Compilation compilation)
    {
        var options = compilation.Options;
        var specific = options.SpecificDiagnosticOptions;
        foreach (var id in ThreadWiseRules.Ids)
        {
            specific = specific.SetItem(id, specific.TryGetValue(id, out var current) && current == ReportDiagnostic.Error ? ReportDiagnostic.Error : ReportDiagnostic.Warn);
        }

        options = options.WithSpecificDiagnosticOptions(specific);
        if (options.SyntaxTreeOptionsProvider is { } trees)
        {
            options = options.WithSyntaxTreeOptionsProvider(new WithoutThreadWiseSeverities(trees));
        }

        return compilation.WithOptions(options);
    }

    /// <summary>The project's per-file severities, minus ThreadWise's (so <c>--all</c> wins over <c>.editorconfig</c>).</summary>
    private sealed class WithoutThreadWiseSeverities : SyntaxTreeOptionsProvider
    {
        private readonly SyntaxTreeOptionsProvider inner;

        public WithoutThreadWiseSeverities(SyntaxTreeOptionsProvider inner) => this.inner = inner;

        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => inner.IsGenerated(tree, cancellationToken);

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            if (ThreadWiseRules.IsThreadWise(diagnosticId))
            {
                severity = ReportDiagnostic.Default;
                return false;
            }

            return inner.TryGetDiagnosticValue(tree, diagnosticId, cancellationToken, out severity);
        }

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            if (ThreadWiseRules.IsThreadWise(diagnosticId))
            {
                severity = ReportDiagnostic.Default;
                return false;
            }

            return inner.TryGetGlobalDiagnosticValue(diagnosticId, cancellationToken, out severity);
        }
    }

    /// <summary>A diagnostic as the report writers read it (one converter for every writer: <see cref="FindingFactory"/>).</summary>
    public static Finding ToFinding(Diagnostic diagnostic, string project) => FindingFactory.FromDiagnostic(diagnostic, project);
}
