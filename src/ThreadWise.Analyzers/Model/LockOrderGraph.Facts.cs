using System.Collections.Generic;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// The facts of a report that redraw the graph (<see cref="LockOrderReport.AddGraphFacts"/>): its own hop and the
/// hops of the return path, grouped as the message groups them (a lock→method edge with the calls down to the lock taken).
/// </summary>
internal sealed partial class LockOrderGraph
{
    private static List<LockOrderHop> CycleHops(Edge edge, List<Edge> via, List<Edge>? returnPath)
    {
        var hops = new List<LockOrderHop>();
        AddHop(hops, edge, via);
        if (returnPath is null)
        {
            return hops;
        }

        for (var i = 0; i < returnPath.Count && returnPath[i] != Truncated; i++)
        {
            var step = returnPath[i];
            if (step.Kind is not (EdgeKind.LockLock or EdgeKind.LockCall))
            {
                continue;
            }

            var calls = new List<Edge>();
            var j = i + 1;
            while (step.Kind == EdgeKind.LockCall && j < returnPath.Count && returnPath[j] != Truncated &&
                   returnPath[j].Kind is EdgeKind.MethodCall or EdgeKind.MethodLock)
            {
                calls.Add(returnPath[j]);
                j++;
            }

            AddHop(hops, step, calls);
        }

        return hops;
    }

    private static void AddHop(List<LockOrderHop> hops, Edge edge, List<Edge> via)
    {
        var taken = via.Count > 0 ? via[via.Count - 1].Taken : edge.Taken;
        if (taken is null || edge.Held is null)
        {
            return; // a return path cut short: the hop's lock is not known
        }

        hops.Add(new LockOrderHop(
            LockOrderReport.LockId(edge.Held.Lock),
            LockOrderReport.LockId(taken.Lock),
            edge.Held.Path.Display,
            taken.Path.Display,
            LockOrderReport.MethodDisplay(edge.Owner.Method),
            edge.Kind == EdgeKind.LockCall ? string.Join(" → ", CallNames(edge, via)) : string.Empty));
    }

    /// <summary>The calls from a lock→method edge down to the lock taken: its own call, then each method call.</summary>
    private static List<string> CallNames(Edge edge, List<Edge> via)
    {
        var names = new List<string> { CallDisplay(edge.Call!) };
        foreach (var step in via)
        {
            if (step.Kind == EdgeKind.MethodCall)
            {
                names.Add(CallDisplay(step.Call!));
            }
        }

        return names;
    }
}
