using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// Building the graph from the summaries: each body's edges as its method's node, the variants of a method for calls
/// that switch some of it off (constant arguments, a dropped async task), and the nodes of delegate slots.
/// </summary>
internal sealed partial class LockOrderGraph
{
    private void Build(IReadOnlyList<MethodLockSummary> summaries)
    {
        foreach (var summary in summaries)
        {
            MethodNode(summary.Method);
            if (!_bodies.TryGetValue(summary.Method, out var bodies))
            {
                _bodies[summary.Method] = bodies = new List<MethodLockSummary>();
                _guardedOrdinals[summary.Method] = new HashSet<int>();
            }

            bodies.Add(summary);
            var ordinals = _guardedOrdinals[summary.Method];
            foreach (var guard in summary.Acquisitions.SelectMany(a => a.Guards).Concat(summary.Calls.SelectMany(c => c.Guards)))
            {
                ordinals.Add(guard.Ordinal);
            }

            foreach (var (slot, target, syntax) in summary.DelegateTargets)
            {
                if (!_slotTargets.TryGetValue(slot, out var targets))
                {
                    _slotTargets[slot] = targets = new();
                }

                targets.Add((target, syntax, summary));
            }
        }

        foreach (var summary in summaries)
        {
            AddBody(summary, _methodIds[summary.Method], ImmutableArray<ParameterGuard>.Empty, syncOnly: false);
        }

        while (_variantWork.Count > 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var (body, node, constants, syncOnly) = _variantWork.Dequeue();
            AddBody(body, node, constants, syncOnly);
        }
    }

    /// <summary>
    /// The edges of one body, as the method node <paramref name="m"/>. The plain node of a method has every edge; a
    /// variant (a call that passes constants to the parameters the body tests, or an async method called without
    /// being awaited) has only the method→lock and method→method edges of what runs in that case — its lock→lock and
    /// lock→method edges are the plain node's already.
    /// </summary>
    private void AddBody(MethodLockSummary summary, int m, ImmutableArray<ParameterGuard> constants, bool syncOnly)
    {
        var plain = constants.IsEmpty && !syncOnly;
        foreach (var taken in summary.Acquisitions)
        {
            if (!taken.Blocking || !Runs(taken.Guards, taken.AfterAwait, constants, syncOnly))
            {
                continue;
            }

            var b = LockNode(taken.Lock);
            if (_methodLockEdges.Add((m, b)))
            {
                AddEdge(new Edge(m, b, EdgeKind.MethodLock, summary, null, taken, null));
            }

            // Re-entering a lock this body already holds never waits: no order from the locks taken since.
            foreach (var held in plain && !Reenters(taken) ? taken.Held : ImmutableArray<LockAcquisition>.Empty)
            {
                if (!SymbolEqualityComparer.Default.Equals(held.Lock, taken.Lock))
                {
                    AddEdge(new Edge(LockNode(held.Lock), b, EdgeKind.LockLock, summary, held, taken, null));
                }
            }
        }

        foreach (var call in summary.Calls)
        {
            if (!Runs(call.Guards, call.AfterAwait, constants, syncOnly) || Target(call, syncOnly) is not (>= 0 and var f))
            {
                continue;
            }

            if (_methodCallEdges.Add((m, f)))
            {
                AddEdge(new Edge(m, f, EdgeKind.MethodCall, summary, null, null, call));
            }

            foreach (var held in plain ? call.Held : ImmutableArray<LockAcquisition>.Empty)
            {
                AddEdge(new Edge(LockNode(held.Lock), f, EdgeKind.LockCall, summary, held, null, call));
            }
        }
    }

    private static bool Runs(ImmutableArray<ParameterGuard> guards, bool afterAwait, ImmutableArray<ParameterGuard> constants, bool syncOnly) =>
        !(syncOnly && afterAwait) && ParameterGuard.Allows(guards, constants);

    /// <summary>
    /// The node a call runs: the callee's plain node; its variant when the call passes constants to parameters the
    /// callee tests (<c>Find(key, create: false)</c>), or when an async callee's task is dropped there (fire and forget) (only its part
    /// before the first <c>await</c> runs in the caller's context); a delegate slot's node for <c>_onChange()</c>.
    /// </summary>
    private int Target(LockCallSite call, bool callerSyncOnly)
    {
        if (call.DelegateSlot is { } slot)
        {
            return SlotNode(slot);
        }

        if (!_methodIds.TryGetValue(call.Callee, out var f))
        {
            return -1;
        }

        var ordinals = _guardedOrdinals[call.Callee];
        var constants = call.Constants.Where(c => ordinals.Contains(c.Ordinal)).ToImmutableArray();
        var syncOnly = call.Callee.IsAsync && (callerSyncOnly || call.FireAndForget);
        if (constants.IsEmpty && !syncOnly)
        {
            return f;
        }

        var profile = string.Join(",", constants.Select(c => $"{c.Ordinal}={c.Value}")) + (syncOnly ? "|sync" : string.Empty);
        if (!_variantIds.TryGetValue((f, profile), out var variant))
        {
            variant = AddNode(call.Callee, isLock: false);
            _variantIds[(f, profile)] = variant;
            foreach (var body in _bodies[call.Callee])
            {
                _variantWork.Enqueue((body, variant, constants, syncOnly));
            }
        }

        return variant;
    }

    /// <summary>A delegate field, property, event or local: invoking it calls each lambda or method stored into it.</summary>
    private int SlotNode(ISymbol slot)
    {
        if (_slotIds.TryGetValue(slot, out var id))
        {
            return id;
        }

        if (!_slotTargets.TryGetValue(slot, out var targets))
        {
            _slotIds[slot] = -1;
            return -1;
        }

        id = AddNode(slot, isLock: false);
        _slotIds[slot] = id;
        foreach (var (target, syntax, owner) in targets)
        {
            if (_methodIds.TryGetValue(target, out var f) && _methodCallEdges.Add((id, f)))
            {
                var call = new LockCallSite(target, syntax, ImmutableArray<LockAcquisition>.Empty, LockRootKind.This, null, null);
                AddEdge(new Edge(id, f, EdgeKind.MethodCall, owner, null, null, call));
            }
        }

        return id;
    }
}
