using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0016, build-only part: the check-then-acts whose story spans top-level types (a shared account's Withdraw called
/// from another class's threads), from the same compilation-wide walk TW0001's build-only analyzer runs (computed once
/// for both, <see cref="TW0001Shared.CrossTypeRaces"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0016CrossTypeAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = TW0016CheckThenActOnSharedStateAnalyzer.Create(compilationEnd: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (TW0001Shared.Get(start.Compilation) is not { } shared)
            {
                return;
            }

            var members = new ConcurrentBag<(ISymbol Owner, ImmutableArray<BodySummary> Bodies)>();
            start.RegisterOperationBlockAction(block => members.Add((block.OwningSymbol, shared.Summaries(block))));
            start.RegisterCompilationEndAction(end =>
            {
                foreach (var race in shared.CrossTypeRaces(() => TW0001CrossTypeAnalyzer.FindCrossTypeRaces(shared, members, end.CancellationToken)))
                {
                    if (race.Check is not null)
                    {
                        end.ReportDiagnostic(TW0016CheckThenActOnSharedStateAnalyzer.Create(Rule, race));
                    }
                }
            });
        });
    }
}
