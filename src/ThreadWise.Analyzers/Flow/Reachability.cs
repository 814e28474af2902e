using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace ThreadWise.Analyzers.Flow;

/// <summary>What can run after a given operation in one executable body.</summary>
internal static class Reachability
{
    /// <summary>
    /// The operations (in the order <see cref="ControlFlowGraphs.SelfAndDescendantsInOrder"/> visits them) that may run
    /// after the first operation matching <paramref name="isStart"/>: the rest of its block, then every block
    /// reachable from it (the start's own block again when it is in a loop). Empty when no operation matches.
    /// </summary>
    public static IEnumerable<IOperation> OperationsAfter(ControlFlowGraph graph, Func<IOperation, bool> isStart) =>
        OperationsAfter(graph, isStart, static _ => false);

    /// <summary>
    /// As <see cref="OperationsAfter(ControlFlowGraph, Func{IOperation, bool})"/>, but a path ends at the first
    /// operation matching <paramref name="isStop"/> (yielded, then nothing after it on that path): e.g. an assignment
    /// that replaces the object the question is about.
    /// </summary>
    public static IEnumerable<IOperation> OperationsAfter(ControlFlowGraph graph, Func<IOperation, bool> isStart, Func<IOperation, bool> isStop)
    {
        BasicBlock? start = null;
        var index = -1;
        foreach (var block in graph.Blocks)
        {
            var i = 0;
            foreach (var operation in ControlFlowGraphs.OperationsInOrder(graph, block))
            {
                if (start is null && isStart(operation))
                {
                    start = block;
                    index = i;
                }

                i++;
            }
        }

        if (start is null)
        {
            yield break;
        }

        var visited = new HashSet<int>();
        var queue = new Queue<(BasicBlock Block, int From)>();
        queue.Enqueue((start, index + 1));
        while (queue.Count > 0)
        {
            var (block, from) = queue.Dequeue();
            var i = 0;
            var stopped = false;
            foreach (var operation in ControlFlowGraphs.OperationsInOrder(graph, block))
            {
                if (i++ >= from)
                {
                    yield return operation;
                    if (isStop(operation))
                    {
                        stopped = true;
                        break;
                    }
                }
            }

            if (stopped)
            {
                continue;
            }

            foreach (var branch in new[] { block.FallThroughSuccessor, block.ConditionalSuccessor })
            {
                if (branch?.Destination is { } successor && visited.Add(successor.Ordinal))
                {
                    queue.Enqueue((successor, 0));
                }
            }
        }
    }
}
