using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0004: two locks taken in opposite orders somewhere in the compilation (nested, or through calls), or the same
/// lock field of two caller-chosen instances taken nested without ordering them. Two threads that each hold one lock
/// and wait for the other hang forever; the CLR does not detect it.
/// </summary>
/// <remarks>
/// Each method body is summarized once, concurrently (which locks it takes and what it holds then, which methods it
/// calls while holding what); at compilation end the summaries become one graph whose strongly connected components
/// are the cycles, a linear walk. No per-operation call-graph walks.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0004InconsistentLockOrderAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.InconsistentLockOrder,
        title: "Locks taken in inconsistent order",
        messageFormat: "{0} takes '{1}' while holding '{2}'{3}; {4}",
        RuleCategories.Locking,
        DiagnosticSeverity.Warning,
        description: "A thread that holds lock A and waits for lock B deadlocks with a thread that holds B and waits for A. " +
                     "The rule builds the lock-order graph of the whole compilation (nested acquisitions and acquisitions " +
                     "in called methods, with lock, Monitor, Lock, SemaphoreSlim, Mutex and ReaderWriterLockSlim) and reports " +
                     "every acquisition in a cycle, and the same lock field of two instances taken nested without an order.",
        compilationEnd: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <summary>The symbol calls bind to: the original definition, and the declaring part of a partial method.</summary>
    internal static IMethodSymbol Key(IMethodSymbol method) => (method.PartialDefinitionPart ?? method).OriginalDefinition;

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var locks = ThreadingModel.Get(start.Compilation).Locks;
            if (locks.Monitor is null)
            {
                return;
            }

            var lockSet = WellKnownTypes.Get(start.Compilation, "ThreadWise.LockSet");
            var lockSetEnter = SymbolSets.Methods(lockSet, "Enter");
            var assembly = start.Compilation.Assembly;
            var summaries = new ConcurrentQueue<MethodLockSummary>();

            start.RegisterOperationBlockAction(block =>
            {
                if (block.OwningSymbol is not IMethodSymbol method)
                {
                    return;
                }

                var output = new List<MethodLockSummary>();
                foreach (var operation in block.OperationBlocks)
                {
                    if (operation is IMethodBodyBaseOperation or IBlockOperation)
                    {
                        LockSummaryWalker.Summarize(locks, lockSetEnter, assembly, Key(method), operation, output, block.CancellationToken);
                    }
                }

                foreach (var summary in output)
                {
                    summaries.Enqueue(summary);
                }
            });

            start.RegisterCompilationEndAction(end =>
            {
                if (summaries.IsEmpty)
                {
                    return;
                }

                // Summaries arrive in any order; sort them so the graph, and so the messages, are deterministic.
                var ordered = summaries
                    .OrderBy(s => s.Syntax.SyntaxTree.FilePath, StringComparer.Ordinal)
                    .ThenBy(s => s.Syntax.SpanStart)
                    .ToList();
                if (!ordered.Any(s => s.Acquisitions.Count > 0))
                {
                    return;
                }

                var reports = LockOrderGraph.FindCycles(ordered, end.CancellationToken);
                reports.AddRange(SameFieldLocks.Find(ordered, end.CancellationToken));
                var reported = new HashSet<(SyntaxNode, string)>();
                foreach (var report in reports
                             .OrderBy(r => r.Site.SyntaxTree.FilePath, StringComparer.Ordinal)
                             .ThenBy(r => r.Site.SpanStart))
                {
                    if (!reported.Add((report.Site, report.Held)))
                    {
                        continue;
                    }

                    end.ReportDiagnostic(Diagnostic.Create(
                        Rule,
                        report.Site.GetLocation(),
                        additionalLocations: report.OtherSite is null ? null : new[] { report.OtherSite.GetLocation() },
                        properties: report.Properties,
                        report.Method,
                        report.Taken,
                        report.Held,
                        report.Via,
                        report.Reverse));
                }
            });
        });
    }
}
