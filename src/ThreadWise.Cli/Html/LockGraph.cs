using System;
using System.Collections.Generic;
using System.Linq;
using ThreadWise.Cli.Model;

namespace ThreadWise.Cli.Html;

/// <summary>A lock of the drawn graph: its identity (the analyzer's <c>HeldLock</c>/<c>TakenLock</c>) and a short label.</summary>
internal sealed record LockNode(string Id, string Label);

/// <summary>
/// "<see cref="To"/> is taken while <see cref="From"/> is held", in <see cref="Method"/> (through the calls in
/// <see cref="Via"/>); <see cref="Sites"/> are the findings reported at such an acquisition.
/// </summary>
internal sealed class LockEdge
{
    public LockEdge(string from, string to, string method, string via)
    {
        From = from;
        To = to;
        Method = method;
        Via = via;
    }

    public string From { get; }

    public string To { get; }

    public string Method { get; }

    public string Via { get; }

    public List<Finding> Sites { get; } = new();

    /// <summary>True when the edge lies on a cycle (its locks are in one strongly connected component).</summary>
    public bool InCycle { get; set; }
}

/// <summary>
/// The lock-order graph of one project, rebuilt from its TW0004 findings: each finding's <c>Cycle</c> property lists
/// the hops of its cycle in order (its own first), so findings of one cycle give one drawn cycle, and locks are merged
/// by identity. An edge is red when it lies on a cycle (Tarjan's components).
/// </summary>
internal sealed class LockGraph
{
    private readonly Dictionary<string, LockNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string, string, string), LockEdge> _edges = new();

    public IReadOnlyCollection<LockNode> Nodes => _nodes.Values;

    public IReadOnlyCollection<LockEdge> Edges => _edges.Values;

    /// <summary>Findings that could not be placed (no graph facts in their properties).</summary>
    public List<Finding> Unplaced { get; } = new();

    /// <summary>The cycles' lock sets (components with a cycle), largest first.</summary>
    public List<List<string>> Cycles { get; } = new();

    public static LockGraph Build(IEnumerable<Finding> findings)
    {
        var graph = new LockGraph();
        foreach (var finding in findings.Where(f => f.RuleId == "TW0004"))
        {
            var hops = Hops(finding);
            if (hops.Count == 0)
            {
                graph.Unplaced.Add(finding);
                continue;
            }

            // The own hop is the finding's site. Two instances of one field: both hops are that one line of code,
            // called once as written and once with the instances swapped.
            var twoInstances = finding.Properties.TryGetValue("TwoInstances", out var flag) && flag == "true";
            for (var i = 0; i < hops.Count; i++)
            {
                var edge = graph.Edge(hops[i]);
                if (i == 0 || twoInstances)
                {
                    edge.Sites.Add(finding);
                }
            }
        }

        graph.MarkCycles();
        return graph;
    }

    /// <summary>The finding's hops: its <c>Cycle</c> property, or its own hop alone from <c>HeldLock</c>/<c>TakenLock</c>.</summary>
    public static List<Hop> Hops(Finding finding)
    {
        var hops = new List<Hop>();
        if (finding.Properties.TryGetValue("Cycle", out var cycle) && !string.IsNullOrEmpty(cycle))
        {
            foreach (var line in cycle.Split('\n'))
            {
                var f = line.Split('\t');
                if (f.Length == 6 && f[0].Length > 0 && f[1].Length > 0)
                {
                    hops.Add(new Hop(f[0], f[1], f[2], f[3], f[4], f[5]));
                }
            }
        }
        else if (Get(finding, "HeldLock") is { Length: > 0 } held && Get(finding, "TakenLock") is { Length: > 0 } taken)
        {
            hops.Add(new Hop(held, taken, Get(finding, "Held") ?? held, Get(finding, "Taken") ?? taken, Get(finding, "Method") ?? string.Empty, Get(finding, "Via") ?? string.Empty));
        }

        return hops;

        static string? Get(Finding f, string key) => f.Properties.TryGetValue(key, out var v) ? v : null;
    }

    /// <summary>A label for a lock identity: <c>Ns.Bank._ledger</c> → <c>Bank._ledger</c>; an instance (<c>Ns.Account.Sync (from.Sync in 'Transfer')</c>) → <c>from.Sync</c>.</summary>
    public static string Label(string id)
    {
        var open = id.IndexOf(" (", StringComparison.Ordinal);
        if (open > 0 && id.EndsWith(')'))
        {
            var inner = id.Substring(open + 2, id.Length - open - 3);
            var at = inner.IndexOf(" in ", StringComparison.Ordinal);
            return at > 0 ? inner.Substring(0, at) : inner;
        }

        // Split on dots outside generic argument lists.
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < id.Length; i++)
        {
            depth += id[i] == '<' ? 1 : id[i] == '>' ? -1 : 0;
            if (id[i] == '.' && depth == 0)
            {
                parts.Add(id.Substring(start, i - start));
                start = i + 1;
            }
        }

        parts.Add(id.Substring(start));
        return parts.Count <= 2 ? id : string.Join(".", parts.Skip(parts.Count - 2));
    }

    private LockEdge Edge(Hop hop)
    {
        Node(hop.HeldLock);
        Node(hop.TakenLock);
        var key = (hop.HeldLock, hop.TakenLock, hop.Method, hop.Via);
        if (!_edges.TryGetValue(key, out var edge))
        {
            _edges[key] = edge = new LockEdge(hop.HeldLock, hop.TakenLock, hop.Method, hop.Via);
        }

        return edge;
    }

    private void Node(string id)
    {
        if (!_nodes.ContainsKey(id))
        {
            _nodes[id] = new LockNode(id, Label(id));
        }
    }

    private void MarkCycles()
    {
        var component = Components();
        foreach (var edge in _edges.Values)
        {
            edge.InCycle = edge.From == edge.To || component[edge.From] == component[edge.To];
        }

        foreach (var group in component.GroupBy(p => p.Value))
        {
            var locks = group.Select(p => p.Key).ToList();
            if (locks.Count > 1 || _edges.Values.Any(e => e.From == locks[0] && e.To == locks[0]))
            {
                Cycles.Add(locks);
            }
        }

        Cycles.Sort((a, b) => b.Count.CompareTo(a.Count));
    }

    /// <summary>Tarjan's strongly connected components (graphs here are small: recursion is fine).</summary>
    private Dictionary<string, int> Components()
    {
        var outgoing = _nodes.Keys.ToDictionary(n => n, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var edge in _edges.Values)
        {
            outgoing[edge.From].Add(edge.To);
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var component = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var counter = 0;
        var components = 0;

        void Visit(string node)
        {
            index[node] = low[node] = counter++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in outgoing[node])
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }

            if (low[node] == index[node])
            {
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component[member] = components;
                }
                while (member != node);
                components++;
            }
        }

        foreach (var node in _nodes.Keys.OrderBy(n => n, StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return component;
    }

    /// <summary>One hop of a <c>Cycle</c> property.</summary>
    internal sealed record Hop(string HeldLock, string TakenLock, string Held, string Taken, string Method, string Via);
}
