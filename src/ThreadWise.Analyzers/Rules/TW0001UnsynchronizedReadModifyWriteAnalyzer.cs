using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0001: a read-modify-write (<c>x++</c>, <c>x += n</c>, <c>x = x + n</c>) of a static or instance field, an array
/// element or a captured local, executed by code that runs concurrently with other code writing the same location,
/// outside any lock and not through <c>Interlocked</c>. Concurrent code is the bodies handed to the launching APIs
/// (<see cref="LaunchApi"/>) and the source methods they call, transitively. Whole-compilation: per-body summaries are
/// gathered concurrently, the call graph is walked once per launched body at compilation end.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0001UnsynchronizedReadModifyWriteAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.UnsynchronizedReadModifyWrite,
        title: "Unsynchronized read-modify-write of shared state",
        messageFormat: "'{0}' is {1} without synchronization {2}; concurrent updates can be lost",
        RuleCategories.Race,
        DiagnosticSeverity.Warning,
        description: "x++, x += n and x = x + n read, compute and write back in separate steps. When code on another thread " +
                     "updates the same field, array element or captured local in between, one of the updates is lost, silently " +
                     "(2 threads × 1,000,000 increments gave 1,235,473). volatile does not help. Use Interlocked, or a lock " +
                     "around every access.",
        compilationEnd: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var model = ThreadingModel.Get(start.Compilation);
            if (model.Launches.Parallel is null && model.Threads.Thread is null && model.Tasks.Task is null && model.Launches.ThreadPool is null)
            {
                return;
            }

            var bodies = new ConcurrentBag<BodySummary>();
            var collector = new TW0001Collector(model, bodies);
            start.RegisterOperationBlockAction(collector.Collect);
            start.RegisterCompilationEndAction(end =>
            {
                foreach (var (access, launch, reason) in new TW0001Concurrency(bodies, end.CancellationToken).FindRaces())
                {
                    end.ReportDiagnostic(Diagnostic.Create(
                        Rule,
                        access.Syntax.GetLocation(),
                        additionalLocations: new[] { launch.Site.GetLocation() },
                        properties: ImmutableDictionary<string, string?>.Empty,
                        Display(access),
                        Verb(access.Kind),
                        reason));
                }
            });
        });
    }

    private static string Display(StorageAccess access)
    {
        var target = access.Syntax switch
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.PostfixUnaryExpressionSyntax p => p.Operand,
            Microsoft.CodeAnalysis.CSharp.Syntax.PrefixUnaryExpressionSyntax p => p.Operand,
            Microsoft.CodeAnalysis.CSharp.Syntax.AssignmentExpressionSyntax a => a.Left,
            _ => access.Syntax,
        };
        var text = target.ToString();
        return text.Length <= 60 ? text : access.Path.Symbols[access.Path.Symbols.Length - 1].Name;
    }

    private static string Verb(ReadModifyWriteKind kind) => kind switch
    {
        ReadModifyWriteKind.Increment => "incremented",
        ReadModifyWriteKind.Decrement => "decremented",
        _ => "updated",
    };
}
