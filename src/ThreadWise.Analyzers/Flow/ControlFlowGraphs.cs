using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Flow;

/// <summary>Helpers to navigate a <see cref="ControlFlowGraph"/>: nested lambda/local-function graphs, operations in order.</summary>
internal static class ControlFlowGraphs
{
    private static readonly ConditionalWeakTable<ControlFlowGraph, IOperation[]?[]> InOrder = new();
    private static readonly ConditionalWeakTable<ControlFlowGraph, IOperation[][]?[]> PostOrder = new();

    /// <summary>
    /// The innermost graph (the method's own, or a lambda's or local function's nested in it) whose body contains
    /// <paramref name="node"/>. Flow questions are answered per executable body: a lambda runs when it is invoked,
    /// not where it is written.
    /// </summary>
    public static ControlFlowGraph FindGraphContaining(ControlFlowGraph root, SyntaxNode node, CancellationToken cancellationToken)
    {
        var current = root;
        while (true)
        {
            var inner = FindDirectChildContaining(current, node, cancellationToken);
            if (inner is null)
            {
                return current;
            }

            current = inner;
        }
    }

    /// <summary>Every graph reachable from <paramref name="root"/>: itself, then nested lambdas and local functions.</summary>
    public static IEnumerable<ControlFlowGraph> SelfAndNested(ControlFlowGraph root, CancellationToken cancellationToken)
    {
        var stack = new Stack<ControlFlowGraph>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var graph = stack.Pop();
            yield return graph;
            foreach (var localFunction in graph.LocalFunctions)
            {
                stack.Push(graph.GetLocalFunctionControlFlowGraph(localFunction, cancellationToken));
            }

            foreach (var lambda in AnonymousFunctions(graph))
            {
                stack.Push(graph.GetAnonymousFunctionControlFlowGraph(lambda, cancellationToken));
            }
        }
    }

    /// <summary>The operations of a block in execution order: its statements, then its branch value.</summary>
    public static ImmutableArray<IOperation> OperationsOf(BasicBlock block) =>
        block.BranchValue is null ? block.Operations : block.Operations.Add(block.BranchValue);

    /// <summary>
    /// The operations of <paramref name="block"/> in execution order (<see cref="SelfAndDescendantsInOrder"/> of each of
    /// its operations and its branch value), computed once per block: the driver hands every analyzer the same graph of
    /// a body, and flow analyses visit a block many times.
    /// </summary>
    public static IOperation[] OperationsInOrder(ControlFlowGraph graph, BasicBlock block)
    {
        var perBlock = InOrder.GetValue(graph, static g => new IOperation[g.Blocks.Length][]);
        if (Volatile.Read(ref perBlock[block.Ordinal]) is { } known)
        {
            return known;
        }

        var operations = new List<IOperation>();
        var pending = new Stack<IOperation>();
        foreach (var statement in OperationsOf(block))
        {
            // SelfAndDescendantsInOrder, without an enumerator per statement.
            pending.Push(statement);
            while (pending.Count > 0)
            {
                var current = pending.Pop();
                operations.Add(current);
                if (current is IFlowAnonymousFunctionOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    continue;
                }

                foreach (var child in current.ChildOperations.Reverse())
                {
                    pending.Push(child);
                }
            }
        }

        // Racing callers store equal arrays; readers see one whole array or null.
        var result = operations.ToArray();
        Volatile.Write(ref perBlock[block.Ordinal], result);
        return result;
    }

    /// <summary>
    /// For each of <paramref name="block"/>'s operations and then its branch value (<see cref="OperationsOf"/>), that
    /// operation's <see cref="SelfAndDescendantsPostOrder"/>, computed once per block: the flow analyses that follow
    /// effects in the order they happen visit a block several times, and several rules walk the same graph.
    /// </summary>
    public static IOperation[][] StatementsPostOrder(ControlFlowGraph graph, BasicBlock block)
    {
        var perBlock = PostOrder.GetValue(graph, static g => new IOperation[g.Blocks.Length][][]);
        if (Volatile.Read(ref perBlock[block.Ordinal]) is { } known)
        {
            return known;
        }

        var statements = new List<IOperation[]>();
        var operations = new List<IOperation>();
        var pending = new Stack<(IOperation Operation, bool Expanded)>();
        foreach (var statement in OperationsOf(block))
        {
            // SelfAndDescendantsPostOrder, without an enumerator per statement.
            operations.Clear();
            pending.Push((statement, false));
            while (pending.Count > 0)
            {
                var (current, expanded) = pending.Pop();
                if (expanded || current is IFlowAnonymousFunctionOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    operations.Add(current);
                    continue;
                }

                pending.Push((current, true));
                foreach (var child in current.ChildOperations.Reverse())
                {
                    pending.Push((child, false));
                }
            }

            statements.Add(operations.ToArray());
        }

        // Racing callers store equal arrays; readers see one whole array or null.
        var result = statements.ToArray();
        Volatile.Write(ref perBlock[block.Ordinal], result);
        return result;
    }

    /// <summary>
    /// <paramref name="operation"/> and the operations under it, in source order (the order C# evaluates the parts of
    /// one statement, for the shapes that matter here). Lambdas are opaque: their bodies have their own graph.
    /// </summary>
    public static IEnumerable<IOperation> SelfAndDescendantsInOrder(IOperation operation)
    {
        var stack = new Stack<IOperation>();
        stack.Push(operation);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            if (current is IFlowAnonymousFunctionOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                continue;
            }

            foreach (var child in current.ChildOperations.Reverse())
            {
                stack.Push(child);
            }
        }
    }

    /// <summary>
    /// <paramref name="operation"/> and the operations under it, children before parents: the order their effects
    /// happen (<c>t.Join()</c> reads <c>t</c>, then joins; <c>await Task.Run(…)</c> launches, then waits). Lambdas are opaque.
    /// </summary>
    public static IEnumerable<IOperation> SelfAndDescendantsPostOrder(IOperation operation)
    {
        var stack = new Stack<(IOperation Operation, bool Expanded)>();
        stack.Push((operation, false));
        while (stack.Count > 0)
        {
            var (current, expanded) = stack.Pop();
            if (expanded || current is IFlowAnonymousFunctionOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                yield return current;
                continue;
            }

            stack.Push((current, true));
            foreach (var child in current.ChildOperations.Reverse())
            {
                stack.Push((child, false));
            }
        }
    }

    /// <summary>The anonymous functions created directly in <paramref name="graph"/> (not in nested ones).</summary>
    public static IEnumerable<IFlowAnonymousFunctionOperation> AnonymousFunctions(ControlFlowGraph graph)
    {
        foreach (var block in graph.Blocks)
        {
            // A graph's operations hold no lambda bodies (a lambda is a leaf there), so its operations in order are
            // every operation under the block's: the same walk, memoized.
            foreach (var operation in OperationsInOrder(graph, block))
            {
                if (operation is IFlowAnonymousFunctionOperation lambda)
                {
                    yield return lambda;
                }
            }
        }
    }

    private static ControlFlowGraph? FindDirectChildContaining(ControlFlowGraph graph, SyntaxNode node, CancellationToken cancellationToken)
    {
        var span = node.Span;
        foreach (var localFunction in graph.LocalFunctions)
        {
            foreach (var reference in localFunction.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree == node.SyntaxTree && reference.Span.Contains(span))
                {
                    return graph.GetLocalFunctionControlFlowGraph(localFunction, cancellationToken);
                }
            }
        }

        foreach (var lambda in AnonymousFunctions(graph))
        {
            if (lambda.Syntax.SyntaxTree == node.SyntaxTree && lambda.Syntax.Span.Contains(span) && lambda.Syntax != node)
            {
                return graph.GetAnonymousFunctionControlFlowGraph(lambda, cancellationToken);
            }
        }

        return null;
    }
}
