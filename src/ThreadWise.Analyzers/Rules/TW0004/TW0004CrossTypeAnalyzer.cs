using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadWise.Analyzers.Model;
using ThreadWise.Analyzers.Rules.TW0004;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0004, build only: the lock-order findings whose story spans two or more top-level types (the course's
/// <c>a.Foo(b)</c> / <c>b.Bar(a)</c>). It runs the same graph walk as the live analyzer over the whole compilation's
/// summaries and reports only what no single type's walk reports, so a build reports each finding once.
/// </summary>
/// <remarks>
/// A separate class with a compilation-end descriptor: Visual Studio treats an analyzer with a compilation-end action
/// (or descriptor) as build-only, and the live analyzer must never be classified so.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0004CrossTypeAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = TW0004Diagnostics.Descriptor(compilationEnd: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (LockSummaries.Get(start.Compilation) is not { } shared)
            {
                return;
            }

            var bodies = new ConcurrentQueue<MethodLockSummary>();
            start.RegisterOperationBlockAction(block =>
            {
                foreach (var summary in shared.Of(block))
                {
                    bodies.Enqueue(summary);
                }
            });
            start.RegisterCompilationEndAction(end =>
            {
                var whole = LockOrderFinder.Find(bodies, end.CancellationToken);
                if (whole.Count == 0)
                {
                    return;
                }

                // What each top-level type's own walk finds is reported live (and by a build) by the live analyzer.
                var live = new HashSet<(SyntaxNode, string)>();
                foreach (var type in bodies.GroupBy(s => LockSummaries.TopLevelType(s.Method), SymbolEqualityComparer.Default))
                {
                    if (type.Key is INamedTypeSymbol named)
                    {
                        live.UnionWith(shared.FindingsOf(named, type, end.CancellationToken).Select(LockOrderFinder.Key));
                    }
                }

                foreach (var report in whole)
                {
                    if (!live.Contains(LockOrderFinder.Key(report)))
                    {
                        end.ReportDiagnostic(TW0004Diagnostics.Create(Rule, report));
                    }
                }
            });
        });
    }
}
