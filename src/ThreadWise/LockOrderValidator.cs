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
/// <para>Cost, as in lockdep: an acquisition whose held → taken orders are all known costs a lock-free lookup per held
/// lock, takes no global lock and allocates nothing (monitors and <c>Lock</c>s; a semaphore scope allocates a small
/// record because it is held by an async flow). A stack trace is captured only when an acquisition records a new
/// order (the first stack of each order is kept) and for an acquisition that inverts one. The stack of a held lock
/// that was taken on an all-known path is therefore not captured: a report then shows the stack of the inverting
/// acquisition, whose frames include the holder. <see cref="CaptureAllStacks"/> (or the environment value
/// <c>stacks</c>) captures a stack at every acquisition instead: exact reports, far slower. The order graph keeps a
/// small record per lock ever seen until <see cref="Reset"/>.</para>
/// </remarks>
public static partial class LockOrderValidator
{
    /// <summary>The environment variable that enables validation at start-up when set to <c>1</c> or <c>true</c>
    /// (or <c>stacks</c>: also <see cref="CaptureAllStacks"/>).</summary>
    public const string EnvironmentVariable = "THREADWISE_LOCK_ORDER_VALIDATION";

    private static readonly object GraphGate = new();
    private static readonly AsyncLocal<HeldLock?> Top = new();
    [ThreadStatic]
    private static HeldStack? t_held;
    private static volatile ConditionalWeakTable<object, LockNode> s_nodes = new();
    private static HashSet<long> s_reportedPairs = new();
    private static long s_nextNodeId;
    private static int s_flowHeld;
    private static volatile bool s_enabled;
    private static volatile bool s_captureAll;
    private static volatile Action<LockOrderViolation>? s_onViolation;

    static LockOrderValidator()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim();
        s_captureAll = string.Equals(value, "stacks", StringComparison.OrdinalIgnoreCase);
        s_enabled = s_captureAll || value == "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether validation is on.</summary>
    public static bool IsEnabled => s_enabled;

    /// <summary>Whether every acquisition captures its stack (exact "held since" stacks in reports, far slower) rather
    /// than only acquisitions that record a new order or invert one (the default).</summary>
    public static bool CaptureAllStacks
    {
        get => s_captureAll;
        set => s_captureAll = value;
    }

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

        NodeOf(lockObject).Name = name;
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

        return s_enabled ? new Scope(null, OnAcquiringOnThread(lockObject)) : default;
    }

    /// <summary>
    /// Takes the monitor of <paramref name="lockObject"/> (as <c>lock</c> does) and records the acquisition:
    /// <c>using (LockOrderValidator.Enter(_gate)) { … }</c>. Disposing the scope exits the monitor.
    /// </summary>
    /// <param name="lockObject">The object to lock.</param>
    /// <returns>A scope that exits the monitor when disposed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lockObject"/> is <see langword="null"/>.</exception>
    /// <exception cref="LockOrderViolationException">Taking the lock now inverts a recorded order; the monitor is not taken.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scope Enter(object lockObject)
    {
        if (lockObject is null)
        {
            ThrowNull(nameof(lockObject));
        }

        if (s_enabled)
        {
            return EnterTracked(lockObject);
        }

        // Validation off: exactly what a lock statement does, plus the flag test (kept inlinable: no handler here).
        Monitor.Enter(lockObject);
        return new Scope(lockObject, null);
    }

    private static Scope EnterTracked(object lockObject)
    {
        var tracking = OnAcquiringOnThread(lockObject);
        try
        {
            Monitor.Enter(lockObject);
        }
        catch
        {
            OnReleasedOnThread(tracking);
            throw;
        }

        return new Scope(lockObject, tracking);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNull(string name) => throw new ArgumentNullException(name);

    // Tokens: a LockNode for a lock held by the thread (monitor, Lock), a HeldLock for one held by the async flow.
    internal static object OnAcquiring(object lockObject, bool threadAffine) =>
        threadAffine ? OnAcquiringOnThread(lockObject) : OnAcquiringInFlow(lockObject);

    internal static void OnReleased(object token)
    {
        if (token is HeldLock flow)
        {
            OnReleased(flow);
        }
        else
        {
            OnReleasedOnThread((LockNode)token);
        }
    }

    // As OnReleased, but a thread-affine lock this thread does not hold is ignored (the primitive's own release then
    // reports the misuse).
    internal static void OnReleasedQuietly(object token)
    {
        if (token is HeldLock flow)
        {
            OnReleased(flow);
        }
        else
        {
            t_held?.Remove((LockNode)token);
        }
    }

    internal static void OnAbandoned(object token)
    {
        if (token is HeldLock flow)
        {
            OnAbandoned(flow);
        }
        else
        {
            OnReleasedOnThread((LockNode)token);
        }
    }

    /// <summary>The fast path: a monitor or <c>Lock</c> about to be taken by this thread. Pushes it on the thread's
    /// held stack and returns the token to release.</summary>
    internal static LockNode OnAcquiringOnThread(object lockObject)
    {
        var node = NodeOf(lockObject);
        var held = t_held ??= new HeldStack();
        var flow = Volatile.Read(ref s_flowHeld) > 0 ? FirstLive(Top.Value) : null;
        StackTrace? stack = null;
        if (s_captureAll || !AllOrdersKnown(held, flow, node))
        {
            stack = Check(held, flow, node);
        }

        held.Push(node, lockObject, stack);
        return node;
    }

    internal static void OnReleasedOnThread(LockNode node)
    {
        if (t_held is not { } held || !held.Remove(node))
        {
            throw new InvalidOperationException($"The lock '{node.Name}' is not held by this thread: a scope must be disposed exactly once, on the thread that entered it.");
        }
    }

    // For Monitor-shaped callers (TrackedMonitor.Exit), which pass the object, not a token: forgets the innermost
    // entry for it if this thread has one (it may have been taken before validation was turned on).
    internal static void TryReleaseOnThread(object lockObject)
    {
        if (t_held is { Count: > 0 } held)
        {
            held.RemoveObject(lockObject);
        }
    }

    /// <summary>A semaphore about to be taken by the current async flow: the record flows across <c>await</c>s.</summary>
    internal static HeldLock OnAcquiringInFlow(object lockObject)
    {
        var node = NodeOf(lockObject);
        var held = t_held ??= new HeldStack();
        var flow = Volatile.Read(ref s_flowHeld) > 0 ? FirstLive(Top.Value) : null;
        StackTrace? stack = null;
        if (s_captureAll || !AllOrdersKnown(held, flow, node))
        {
            stack = Check(held, flow, node);
        }

        var entry = new HeldLock(node, stack, flow);
        Interlocked.Increment(ref s_flowHeld);
        Top.Value = entry;
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
        Interlocked.Decrement(ref s_flowHeld);
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

    // Lock-free: true when node is already held (re-entry adds no order) or every held → node order is recorded.
    private static bool AllOrdersKnown(HeldStack held, HeldLock? flow, LockNode node)
    {
        var nodes = held.Nodes;
        var count = held.Count;
        for (var i = 0; i < count; i++)
        {
            if (nodes[i] == node)
            {
                return true;
            }
        }

        for (var f = flow; f is not null; f = f.Parent)
        {
            if (f.Node == node && !f.Done)
            {
                return true;
            }
        }

        for (var i = 0; i < count; i++)
        {
            if (nodes[i].Out.Find(node) is null)
            {
                return false;
            }
        }

        for (var f = flow; f is not null; f = f.Parent)
        {
            if (!f.Done && f.Node.Out.Find(node) is null)
            {
                return false;
            }
        }

        return true;
    }

    private static LockNode NodeOf(object lockObject)
    {
        var nodes = s_nodes;
        return nodes.TryGetValue(lockObject, out var node) ? node : nodes.GetValue(lockObject, CreateNode);
    }

    private static readonly ConditionalWeakTable<object, LockNode>.CreateValueCallback CreateNode =
        static o => new LockNode(Interlocked.Increment(ref s_nextNodeId), o.GetType().Name);

    /// <summary>The locks the current thread holds (thread-affine ones), innermost last. No synchronization: only its
    /// own thread touches it.</summary>
    internal sealed class HeldStack
    {
        internal LockNode[] Nodes = new LockNode[8];
        internal object[] Objects = new object[8];
        internal StackTrace?[] Stacks = new StackTrace?[8];
        internal int Count;

        internal void Push(LockNode node, object lockObject, StackTrace? stack)
        {
            if (Count == Nodes.Length)
            {
                Array.Resize(ref Nodes, Count * 2);
                Array.Resize(ref Objects, Count * 2);
                Array.Resize(ref Stacks, Count * 2);
            }

            Nodes[Count] = node;
            Objects[Count] = lockObject;
            Stacks[Count] = stack;
            Count++;
        }

        internal void RemoveObject(object lockObject)
        {
            for (var i = Count - 1; i >= 0; i--)
            {
                if (ReferenceEquals(Objects[i], lockObject))
                {
                    RemoveAt(i);
                    return;
                }
            }
        }

        // Removes the innermost entry for node (releases are usually, but not always, innermost first).
        internal bool Remove(LockNode node)
        {
            for (var i = Count - 1; i >= 0; i--)
            {
                if (Nodes[i] == node)
                {
                    RemoveAt(i);
                    return true;
                }
            }

            return false;
        }

        private void RemoveAt(int i)
        {
            Count--;
            if (i < Count)
            {
                Array.Copy(Nodes, i + 1, Nodes, i, Count - i);
                Array.Copy(Objects, i + 1, Objects, i, Count - i);
                Array.Copy(Stacks, i + 1, Stacks, i, Count - i);
            }

            Nodes[Count] = null!;
            Objects[Count] = null!;
            Stacks[Count] = null;
        }
    }

    /// <summary>
    /// A lock recorded by the validator: returned by <see cref="Track"/> and <see cref="Enter"/>. Dispose it when the
    /// lock is released (the <c>using</c> statement does).
    /// </summary>
    public struct Scope : IDisposable
    {
        private object? _monitor;
        private LockNode? _tracking;

        internal Scope(object? monitor, LockNode? tracking)
        {
            _monitor = monitor;
            _tracking = tracking;
        }

        /// <summary>Records the release and, for a scope from <see cref="Enter"/>, exits the monitor.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose()
        {
            var monitor = _monitor;
            var tracking = _tracking;
            _monitor = null;
            _tracking = null;
            if (tracking is not null)
            {
                OnReleasedOnThread(tracking);
            }

            if (monitor is not null)
            {
                Monitor.Exit(monitor);
            }
        }
    }
}
