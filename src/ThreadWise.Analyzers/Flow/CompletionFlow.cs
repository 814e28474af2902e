using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;
using ThreadWise.Analyzers.Rules;

namespace ThreadWise.Analyzers.Flow;

/// <summary>
/// TW0007's walk of one executable body: which completables may still be uncompleted at each point (a may-analysis:
/// a path on which no completion ran yet), then the waits on their consumers that a completion follows, and the adds
/// that come after a completion on every path.
/// </summary>
internal sealed class CompletionFlow
{
    private readonly ControlFlowGraph _graph;
    private readonly ThreadingModel _model;
    private readonly ConsumerLoops _loops;
    private readonly ConsumerTasks _consumers;
    private readonly SemanticModel _semanticModel;
    private readonly ImmutableHashSet<AccessPath> _universe;
    private readonly ImmutableHashSet<AccessPath> _elsewhere;
    private readonly ImmutableHashSet<AccessPath> _missing;
    private readonly List<Site> _completions = new();
    private readonly Dictionary<int, HashSet<int>> _reachable = new();
    private readonly FlowCaptures _captures;

    // The fixed point visits a block several times: what each call may complete is computed once.
    private readonly Dictionary<IInvocationOperation, ImmutableHashSet<AccessPath>> _mayCompleteByCall = new();

    public CompletionFlow(
        ControlFlowGraph graph,
        ThreadingModel model,
        ConsumerLoops loops,
        ConsumerTasks consumers,
        SemanticModel semanticModel,
        ImmutableHashSet<AccessPath> universe,
        ImmutableHashSet<AccessPath> elsewhere,
        ImmutableHashSet<AccessPath> missing)
    {
        _missing = missing;
        _graph = graph;
        _model = model;
        _loops = loops;
        _consumers = consumers;
        _semanticModel = semanticModel;
        _universe = universe;
        _elsewhere = elsewhere;
        _captures = FlowCaptures.Of(graph);
    }

    private readonly struct Site
    {
        public Site(int block, int index, AccessPath key, IInvocationOperation call)
        {
            Block = block;
            Index = index;
            Key = key;
            Call = call;
        }

        public int Block { get; }

        public int Index { get; }

        public AccessPath Key { get; }

        public IInvocationOperation Call { get; }
    }

    private sealed class State
    {
        public static readonly State Bottom = new(ImmutableHashSet<AccessPath>.Empty, ImmutableHashSet<AccessPath>.Empty);

        public State(ImmutableHashSet<AccessPath> mayBeOpen, ImmutableHashSet<AccessPath> mayBeOpenExplicitly)
        {
            MayBeOpen = mayBeOpen;
            MayBeOpenExplicitly = mayBeOpenExplicitly;
        }

        /// <summary>On some path no completion (explicit, or possibly by a call that was handed the object) ran yet.</summary>
        public ImmutableHashSet<AccessPath> MayBeOpen { get; }

        /// <summary>On some path no explicit completion ran yet (the complement: completed on every path).</summary>
        public ImmutableHashSet<AccessPath> MayBeOpenExplicitly { get; }

        public static State Join(State left, State right)
        {
            // The fixed point joins a block's state with itself and with the bottom state often: no new state then.
            if (left == right || right == Bottom)
            {
                return left;
            }

            return left == Bottom
                ? right
                : new(left.MayBeOpen.Union(right.MayBeOpen), left.MayBeOpenExplicitly.Union(right.MayBeOpenExplicitly));
        }

        public static bool Equal(State left, State right) =>
            left.MayBeOpen.SetEquals(right.MayBeOpen) && left.MayBeOpenExplicitly.SetEquals(right.MayBeOpenExplicitly);
    }

    /// <summary>
    /// The completables explicitly completed in <paramref name="graph"/> (<paramref name="explicitly"/>) and those it may
    /// complete, also through calls it hands them to (the result).
    /// </summary>
    public static ImmutableHashSet<AccessPath> Completions(
        ControlFlowGraph graph, ThreadingModel model, ConsumerLoops loops, SemanticModel semanticModel,
        out ImmutableHashSet<AccessPath> explicitly, CancellationToken cancellationToken)
    {
        explicitly = ImmutableHashSet<AccessPath>.Empty;
        var may = ImmutableHashSet<AccessPath>.Empty;
        var captures = FlowCaptures.Of(graph);
        foreach (var block in graph.Blocks)
        {
            foreach (var operation in ControlFlowGraphs.OperationsInOrder(graph, block))
            {
                if (operation is not IInvocationOperation call)
                {
                    continue;
                }

                var role = model.Completions.Classify(call, out var subject);
                if (role == CompletionRole.Complete && model.Completions.TryGetKey(captures.Resolve(subject), out var key))
                {
                    explicitly = explicitly.Add(key);
                    may = may.Add(key);
                }
                else if (role == CompletionRole.None)
                {
                    may = may.Union(MayCompleteByCall(call, model, loops, semanticModel, null, captures, cancellationToken));
                }
            }
        }

        return may;
    }

    public void Report(Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        CollectCompletionSites();
        var entry = new State(_universe, _universe);
        var input = ForwardFlow.Run(_graph, entry, State.Bottom, State.Join, (block, state) => Transfer(block, state, null, cancellationToken), State.Equal, cancellationToken);
        foreach (var block in _graph.Blocks)
        {
            if (block.IsReachable)
            {
                Transfer(block, input[block.Ordinal], report, cancellationToken);
            }
        }
    }

    private State Transfer(BasicBlock block, State state, Action<Diagnostic>? report, CancellationToken cancellationToken)
    {
        var operations = ControlFlowGraphs.OperationsInOrder(_graph, block);
        for (var index = 0; index < operations.Length; index++)
        {
            if (report is not null)
            {
                Check(operations[index], block.Ordinal, index, state, report);
            }

            state = Apply(operations[index], state, cancellationToken);
        }

        return state;
    }

    private State Apply(IOperation operation, State state, CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case IInvocationOperation call:
                var role = _model.Completions.Classify(call, out var subject);
                if (role == CompletionRole.Complete)
                {
                    if (_model.Completions.TryGetKey(_captures.Resolve(subject), out var key) && _universe.Contains(key))
                    {
                        return new State(state.MayBeOpen.Remove(key), state.MayBeOpenExplicitly.Remove(key));
                    }
                }
                else if (role == CompletionRole.None && !state.MayBeOpen.IsEmpty)
                {
                    if (!_mayCompleteByCall.TryGetValue(call, out var may))
                    {
                        _mayCompleteByCall[call] = may = MayCompleteByCall(call, _model, _loops, _semanticModel, _universe, _captures, cancellationToken);
                    }

                    if (!may.IsEmpty)
                    {
                        return new State(state.MayBeOpen.Except(may), state.MayBeOpenExplicitly);
                    }
                }

                break;
            case ISimpleAssignmentOperation assignment:
                return Renew(state, assignment.Target);
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                return Renew(state, argument.Value);
        }

        return state;
    }

    /// <summary>A new object assigned to the path (or a prefix of it) is not completed yet.</summary>
    private State Renew(State state, IOperation target)
    {
        if (!AccessPath.TryCreate(target, out var assigned))
        {
            return state;
        }

        foreach (var key in _universe)
        {
            if (key.StartsWith(assigned))
            {
                state = new State(state.MayBeOpen.Add(key), state.MayBeOpenExplicitly.Add(key));
            }
        }

        return state;
    }

    private static ImmutableHashSet<AccessPath> MayCompleteByCall(
        IInvocationOperation call, ThreadingModel model, ConsumerLoops loops, SemanticModel semanticModel,
        ImmutableHashSet<AccessPath>? universe, FlowCaptures captures, CancellationToken cancellationToken)
    {
        if (model.Launches.TryGetLaunch(call.TargetMethod, out _))
        {
            return ImmutableHashSet<AccessPath>.Empty;
        }

        var result = ImmutableHashSet.CreateRange(loops.MayCompleteByCall(call, semanticModel, out var unknown, cancellationToken));
        if (!unknown)
        {
            return result;
        }

        // Unknown code may complete whatever it is handed, and a method of this program whatever its object holds.
        foreach (var argument in call.Arguments)
        {
            if (model.Completions.TryGetKey(captures.Resolve(argument.Value), out var passed))
            {
                result = result.Add(passed);
            }
        }

        var method = call.TargetMethod;
        if (universe is not null && !method.DeclaringSyntaxReferences.IsEmpty &&
            (method.IsStatic || call.Instance is null or IInstanceReferenceOperation))
        {
            foreach (var key in universe)
            {
                if (key.Root is IFieldSymbol or IPropertySymbol)
                {
                    result = result.Add(key);
                }
            }
        }

        return result;
    }

    private void Check(IOperation operation, int block, int index, State state, Action<Diagnostic> report)
    {
        var api = _model.Completions;
        if (operation is IInvocationOperation call)
        {
            var role = api.Classify(call, out var subject);
            if (role == CompletionRole.Join && api.TryGetKey(_captures.Resolve(subject), out var pool))
            {
                CheckWait(operation, ImmutableHashSet.Create(pool), block, index, state, report, isJoin: true);
                return;
            }

            if (role == CompletionRole.Add && api.TryGetKey(_captures.Resolve(subject), out var added) &&
                _universe.Contains(added) && !state.MayBeOpenExplicitly.Contains(added))
            {
                ReportAdd(call, added, report);
                return;
            }
        }

        ImmutableHashSet<AccessPath> keys;
        switch (operation)
        {
            case IAwaitOperation await:
                var awaited = ConsumerLoops.Strip(_captures.Resolve(await.Operation)!);
                if (awaited is IInvocationOperation inner && api.Classify(inner, out _) == CompletionRole.Join)
                {
                    return;
                }

                keys = _consumers.Keys(awaited);
                break;
            case IInvocationOperation invocation when _model.Tasks.WaitMethods.ContainsMethod(invocation.TargetMethod) ||
                                                      _model.Threads.JoinMethods.ContainsMethod(invocation.TargetMethod):
                keys = _consumers.Keys(_captures.Resolve(invocation.Instance));
                break;
            case IInvocationOperation invocation when _model.Tasks.WaitAllMethods.ContainsMethod(invocation.TargetMethod) &&
                                                      invocation.TargetMethod.Name == "WaitAll":
                keys = ImmutableHashSet<AccessPath>.Empty;
                foreach (var argument in invocation.Arguments)
                {
                    keys = keys.Union(_consumers.ElementKeys(_captures.Resolve(argument.Value)));
                }

                break;
            case IInvocationOperation { TargetMethod.Name: "GetResult", Instance: var awaiter } when
                ConsumerLoops.Strip(_captures.Resolve(awaiter) ?? awaiter!) is IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } task } &&
                _model.Tasks.IsTask(task.Type):
                // task.GetAwaiter().GetResult()
                keys = _consumers.Keys(_captures.Resolve(task));
                break;
            case IPropertyReferenceOperation property when
                SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, _model.Tasks.Result):
                keys = _consumers.Keys(_captures.Resolve(property.Instance));
                break;
            default:
                return;
        }

        CheckWait(operation, keys, block, index, state, report, isJoin: false);
    }

    private void CheckWait(IOperation wait, ImmutableHashSet<AccessPath> keys, int block, int index, State state, Action<Diagnostic> report, bool isJoin)
    {
        // A wait with a timeout inside a loop is polling (`while (!c.Wait(100)) { … Complete(); }`): it does not hang.
        if (keys.IsEmpty || (HasTimeout(wait) && Reachable(block).Contains(block)))
        {
            return;
        }

        foreach (var key in keys)
        {
            if (_missing.Contains(key))
            {
                // Nothing completes it anywhere: a timed wait merely times out, every other wait hangs.
                if (!HasTimeout(wait) && ReportMissing(wait, key, report))
                {
                    return;
                }

                continue;
            }

            if (!_universe.Contains(key) || _elsewhere.Contains(key) || !state.MayBeOpen.Contains(key) ||
                FirstCompletionAfter(key, block, index) is not { } completion)
            {
                continue;
            }

            var line = completion.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            var what = completion.Syntax.ToString();
            var message = isJoin
                ? $"'{key.Display}' is joined before '{what}' (line {line}): Join before Close throws InvalidOperationException (\"Pool is still running\"); close the pool first"
                : IsCompletionTask(wait, key)
                    ? $"This waits for '{key.Display}' to complete before '{what}' (line {line}) is called: the wait never ends; complete it first"
                    : $"This waits for the consumers of '{key.Display}' before '{what}' (line {line}) tells them that no more work comes: they never finish and the wait hangs; complete it first";
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(TW0007WaitBeforeCompletionAnalyzer.KindProperty, TW0007WaitBeforeCompletionAnalyzer.WaitKind)
                .Add(TW0007WaitBeforeCompletionAnalyzer.MethodProperty, CompletionMethodFor(completion))
                .Add(TW0007WaitBeforeCompletionAnalyzer.RepeatableProperty, IsRepeatable(completion) ? "true" : "false");
            report(Diagnostic.Create(
                TW0007WaitBeforeCompletionAnalyzer.Rule,
                wait.Syntax.GetLocation(),
                additionalLocations: completion.Instance is { } receiver ? new[] { receiver.Syntax.GetLocation() } : null,
                properties: properties,
                message));
            return;
        }
    }

    private bool ReportMissing(IOperation wait, AccessPath key, Action<Diagnostic> report)
    {
        if (!LocalCompletables.TryDescribeCompletion(key, _model.Completions, out var receiver, out var method))
        {
            return false;
        }

        var call = $"{receiver}.{method}()";
        var message = IsCompletionTask(wait, key)
            ? $"This waits for '{key.Display}' to complete, but nothing calls '{call}': the wait never ends; complete it first"
            : $"This waits for the consumers of '{key.Display}', but nothing calls '{call}' to tell them that no more work comes: they never finish and the wait hangs; complete it first";
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(TW0007WaitBeforeCompletionAnalyzer.KindProperty, TW0007WaitBeforeCompletionAnalyzer.WaitKind)
            .Add(TW0007WaitBeforeCompletionAnalyzer.MethodProperty, method)
            .Add(TW0007WaitBeforeCompletionAnalyzer.RepeatableProperty, "true")
            .Add(TW0007WaitBeforeCompletionAnalyzer.MissingProperty, "true")
            .Add(TW0007WaitBeforeCompletionAnalyzer.ReceiverProperty, receiver);
        report(Diagnostic.Create(TW0007WaitBeforeCompletionAnalyzer.Rule, wait.Syntax.GetLocation(), properties: properties, message));
        return true;
    }

    private bool HasTimeout(IOperation wait)
    {
        var call = wait switch
        {
            IInvocationOperation invocation => invocation,
            IAwaitOperation await => ConsumerLoops.Strip(_captures.Resolve(await.Operation)!) as IInvocationOperation,
            _ => null,
        };
        if (call is null)
        {
            return false;
        }

        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter?.Type is { } type &&
                (type.SpecialType == SpecialType.System_Int32 || type.Is(_model.Completions.TimeSpan)))
            {
                return true;
            }
        }

        return false;
    }

    private void ReportAdd(IInvocationOperation call, AccessPath key, Action<Diagnostic> report)
    {
        IInvocationOperation? completion = null;
        foreach (var site in _completions)
        {
            if (site.Key.Equals(key) && site.Call.Syntax.SpanStart < call.Syntax.SpanStart &&
                (completion is null || site.Call.Syntax.SpanStart > completion.Syntax.SpanStart))
            {
                completion = site.Call;
            }
        }

        if (completion is null)
        {
            return;
        }

        var method = call.TargetMethod;
        var consequence = AddConsequence(call, _model.Completions);
        var line = completion.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
        report(Diagnostic.Create(
            TW0007WaitBeforeCompletionAnalyzer.Rule,
            call.Syntax.GetLocation(),
            properties: ImmutableDictionary<string, string?>.Empty.Add(TW0007WaitBeforeCompletionAnalyzer.KindProperty, TW0007WaitBeforeCompletionAnalyzer.AddKind),
            $"'{method.Name}' on '{key.Display}' runs after '{completion.Syntax}' (line {line}) on every path: {consequence}"));
    }

    /// <summary>What an add after the completion does, per kind (for messages).</summary>
    internal static string AddConsequence(IInvocationOperation call, CompletionApi api)
    {
        var method = call.TargetMethod;
        var type = call.Instance?.Type;
        return type.Is(api.BlockingCollection) ? "it throws InvalidOperationException" :
            type.Is(api.WorkerPool) ? "it throws InvalidOperationException (\"Pool not running\")" :
            api.BlockAdd.ContainsMethod(method) || api.IsTargetBlock(method.ContainingType) ? "the block declines it and the item is silently dropped" :
            method.Name == "TryWrite" ? "it returns false and the item is dropped" :
            "it throws ChannelClosedException";
    }

    private bool IsCompletionTask(IOperation wait, AccessPath key)
    {
        var api = _model.Completions;
        foreach (var operation in ControlFlowGraphs.SelfAndDescendantsInOrder(wait))
        {
            if (api.CompletionTaskOwner(operation) is { } owner && api.TryGetKey(owner, out var owned) && owned.Equals(key))
            {
                return true;
            }
        }

        return false;
    }

    private string CompletionMethodFor(IInvocationOperation completion)
    {
        var api = _model.Completions;
        var type = completion.Instance?.Type;
        return type.Is(api.BlockingCollection) ? "CompleteAdding" : type.Is(api.WorkerPool) ? "Close" : "Complete";
    }

    /// <summary>A second call after the inserted one does no harm (only a second <c>Writer.Complete()</c> throws).</summary>
    private bool IsRepeatable(IInvocationOperation completion)
    {
        var api = _model.Completions;
        return !completion.TargetMethod.ContainingType.InheritsFromOrEquals(api.ChannelWriter) ||
               completion.TargetMethod.Name == "TryComplete";
    }

    /// <summary>The first explicit completion of <paramref name="key"/> that can run after the operation at (block, index).</summary>
    private IInvocationOperation? FirstCompletionAfter(AccessPath key, int block, int index)
    {
        var reachable = Reachable(block);
        IInvocationOperation? first = null;
        foreach (var site in _completions)
        {
            if (site.Key.Equals(key) &&
                ((site.Block == block && site.Index > index) || reachable.Contains(site.Block)) &&
                (first is null || site.Call.Syntax.SpanStart < first.Syntax.SpanStart))
            {
                first = site.Call;
            }
        }

        return first;
    }

    private void CollectCompletionSites()
    {
        var api = _model.Completions;
        foreach (var block in _graph.Blocks)
        {
            var operations = ControlFlowGraphs.OperationsInOrder(_graph, block);
            for (var index = 0; index < operations.Length; index++)
            {
                if (operations[index] is IInvocationOperation call && api.Classify(call, out var subject) == CompletionRole.Complete &&
                    api.TryGetKey(_captures.Resolve(subject), out var key) && _universe.Contains(key))
                {
                    _completions.Add(new Site(block.Ordinal, index, key, call));
                }
            }
        }
    }

    /// <summary>The blocks reachable from the end of <paramref name="ordinal"/> (including finally blocks on the way).</summary>
    private HashSet<int> Reachable(int ordinal)
    {
        if (_reachable.TryGetValue(ordinal, out var cached))
        {
            return cached;
        }

        var seen = new HashSet<int>();
        var stack = new Stack<int>();
        Push(_graph.Blocks[ordinal]);
        while (stack.Count > 0)
        {
            Push(_graph.Blocks[stack.Pop()]);
        }

        _reachable[ordinal] = seen;
        return seen;

        void Push(BasicBlock from)
        {
            foreach (var branch in new[] { from.FallThroughSuccessor, from.ConditionalSuccessor })
            {
                if (branch is null)
                {
                    continue;
                }

                if (branch.Destination is { } destination && seen.Add(destination.Ordinal))
                {
                    stack.Push(destination.Ordinal);
                }

                foreach (var region in branch.FinallyRegions)
                {
                    if (seen.Add(region.FirstBlockOrdinal))
                    {
                        stack.Push(region.FirstBlockOrdinal);
                    }
                }
            }

            // The end of a finally block continues wherever the branch through it was going.
            if (from.EnclosingRegion is { Kind: ControlFlowRegionKind.Finally } finallyRegion && from.Ordinal == finallyRegion.LastBlockOrdinal &&
                finallyRegion.EnclosingRegion is { } tryFinally && tryFinally.LastBlockOrdinal + 1 < _graph.Blocks.Length &&
                seen.Add(tryFinally.LastBlockOrdinal + 1))
            {
                stack.Push(tryFinally.LastBlockOrdinal + 1);
            }
        }
    }
}
