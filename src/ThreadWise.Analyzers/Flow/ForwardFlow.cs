using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace ThreadWise.Analyzers.Flow;

/// <summary>
/// A forward data-flow analysis over a <see cref="ControlFlowGraph"/> to a fixed point ("may" analyses: the join is a
/// union). Exceptional flow is modelled conservatively: a catch, filter or finally handler may start from the state
/// before or after any block of its try region, and a branch that leaves through finally regions reaches its destination
/// with the state at the end of the outermost of those finally blocks (the finally always runs first; its state joins
/// every path through it, which includes this branch's own).
/// </summary>
internal static class ForwardFlow
{
    // The handler ranges and the branches through finally regions are a pure function of the graph, which the driver
    // hands every analyzer (and every analysis of one body): computed once per graph, read-only afterwards.
    private static readonly ConditionalWeakTable<ControlFlowGraph, Shape> Shapes = new();

    /// <summary>Runs the analysis; returns the state on entry to each block, indexed by <see cref="BasicBlock.Ordinal"/>.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="entryState">The state on entry to the graph.</param>
    /// <param name="bottom">The state of a block no path has reached yet (the identity of <paramref name="join"/>).</param>
    /// <param name="join">Combines the states of two incoming paths.</param>
    /// <param name="transfer">The state after a block, given the state before it.</param>
    /// <param name="equals">State equality (decides the fixed point).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public static TState[] Run<TState>(
        ControlFlowGraph graph,
        TState entryState,
        TState bottom,
        Func<TState, TState, TState> join,
        Func<BasicBlock, TState, TState> transfer,
        Func<TState, TState, bool> equals,
        CancellationToken cancellationToken)
    {
        var blocks = graph.Blocks;
        var input = new TState[blocks.Length];
        var output = new TState[blocks.Length];
        var visited = new bool[blocks.Length];
        for (var i = 0; i < blocks.Length; i++)
        {
            input[i] = bottom;
            output[i] = bottom;
        }

        input[0] = entryState;
        var shape = Shapes.GetValue(graph, static g => new Shape(HandlerEntryBlocks(g), DestinationsThroughFinally(g)));
        var handlersOf = shape.HandlersOf;
        var throughFinally = shape.ThroughFinally;
        var work = new Queue<int>();
        var queued = new bool[blocks.Length];
        work.Enqueue(0);
        queued[0] = true;

        // Handler entries with no predecessors are reached through exceptions only: seed them too.
        foreach (var handlerEntry in handlersOf.Keys)
        {
            if (!queued[handlerEntry])
            {
                work.Enqueue(handlerEntry);
                queued[handlerEntry] = true;
            }
        }

        while (work.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ordinal = work.Dequeue();
            queued[ordinal] = false;
            var block = blocks[ordinal];

            var before = input[ordinal];
            if (handlersOf.TryGetValue(ordinal, out var tryRange))
            {
                for (var t = tryRange.First; t <= tryRange.Last; t++)
                {
                    before = join(before, join(input[t], output[t]));
                }

                input[ordinal] = before;
            }

            var after = transfer(block, before);
            if (visited[ordinal] && equals(after, output[ordinal]))
            {
                continue;
            }

            visited[ordinal] = true;
            output[ordinal] = after;

            Propagate(block.FallThroughSuccessor, after);
            Propagate(block.ConditionalSuccessor, after);
            if (throughFinally.TryGetValue(ordinal, out var destinations))
            {
                // The end of a finally block: the branches that went through it continue from here.
                foreach (var destination in destinations)
                {
                    Deliver(destination, after);
                }
            }

            // Handlers of a try region containing this block must see its new state.
            foreach (var pair in handlersOf)
            {
                if (ordinal >= pair.Value.First && ordinal <= pair.Value.Last && !queued[pair.Key])
                {
                    work.Enqueue(pair.Key);
                    queued[pair.Key] = true;
                }
            }
        }

        return input;

        void Propagate(ControlFlowBranch? branch, TState state)
        {
            if (branch?.Destination is not { } destination)
            {
                return;
            }

            if (branch.FinallyRegions.IsEmpty)
            {
                Deliver(destination.Ordinal, state);
            }
            else if (visited[branch.FinallyRegions[branch.FinallyRegions.Length - 1].LastBlockOrdinal])
            {
                Deliver(destination.Ordinal, output[branch.FinallyRegions[branch.FinallyRegions.Length - 1].LastBlockOrdinal]);
            }
        }

        void Deliver(int destination, TState incoming)
        {
            var merged = join(input[destination], incoming);
            if (!visited[destination] || !equals(merged, input[destination]))
            {
                input[destination] = merged;
                if (!queued[destination])
                {
                    work.Enqueue(destination);
                    queued[destination] = true;
                }
            }
        }
    }

    /// <summary>For the last block of each finally region: the destinations of the branches that leave through it (outermost first on their way).</summary>
    private static Dictionary<int, List<int>> DestinationsThroughFinally(ControlFlowGraph graph)
    {
        var result = new Dictionary<int, List<int>>();
        foreach (var block in graph.Blocks)
        {
            foreach (var branch in new[] { block.FallThroughSuccessor, block.ConditionalSuccessor })
            {
                if (branch is { Destination: { } destination, FinallyRegions.IsEmpty: false })
                {
                    var last = branch.FinallyRegions[branch.FinallyRegions.Length - 1].LastBlockOrdinal;
                    if (!result.TryGetValue(last, out var list))
                    {
                        result[last] = list = new List<int>();
                    }

                    if (!list.Contains(destination.Ordinal))
                    {
                        list.Add(destination.Ordinal);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Maps the first block of each catch, filter and finally handler to the block range of its try region.</summary>
    private static Dictionary<int, (int First, int Last)> HandlerEntryBlocks(ControlFlowGraph graph)
    {
        var result = new Dictionary<int, (int, int)>();
        var stack = new Stack<ControlFlowRegion>();
        stack.Push(graph.Root);
        while (stack.Count > 0)
        {
            var region = stack.Pop();
            foreach (var nested in region.NestedRegions)
            {
                stack.Push(nested);
            }

            if (region.Kind is not (ControlFlowRegionKind.TryAndCatch or ControlFlowRegionKind.TryAndFinally))
            {
                continue;
            }

            var tryRegion = region.NestedRegions[0];
            for (var i = 1; i < region.NestedRegions.Length; i++)
            {
                var handler = region.NestedRegions[i];
                result[handler.FirstBlockOrdinal] = (tryRegion.FirstBlockOrdinal, tryRegion.LastBlockOrdinal);
                if (handler.Kind == ControlFlowRegionKind.FilterAndHandler)
                {
                    foreach (var part in handler.NestedRegions)
                    {
                        result[part.FirstBlockOrdinal] = (tryRegion.FirstBlockOrdinal, tryRegion.LastBlockOrdinal);
                    }
                }
            }
        }

        return result;
    }

    private sealed class Shape
    {
        public Shape(Dictionary<int, (int First, int Last)> handlersOf, Dictionary<int, List<int>> throughFinally)
        {
            HandlersOf = handlersOf;
            ThroughFinally = throughFinally;
        }

        public Dictionary<int, (int First, int Last)> HandlersOf { get; }

        public Dictionary<int, List<int>> ThroughFinally { get; }
    }
}
