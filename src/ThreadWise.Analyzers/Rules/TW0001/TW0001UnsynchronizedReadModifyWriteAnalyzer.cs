using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0001, live part: a read-modify-write (<c>x++</c>, <c>x += n</c>, <c>x = x + n</c>) of a static or instance field,
/// an array element or a captured local, executed by code that runs concurrently with other code writing the same
/// location, outside any lock and not through <c>Interlocked</c>. One pass per top-level type (SymbolStart/SymbolEnd,
/// so it runs in the editor on every part of a partial type, nested types and the top-level-statements program):
/// it reports every race whose whole story — the launch, every body on the path, every racing write — lies in that
/// type. Stories that span types are reported at build time by <see cref="TW0001CrossTypeAnalyzer"/>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0001UnsynchronizedReadModifyWriteAnalyzer : DiagnosticAnalyzer
{
    internal const string Title = "Unsynchronized read-modify-write of shared state";
    internal const string MessageFormat = "'{0}' is {1} without synchronization {2}; concurrent updates can be lost";
    internal const string Description =
        "x++, x += n and x = x + n read, compute and write back in separate steps. When code on another thread " +
        "updates the same field, array element or captured local in between, one of the updates is lost, silently " +
        "(2 threads × 1,000,000 increments gave 1,235,473). volatile does not help. Use Interlocked, or a lock " +
        "around every access.";

    internal static readonly DiagnosticDescriptor Rule = Create(compilationEnd: false);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    internal static DiagnosticDescriptor Create(bool compilationEnd) => RuleDescriptors.Create(
        RuleIds.UnsynchronizedReadModifyWrite,
        Title,
        MessageFormat,
        RuleCategories.Race,
        DiagnosticSeverity.Warning,
        Description,
        compilationEnd);

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

            start.RegisterSymbolStartAction(symbolStart => OnTypeStart(symbolStart, shared), SymbolKind.NamedType);
        });
    }

    private static void OnTypeStart(SymbolStartAnalysisContext context, TW0001Shared shared)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.ContainingType is not null)
        {
            // A nested type's members reach its outermost type's actions; an empty end keeps the driver's ordering
            // of nested and outer SymbolEnd actions safe (dotnet/roslyn#68484).
            context.RegisterSymbolEndAction(static _ => { });
            return;
        }

        var bodies = new ConcurrentBag<BodySummary>();
        context.RegisterOperationBlockAction(block =>
        {
            foreach (var body in shared.Summaries(block))
            {
                bodies.Add(body);
            }
        });
        context.RegisterSymbolEndAction(end =>
        {
            foreach (var race in shared.RacesInType(type, bodies, end.CancellationToken))
            {
                if (race.Check is null)
                {
                    end.ReportDiagnostic(TW0001Shared.Create(Rule, race));
                }
            }
        });
    }
}
