using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;
using ThreadWise.Analyzers.Rules.TW0009;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0009: <c>Monitor.Wait/Pulse/PulseAll(x)</c> reached without the lock on <c>x</c> held (on no path of the body):
/// <c>SynchronizationLockException</c>. A body that does not hold it is judged by what runs it, within the type: the
/// calls of a private helper or local function, a launched lambda or method group, or the outside world for a
/// non-private method when the lock object is private. Per type (symbol start/end), so it squiggles live.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0009MonitorCallWithoutLockAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.MonitorCallWithoutLock,
        title: "Monitor.Wait or Pulse without holding the lock",
        messageFormat: "'{0}' is called without holding the lock on '{1}'{2}: it throws SynchronizationLockException",
        RuleCategories.Locking,
        DiagnosticSeverity.Warning,
        description: "Monitor.Wait, Pulse and PulseAll may only be called by the thread that holds the lock on the same " +
                     "object (inside lock (x), or between Monitor.Enter(x) and Monitor.Exit(x)); otherwise they throw " +
                     "SynchronizationLockException. Take the lock around the call, together with the state the waiter tests.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var model = ThreadingModel.Get(start.Compilation);
            var signals = SymbolSets.Methods(model.Locks.Monitor, "Wait", "Pulse", "PulseAll");
            if (signals.IsEmpty)
            {
                return;
            }

            start.RegisterSymbolStartAction(symbolStart =>
            {
                // Bodies are kept (not walked) until the end of the type, and only a type that calls Wait/Pulse is analyzed.
                var bodies = new ConcurrentBag<(ISymbol Owner, IOperation Block)>();
                var signalled = 0;
                symbolStart.RegisterOperationBlockAction(block =>
                {
                    foreach (var operation in block.OperationBlocks)
                    {
                        bodies.Add((block.OwningSymbol, operation));
                    }
                });
                symbolStart.RegisterOperationAction(
                    operation =>
                    {
                        if (signals.ContainsMethod(((IInvocationOperation)operation.Operation).TargetMethod))
                        {
                            Interlocked.Exchange(ref signalled, 1);
                        }
                    },
                    OperationKind.Invocation);
                symbolStart.RegisterSymbolEndAction(end =>
                {
                    if (Volatile.Read(ref signalled) == 1)
                    {
                        new MonitorCallsOfType((INamedTypeSymbol)end.Symbol, bodies, model, signals, end.CancellationToken)
                            .Run(diagnostic => end.ReportDiagnostic(diagnostic));
                    }
                });
            }, SymbolKind.NamedType);
        });
    }
}
