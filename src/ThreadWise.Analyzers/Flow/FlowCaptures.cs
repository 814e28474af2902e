using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Flow;

/// <summary>
/// The values a control-flow graph spills into flow captures (to keep evaluation order, e.g. the arguments before an
/// object initializer), so that a capture reference can be seen as the expression it stands for. A capture assigned
/// more than once (a conditional expression, <c>??</c>) is not resolved. Read-only once built, and built once per graph
/// (<see cref="Of"/>): the driver hands every analyzer the same graph of a body, so the rules that walk it share this.
/// </summary>
internal sealed class FlowCaptures
{
    private static readonly ConditionalWeakTable<ControlFlowGraph, FlowCaptures> Cache = new();

    private readonly Dictionary<CaptureId, IOperation?> _values = new();

    private FlowCaptures(ControlFlowGraph graph)
    {
        foreach (var block in graph.Blocks)
        {
            foreach (var operation in ControlFlowGraphs.OperationsInOrder(graph, block))
            {
                if (operation is IFlowCaptureOperation capture)
                {
                    _values[capture.Id] = _values.ContainsKey(capture.Id) ? null : capture.Value;
                }
            }
        }
    }

    /// <summary>The captures of <paramref name="graph"/>, computed once per graph.</summary>
    public static FlowCaptures Of(ControlFlowGraph graph) => Cache.GetValue(graph, static g => new FlowCaptures(g));

    /// <summary>The expression behind <paramref name="operation"/> when it is a capture reference assigned once; else itself.</summary>
    public IOperation? Resolve(IOperation? operation)
    {
        for (var depth = 0; depth < 8 && operation is not null; depth++)
        {
            var stripped = operation;
            while (stripped is IConversionOperation { IsImplicit: true } conversion)
            {
                stripped = conversion.Operand;
            }

            if (stripped is IFlowCaptureReferenceOperation reference &&
                _values.TryGetValue(reference.Id, out var value) && value is not null)
            {
                operation = value;
                continue;
            }

            return operation;
        }

        return operation;
    }
}
