using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace ThreadWise;

// The slow path of LockOrderValidator: recording new orders and finding inversions, under one global lock. Readers
// (the fast path) never take that lock: edge sets are published with volatile writes and only ever grow.
public static partial class LockOrderValidator
{
    internal const string NotCapturedNote =
        "   (where it was taken was not captured: that acquisition recorded no new lock order. It is held by one of the frames below; "
        + "set LockOrderValidator.CaptureAllStacks or " + EnvironmentVariable + "=stacks for exact stacks)" + "\n";

    // Tests only: runs inside the graph lock of every slow-path check (to hold one thread there deterministically).
    internal static volatile Action? TestHookInsideGraphLock;

    // Records the orders held → node that are new, or reports the first one that closes a cycle. Returns the stack of
    // this acquisition when one was captured.
    private static StackTrace Check(HeldStack held, HeldLock? flow, LockNode node)
    {
        // Skips this method and its caller in the validator; the user's frames start below.
        var stack = new StackTrace(2, true);
        LockOrderViolation? report = null;
        lock (GraphGate)
        {
            TestHookInsideGraphLock?.Invoke();
            var nodes = held.Nodes;
            for (var i = 0; i < held.Count; i++)
            {
                if (nodes[i] == node)
                {
                    return stack;
                }
            }

            for (var f = flow; f is not null; f = f.Parent)
            {
                if (f.Node == node && !f.Done)
                {
                    return stack;
                }
            }

            for (var i = 0; i < held.Count; i++)
            {
                report ??= AddOrder(nodes[i], held.Stacks[i], node, stack);
            }

            for (var f = flow; f is not null; f = f.Parent)
            {
                if (!f.Done)
                {
                    report ??= AddOrder(f.Node, f.Stack, node, stack);
                }
            }
        }

        if (report is not null)
        {
            s_onViolation?.Invoke(report);
        }

        return stack;
    }

    // Under GraphGate. Null when the order is known or new and consistent; a violation to report once otherwise
    // (throws instead when no callback is set).
    private static LockOrderViolation? AddOrder(LockNode held, StackTrace? heldStack, LockNode node, StackTrace stack)
    {
        if (held.Out.Find(node) is not null)
        {
            return null;
        }

        var path = FindPath(node, held);
        if (path is null)
        {
            held.Out.Add(new Edge(held, node, heldStack, stack, inverted: false));
            return null;
        }

        var violation = new LockOrderViolation(
            held.Name, node.Name, heldStack?.ToString() ?? NotCapturedNote + stack, stack.ToString(), path);
        var onViolation = s_onViolation;
        if (onViolation is null)
        {
            throw new LockOrderViolationException(violation);
        }

        // Remember the inverted order (never followed by FindPath) so that the next such acquisition is fast and
        // silent: each inverted pair is reported once.
        held.Out.Add(new Edge(held, node, heldStack, stack, inverted: true));
        var pair = (Math.Min(held.Id, node.Id) << 32) ^ Math.Max(held.Id, node.Id);
        return s_reportedPairs.Add(pair) ? violation : null;
    }

    // Breadth-first search for a recorded order from -> … -> to (shortest first); returns its edges.
    private static List<Edge>? FindPath(LockNode from, LockNode to)
    {
        var cameFrom = new Dictionary<LockNode, Edge?> { [from] = null };
        var queue = new Queue<LockNode>();
        queue.Enqueue(from);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var edge in current.Out.Snapshot())
            {
                if (edge.Inverted || cameFrom.ContainsKey(edge.To))
                {
                    continue;
                }

                cameFrom[edge.To] = edge;
                if (edge.To == to)
                {
                    var path = new List<Edge>();
                    for (var e = edge; e is not null; e = cameFrom[e.From])
                    {
                        path.Add(e);
                    }

                    path.Reverse();
                    return path;
                }

                queue.Enqueue(edge.To);
            }
        }

        return null;
    }

    internal sealed class LockNode
    {
        private string _name;

        internal LockNode(long id, string typeName)
        {
            Id = id;
            _name = typeName + "#" + id;
        }

        internal long Id { get; }

        internal string Name
        {
            get => Volatile.Read(ref _name);
            set => Volatile.Write(ref _name, value);
        }

        internal EdgeSet Out { get; } = new();
    }

    /// <summary>The orders out of one lock, keyed by the lock taken: an open-addressing table that only grows. Writers
    /// hold GraphGate; readers take no lock (an edge is fully built before its slot is published, and a resize
    /// publishes a complete new table).</summary>
    internal sealed class EdgeSet
    {
        private volatile Edge?[] _slots = new Edge?[4];
        private int _count;

        internal Edge? Find(LockNode to)
        {
            var slots = _slots;
            var mask = slots.Length - 1;
            for (var i = (int)to.Id & mask; ; i = (i + 1) & mask)
            {
                var edge = Volatile.Read(ref slots[i]);
                if (edge is null || edge.To == to)
                {
                    return edge;
                }
            }
        }

        internal void Add(Edge edge)
        {
            var slots = _slots;
            if ((_count + 1) * 2 > slots.Length)
            {
                var grown = new Edge?[slots.Length * 2];
                foreach (var existing in slots)
                {
                    if (existing is not null)
                    {
                        Insert(grown, existing);
                    }
                }

                Insert(grown, edge);
                _slots = grown;
            }
            else
            {
                Insert(slots, edge);
            }

            _count++;
        }

        internal IEnumerable<Edge> Snapshot()
        {
            foreach (var edge in _slots)
            {
                if (edge is not null)
                {
                    yield return edge;
                }
            }
        }

        private static void Insert(Edge?[] slots, Edge edge)
        {
            var mask = slots.Length - 1;
            var i = (int)edge.To.Id & mask;
            while (slots[i] is not null)
            {
                i = (i + 1) & mask;
            }

            Volatile.Write(ref slots[i], edge);
        }
    }

    internal sealed class Edge
    {
        internal Edge(LockNode from, LockNode to, StackTrace? heldAt, StackTrace takenAt, bool inverted)
        {
            From = from;
            To = to;
            HeldAt = heldAt;
            TakenAt = takenAt;
            Inverted = inverted;
        }

        internal LockNode From { get; }

        internal LockNode To { get; }

        // Null when the held lock was taken where every order was known (no stack captured then).
        internal StackTrace? HeldAt { get; }

        internal StackTrace TakenAt { get; }

        internal bool Inverted { get; }
    }

    /// <summary>A lock held by an async flow (a semaphore scope): a chain through <see cref="Top"/>.</summary>
    internal sealed class HeldLock
    {
        internal HeldLock(LockNode node, StackTrace? stack, HeldLock? parent)
        {
            Node = node;
            Stack = stack;
            Parent = parent;
        }

        internal LockNode Node { get; }

        internal StackTrace? Stack { get; }

        internal HeldLock? Parent { get; }

        internal volatile bool Done;
    }
}
