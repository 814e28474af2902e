using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0001, build-only part: the same walk as <see cref="TW0001UnsynchronizedReadModifyWriteAnalyzer"/> over the whole
/// compilation at its end, reporting only the races no single type's pass finds — stories that span two or more
/// top-level types (a shared object's method called from another class's <c>Parallel.For</c>). A separate class with a
/// compilation-end descriptor, so Visual Studio never classifies the live analyzer as build-only.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0001CrossTypeAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = TW0001UnsynchronizedReadModifyWriteAnalyzer.Create(compilationEnd: true);

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
                foreach (var race in shared.CrossTypeRaces(() => FindCrossTypeRaces(shared, members, end.CancellationToken)))
                {
                    if (race.Check is null)
                    {
                        end.ReportDiagnostic(TW0001Shared.Create(Rule, race));
                    }
                }
            });
        });
    }

    /// <summary>
    /// The races of the whole compilation that no single type's pass reports (TW0001's and TW0016's: one walk), given
    /// every member's summaries; computed once per compilation for both build-only analyzers.
    /// </summary>
    internal static IReadOnlyList<Race> FindCrossTypeRaces(TW0001Shared shared, IEnumerable<(ISymbol Owner, ImmutableArray<BodySummary> Bodies)> members, CancellationToken cancellationToken)
    {
        var all = new List<BodySummary>();
        var byType = new Dictionary<INamedTypeSymbol, List<BodySummary>>(SymbolEqualityComparer.Default);
        foreach (var (owner, bodies) in members)
        {
            all.AddRange(bodies);
            if (TW0001Shared.TopLevelType(owner) is { } type)
            {
                if (!byType.TryGetValue(type, out var list))
                {
                    byType[type] = list = new List<BodySummary>();
                }

                list.AddRange(bodies);
            }
        }

        // What each type's own pass reports (the live analyzers' findings, shared through the memo).
        var inOneType = new HashSet<(SyntaxTree, TextSpan)>();
        foreach (var pair in byType)
        {
            foreach (var race in shared.RacesInType(pair.Key, pair.Value, cancellationToken))
            {
                inOneType.Add(Place(race));
            }
        }

        var result = new List<Race>();
        foreach (var race in new TW0001Concurrency(all, cancellationToken).FindRaces())
        {
            if (!inOneType.Contains(Place(race)))
            {
                result.Add(race);
            }
        }

        return result;
    }

    /// <summary>A TW0016 race is one finding per <c>if</c> (whichever of its acts was reached first); a TW0001 race, per access.</summary>
    private static (SyntaxTree, TextSpan) Place(Race race) =>
        race.Check is { } check ? (check.SyntaxTree, check.Span) : TW0001Shared.Place(race.Access);
}
