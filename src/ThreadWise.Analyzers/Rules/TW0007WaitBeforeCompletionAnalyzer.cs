using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0007: waiting for the consumers of a collection, channel, dataflow block or worker pool before telling them that no
/// more work comes (Python's <c>pool.join()</c> before <c>pool.close()</c>): in .NET a silent permanent hang. Also
/// adding work after the completion signal on every path (an exception, or an item silently dropped).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0007WaitBeforeCompletionAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: <see cref="WaitKind"/> or <see cref="AddKind"/>.</summary>
    internal const string KindProperty = "Kind";

    /// <summary>Diagnostic property: the method the fix calls on the completion's receiver (<c>CompleteAdding</c>, <c>Complete</c>, <c>Close</c>).</summary>
    internal const string MethodProperty = "Method";

    /// <summary>Diagnostic property: "true" when calling the completion a second time is harmless (<c>CompleteAdding</c>, a block's <c>Complete</c>, <c>TryComplete</c>).</summary>
    internal const string RepeatableProperty = "Repeatable";

    /// <summary>
    /// Diagnostic property: "true" when no completion call exists at all (the body creates the collection and never
    /// completes it). The fix then inserts <c>{Receiver}.{Method}();</c> as a statement right before the statement of
    /// the wait (the diagnostic's location); there is no completion call to move.
    /// </summary>
    internal const string MissingProperty = "Missing";

    /// <summary>Diagnostic property (with <see cref="MissingProperty"/>): the receiver of the completion to insert, as code (<c>q</c>, <c>ch.Writer</c>).</summary>
    internal const string ReceiverProperty = "Receiver";

    internal const string WaitKind = "Wait";
    internal const string AddKind = "Add";

    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.WaitBeforeCompletion,
        title: "Waiting for consumers before completing what they consume",
        messageFormat: "{0}",
        RuleCategories.Lifecycle,
        DiagnosticSeverity.Warning,
        description: "Consumers of a BlockingCollection, a Channel, a dataflow block or a worker pool run until the producer " +
                     "side says that no more work comes (CompleteAdding, Writer.Complete, Complete, Close). Waiting for them " +
                     "before that call hangs forever; adding work after it throws or silently drops the item.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var model = ThreadingModel.Get(start.Compilation);
            if (model.Completions.IsEmpty || model.Tasks.Task is null)
            {
                return;
            }

            var loops = new ConsumerLoops(model.Completions, model.Launches, model.Tasks);
            start.RegisterOperationBlockStartAction(blockStart =>
            {
                // Most bodies neither complete nor create a completable: flag a completion call or a creation as the
                // driver visits invocations and creations, and only then walk the body and build its control-flow graphs.
                var seen = new CompletionSeen();
                blockStart.RegisterOperationAction(
                    c =>
                    {
                        if (!seen.Value &&
                            ((c.Operation is IInvocationOperation invocation && model.Completions.Classify(invocation, out _) == CompletionRole.Complete) ||
                             LocalCompletables.IsCreation(c.Operation, model.Completions)))
                        {
                            seen.Value = true;
                        }
                    },
                    OperationKind.Invocation,
                    OperationKind.ObjectCreation);
                blockStart.RegisterOperationBlockEndAction(c =>
                {
                    if (seen.Value)
                    {
                        Analyze(c, model, loops);
                    }
                });
            });
        });
    }

    /// <summary>Set once a body is seen to call a completion method or create a completable (read after the body's operations were visited).</summary>
    private sealed class CompletionSeen
    {
        public volatile bool Value;
    }

    private static void Analyze(OperationBlockAnalysisContext context, ThreadingModel model, ConsumerLoops loops)
    {
        foreach (var block in context.OperationBlocks)
        {
            if (block is not (IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation) ||
                block.SemanticModel is not { } semanticModel)
            {
                continue;
            }

            // A body that completes nothing matters only when it creates a completable and launches something (its
            // consumers), or creates a block or pool (which runs its own).
            var hasCompletion = HasCompletion(block, model.Completions);
            var local = hasCompletion || HasLaunch(block, model.Launches, model.Completions) ? LocalCompletables.Collect(block, model.Completions) : ImmutableHashSet<AccessPath>.Empty;
            if (local.IsEmpty && !hasCompletion)
            {
                continue;
            }

            var consumers = ConsumerTasks.Collect(block, model, loops, semanticModel, context.OwningSymbol.ContainingType, context.CancellationToken);
            var root = context.GetControlFlowGraph(block);
            var graphs = new List<ControlFlowGraph>(ControlFlowGraphs.SelfAndNested(root, context.CancellationToken));
            var explicitlyIn = new Dictionary<ControlFlowGraph, ImmutableHashSet<AccessPath>>();
            var mayIn = new Dictionary<ControlFlowGraph, ImmutableHashSet<AccessPath>>();
            foreach (var graph in graphs)
            {
                mayIn[graph] = CompletionFlow.Completions(graph, model, loops, semanticModel, out var explicitly, context.CancellationToken);
                explicitlyIn[graph] = explicitly;
            }

            var reported = new HashSet<Location>();
            void report(Diagnostic diagnostic)
            {
                reported.Add(diagnostic.Location);
                context.ReportDiagnostic(diagnostic);
            }

            // Created here, never let out, and completed by nothing in this body: no call anywhere can complete it.
            var missing = local;
            foreach (var graph in graphs)
            {
                missing = missing.Except(mayIn[graph]);
            }

            foreach (var graph in graphs)
            {
                var universe = explicitlyIn[graph].Union(missing);
                if (universe.IsEmpty)
                {
                    continue;
                }

                // Completed by another body too (a producer task, a local function): who completes first is not provable here.
                var elsewhere = ImmutableHashSet<AccessPath>.Empty;
                foreach (var other in graphs)
                {
                    if (other != graph)
                    {
                        elsewhere = elsewhere.Union(mayIn[other]);
                    }
                }

                var flow = new CompletionFlow(graph, model, loops, consumers, semanticModel, universe, elsewhere, missing);
                flow.Report(report, context.CancellationToken);
            }

            SwitchBreakCompletions.Report(block, model.Completions, reported, context.ReportDiagnostic);
        }
    }

    private static bool HasLaunch(IOperation block, LaunchApi launches, CompletionApi completions)
    {
        foreach (var operation in block.DescendantsAndSelf())
        {
            if (operation is IObjectCreationOperation { Type: var created } && !created.Is(completions.BlockingCollection) &&
                LocalCompletables.IsCreation(operation, completions))
            {
                return true;
            }

            var method = operation switch
            {
                IInvocationOperation invocation => invocation.TargetMethod,
                IObjectCreationOperation creation => creation.Constructor,
                _ => null,
            };
            if (method is not null && launches.TryGetLaunch(method, out _))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasCompletion(IOperation block, CompletionApi api)
    {
        foreach (var operation in block.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation && api.Classify(invocation, out _) == CompletionRole.Complete)
            {
                return true;
            }
        }

        return false;
    }
}
