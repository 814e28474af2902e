using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules.TW0004;

/// <summary>TW0004's descriptor (live, or build-only for cross-type findings) and how a finding becomes a diagnostic.</summary>
internal static class TW0004Diagnostics
{
    public static DiagnosticDescriptor Descriptor(bool compilationEnd) => RuleDescriptors.Create(
        RuleIds.InconsistentLockOrder,
        title: "Locks taken in inconsistent order",
        messageFormat: "{0} takes '{1}' while holding '{2}'{3}; {4}",
        RuleCategories.Locking,
        DiagnosticSeverity.Warning,
        description: "A thread that holds lock A and waits for lock B deadlocks with a thread that holds B and waits for A. " +
                     "The rule builds the lock-order graph (nested acquisitions and acquisitions in called methods, with lock, " +
                     "Monitor, Lock, SemaphoreSlim, Mutex and ReaderWriterLockSlim) and reports every acquisition in a cycle, " +
                     "and the same lock field of two instances taken nested without an order. Cycles within one type are " +
                     "reported as you type; cycles through other types on build.",
        compilationEnd: compilationEnd);

    /// <summary>
    /// The diagnostic at the site; its additional locations (SARIF related locations) are the other site of the
    /// cycle first (when there is one), then the whole path in order (<see cref="LockOrderReport.Path"/>).
    /// </summary>
    public static Diagnostic Create(DiagnosticDescriptor descriptor, LockOrderReport report) => Diagnostic.Create(
        descriptor,
        report.Site.GetLocation(),
        additionalLocations: AdditionalLocations(report),
        properties: report.Properties,
        report.Method,
        report.Taken,
        report.Held,
        report.Via,
        report.Reverse);

    private static List<Location> AdditionalLocations(LockOrderReport report)
    {
        var locations = new List<Location>();
        if (report.OtherSite is not null)
        {
            locations.Add(report.OtherSite.GetLocation());
        }

        SyntaxNode? previous = null;
        foreach (var step in report.Path)
        {
            if (step != previous)
            {
                locations.Add(step.GetLocation());
            }

            previous = step;
        }

        return locations;
    }
}
