using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadWise.Analyzers.Rules.TW0004;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0004, live: two locks taken in opposite orders (nested, or through calls), or the same lock field of two
/// caller-chosen instances taken nested without ordering them, when the whole story lies in one top-level type
/// (its partial parts in other files, its nested types, its lambdas; the top-level program). Two threads that each
/// hold one lock and wait for the other hang forever; the CLR does not detect it.
/// </summary>
/// <remarks>
/// A symbol-start/end pass per top-level type, so the editor squiggles it and offers its fix: each body is summarized
/// once (memoized in <see cref="LockSummaries"/>, shared with <see cref="TW0004CrossTypeAnalyzer"/>), and SymbolEnd
/// runs the one graph walk (<see cref="LockOrderFinder"/>) over the type's summaries, linear in the type's size.
/// Cycles through other types are reported by <see cref="TW0004CrossTypeAnalyzer"/> on build.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0004InconsistentLockOrderAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = TW0004Diagnostics.Descriptor(compilationEnd: false);

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

            start.RegisterSymbolStartAction(symbolStart =>
            {
                if (symbolStart.Symbol is not INamedTypeSymbol type || type.ContainingType is not null)
                {
                    // A nested type's members reach the outer type's actions; an end action here keeps the driver from
                    // ending the outer type before the nested one (dotnet/roslyn#68484).
                    symbolStart.RegisterSymbolEndAction(static _ => { });
                    return;
                }

                var bodies = new ConcurrentQueue<Model.MethodLockSummary>();
                symbolStart.RegisterOperationBlockAction(block =>
                {
                    foreach (var summary in shared.Of(block))
                    {
                        bodies.Enqueue(summary);
                    }
                });
                symbolStart.RegisterSymbolEndAction(end =>
                {
                    if (bodies.IsEmpty)
                    {
                        return;
                    }

                    foreach (var report in shared.FindingsOf(type, bodies, end.CancellationToken))
                    {
                        end.ReportDiagnostic(TW0004Diagnostics.Create(Rule, report));
                    }
                });
            }, SymbolKind.NamedType);
        });
    }
}
