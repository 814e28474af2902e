using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary>One acquisition site in a lock-order cycle, with what the message says about it.</summary>
internal sealed class LockOrderReport
{
    /// <summary>Properties passed to the code fix.</summary>
    public const string WantedOrderProperty = "WantedOrder";
    public const string TwoInstancesProperty = "TwoInstances";

    /// <summary>
    /// Properties for reports that redraw the lock-order graph (the HTML report): the facts the message abbreviates.
    /// <c>Method</c>, <c>Held</c>, <c>Taken</c> as the message names them; <c>HeldLock</c>/<c>TakenLock</c> the
    /// locks' identities (one node of the graph each); <c>Via</c> every call from the site to the taken lock, unabbreviated;
    /// <c>Cycle</c> the hops of the cycle in order, starting with this one (see <see cref="LockOrderHop"/>).
    /// </summary>
    public const string MethodProperty = "Method";
    public const string HeldProperty = "Held";
    public const string TakenProperty = "Taken";
    public const string HeldLockProperty = "HeldLock";
    public const string TakenLockProperty = "TakenLock";
    public const string ViaProperty = "Via";
    public const string CycleProperty = "Cycle";

    public LockOrderReport(SyntaxNode site, string method, string taken, string held, string via, string reverse, SyntaxNode? otherSite)
    {
        Site = site;
        Method = method;
        Taken = taken;
        Held = held;
        Via = via;
        Reverse = reverse;
        OtherSite = otherSite;
    }

    public SyntaxNode Site { get; }

    /// <summary>The method that takes the lock (display form, quoted).</summary>
    public string Method { get; }

    public string Taken { get; }

    public string Held { get; }

    /// <summary>" (via 'WriteAudit')" when the lock is taken in a called method, else empty.</summary>
    public string Via { get; }

    /// <summary>Where the opposite order is taken ("'Reconcile' takes them in the opposite order at line 30").</summary>
    public string Reverse { get; }

    public SyntaxNode? OtherSite { get; }

    /// <summary>
    /// The whole story in order, for SARIF related locations: where this order's first lock is taken, each call on the
    /// way to the second and the line that takes it; then the same for the opposite order (or orders, around a longer
    /// cycle). The site itself is in it too, at its place in the chain.
    /// </summary>
    public List<SyntaxNode> Path { get; } = new();

    public ImmutableDictionary<string, string?> Properties { get; set; } = ImmutableDictionary<string, string?>.Empty;

    /// <summary>
    /// Adds the graph facts (<see cref="MethodProperty"/> and the others) to <see cref="Properties"/>;
    /// <paramref name="cycle"/> starts with this report's own hop.
    /// </summary>
    public void AddGraphFacts(IReadOnlyList<LockOrderHop> cycle)
    {
        if (cycle.Count == 0)
        {
            return;
        }

        var own = cycle[0];
        Properties = Properties
            .SetItem(MethodProperty, Method)
            .SetItem(HeldProperty, Held)
            .SetItem(TakenProperty, Taken)
            .SetItem(HeldLockProperty, own.HeldLock)
            .SetItem(TakenLockProperty, own.TakenLock)
            .SetItem(ViaProperty, own.Via)
            .SetItem(CycleProperty, string.Join("\n", cycle));
    }

    /// <summary>A lock's identity in the graph: its field or property (every instance of it is one lock).</summary>
    public static string LockId(ISymbol @lock) => @lock.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

    /// <summary>How a method is named in messages: <c>'Transfer'</c>, <c>a lambda in 'Run'</c>.</summary>
    public static string MethodDisplay(IMethodSymbol method) => method.MethodKind switch
    {
        MethodKind.AnonymousFunction => method.ContainingSymbol is IMethodSymbol outer ? $"a lambda in {MethodDisplay(outer)}" : "a lambda",
        MethodKind.Constructor or MethodKind.StaticConstructor => $"'{method.ContainingType.Name}' constructor",
        MethodKind.PropertyGet or MethodKind.PropertySet => $"'{method.AssociatedSymbol?.Name ?? method.Name}'",
        _ when method.Name == WellKnownMemberNames.TopLevelStatementsEntryPointMethodName => "the top-level statements",
        _ => $"'{method.Name}'",
    };

    /// <summary>"line 30", or "line 30 of Other.cs" when <paramref name="site"/> is in another file than <paramref name="from"/>.</summary>
    public static string LineOf(SyntaxNode site, SyntaxNode from)
    {
        var line = site.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
        return site.SyntaxTree == from.SyntaxTree || string.IsNullOrEmpty(site.SyntaxTree.FilePath)
            ? $"line {line}"
            : $"line {line} of {System.IO.Path.GetFileName(site.SyntaxTree.FilePath)}";
    }
}

/// <summary>
/// One "taken while holding" hop of a lock-order cycle, as the <see cref="LockOrderReport.CycleProperty"/> lists it: one
/// line per hop, tab-separated <c>HeldLock, TakenLock, Held, Taken, Method, Via</c> (Via: the calls from the site to
/// the taken lock, " → " separated, empty when the lock is taken directly).
/// </summary>
internal readonly struct LockOrderHop
{
    public LockOrderHop(string heldLock, string takenLock, string held, string taken, string method, string via)
    {
        HeldLock = heldLock;
        TakenLock = takenLock;
        Held = held;
        Taken = taken;
        Method = method;
        Via = via;
    }

    public string HeldLock { get; }

    public string TakenLock { get; }

    public string Held { get; }

    public string Taken { get; }

    public string Method { get; }

    public string Via { get; }

    public override string ToString() => string.Join("\t", Clean(HeldLock), Clean(TakenLock), Clean(Held), Clean(Taken), Clean(Method), Clean(Via));

    private static string Clean(string text) => text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
}
