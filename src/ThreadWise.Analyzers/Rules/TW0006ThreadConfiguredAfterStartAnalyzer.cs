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
/// TW0006: <c>IsBackground</c> or the apartment state of a <c>Thread</c> set after <c>Start()</c> on some path.
/// Setting <c>IsBackground</c> on a finished thread throws <c>ThreadStateException</c> (a timing-dependent crash), and
/// until it runs the thread keeps the process alive; <c>SetApartmentState</c> after <c>Start</c> always throws.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0006ThreadConfiguredAfterStartAnalyzer : DiagnosticAnalyzer
{
    internal const string IsBackgroundSetting = "IsBackground";
    internal const string ApartmentStateSetting = "the apartment state";

    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.ThreadConfiguredAfterStart,
        title: "Thread configured after Start",
        messageFormat: "'{0}' sets {1} after the thread was started at line {2}: set it before Start()",
        RuleCategories.Lifecycle,
        DiagnosticSeverity.Warning,
        description: "IsBackground and the apartment state configure how a thread starts. Set after Start(), IsBackground " +
                     "throws ThreadStateException once the thread has finished (a timing-dependent crash) and the thread keeps " +
                     "the process alive until it runs; SetApartmentState after Start() always throws.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var threads = ThreadingModel.Get(start.Compilation).Threads;
            if (threads.Thread is null || threads.StartMethods.IsEmpty)
            {
                return;
            }

            start.RegisterOperationAction(
                c => AnalyzeConfiguration(c, threads),
                OperationKind.SimpleAssignment,
                OperationKind.Invocation);
        });
    }

    private static void AnalyzeConfiguration(OperationAnalysisContext context, ThreadApi threads)
    {
        if (!TryGetConfiguredThread(context.Operation, threads, out var thread, out var setting) ||
            !AccessPath.TryCreate(UnwrapConditionalReceiver(thread), out var path))
        {
            return;
        }

        var site = context.Operation.Syntax;
        var graph = ControlFlowGraphs.FindGraphContaining(context.GetControlFlowGraph(), site, context.CancellationToken);
        var start = StartedThreads.FindStartReaching(graph, threads, path, site, context.CancellationToken);
        if (start is null)
        {
            return;
        }

        var line = start.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
        context.ReportDiagnostic(Diagnostic.Create(
            Rule,
            site.GetLocation(),
            additionalLocations: new[] { start.GetLocation() },
            properties: ImmutableDictionary<string, string?>.Empty.Add("Setting", setting),
            path.Display,
            setting,
            line));
    }

    /// <summary>Recognizes <c>t.IsBackground = …</c>, <c>t.ApartmentState = …</c> and <c>t.(Try)SetApartmentState(…)</c>.</summary>
    internal static bool TryGetConfiguredThread(IOperation operation, ThreadApi threads, out IOperation? thread, out string setting)
    {
        switch (operation)
        {
            case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property }
                when SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, threads.IsBackground):
                thread = property.Instance;
                setting = IsBackgroundSetting;
                return thread is not null;
            case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property }
                when SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, threads.ApartmentState):
                thread = property.Instance;
                setting = ApartmentStateSetting;
                return thread is not null;
            case IInvocationOperation invocation when threads.SetApartmentStateMethods.ContainsMethod(invocation.TargetMethod):
                thread = invocation.Instance;
                setting = ApartmentStateSetting;
                return thread is not null;
            default:
                thread = null;
                setting = string.Empty;
                return false;
        }
    }

    /// <summary>In <c>t?.SetApartmentState(…)</c> the receiver is the conditional access's operand.</summary>
    private static IOperation? UnwrapConditionalReceiver(IOperation? operation)
    {
        if (operation is not IConditionalAccessInstanceOperation)
        {
            return operation;
        }

        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IConditionalAccessOperation access)
            {
                return access.Operation;
            }
        }

        return operation;
    }

    /// <summary>Which threads may have been started at each point of one executable body.</summary>
    private static class StartedThreads
    {
        private static readonly ImmutableDictionary<AccessPath, SyntaxNode> None = ImmutableDictionary<AccessPath, SyntaxNode>.Empty;

        /// <summary>The first <c>Start()</c> of <paramref name="path"/> that reaches <paramref name="site"/> on some path, or null.</summary>
        public static SyntaxNode? FindStartReaching(ControlFlowGraph graph, ThreadApi threads, AccessPath path, SyntaxNode site, CancellationToken cancellationToken)
        {
            var captures = Captures(graph);
            var input = ForwardFlow.Run(
                graph,
                None,
                None,
                Join,
                (block, state) => Transfer(block, state, threads, captures, null, out _),
                StateEquals,
                cancellationToken);

            foreach (var block in graph.Blocks)
            {
                if (!block.IsReachable)
                {
                    continue;
                }

                Transfer(block, input[block.Ordinal], threads, captures, site, out var atSite);
                if (atSite is not null && atSite.TryGetValue(path, out var start))
                {
                    return start;
                }
            }

            return null;
        }

        /// <summary>
        /// Applies the block's starts (gen) and assignments (kill) in order. When <paramref name="site"/> is in the block,
        /// <paramref name="atSite"/> receives the state just before it.
        /// </summary>
        private static ImmutableDictionary<AccessPath, SyntaxNode> Transfer(
            BasicBlock block,
            ImmutableDictionary<AccessPath, SyntaxNode> state,
            ThreadApi threads,
            Dictionary<CaptureId, IOperation> captures,
            SyntaxNode? site,
            out ImmutableDictionary<AccessPath, SyntaxNode>? atSite)
        {
            atSite = null;
            foreach (var statement in ControlFlowGraphs.OperationsOf(block))
            {
                foreach (var operation in ControlFlowGraphs.SelfAndDescendantsInOrder(statement))
                {
                    if (site is not null && atSite is null && operation.Syntax == site &&
                        operation.Kind is OperationKind.SimpleAssignment or OperationKind.Invocation)
                    {
                        atSite = state;
                    }

                    switch (operation)
                    {
                        case IInvocationOperation invocation when threads.StartMethods.ContainsMethod(invocation.TargetMethod):
                            if (AccessPath.TryCreate(Resolve(invocation.Instance, captures), out var started) && !state.ContainsKey(started))
                            {
                                state = state.SetItem(started, invocation.Syntax);
                            }

                            break;
                        case ISimpleAssignmentOperation assignment:
                            state = Kill(state, assignment.Target);
                            break;
                        case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                            state = Kill(state, argument.Value);
                            break;
                    }
                }
            }

            return state;
        }

        /// <summary>The values the graph captured (<c>t?.Start()</c> evaluates <c>t</c> once into a capture).</summary>
        private static Dictionary<CaptureId, IOperation> Captures(ControlFlowGraph graph)
        {
            var captures = new Dictionary<CaptureId, IOperation>();
            foreach (var block in graph.Blocks)
            {
                foreach (var operation in ControlFlowGraphs.OperationsOf(block))
                {
                    if (operation is IFlowCaptureOperation capture && !captures.ContainsKey(capture.Id))
                    {
                        captures.Add(capture.Id, capture.Value);
                    }
                }
            }

            return captures;
        }

        private static IOperation? Resolve(IOperation? operation, Dictionary<CaptureId, IOperation> captures)
        {
            for (var depth = 0; depth < 8 && operation is IFlowCaptureReferenceOperation reference; depth++)
            {
                if (!captures.TryGetValue(reference.Id, out var value))
                {
                    return operation;
                }

                operation = value;
            }

            return operation;
        }

        private static ImmutableDictionary<AccessPath, SyntaxNode> Kill(ImmutableDictionary<AccessPath, SyntaxNode> state, IOperation target)
        {
            if (state.IsEmpty || !AccessPath.TryCreate(target, out var assigned))
            {
                return state;
            }

            foreach (var key in state.Keys)
            {
                if (key.StartsWith(assigned))
                {
                    state = state.Remove(key);
                }
            }

            return state;
        }

        private static ImmutableDictionary<AccessPath, SyntaxNode> Join(
            ImmutableDictionary<AccessPath, SyntaxNode> left,
            ImmutableDictionary<AccessPath, SyntaxNode> right)
        {
            if (left.IsEmpty)
            {
                return right;
            }

            foreach (var pair in right)
            {
                // Keep the earliest start so messages are stable whatever the visiting order.
                if (!left.TryGetValue(pair.Key, out var existing) || pair.Value.SpanStart < existing.SpanStart)
                {
                    left = left.SetItem(pair.Key, pair.Value);
                }
            }

            return left;
        }

        private static bool StateEquals(ImmutableDictionary<AccessPath, SyntaxNode> left, ImmutableDictionary<AccessPath, SyntaxNode> right)
        {
            if (left.Count != right.Count)
            {
                return false;
            }

            foreach (var pair in left)
            {
                if (!right.TryGetValue(pair.Key, out var other) || other != pair.Value)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
