using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// The whole-compilation lock-order graph, built from per-method summaries in one linear pass. Nodes are locks (a
/// field or auto-property: every instance of it is one node) and methods; edges are "B is taken while A is held"
/// (lock→lock), "A is held while calling f" (lock→method), "f takes B" (method→lock, blocking acquisitions only) and
/// "f calls g" (method→method). Two locks are in a lock-order cycle exactly when they are in one strongly connected
/// component (Tarjan, iterative): every lock→lock or lock→method edge inside such a component is an acquisition
/// site of the cycle. Only those components are searched further, for the return path shown in the message.
/// </summary>
internal sealed partial class LockOrderGraph
{
    private enum EdgeKind
    {
        LockLock,
        LockCall,
        MethodLock,
        MethodCall,
    }

    private readonly Dictionary<ISymbol, int> _lockIds = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IMethodSymbol, int> _methodIds = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, int> _slotIds = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<(int Method, string Profile), int> _variantIds = new();
    private readonly Dictionary<IMethodSymbol, List<MethodLockSummary>> _bodies = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IMethodSymbol, HashSet<int>> _guardedOrdinals = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, List<(IMethodSymbol Target, SyntaxNode Syntax, MethodLockSummary Owner)>> _slotTargets = new(SymbolEqualityComparer.Default);
    private readonly Queue<(MethodLockSummary Body, int Node, ImmutableArray<ParameterGuard> Constants, bool SyncOnly)> _variantWork = new();
    private readonly HashSet<(int, int)> _methodLockEdges = new();
    private readonly HashSet<(int, int)> _methodCallEdges = new();
    private readonly List<object> _nodes = new();
    private readonly List<bool> _isLock = new();
    private LockThreads _threads = null!;
    private bool _budgetExhausted;
    private readonly List<List<Edge>> _out = new();
    private readonly List<List<Edge>> _in = new();
    private readonly CancellationToken _cancellationToken;
    private int[] _component = Array.Empty<int>();

    // Searches for return paths are memoized and bounded: a pathological cycle of thousands of locks still costs a
    // linear amount of work, and its messages then name the size of the cycle instead of the path.
    private int _budget;
    private readonly Dictionary<(int, LockLaunch?), Dictionary<int, Edge>?> _towards = new();
    private readonly Dictionary<int, List<(int Lock, List<Edge> Path)>> _nearestLocks = new();

    private const int MaxNearestVisits = 10_000;
    private const int MaxShownPath = 64;

    /// <summary>Marks a return path cut at <see cref="MaxShownPath"/> edges.</summary>
    private static readonly Edge Truncated = new(-1, -1, EdgeKind.MethodCall, null!, null, null, null);

    private LockOrderGraph(CancellationToken cancellationToken) => _cancellationToken = cancellationToken;

    /// <summary>Every acquisition site of every lock-order cycle among distinct locks, in source order.</summary>
    public static List<LockOrderReport> FindCycles(IReadOnlyList<MethodLockSummary> summaries, CancellationToken cancellationToken)
    {
        var graph = new LockOrderGraph(cancellationToken);
        graph._threads = new LockThreads(summaries);
        graph.Build(summaries);
        graph._budget = 4 * (graph._nodes.Count + graph._out.Sum(e => e.Count)) + 100_000;
        graph._component = graph.StronglyConnectedComponents();
        return graph.Report();
    }

    private List<LockOrderReport> Report()
    {
        var lockCount = new Dictionary<int, int>();
        for (var n = 0; n < _nodes.Count; n++)
        {
            if (_isLock[n])
            {
                lockCount[_component[n]] = lockCount.TryGetValue(_component[n], out var c) ? c + 1 : 1;
            }
        }

        var reports = new List<LockOrderReport>();
        var pairs = new List<(LockOrderReport Report, Edge Edge, int Held, int Taken)>();
        var seen = new HashSet<(SyntaxNode, ISymbol)>();
        for (var a = 0; a < _nodes.Count; a++)
        {
            if (!_isLock[a] || lockCount[_component[a]] < 2)
            {
                continue;
            }

            foreach (var edge in _out[a])
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (_component[edge.To] != _component[a] || !seen.Add((edge.Site, edge.Held!.Lock)))
                {
                    continue;
                }

                // The lock taken while `a` is held: directly, or the nearest one the called method takes.
                var b = edge.To;
                var via = new List<Edge>();
                if (edge.Kind == EdgeKind.LockCall)
                {
                    var nearest = NearestLocks(edge.To).FirstOrDefault(l => l.Lock != a && !ReentersAtCall(edge.Call!, l.Path));
                    if (nearest.Path is null)
                    {
                        continue;
                    }

                    b = nearest.Lock;
                    via = nearest.Path;
                }

                var taken = via.Count > 0 ? via[via.Count - 1].Taken! : edge.Taken!;

                // One thread cannot deadlock with itself: when only one dedicated thread takes this order, the
                // opposite order must be taken by another thread (an edge not exclusive to that thread).
                var only = ExclusiveThread(edge);
                _budgetExhausted = false;
                var returnPath = PathTowards(a, b, only);
                if (returnPath is not null && ReentryHop(returnPath) is { } reentry)
                {
                    // The shortest way back re-enters a lock its caller already holds: look for another one.
                    returnPath = PathWithoutReentry(a, b, only, reentry);
                    if (returnPath is null && !_budgetExhausted)
                    {
                        continue;
                    }
                }

                if (only is not null && returnPath is null && !_budgetExhausted)
                {
                    continue;
                }

                var report = new LockOrderReport(
                    edge.Site,
                    LockOrderReport.MethodDisplay(edge.Owner.Method),
                    taken.Path.Display,
                    edge.Held!.Path.Display,
                    ViaText(edge, via),
                    ReverseText(edge.Site, returnPath, lockCount[_component[a]]),
                    returnPath is { Count: > 0 } && returnPath[0] != Truncated ? returnPath[0].Site : null);
                report.Path.AddRange(PathSteps(new[] { edge }.Concat(via)));
                if (returnPath is not null)
                {
                    report.Path.AddRange(PathSteps(returnPath.TakeWhile(e => e != Truncated)));
                }

                report.AddGraphFacts(CycleHops(edge, via, returnPath));
                reports.Add(report);
                pairs.Add((report, edge, a, b));
            }
        }

        AssignWantedOrder(pairs);
        return reports;
    }

    /// <summary>
    /// For two locks taken in both orders, the order used by more sites (on a tie, by the first site in the compilation)
    /// is the wanted one. A site in the other order made of two nested <c>lock</c> statements with nothing else in the
    /// outer body gets the wanted order as a property (the reorder fix). No ordered-acquisition fix is proposed for two
    /// distinct locks: <c>LockSet.Enter</c> at one site and a plain nested order at another can still deadlock.
    /// </summary>
    private static void AssignWantedOrder(List<(LockOrderReport Report, Edge Edge, int Held, int Taken)> pairs)
    {
        var count = new Dictionary<(int, int), int>();
        var first = new Dictionary<(int, int), SyntaxNode>();
        foreach (var (_, edge, held, taken) in pairs)
        {
            var key = (held, taken);
            count[key] = count.TryGetValue(key, out var c) ? c + 1 : 1;
            if (!first.TryGetValue(key, out var earliest) || ComesBefore(edge.Site, earliest))
            {
                first[key] = edge.Site;
            }
        }

        bool IsWanted((int, int) mine, (int, int) other) =>
            !count.TryGetValue(other, out var otherCount) || count[mine] > otherCount ||
            (count[mine] == otherCount && ComesBefore(first[mine], first[other]));

        static bool ComesBefore(SyntaxNode left, SyntaxNode right)
        {
            var byFile = string.CompareOrdinal(left.SyntaxTree.FilePath, right.SyntaxTree.FilePath);
            return byFile < 0 || (byFile == 0 && left.SpanStart < right.SpanStart);
        }

        foreach (var (report, edge, held, taken) in pairs)
        {
            var mine = (held, taken);
            var other = (taken, held);
            if (!count.ContainsKey(other) || IsWanted(mine, other))
            {
                continue;
            }

            if (edge.Kind == EdgeKind.LockLock && NestedLocks.TryGet(edge.Taken!.Syntax, out var inner, out var outer) &&
                outer.Expression == edge.Held!.Syntax && NestedLocks.CanSwap(inner, outer))
            {
                report.Properties = report.Properties.Add(LockOrderReport.WantedOrderProperty,
                    edge.Taken.Path.Display + "," + edge.Held.Path.Display);
            }
        }
    }

    private static string ViaText(Edge edge, List<Edge> via)
    {
        if (edge.Kind != EdgeKind.LockCall)
        {
            return string.Empty;
        }

        var names = CallNames(edge, via);

        // The message names the first and the last hop; every hop is in the related locations (LockOrderReport.Path).
        return " (via " + (names.Count > 3 ? $"{names[0]} → … → {names[names.Count - 1]}" : string.Join(" → ", names)) + ")";
    }

    /// <summary>The lines a run of edges goes through: each lock taken and each call made, in order.</summary>
    private static IEnumerable<SyntaxNode> PathSteps(IEnumerable<Edge> edges)
    {
        foreach (var edge in edges)
        {
            switch (edge.Kind)
            {
                case EdgeKind.LockLock:
                    yield return edge.Held!.Syntax;
                    yield return edge.Taken!.Syntax;
                    break;
                case EdgeKind.LockCall:
                    yield return edge.Held!.Syntax;
                    yield return edge.Call!.Syntax;
                    break;
                case EdgeKind.MethodCall:
                    yield return edge.Call!.Syntax;
                    break;
                case EdgeKind.MethodLock:
                    yield return edge.Taken!.Syntax;
                    break;
            }
        }
    }

    private static string CallDisplay(LockCallSite call) =>
        call.DelegateSlot is { } slot ? $"'{slot.Name}'" : LockOrderReport.MethodDisplay(call.Callee);

    /// <summary>Describes the return path from the taken lock back to the held one: the other site(s) of the cycle.</summary>
    private static string ReverseText(SyntaxNode site, List<Edge>? path, int locksInCycle)
    {
        if (path is null)
        {
            return $"the locks are part of a cycle of {locksInCycle} locks";
        }

        var steps = new List<string>();
        var truncated = path.Count > 0 && path[path.Count - 1] == Truncated;
        if (truncated)
        {
            path = path.GetRange(0, path.Count - 1);
        }

        for (var i = 0; i < path.Count; i++)
        {
            var edge = path[i];
            if (edge.Kind is not (EdgeKind.LockLock or EdgeKind.LockCall))
            {
                continue;
            }

            var via = edge.Kind == EdgeKind.LockCall ? HopAfter(path, i) : new List<Edge>();
            var j = i + 1 + via.Count;

            var taken = via.Count > 0 ? via[via.Count - 1].Taken : edge.Taken;
            steps.Add(steps.Count == 0 && !truncated && IsLast(path, j)
                ? $"{LockOrderReport.MethodDisplay(edge.Owner.Method)} takes them in the opposite order at {LockOrderReport.LineOf(edge.Site, site)}{ViaText(edge, via)}"
                : $"{LockOrderReport.MethodDisplay(edge.Owner.Method)} takes '{taken?.Path.Display}' while holding '{edge.Held!.Path.Display}' at {LockOrderReport.LineOf(edge.Site, site)}{ViaText(edge, via)}");
        }

        return steps.Count switch
        {
            0 => $"the locks are part of a cycle of {locksInCycle} locks",
            1 when !truncated => steps[0],
            _ => string.Join(", and ", steps.Take(3)) + (steps.Count > 3 || truncated ? ", …" : string.Empty),
        };

        static bool IsLast(List<Edge> path, int from)
        {
            for (var k = from; k < path.Count; k++)
            {
                if (path[k].Kind is EdgeKind.LockLock or EdgeKind.LockCall)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The nearest locks of the component (up to two) that <paramref name="method"/> takes, through method calls only.</summary>
    private List<(int Lock, List<Edge> Path)> NearestLocks(int method)
    {
        if (_nearestLocks.TryGetValue(method, out var cached))
        {
            return cached;
        }

        var result = new List<(int, List<Edge>)>();
        var parent = new Dictionary<int, Edge?> { [method] = null };
        var queue = new Queue<int>();
        queue.Enqueue(method);
        var visits = 0;
        while (queue.Count > 0 && result.Count < 2 && visits++ < MaxNearestVisits)
        {
            var node = queue.Dequeue();
            foreach (var edge in _out[node])
            {
                if (_component[edge.To] != _component[method])
                {
                    continue;
                }

                if (edge.Kind == EdgeKind.MethodLock)
                {
                    if (result.Count < 2 && result.All(r => r.Item1 != edge.To))
                    {
                        result.Add((edge.To, Backtrack(parent, node, edge)));
                    }
                }
                else if (edge.Kind == EdgeKind.MethodCall && !parent.ContainsKey(edge.To))
                {
                    parent[edge.To] = edge;
                    queue.Enqueue(edge.To);
                }
            }
        }

        _nearestLocks[method] = result;
        return result;
    }

    /// <summary>
    /// The dedicated thread that alone takes the order of a lock→lock or lock→method edge: its body runs only on that
    /// thread (<see cref="LockThreads"/>), and the order involves that instance's own lock (a thread started by an
    /// instance constructor runs once per instance; static locks are shared by every instance's thread).
    /// </summary>
    private LockLaunch? ExclusiveThread(Edge edge)
    {
        if (edge.Kind is not (EdgeKind.LockLock or EdgeKind.LockCall) || _threads.OnlyThread(edge.Owner.Method) is not { } launch)
        {
            return null;
        }

        var ownLock = !_threads.MayRunOnAnotherInstance(edge.Owner.Method) &&
                      (edge.Held!.RootKind == LockRootKind.This || (edge.Kind == EdgeKind.LockLock && edge.Taken!.RootKind == LockRootKind.This));
        return launch.FromStaticConstructor || ownLock ? launch : null;
    }

    /// <summary>
    /// A shortest path from <paramref name="from"/> to <paramref name="target"/> inside their component, or null; with
    /// <paramref name="otherThanOnly"/>, one that avoids the orders only that thread takes.
    /// </summary>
    private List<Edge>? PathTowards(int target, int from, LockLaunch? otherThanOnly, HashSet<Edge>? excluded = null)
    {
        if (excluded is not null || !_towards.TryGetValue((target, otherThanOnly), out var next))
        {
            // Breadth-first over reversed edges from the target: for each node, its first edge on a shortest path there.
            var built = new Dictionary<int, Edge>();
            next = built;
            var queue = new Queue<int>();
            queue.Enqueue(target);
            var reached = new HashSet<int> { target };
            while (queue.Count > 0)
            {
                if (_budget-- <= 0)
                {
                    next = null;
                    _budgetExhausted = true;
                    break;
                }

                var node = queue.Dequeue();
                foreach (var edge in _in[node])
                {
                    if (_component[edge.From] == _component[target] && (excluded is null || !excluded.Contains(edge)) &&
                        (otherThanOnly is null || ExclusiveThread(edge) != otherThanOnly) && reached.Add(edge.From))
                    {
                        built[edge.From] = edge;
                        queue.Enqueue(edge.From);
                    }
                }
            }

            if (excluded is null)
            {
                _towards[(target, otherThanOnly)] = next;
            }
        }

        if (next is null)
        {
            _budgetExhausted = true;
            return null;
        }

        // Messages show the first few steps: a return path longer than that is cut (and shown with "…").
        var path = new List<Edge>();
        for (var node = from; node != target; node = path[path.Count - 1].To)
        {
            if (!next.TryGetValue(node, out var edge))
            {
                return null;
            }

            if (path.Count == MaxShownPath)
            {
                path.Add(Truncated);
                break;
            }

            path.Add(edge);
        }

        return path;
    }

    private static List<Edge> Backtrack(Dictionary<int, Edge?> parent, int node, Edge last)
    {
        var path = new List<Edge> { last };
        for (var edge = parent[node]; edge is not null; edge = parent[edge.From])
        {
            path.Add(edge);
        }

        path.Reverse();
        return path;
    }

    /// <summary>Tarjan's algorithm without recursion (call chains can be thousands deep). Returns each node's component.</summary>
    private int[] StronglyConnectedComponents()
    {
        var count = _nodes.Count;
        var index = new int[count];
        var low = new int[count];
        var component = new int[count];
        var onStack = new bool[count];
        for (var i = 0; i < count; i++)
        {
            index[i] = -1;
            component[i] = -1;
        }

        var stack = new Stack<int>();
        var work = new Stack<(int Node, int Next)>();
        var counter = 0;
        var components = 0;
        for (var start = 0; start < count; start++)
        {
            if (index[start] >= 0)
            {
                continue;
            }

            work.Push((start, 0));
            while (work.Count > 0)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var (node, next) = work.Pop();
                if (next == 0)
                {
                    index[node] = low[node] = counter++;
                    stack.Push(node);
                    onStack[node] = true;
                }

                var edges = _out[node];
                var descended = false;
                for (var i = next; i < edges.Count; i++)
                {
                    var to = edges[i].To;
                    if (index[to] < 0)
                    {
                        work.Push((node, i + 1));
                        work.Push((to, 0));
                        descended = true;
                        break;
                    }

                    if (onStack[to])
                    {
                        low[node] = Math.Min(low[node], index[to]);
                    }
                }

                if (descended)
                {
                    continue;
                }

                if (low[node] == index[node])
                {
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        component[member] = components;
                    }
                    while (member != node);
                    components++;
                }

                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }

        return component;
    }

    private int MethodNode(IMethodSymbol method)
    {
        if (!_methodIds.TryGetValue(method, out var id))
        {
            id = AddNode(method, isLock: false);
            _methodIds[method] = id;
        }

        return id;
    }

    private int LockNode(ISymbol @lock)
    {
        if (!_lockIds.TryGetValue(@lock, out var id))
        {
            id = AddNode(@lock, isLock: true);
            _lockIds[@lock] = id;
        }

        return id;
    }

    private int AddNode(object node, bool isLock)
    {
        _nodes.Add(node);
        _isLock.Add(isLock);
        _out.Add(new List<Edge>());
        _in.Add(new List<Edge>());
        return _nodes.Count - 1;
    }

    private void AddEdge(Edge edge)
    {
        _out[edge.From].Add(edge);
        _in[edge.To].Add(edge);
    }

    private sealed class Edge
    {
        public Edge(int from, int to, EdgeKind kind, MethodLockSummary owner, LockAcquisition? held, LockAcquisition? taken, LockCallSite? call)
        {
            From = from;
            To = to;
            Kind = kind;
            Owner = owner;
            Held = held;
            Taken = taken;
            Call = call;
        }

        public int From { get; }

        public int To { get; }

        public EdgeKind Kind { get; }

        /// <summary>The body the edge comes from.</summary>
        public MethodLockSummary Owner { get; }

        public LockAcquisition? Held { get; }

        public LockAcquisition? Taken { get; }

        public LockCallSite? Call { get; }

        public SyntaxNode Site => Taken?.Syntax ?? Call!.Syntax;
    }
}
