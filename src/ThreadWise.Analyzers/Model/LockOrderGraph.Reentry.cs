using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// Re-entering a lock already held: <c>lock</c> and <c>Monitor</c> are reentrant, so taking a lock the thread holds
/// never waits and orders nothing. <c>lock (_a) { lock (_b) { lock (_a) { } } }</c> has no <c>_b</c> → <c>_a</c> order,
/// nor does <c>lock (_a) { lock (_b) { Inner(); } }</c> when <c>Inner</c> takes <c>_a</c> on the same instance (npgsql's
/// connector breaks itself recursively while holding its cleanup lock). In one body the graph leaves such edges out;
/// through calls (the graph's method nodes do not know what their callers hold) a hop from a held lock through a call
/// to a lock that call already holds is not taken as an order, on either side of a cycle.
/// </summary>
internal sealed partial class LockOrderGraph
{
    private const int MaxReentryRetries = 8;

    /// <summary>True when <paramref name="taken"/> is a lock its body already holds there (the same instance).</summary>
    private static bool Reenters(LockAcquisition taken)
    {
        foreach (var held in taken.Held)
        {
            if (held.Path.Equals(taken.Path))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when the lock that <paramref name="via"/> (method calls, then the callee's acquisition) reaches from
    /// <paramref name="call"/> is one the caller holds at that call, on the same instance: a static lock, or a lock of
    /// <c>this</c> reached through calls on <c>this</c> only.
    /// </summary>
    private static bool ReentersAtCall(LockCallSite call, List<Edge> via)
    {
        if (via.Count == 0 || via[via.Count - 1] is not { Kind: EdgeKind.MethodLock, Taken: { } taken })
        {
            return false;
        }

        var sameInstance = taken.RootKind == LockRootKind.Static ||
            (taken.RootKind == LockRootKind.This && call.DelegateSlot is null && call.ReceiverKind == LockRootKind.This &&
             via.Take(via.Count - 1).All(e => e.Call is { DelegateSlot: null, ReceiverKind: LockRootKind.This }));
        if (!sameInstance)
        {
            return false;
        }

        foreach (var held in call.Held)
        {
            if (SymbolEqualityComparer.Default.Equals(held.Lock, taken.Lock) && held.RootKind == taken.RootKind)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The edges a path's lock→call edge at <paramref name="index"/> leads through to the next lock: the method calls,
    /// then the callee's acquisition (fewer when the path ends or is cut first).
    /// </summary>
    private static List<Edge> HopAfter(List<Edge> path, int index)
    {
        var via = new List<Edge>();
        for (var j = index + 1; j < path.Count && path[j].Kind is EdgeKind.MethodCall or EdgeKind.MethodLock; j++)
        {
            via.Add(path[j]);
            if (path[j].Kind == EdgeKind.MethodLock)
            {
                break;
            }
        }

        return via;
    }

    /// <summary>The first lock→call edge of <paramref name="path"/> whose hop to the next lock re-enters a held lock, or null.</summary>
    private static Edge? ReentryHop(List<Edge> path)
    {
        for (var i = 0; i < path.Count; i++)
        {
            if (path[i].Kind == EdgeKind.LockCall && ReentersAtCall(path[i].Call!, HopAfter(path, i)))
            {
                return path[i];
            }
        }

        return null;
    }

    /// <summary>
    /// A return path whose every hop really waits: starting from the shortest path's re-entering hop
    /// <paramref name="reentry"/>, re-entering hops are left out one by one (a few times at most).
    /// </summary>
    private List<Edge>? PathWithoutReentry(int target, int from, LockLaunch? otherThanOnly, Edge reentry)
    {
        var excluded = new HashSet<Edge> { reentry };
        for (var attempt = 1; attempt < MaxReentryRetries; attempt++)
        {
            var path = PathTowards(target, from, otherThanOnly, excluded);
            if (path is null || ReentryHop(path) is not { } hop)
            {
                return path;
            }

            excluded.Add(hop);
        }

        return null;
    }
}
