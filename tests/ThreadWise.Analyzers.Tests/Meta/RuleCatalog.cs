using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ThreadWise.Analyzers.Tests.Meta;

/// <summary>Every analyzer and fixer the package ships, found by reflection, plus the repository root.</summary>
internal static class RuleCatalog
{
    public static readonly Assembly AnalyzerAssembly = typeof(RuleIds).Assembly;
    public static readonly Assembly CodeFixAssembly = typeof(ThreadWise.CodeFixes.Rules.TW0006ThreadConfiguredAfterStartCodeFix).Assembly;

    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = AnalyzerAssembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    public static ImmutableArray<Type> CodeFixTypes { get; } = CodeFixAssembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToImmutableArray();

    public static ImmutableArray<CodeFixProvider> CodeFixes { get; } = CodeFixTypes
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>Distinct descriptors by ID (the live one where a rule also has a build-only one), ordered by ID.</summary>
    public static ImmutableArray<DiagnosticDescriptor> Descriptors { get; } = Analyzers
        .SelectMany(a => a.SupportedDiagnostics)
        .GroupBy(d => d.Id)
        .Select(g => g.OrderBy(d => d.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd)).First())
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToImmutableArray();

    public static ISet<string> FixableIds { get; } = new HashSet<string>(CodeFixes.SelectMany(f => f.FixableDiagnosticIds));

    public static string RepositoryRoot { get; } = typeof(RuleCatalog).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static string PathInRepository(params string[] parts) => Path.Combine(new[] { RepositoryRoot }.Concat(parts).ToArray());
}
