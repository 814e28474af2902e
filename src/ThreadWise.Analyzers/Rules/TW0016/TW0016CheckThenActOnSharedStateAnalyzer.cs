using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0016, live part: an <c>if</c> that checks a field, auto-property or captured local and then changes it in its
/// branch (<c>if (_balance &gt;= amount) _balance -= amount;</c>), outside any lock, in code that runs concurrently with
/// other code writing the same location. Built on TW0001's concurrency model and walk (the check-then-act sites are
/// recorded by <see cref="TW0001Collector"/>, the races decided by the same <see cref="TW0001Concurrency"/> pass and
/// memoized in <see cref="TW0001Shared"/>): one pass per top-level type, like TW0001's live analyzer; stories that span
/// types are reported at build time by <see cref="TW0016CrossTypeAnalyzer"/>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0016CheckThenActOnSharedStateAnalyzer : DiagnosticAnalyzer
{
    internal const string Title = "Check-then-act on shared state without a lock";
    internal const string MessageFormat =
        "'{0}' is checked and then {1} with no lock around both, {2}; another thread can change it between the check and the {3}";
    internal const string Description =
        "An if that tests a field and then changes it (if (_balance >= amount) _balance -= amount;) is two steps. When " +
        "code on another thread changes the field in between, the test no longer holds when the change is made: two " +
        "threads both see 1,000 and both withdraw 800, leaving -600. Interlocked and volatile cannot help; take one lock " +
        "around the whole if (and around every other write of the field), or make the check and the change one atomic " +
        "compare-exchange (ThreadWise.Atomic.TryUpdate).";

    internal static readonly DiagnosticDescriptor Rule = Create(compilationEnd: false);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    internal static DiagnosticDescriptor Create(bool compilationEnd) => RuleDescriptors.Create(
        RuleIds.CheckThenActOnSharedState,
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
            // As TW0001: nested types' members reach their outermost type's actions (dotnet/roslyn#68484).
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
                if (race.Check is not null)
                {
                    end.ReportDiagnostic(Create(Rule, race));
                }
            }
        });
    }

    /// <summary>On the <c>if (condition)</c> (not its branches), with the launch and the racing write as related locations.</summary>
    internal static Diagnostic Create(DiagnosticDescriptor descriptor, Race race)
    {
        var check = race.Check!;
        var location = check is IfStatementSyntax statement
            ? Location.Create(check.SyntaxTree, TextSpan.FromBounds(statement.IfKeyword.SpanStart, statement.CloseParenToken.Span.End))
            : check.GetLocation();
        var noun = race.Verb switch
        {
            "set" => "write",
            "incremented" => "increment",
            "decremented" => "decrement",
            _ => "update",
        };
        return Diagnostic.Create(
            descriptor,
            location,
            additionalLocations: race.Related,
            properties: ImmutableDictionary<string, string?>.Empty,
            race.Name,
            race.Verb,
            race.Reason,
            noun);
    }
}
