using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace ThreadWise;

/// <summary>
/// Lock-order validation (the .NET counterpart of Linux's lockdep): while enabled, records for every acquisition which
/// locks the acquiring thread (or async flow) already holds, keeps the resulting "held → taken" order across all
/// threads, and reports the first acquisition that inverts a recorded order, with the acquisition stacks of both
/// sides. It finds lock-order deadlocks on runs that happen not to deadlock.
/// </summary>
/// <remarks>
/// <para>Off by default (no cost beyond a static flag check). Turn it on with the environment variable
/// <c>THREADWISE_LOCK_ORDER_VALIDATION=1</c> (read once, when the type is first used) or with <see cref="Enable()"/>.
/// A violation throws <see cref="LockOrderViolationException"/> before the offending lock is taken, unless a callback
/// was given to <see cref="Enable(Action{LockOrderViolation})"/>, which then receives each inverted pair once.</para>
/// <para>Covered: <see cref="LockSet"/>, <see cref="SemaphoreSlimExtensions"/> scopes (sync and async; an async scope
/// is held by its async flow across <c>await</c>s), and plain <c>lock</c> statements wrapped in <see cref="Track"/>
/// (<c>using (LockOrderValidator.Track(_gate)) lock (_gate) { … }</c>) or replaced by <see cref="Enter"/>.</para>
/// <para>Validation captures a stack trace per acquisition: it is a test/debug tool, far slower than the locks it
/// watches. The order graph keeps a small record per lock ever seen until <see cref="Reset"/>.</para>
/// </remarks>
public static class LockOrderValidator
{
    /// <summary>The environment variable that enables validation at start-up when set to <c>1</c> or <c>true</c>.</summary>
    public const string EnvironmentVariable = "THREADWISE_LOCK_ORDER_VALIDATION";

    private static readonly object GraphGate = new();
    private static readonly AsyncLocal<HeldLock?> Top = new();
    private static ConditionalWeakTable<object, LockNode> s_nodes = new();
    private static HashSet<long> s_reportedPairs = new();
    private static long s_nextNodeId;
    private static volatile bool s_enabled = ReadEnvironment();
    private static volatile Action<LockOrderViolation>? s_onViolation;

    /// <summary>Whether validation is on.</summary>
    public static bool IsEnabled => s_enabled;

    /// <summary>Turns validation on; an inversion throws <see cref="LockOrderViolationException"/>.</summary>
    public static void Enable()
    {
        s_onViolation = null;
        s_enabled = true;
    }

    /// <summary>Turns validation on; each inverted lock pair is reported once to <paramref name="onViolation"/>
    /// instead of throwing (the acquisition then proceeds).</summary>
    /// <param name="onViolation">Receives the violation on the thread that performed the inverting acquisition.</param>
    /// <exception cref="ArgumentNullException"><paramref name="onViolation"/> is <see langword="null"/>.</exception>
    public static void Enable(Action<LockOrderViolation> onViolation)
    {
        s_onViolation = onViolation ?? throw new ArgumentNullException(nameof(onViolation));
        s_enabled = true;
    }

    /// <summary>Turns validation off. Locks acquired while it was on are still released correctly.</summary>
    public static void Disable() => s_enabled = false;

    /// <summary>Forgets every recorded lock order and reported violation (locks currently held stay held).</summary>
    public static void Reset()
    {
        lock (GraphGate)
        {
            s_nodes = new ConditionalWeakTable<object, LockNode>();
            s_reportedPairs = new HashSet<long>();
        }
    }

    /// <summary>Gives a lock a name used in violation reports (default: its type name and a number).</summary>
    /// <param name="lockObject">The lock.</param>
    /// <param name="name">The name to report.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static void SetName(object lockObject, string name)
    {
        if (lockObject is null)
        {
            throw new ArgumentNullException(nameof(lockObject));
        }

        if (name is null)
        {
            throw new ArgumentNullException(nameof(name));
        }

        lock (GraphGate)
        {
            NodeOf(lockObject).Name = name;
        }
    }

    /// <summary>
    /// Records that the current thread is about to take the monitor of <paramref name="lockObject"/> with a plain
    /// <c>lock</c> statement: <c>using (LockOrderValidator.Track(_gate)) { lock (_gate) { … } }</c>. Disposing the
    /// returned scope records the release; it does not take or release the monitor itself.
    /// </summary>
    /// <param name="lockObject">The object the enclosed <c>lock</c> statement locks.</param>
    /// <returns>A scope to dispose when the lock is released (a no-op when validation is off).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lockObject"/> is <see langword="null"/>.</exception>
    /// <exception cref="LockOrderViolationException">Taking the lock now inverts a recorded order.</exception>
    public static Scope Track(object lockObject)
    {
        if (lockObject is null)
        {
            throw new ArgumentNullException(nameof(lockObject));
        }

        return s_enabled ? new Scope(null, OnAcquiring(lockObject, threadAffine: true)) : default;
    }

    /// <summary>
    /// Takes the monitor of <paramref name="lockObject"/> (as <c>lock</c> does) and records the acquisition:
    /// <c>using (LockOrderValidator.Enter(_gate)) { … }</c>. Disposing the scope exits the monitor.
    /// </summary>
    /// <param name="lockObject">The object to lock.</param>
    /// <returns>A scope that exits the monitor when disposed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lockObject"/> is <see langword="null"/>.</exception>
    /// <exception cref="LockOrderViolationException">Taking the lock now inverts a recorded order; the monitor is not taken.</exception>
    public static Scope Enter(object lockObject)
    {
        if (lockObject is null)
        {
            throw new ArgumentNullException(nameof(lockObject));
        }

        var tracking = s_enabled ? OnAcquiring(lockObject, threadAffine: true) : null;
        try
        {
            Monitor.Enter(lockObject);
        }
        catch
        {
            if (tracking is not null)
            {
                OnAbandoned(tracking);
            }

            throw;
        }

        return new Scope(lockObject, tracking);
    }

    private static bool ReadEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return value is not null && (value.Trim() == "1" || string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase));
    }

    internal static HeldLock OnAcquiring(object lockObject, bool threadAffine)
    {
        var threadId = Environment.CurrentManagedThreadId;
        var stack = new StackTrace(1, true);
        var parent = FirstLive(Top.Value);
        LockOrderViolation? report = null;
        LockNode node;
        lock (GraphGate)
        {
            node = NodeOf(lockObject);
            if (!HoldsNode(parent, node, threadId))
            {
                for (var held = parent; held is not null; held = held.Parent)
                {
                    if (!IsLiveHere(held, threadId) || held.Node.Out.ContainsKey(node))
                    {
                        continue;
                    }

                    var path = FindPath(node, held.Node);
                    if (path is null)
                    {
                        held.Node.Out[node] = new Edge(held.Node, node, held.Stack, stack);
                        continue;
                    }

                    var violation = new LockOrderViolation(held.Node.Name, node.Name, held.Stack.ToString(), stack.ToString(), path);
                    if (s_onViolation is null)
                    {
                        throw new LockOrderViolationException(violation);
                    }

                    var pair = (Math.Min(held.Node.Id, node.Id) << 32) ^ Math.Max(held.Node.Id, node.Id);
                    if (report is null && s_reportedPairs.Add(pair))
                    {
                        report = violation;
                    }
                }
            }
        }

        var entry = new HeldLock(node, stack, threadAffine ? threadId : -1, parent);
        Top.Value = entry;
        if (report is not null)
        {
            s_onViolation?.Invoke(report);
        }

        return entry;
    }

    internal static void OnReleased(HeldLock entry)
    {
        if (entry.Done)
        {
            throw new InvalidOperationException($"The lock '{entry.Node.Name}' was already released through this scope: a scope must be disposed exactly once.");
        }

        Finish(entry);
    }

    internal static void OnAbandoned(HeldLock entry) => Finish(entry);

    private static void Finish(HeldLock entry)
    {
        entry.Done = true;
        if (ReferenceEquals(Top.Value, entry))
        {
            Top.Value = FirstLive(entry.Parent);
        }
    }

    private static HeldLock? FirstLive(HeldLock? entry)
    {
        while (entry is not null && entry.Done)
        {
            entry = entry.Parent;
        }

        return entry;
    }

    private static bool IsLiveHere(HeldLock held, int threadId) => !held.Done && (held.ThreadId < 0 || held.ThreadId == threadId);

    private static bool HoldsNode(HeldLock? chain, LockNode node, int threadId)
    {
        for (var held = chain; held is not null; held = held.Parent)
        {
            if (held.Node == node && IsLiveHere(held, threadId))
            {
                return true;
            }
        }

        return false;
    }

    private static LockNode NodeOf(object lockObject) =>
        s_nodes.GetValue(lockObject, static o => new LockNode(Interlocked.Increment(ref s_nextNodeId), o.GetType().Name));

    // Depth-first search for an existing order from -> … -> to; returns its edges.
    private static List<Edge>? FindPath(LockNode from, LockNode to)
    {
        var visited = new HashSet<LockNode> { from };
        var stack = new Stack<(LockNode Node, List<Edge> Path)>();
        stack.Push((from, new List<Edge>()));
        while (stack.Count > 0)
        {
            var (current, path) = stack.Pop();
            foreach (var edge in current.Out.Values)
            {
                if (edge.To == to)
                {
                    return new List<Edge>(path) { edge };
                }

                if (visited.Add(edge.To))
                {
                    stack.Push((edge.To, new List<Edge>(path) { edge }));
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A lock recorded by the validator: returned by <see cref="Track"/> and <see cref="Enter"/>. Dispose it when the
    /// lock is released (the <c>using</c> statement does).
    /// </summary>
    public struct Scope : IDisposable
    {
        private object? _monitor;
        private HeldLock? _tracking;

        internal Scope(object? monitor, HeldLock? tracking)
        {
            _monitor = monitor;
            _tracking = tracking;
        }

        /// <summary>Records the release and, for a scope from <see cref="Enter"/>, exits the monitor.</summary>
        public void Dispose()
        {
            var monitor = _monitor;
            var tracking = _tracking;
            _monitor = null;
            _tracking = null;
            if (tracking is not null)
            {
                OnReleased(tracking);
            }

            if (monitor is not null)
            {
                Monitor.Exit(monitor);
            }
        }
    }

    internal sealed class HeldLock
    {
        internal HeldLock(LockNode node, StackTrace stack, int threadId, HeldLock? parent)
        {
            Node = node;
            Stack = stack;
            ThreadId = threadId;
            Parent = parent;
        }

        internal LockNode Node { get; }

        internal StackTrace Stack { get; }

        // The owning thread for thread-affine locks (monitors, Lock); -1 for semaphores, which an async flow holds.
        internal int ThreadId { get; }

        internal HeldLock? Parent { get; }

        internal volatile bool Done;
    }

    internal sealed class LockNode
    {
        internal LockNode(long id, string typeName)
        {
            Id = id;
            Name = typeName + "#" + id;
        }

        internal long Id { get; }

        internal string Name { get; set; }

        // Guarded by GraphGate.
        internal Dictionary<LockNode, Edge> Out { get; } = new();
    }

    internal sealed class Edge
    {
        internal Edge(LockNode from, LockNode to, StackTrace heldAt, StackTrace takenAt)
        {
            From = from;
            To = to;
            HeldAt = heldAt;
            TakenAt = takenAt;
        }

        internal LockNode From { get; }

        internal LockNode To { get; }

        internal StackTrace HeldAt { get; }

        internal StackTrace TakenAt { get; }
    }
}
