using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// Lock-order cycles the lock-order graph cannot see, because both ends are one field: the same lock field of two
/// instances taken nested. <c>lock (from._sync) lock (to._sync)</c> with <c>from</c> and <c>to</c> chosen by the caller
/// deadlocks when another call passes them swapped (the classic transfer) — unless the code compares the two (by id,
/// by hash) to choose which to take first. Fixed instances reached through field chains (<c>_left._sync</c>,
/// <c>_right._sync</c>) are reported only when both orders occur.
/// </summary>
internal static class SameFieldLocks
{
    private const int MaxCallDepth = 32;

    public static List<LockOrderReport> Find(IReadOnlyList<MethodLockSummary> summaries, CancellationToken cancellationToken)
    {
        var byMethod = new Dictionary<IMethodSymbol, MethodLockSummary>(SymbolEqualityComparer.Default);
        foreach (var summary in summaries)
        {
            if (summary.Acquisitions.Count + summary.Calls.Count > 0 && !byMethod.ContainsKey(summary.Method))
            {
                byMethod.Add(summary.Method, summary);
            }
        }

        var onThis = new Dictionary<IMethodSymbol, HashSet<ISymbol>>(SymbolEqualityComparer.Default);
        var reports = new List<LockOrderReport>();
        var fixedPairs = new List<(AccessPath Held, AccessPath Taken, MethodLockSummary Owner, LockAcquisition Site, LockAcquisition Outer)>();
        var fixedKeys = new Dictionary<(AccessPath, AccessPath), (LockAcquisition Site, LockAcquisition Outer, MethodLockSummary Owner)>();
        foreach (var summary in summaries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var taken in summary.Acquisitions)
            {
                if (!taken.Blocking || taken.RootKind == LockRootKind.Static)
                {
                    continue;
                }

                foreach (var held in taken.Held)
                {
                    if (!SymbolEqualityComparer.Default.Equals(held.Lock, taken.Lock) || held.Path.Equals(taken.Path))
                    {
                        continue; // another lock, or re-entering the same one
                    }

                    if (held.RootKind is LockRootKind.This or LockRootKind.Peer && taken.RootKind is LockRootKind.This or LockRootKind.Peer)
                    {
                        if (IsUnordered(summary, held.Root!, taken.Root!))
                        {
                            var report = TwoInstances(summary, taken.Syntax, taken.Path.Display, held.Path.Display, string.Empty, held.Lock);
                            report.Path.Add(held.Syntax);
                            report.Path.Add(taken.Syntax);
                            reports.Add(report);
                        }
                    }
                    else
                    {
                        fixedPairs.Add((held.Path, taken.Path, summary, taken, held));
                        if (!fixedKeys.ContainsKey((held.Path, taken.Path)))
                        {
                            fixedKeys.Add((held.Path, taken.Path), (taken, held, summary));
                        }
                    }
                }
            }

            foreach (var call in summary.Calls)
            {
                if (call.ReceiverKind != LockRootKind.Peer)
                {
                    continue;
                }

                foreach (var held in call.Held)
                {
                    if (held.RootKind is LockRootKind.This or LockRootKind.Peer &&
                        !SymbolEqualityComparer.Default.Equals(held.Root, call.ReceiverRoot) &&
                        OnThis(call.Callee, byMethod, onThis, 0).Contains(held.Lock) &&
                        IsUnordered(summary, held.Root!, call.ReceiverRoot!))
                    {
                        var report = TwoInstances(summary, call.Syntax, call.ReceiverDisplay + "." + held.Lock.Name, held.Path.Display,
                            $" (via {LockOrderReport.MethodDisplay(call.Callee)})", held.Lock, call.Callee);
                        report.Path.Add(held.Syntax);
                        report.Path.Add(call.Syntax);
                        reports.Add(report);
                    }
                }
            }
        }

        foreach (var (heldPath, takenPath, owner, site, outer) in fixedPairs)
        {
            if (fixedKeys.TryGetValue((takenPath, heldPath), out var other))
            {
                var report = new LockOrderReport(site.Syntax, LockOrderReport.MethodDisplay(owner.Method), takenPath.Display, heldPath.Display,
                    string.Empty, $"they are taken in the opposite order at {LockOrderReport.LineOf(other.Site.Syntax, site.Syntax)}", other.Site.Syntax);
                report.Path.AddRange(new[] { outer.Syntax, site.Syntax, other.Outer.Syntax, other.Site.Syntax });
                string heldId = FixedId(heldPath), takenId = FixedId(takenPath);
                report.AddGraphFacts(new[]
                {
                    new LockOrderHop(heldId, takenId, heldPath.Display, takenPath.Display, report.Method, string.Empty),
                    new LockOrderHop(takenId, heldId, takenPath.Display, heldPath.Display, LockOrderReport.MethodDisplay(other.Owner.Method), string.Empty),
                });
                reports.Add(report);
            }
        }

        return reports;
    }

    /// <summary>
    /// Two instances in symmetric roles the caller chooses (<c>this</c>, parameters, locals read from parameters), not
    /// derived from one another (<c>var parent = node.Parent</c> is a structure, locked in its own order), and not
    /// ordered by the code.
    /// </summary>
    private static bool IsUnordered(MethodLockSummary summary, ISymbol first, ISymbol second) =>
        summary.IsCallerChosen(first) && summary.IsCallerChosen(second) &&
        !summary.IsDerivedFrom(first, second) && !summary.IsDerivedFrom(second, first) &&
        !summary.OrdersInstances(first, second);

    private static LockOrderReport TwoInstances(MethodLockSummary owner, SyntaxNode site, string taken, string held, string via, ISymbol field,
        IMethodSymbol? callee = null)
    {
        var report = new LockOrderReport(site, LockOrderReport.MethodDisplay(owner.Method), taken, held, via,
            $"a concurrent call with the two '{field.ContainingType.Name}' instances swapped takes them in the opposite order",
            otherSite: null);
        report.Properties = ImmutableDictionary<string, string?>.Empty.Add(LockOrderReport.TwoInstancesProperty, "true");

        // Two instances of one field: a node per instance as this method names it; the swapped call closes the cycle.
        string heldId = InstanceId(held), takenId = InstanceId(taken);
        var calls = via.Length == 0 ? string.Empty : LockOrderReport.MethodDisplay(callee!);
        report.AddGraphFacts(new[]
        {
            new LockOrderHop(heldId, takenId, held, taken, report.Method, calls),
            new LockOrderHop(takenId, heldId, taken, held, report.Method + " (the swapped call)", calls),
        });
        return report;

        string InstanceId(string path) => $"{LockOrderReport.LockId(field)} ({path} in {report.Method})";
    }

    /// <summary>A fixed instance's lock: the path from its root, the root qualified (<c>Ns.Tree._left._sync</c>).</summary>
    private static string FixedId(AccessPath path) =>
        string.Join(".", new[] { LockOrderReport.LockId(path.Root) }.Concat(path.Symbols.Skip(1).Select(s => s.Name)));

    /// <summary>The lock fields a method takes on its own instance, directly or through calls on <c>this</c>.</summary>
    private static HashSet<ISymbol> OnThis(IMethodSymbol method, Dictionary<IMethodSymbol, MethodLockSummary> byMethod,
        Dictionary<IMethodSymbol, HashSet<ISymbol>> memo, int depth)
    {
        if (memo.TryGetValue(method, out var known))
        {
            return known;
        }

        var result = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        memo[method] = result; // a recursive cycle sees what is known so far
        if (depth > MaxCallDepth || !byMethod.TryGetValue(method, out var summary))
        {
            return result;
        }

        foreach (var taken in summary.Acquisitions)
        {
            if (taken.Blocking && taken.RootKind == LockRootKind.This)
            {
                result.Add(taken.Lock);
            }
        }

        foreach (var call in summary.Calls)
        {
            if (call.ReceiverKind == LockRootKind.This)
            {
                result.UnionWith(OnThis(call.Callee, byMethod, memo, depth + 1));
            }
        }

        return result;
    }
}
