using System;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadWise.Cli.Model;

namespace ThreadWise.Cli.Analysis;

/// <summary>Every ThreadWise analyzer and code fix, found by reflection in the assemblies the tool ships with.</summary>
internal static class ThreadWiseRules
{
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } =
        typeof(ThreadWise.Analyzers.Rules.TW0006ThreadConfiguredAfterStartAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

    public static ImmutableArray<CodeFixProvider> CodeFixes { get; } =
        typeof(ThreadWise.CodeFixes.Rules.TW0005ReleaseNotInFinallyCodeFix).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttribute<ExportCodeFixProviderAttribute>() is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToImmutableArray();

    /// <summary>One descriptor per ID (the live one where a rule also has a build-only twin), ordered by ID.</summary>
    public static ImmutableArray<DiagnosticDescriptor> Descriptors { get; } = Analyzers
        .SelectMany(a => a.SupportedDiagnostics)
        .GroupBy(d => d.Id, StringComparer.Ordinal)
        .Select(g => g.OrderBy(d => d.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd)).First())
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToImmutableArray();

    public static ImmutableArray<string> Ids { get; } = Descriptors.Select(d => d.Id).ToImmutableArray();

    public static ImmutableArray<RuleInfo> Rules { get; } = Descriptors
        .Select(d => new RuleInfo(
            d.Id,
            d.Title.ToString(),
            d.Description.ToString() is { Length: > 0 } description ? description : d.MessageFormat.ToString(),
            d.Category,
            FindingFactory.Severity(d.DefaultSeverity),
            d.HelpLinkUri))
        .ToImmutableArray();

    public static bool IsThreadWise(string id) => Ids.Contains(id, StringComparer.Ordinal);
}
