using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules.TW0004;

/// <summary>
/// The one graph walk of TW0004, over any set of body summaries: a top-level type's (the live analyzer's SymbolEnd)
/// or the whole compilation's (the build-only analyzer). Lock-order cycles (<see cref="LockOrderGraph"/>) and the same
/// field of two instances (<see cref="SameFieldLocks"/>), one report per site and held lock, in source order.
/// </summary>
internal static class LockOrderFinder
{
    public static List<LockOrderReport> Find(IEnumerable<MethodLockSummary> summaries, CancellationToken cancellationToken)
    {
        // Summaries arrive in any order; sort them so the graph, and so the messages, are deterministic.
        var ordered = summaries
            .OrderBy(s => s.Syntax.SyntaxTree.FilePath, StringComparer.Ordinal)
            .ThenBy(s => s.Syntax.SpanStart)
            .ToList();
        var result = new List<LockOrderReport>();
        if (!ordered.Any(s => s.Acquisitions.Count > 0))
        {
            return result;
        }

        var reports = LockOrderGraph.FindCycles(ordered, cancellationToken);
        reports.AddRange(SameFieldLocks.Find(ordered, cancellationToken));
        var reported = new HashSet<(SyntaxNode, string)>();
        foreach (var report in reports
                     .OrderBy(r => r.Site.SyntaxTree.FilePath, StringComparer.Ordinal)
                     .ThenBy(r => r.Site.SpanStart))
        {
            if (reported.Add(Key(report)))
            {
                result.Add(report);
            }
        }

        return result;
    }

    /// <summary>What makes two reports one finding: the site and the lock held there.</summary>
    public static (SyntaxNode Site, string Held) Key(LockOrderReport report) => (report.Site, report.Held);
}
