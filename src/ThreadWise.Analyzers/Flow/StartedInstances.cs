using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Flow;

/// <summary>A start that may have happened: where, and what it started.</summary>
internal readonly struct StartFact
{
    public StartFact(SyntaxNode site, StartKind kind)
    {
        Site = site;
        Kind = kind;
    }

    public SyntaxNode Site { get; }

    public StartKind Kind { get; }
}

/// <summary>
/// Which threads, tasks and processes may have been started at each point of one executable body (a forward
/// may-analysis over the control-flow graph). A start (or a hot task assigned to a variable) adds the instance's
/// access path; assigning the path (or a prefix of it), passing it by <c>ref</c>/<c>out</c>, or ending a process
/// removes it. Calls that may reassign it out of sight remove it too: a local function or delegate call removes
/// everything, a call to a method declared in source removes every path that is not a plain local or parameter.
/// </summary>
internal static class StartedInstances
{
    private static readonly ImmutableDictionary<AccessPath, StartFact> None = ImmutableDictionary<AccessPath, StartFact>.Empty;

    /// <summary>
    /// The first start of <paramref name="path"/> that reaches <paramref name="site"/> (a call, or an assignment such as
    /// <c>t.IsBackground = true</c>) on some path, or null.
    /// </summary>
    public static StartFact? FindStartReaching(
        ControlFlowGraph graph, StartApi starts, AccessPath path, SyntaxNode site, CancellationToken cancellationToken,
        ImmutableDictionary<AccessPath, StartFact>? entry = null)
    {
        // One body often has several sites (every Start, every setting after a start): its captures, operations in
        // order and the flow from an empty entry are computed once per graph and shared by all of them.
        var facts = GraphFacts.Get(graph);
        var captures = facts.Captures;
        var input = entry is null ? facts.DefaultInput : null;
        if (input is null)
        {
            input = ForwardFlow.Run(
                graph,
                entry ?? None,
                None,
                Join,
                (block, state) => Transfer(block, state, starts, facts, null, out _),
                StateEquals,
                cancellationToken);
            if (entry is null)
            {
                facts.DefaultInput = input;
            }
        }

        foreach (var block in graph.Blocks)
        {
            if (!block.IsReachable)
            {
                continue;
            }

            Transfer(block, input[block.Ordinal], starts, facts, site, out var atSite);
            if (atSite is not null && atSite.TryGetValue(path, out var fact))
            {
                return fact;
            }
        }

        return null;
    }

    /// <summary>
    /// For a site inside a lambda that runs where it is handed over (<c>Assert.Throws(() =&gt; t.Start())</c>, or a local
    /// delegate invoked later, <c>Action a = () =&gt; t.Start(); a();</c>): the start of a captured local that reaches the
    /// point where the lambda runs, and then the site inside the lambda. Null when the site is not in such a lambda.
    /// </summary>
    public static StartFact? FindStartReachingInvokedLambda(
        ControlFlowGraph graph, StartApi starts, AccessPath path, IOperation siteOperation, CancellationToken cancellationToken)
    {
        if (graph.Parent is not { } outer || path.Root is not (ILocalSymbol or IParameterSymbol))
        {
            return null;
        }

        IOperation? lambda = siteOperation.Parent;
        while (lambda is not null and not (IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            lambda = lambda.Parent;
        }

        if (lambda is not IAnonymousFunctionOperation { Symbol: var function } ||
            SymbolEqualityComparer.Default.Equals(path.Root.ContainingSymbol, function))
        {
            return null;
        }

        foreach (var runSite in RunSites(lambda))
        {
            if (FindStartReaching(outer, starts, path, runSite, cancellationToken) is { } before)
            {
                return FindStartReaching(graph, starts, path, siteOperation.Syntax, cancellationToken, None.Add(path, before));
            }
        }

        return null;
    }

    /// <summary>Where a lambda runs synchronously as far as this body can tell: the call it is an argument of, or the invocations of the local delegate it initializes.</summary>
    private static IEnumerable<SyntaxNode> RunSites(IOperation lambda)
    {
        var user = lambda.Parent;
        while (user is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
        {
            user = user.Parent;
        }

        switch (user)
        {
            case IArgumentOperation { Parent: IInvocationOperation call }:
                yield return call.Syntax;
                break;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var local } }:
                foreach (var operation in OperationTree.Root(lambda).DescendantsAndSelf())
                {
                    if (operation is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke, Instance: ILocalReferenceOperation reference } invoke &&
                        SymbolEqualityComparer.Default.Equals(reference.Local, local))
                    {
                        yield return invoke.Syntax;
                    }
                }

                break;
        }
    }

    private static ImmutableDictionary<AccessPath, StartFact> Transfer(
        BasicBlock block,
        ImmutableDictionary<AccessPath, StartFact> state,
        StartApi starts,
        GraphFacts facts,
        SyntaxNode? site,
        out ImmutableDictionary<AccessPath, StartFact>? atSite)
    {
        atSite = null;
        var captures = facts.Captures;
        foreach (var operation in facts.OperationsInOrder(block))
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    if (site is not null && atSite is null && invocation.Syntax == site)
                    {
                        atSite = state;
                    }

                    state = Invoke(state, invocation, starts, captures);
                    break;
                case ISimpleAssignmentOperation assignment:
                    if (site is not null && atSite is null && assignment.Syntax == site)
                    {
                        atSite = state;
                    }

                    state = Kill(state, assignment.Target, captures);
                    if (starts.IsHotTask(assignment.Value) && TryGetPath(assignment.Target, captures, out var hot))
                    {
                        state = state.SetItem(hot, new StartFact(StartApi.Unwrap(assignment.Value)!.Syntax, StartKind.HotTask));
                    }

                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (var target in deconstruction.Target.DescendantsAndSelf())
                    {
                        state = Kill(state, target, captures);
                    }

                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                    state = Kill(state, argument.Value, captures);
                    break;
            }
        }

        return state;
    }

    private static ImmutableDictionary<AccessPath, StartFact> Invoke(
        ImmutableDictionary<AccessPath, StartFact> state, IInvocationOperation invocation, StartApi starts, FlowCaptures captures)
    {
        if (starts.TryGetStart(invocation, out var kind))
        {
            if (TryGetPath(invocation.Instance, captures, out var started) && !state.ContainsKey(started))
            {
                state = state.SetItem(started, new StartFact(invocation.Syntax, kind));
            }

            return state;
        }

        var isWrapperStart = starts.TryGetWrapperStart(invocation, out var startedField);
        state = KillWrappersUsedBy(state, invocation, isWrapperStart ? startedField : null, captures);
        if (isWrapperStart)
        {
            if (TryGetWrapperKey(invocation.Instance, startedField, captures, out var wrapper) && !state.ContainsKey(wrapper))
            {
                state = state.SetItem(wrapper, new StartFact(invocation.Syntax, StartKind.Wrapper));
            }

            return state;
        }

        if (state.IsEmpty)
        {
            return state;
        }

        if (starts.IsProcessEnd(invocation))
        {
            return Kill(state, invocation.Instance, captures);
        }

        var method = invocation.TargetMethod;
        if (method.MethodKind is MethodKind.LocalFunction or MethodKind.DelegateInvoke)
        {
            return None;
        }

        // A method of this program may reassign fields out of sight; a hot task assigned from its result is kept.
        var user = invocation.Parent;
        while (user is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
        {
            user = user.Parent;
        }

        if (method.Locations.Length > 0 && method.Locations[0].IsInSource && user is not ISimpleAssignmentOperation)
        {
            foreach (var key in state.Keys)
            {
                if (key.Symbols.Length > 1 || key.Root is not (ILocalSymbol or IParameterSymbol))
                {
                    state = state.Remove(key);
                }
            }
        }

        return state;
    }

    /// <summary>
    /// Any other call on a started wrapper, or one it is passed to, may stop it and make a new thread (<c>w.Stop()</c>):
    /// its start is forgotten. Its own start method again keeps it (the same call starts the same thread).
    /// Wrapper starts are keyed by the receiver and the started field (<c>w._thread</c>).
    /// </summary>
    private static ImmutableDictionary<AccessPath, StartFact> KillWrappersUsedBy(
        ImmutableDictionary<AccessPath, StartFact> state, IInvocationOperation invocation, IFieldSymbol? startedField, FlowCaptures captures)
    {
        var hasWrapper = false;
        foreach (var pair in state)
        {
            hasWrapper |= pair.Value.Kind == StartKind.Wrapper;
        }

        if (!hasWrapper)
        {
            return state;
        }

        var used = new List<IOperation?> { invocation.Instance };
        foreach (var argument in invocation.Arguments)
        {
            used.Add(argument.Value);
        }

        foreach (var operand in used)
        {
            if (!TryGetPath(operand, captures, out var path))
            {
                continue;
            }

            foreach (var pair in state)
            {
                if (pair.Value.Kind == StartKind.Wrapper && pair.Key.Symbols.Length == path.Symbols.Length + 1 && pair.Key.StartsWith(path) &&
                    !(operand == invocation.Instance && SymbolEqualityComparer.Default.Equals(pair.Key.Last, startedField)))
                {
                    state = state.Remove(pair.Key);
                }
            }
        }

        return state;
    }

    /// <summary>The key of a wrapper start: the receiver's path and the started field.</summary>
    internal static bool TryGetWrapperKey(IOperation? receiver, IFieldSymbol field, FlowCaptures? captures, out AccessPath key)
    {
        key = default;
        if (!(captures is null ? AccessPath.TryCreate(StartApi.Unwrap(receiver), out var path) : TryGetPath(receiver, captures, out path)))
        {
            return false;
        }

        key = AccessPath.FromSymbols(path.Symbols.Add(field));
        return true;
    }

    private static ImmutableDictionary<AccessPath, StartFact> Kill(
        ImmutableDictionary<AccessPath, StartFact> state, IOperation? target, FlowCaptures captures)
    {
        if (state.IsEmpty || !TryGetPath(target, captures, out var assigned))
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

    /// <summary>
    /// The access path of <paramref name="operation"/>, seeing through the flow captures the graph introduces (an
    /// assignment whose value has an object initializer captures its target first).
    /// </summary>
    private static bool TryGetPath(IOperation? operation, FlowCaptures captures, out AccessPath path) =>
        AccessPath.TryCreate(captures.Resolve(StartApi.Unwrap(operation)), out path);

    private static ImmutableDictionary<AccessPath, StartFact> Join(ImmutableDictionary<AccessPath, StartFact> left, ImmutableDictionary<AccessPath, StartFact> right)
    {
        if (left.IsEmpty)
        {
            return right;
        }

        foreach (var pair in right)
        {
            // Keep the earliest start so messages are stable whatever the visiting order.
            if (!left.TryGetValue(pair.Key, out var existing) || pair.Value.Site.SpanStart < existing.Site.SpanStart)
            {
                left = left.SetItem(pair.Key, pair.Value);
            }
        }

        return left;
    }

    private static bool StateEquals(ImmutableDictionary<AccessPath, StartFact> left, ImmutableDictionary<AccessPath, StartFact> right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        foreach (var pair in left)
        {
            if (!right.TryGetValue(pair.Key, out var other) || other.Site != pair.Value.Site)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What the flow of one graph needs whatever the site: computed once per graph (the driver caches graphs per body).</summary>
    private sealed class GraphFacts
    {
        private static readonly ConditionalWeakTable<ControlFlowGraph, GraphFacts> Cache = new();

        private GraphFacts(ControlFlowGraph graph)
        {
            Captures = FlowCaptures.Of(graph);
            Graph = graph;
        }

        public ControlFlowGraph Graph { get; }

        public FlowCaptures Captures { get; }

        /// <summary>The flow's input per block from an empty entry, once computed (the same for every site; racing writers store equal results).</summary>
        public volatile ImmutableDictionary<AccessPath, StartFact>[]? DefaultInput;

        public static GraphFacts Get(ControlFlowGraph graph) => Cache.GetValue(graph, static g => new GraphFacts(g));

        /// <summary>The operations of <paramref name="block"/> in execution order, computed once.</summary>
        public IOperation[] OperationsInOrder(BasicBlock block) => ControlFlowGraphs.OperationsInOrder(Graph, block);
    }
}
