using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace ThreadWise;

/// <summary>
/// Acquires several locks in one global order and releases them in reverse with one <c>Dispose</c>:
/// <c>using (LockSet.Enter(_accounts, _audit)) { … }</c>. Two threads that take the same locks through
/// <see cref="LockSet"/> can never deadlock on them, whatever order each names them in.
/// </summary>
/// <remarks>
/// <para>Each element is taken with the primitive its type implies: a <see cref="SemaphoreSlim"/> with
/// <see cref="SemaphoreSlim.Wait()"/>/<see cref="SemaphoreSlim.Release()"/>, a <c>System.Threading.Lock</c> (.NET 9 and
/// later) with <c>Enter</c>/<c>Exit</c>, and any other object with <see cref="Monitor"/> (the same monitor a
/// <c>lock (obj)</c> statement uses, so <see cref="LockSet"/> and plain <c>lock</c> users exclude each other).</para>
/// <para>The global order is: explicit rank first (<see cref="SetRank"/>; unranked objects have rank 0), then a stable
/// per-object identity; a <see cref="LockSet"/> waits for locks only in that order. (Two- and three-lock sets are
/// first tried in argument order without waiting at all, which cannot deadlock; if any is busy, everything taken is
/// released and the set is taken in the global order. With <see cref="LockOrderValidator"/> enabled the global order
/// is always used.) A lock named twice is taken once. When
/// an acquisition throws, the locks already taken are released before the exception propagates.</para>
/// <para>Take every lock a critical section needs in one <c>Enter</c> call: nesting a second <see cref="LockSet"/>
/// scope (or a <c>lock</c>) inside the first reintroduces an order of its own. <see cref="LockOrderValidator"/>
/// reports such nested inversions.</para>
/// <para>Monitors and <c>Lock</c>s are owned by a thread: dispose the scope on the thread that entered it (no
/// <c>await</c> inside the scope when it contains monitors).</para>
/// </remarks>
public static class LockSet
{
    // Scope._count for two or three plain monitors taken on the fast path (released without type tests).
    private const int PlainPair = -2;
    private const int PlainTriple = -3;
    private static readonly ConditionalWeakTable<object, Identity> Identities = new();
    private static readonly ConditionalWeakTable<object, Identity>.CreateValueCallback CreateIdentity = static _ => new Identity();
    private static long s_nextId;
    private static volatile bool s_anyRanked;

    /// <summary>Assigns <paramref name="lockObject"/> an explicit rank: locks are taken in ascending rank order.</summary>
    /// <param name="lockObject">The lock (monitor object, <see cref="SemaphoreSlim"/> or <c>Lock</c>).</param>
    /// <param name="rank">The rank; unranked locks have rank 0. Locks of equal rank are ordered by identity.</param>
    /// <exception cref="ArgumentNullException"><paramref name="lockObject"/> is <see langword="null"/>.</exception>
    /// <remarks>Set ranks once, before the locks are used; changing a rank while other threads hold locks through a
    /// <see cref="LockSet"/> can reintroduce the inconsistent order this type exists to prevent.</remarks>
    public static void SetRank(object lockObject, int rank)
    {
        if (lockObject is null)
        {
            throw new ArgumentNullException(nameof(lockObject));
        }

        Identities.GetValue(lockObject, CreateIdentity).Rank = rank;
        s_anyRanked = true;
    }

    /// <summary>Returns the explicit rank of <paramref name="lockObject"/> (0 when none was set).</summary>
    /// <param name="lockObject">The lock.</param>
    /// <returns>The rank given to <see cref="SetRank"/>, or 0.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lockObject"/> is <see langword="null"/>.</exception>
    public static int GetRank(object lockObject)
    {
        if (lockObject is null)
        {
            throw new ArgumentNullException(nameof(lockObject));
        }

        return Identities.TryGetValue(lockObject, out var identity) ? identity.Rank : 0;
    }

    /// <summary>Acquires two locks in the global order and returns a scope that releases both.</summary>
    /// <param name="first">A lock (monitor object, <see cref="SemaphoreSlim"/> or <c>Lock</c>).</param>
    /// <param name="second">Another lock; the same object as <paramref name="first"/> is taken once.</param>
    /// <returns>The held locks; dispose to release them in reverse order.</returns>
    /// <exception cref="ArgumentNullException">A lock is <see langword="null"/>.</exception>
    public static Scope Enter(object first, object second)
    {
        if (first is null)
        {
            throw new ArgumentNullException(nameof(first));
        }

        if (second is null)
        {
            throw new ArgumentNullException(nameof(second));
        }

        // TW0005 (ThreadWise's own rule, which `threadwise analyze samples/Samples.sln` runs on this library) below: the
        // monitors entered are handed to the returned Scope, whose Dispose exits them; nothing between the enters throws.
#pragma warning disable TW0005
        // The common case, two distinct plain `new object()` monitors: tried inline, released without type tests.
        if (first.GetType() == typeof(object) && second.GetType() == typeof(object) && !ReferenceEquals(first, second)
            && !LockOrderValidator.IsEnabled)
        {
            if (Monitor.TryEnter(first))
            {
                if (Monitor.TryEnter(second))
                {
                    return new Scope(first, second, null, null, PlainPair, null);
                }

                Monitor.Exit(first);
            }

            return Compare(first, second) <= 0 ? EnterOrdered(first, second) : EnterOrdered(second, first);
        }
#pragma warning restore TW0005

        if (ReferenceEquals(first, second))
        {
            return EnterOrdered(first, null);
        }

        if (!LockOrderValidator.IsEnabled && TryEnterWithoutWaitingWhileHolding(first, second))
        {
            return new Scope(first, second, null, null, 2, null);
        }

        return Compare(first, second) <= 0 ? EnterOrdered(first, second) : EnterOrdered(second, first);
    }

    // The uncontended fast path: *try* each lock in argument order without waiting. A thread never waits here, so
    // this path cannot take part in a deadlock; when a try fails, everything taken is released and the caller takes
    // the set in the global order (the only place a LockSet waits). It needs no ordering key, so plain monitors
    // keep their cheap thin-lock form.
    private static bool TryEnterWithoutWaitingWhileHolding(object first, object second)
    {
        if (!TryAcquire(first))
        {
            return false;
        }

        bool took;
        try
        {
            took = TryAcquire(second);
        }
        catch
        {
            Release(first, null);
            throw;
        }

        if (!took)
        {
            Release(first, null);
        }

        return took;
    }

    private static bool TryEnterWithoutWaitingWhileHolding(object first, object second, object third)
    {
        if (!TryEnterWithoutWaitingWhileHolding(first, second))
        {
            return false;
        }

        bool took;
        try
        {
            took = TryAcquire(third);
        }
        catch
        {
            Release(second, null);
            Release(first, null);
            throw;
        }

        if (!took)
        {
            Release(second, null);
            Release(first, null);
        }

        return took;
    }

    /// <summary>Acquires three locks in the global order and returns a scope that releases them all.</summary>
    /// <param name="first">A lock (monitor object, <see cref="SemaphoreSlim"/> or <c>Lock</c>).</param>
    /// <param name="second">Another lock.</param>
    /// <param name="third">Another lock; a lock named more than once is taken once.</param>
    /// <returns>The held locks; dispose to release them in reverse order.</returns>
    /// <exception cref="ArgumentNullException">A lock is <see langword="null"/>.</exception>
    public static Scope Enter(object first, object second, object third)
    {
        if (first is null)
        {
            throw new ArgumentNullException(nameof(first));
        }

        if (second is null)
        {
            throw new ArgumentNullException(nameof(second));
        }

        if (third is null)
        {
            throw new ArgumentNullException(nameof(third));
        }

        // The monitors entered are handed to the returned Scope (TW0005: see the two-lock case above).
#pragma warning disable TW0005
        if (first.GetType() == typeof(object) && second.GetType() == typeof(object) && third.GetType() == typeof(object)
            && !ReferenceEquals(first, second) && !ReferenceEquals(second, third) && !ReferenceEquals(first, third)
            && !LockOrderValidator.IsEnabled && Monitor.TryEnter(first))
        {
            if (Monitor.TryEnter(second))
            {
                if (Monitor.TryEnter(third))
                {
                    return new Scope(first, second, third, null, PlainTriple, null);
                }

                Monitor.Exit(second);
            }

            Monitor.Exit(first);
        }
#pragma warning restore TW0005
        else if (!LockOrderValidator.IsEnabled && !ReferenceEquals(first, second) && !ReferenceEquals(second, third) && !ReferenceEquals(first, third)
            && TryEnterWithoutWaitingWhileHolding(first, second, third))
        {
            return new Scope(first, second, third, null, 3, null);
        }

        // A three-element sorting network, then duplicates dropped: no allocation.
        if (Compare(first, second) > 0)
        {
            (first, second) = (second, first);
        }

        if (Compare(second, third) > 0)
        {
            (second, third) = (third, second);
        }

        if (Compare(first, second) > 0)
        {
            (first, second) = (second, first);
        }

        if (ReferenceEquals(first, second))
        {
            return ReferenceEquals(second, third) ? EnterOrdered(first, null) : EnterOrdered(first, third);
        }

        return ReferenceEquals(second, third) ? EnterOrdered(first, second) : EnterOrdered3(first, second, third);
    }

#if NET9_0_OR_GREATER
    /// <summary>Acquires two <see cref="Lock"/>s in the global order and returns a scope that releases both.</summary>
    /// <param name="first">A lock.</param>
    /// <param name="second">Another lock; the same lock as <paramref name="first"/> is taken once.</param>
    /// <returns>The held locks; dispose to release them in reverse order.</returns>
    /// <exception cref="ArgumentNullException">A lock is <see langword="null"/>.</exception>
    /// <remarks>This overload exists so that passing <see cref="Lock"/> fields does not convert them to
    /// <see cref="object"/> (compiler warning CS9216); the locks are still entered with <see cref="Lock.Enter"/>.</remarks>
#pragma warning disable CS9216 // the conversion is deliberate: Acquire enters a Lock through Lock.Enter, not Monitor
    public static Scope Enter(Lock first, Lock second) => Enter((object)first, (object)second);
#pragma warning restore CS9216
#endif

    /// <summary>Acquires any number of locks in the global order and returns a scope that releases them all.</summary>
    /// <param name="locks">The locks (monitor objects, <see cref="SemaphoreSlim"/>s or <c>Lock</c>s); duplicates are taken once.
    /// The array is not modified.</param>
    /// <returns>The held locks; dispose to release them in reverse order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="locks"/> or one of its elements is <see langword="null"/>.</exception>
    public static Scope Enter(params object[] locks)
    {
        if (locks is null)
        {
            throw new ArgumentNullException(nameof(locks));
        }

        for (var i = 0; i < locks.Length; i++)
        {
            if (locks[i] is null)
            {
                throw new ArgumentNullException(nameof(locks), $"Lock at index {i} is null.");
            }
        }

        switch (locks.Length)
        {
            case 0:
                return default;
            case 1:
                return EnterOrdered(locks[0], null);
            case 2:
                return Enter(locks[0], locks[1]);
            case 3:
                return Enter(locks[0], locks[1], locks[2]);
        }

        var sorted = Order(locks, out var count);
        return EnterMany(sorted, count);
    }

    private static Scope EnterMany(object[] sorted, int count)
    {

        var tracking = LockOrderValidator.IsEnabled ? new object?[count] : null;
        var taken = 0;
        try
        {
            for (; taken < count; taken++)
            {
                if (tracking is not null)
                {
                    tracking[taken] = LockOrderValidator.OnAcquiring(sorted[taken], threadAffine: !(sorted[taken] is SemaphoreSlim));
                }

                Acquire(sorted[taken]);
            }
        }
        catch
        {
            if (tracking?[taken] is { } failed)
            {
                LockOrderValidator.OnAbandoned(failed);
            }

            while (taken > 0)
            {
                taken--;
                Release(sorted[taken], tracking?[taken]);
            }

            throw;
        }

        return new Scope(null, null, null, sorted, count, tracking);
    }

    // The acquisition order: a sorted copy with duplicates moved past the first `count` elements.
    internal static object[] Order(object[] locks, out int count)
    {
        var sorted = (object[])locks.Clone();
        // Insertion sort: lock sets are small, and it needs no comparer allocation.
        for (var i = 1; i < sorted.Length; i++)
        {
            var current = sorted[i];
            var j = i - 1;
            while (j >= 0 && Compare(sorted[j], current) > 0)
            {
                sorted[j + 1] = sorted[j];
                j--;
            }

            sorted[j + 1] = current;
        }

        count = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (count == 0 || !ReferenceEquals(sorted[count - 1], sorted[i]))
            {
                sorted[count++] = sorted[i];
            }
        }

        return sorted;
    }

    private static Scope EnterOrdered(object first, object? second)
    {
        if (LockOrderValidator.IsEnabled)
        {
            return EnterOrderedTracked(first, second);
        }

        Acquire(first);
        if (second is not null)
        {
            try
            {
                Acquire(second);
            }
            catch
            {
                Release(first, null);
                throw;
            }
        }

        return new Scope(first, second, null, null, second is null ? 1 : 2, null);
    }

    private static Scope EnterOrdered3(object first, object second, object third)
    {
        if (LockOrderValidator.IsEnabled)
        {
            return EnterMany(new[] { first, second, third }, 3);
        }

        Acquire(first);
        try
        {
            Acquire(second);
            try
            {
                Acquire(third);
            }
            catch
            {
                Release(second, null);
                throw;
            }
        }
        catch
        {
            Release(first, null);
            throw;
        }

        return new Scope(first, second, third, null, 3, null);
    }

    private static Scope EnterOrderedTracked(object first, object? second)
    {
        var tracking = new object?[second is null ? 1 : 2];
        tracking[0] = LockOrderValidator.OnAcquiring(first, threadAffine: !(first is SemaphoreSlim));
        try
        {
            Acquire(first);
        }
        catch
        {
            LockOrderValidator.OnAbandoned(tracking[0]!);
            throw;
        }

        if (second is not null)
        {
            try
            {
                tracking[1] = LockOrderValidator.OnAcquiring(second, threadAffine: !(second is SemaphoreSlim));
                Acquire(second);
            }
            catch
            {
                if (tracking[1] is { } failed)
                {
                    LockOrderValidator.OnAbandoned(failed);
                }

                Release(first, tracking[0]);
                throw;
            }
        }

        return new Scope(first, second, null, null, tracking.Length, tracking);
    }

    private static int Compare(object a, object b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        if (s_anyRanked)
        {
            var byRank = GetRank(a).CompareTo(GetRank(b));
            if (byRank != 0)
            {
                return byRank;
            }
        }

        var ha = RuntimeHelpers.GetHashCode(a);
        var hb = RuntimeHelpers.GetHashCode(b);
        if (ha != hb)
        {
            return ha < hb ? -1 : 1;
        }

        // Identity hash codes collide rarely; fall back to an id assigned once per object.
        return IdOf(a).CompareTo(IdOf(b));
    }

    private static long IdOf(object o)
    {
        var identity = Identities.GetValue(o, CreateIdentity);
        if (identity.Id == 0)
        {
            Interlocked.CompareExchange(ref identity.Id, Interlocked.Increment(ref s_nextId), 0);
        }

        return identity.Id;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Acquire(object lockObject)
    {
        // Fast path: the usual `private readonly object _gate = new();` needs no further type tests.
        if (lockObject.GetType() == typeof(object))
        {
            Monitor.Enter(lockObject);
            return;
        }

        switch (lockObject)
        {
            case SemaphoreSlim semaphore:
                semaphore.Wait();
                break;
#if NET9_0_OR_GREATER
            case Lock l:
                l.Enter();
                break;
#endif
            default:
                Monitor.Enter(lockObject);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryAcquire(object lockObject)
    {
        if (lockObject.GetType() == typeof(object))
        {
            return Monitor.TryEnter(lockObject);
        }

        switch (lockObject)
        {
            case SemaphoreSlim semaphore:
                return semaphore.Wait(0);
#if NET9_0_OR_GREATER
            case Lock l:
                return l.TryEnter();
#endif
            default:
                return Monitor.TryEnter(lockObject);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Release(object lockObject, object? tracking)
    {
        if (tracking is not null)
        {
            // Quietly for monitors: a scope disposed on the wrong thread then fails in Monitor.Exit with the
            // documented SynchronizationLockException.
            LockOrderValidator.OnReleasedQuietly(tracking);
        }

        if (lockObject.GetType() == typeof(object))
        {
            Monitor.Exit(lockObject);
            return;
        }

        switch (lockObject)
        {
            case SemaphoreSlim semaphore:
                semaphore.Release();
                break;
#if NET9_0_OR_GREATER
            case Lock l:
                l.Exit();
                break;
#endif
            default:
                Monitor.Exit(lockObject);
                break;
        }
    }

    private sealed class Identity
    {
        public long Id;
        public int Rank;
    }

    /// <summary>
    /// Locks held by <see cref="LockSet.Enter(object, object)"/>; <see cref="Dispose"/> releases them in the reverse of
    /// the order they were taken.
    /// </summary>
    /// <remarks>Dispose it once, on the thread that entered it (the <c>using</c> statement does both). Disposing the
    /// same variable again does nothing; the <see langword="default"/> value holds nothing.</remarks>
    public struct Scope : IDisposable
    {
        private object? _first;
        private object? _second;
        private object? _third;
        private object[]? _many;
        private int _count;
        private object?[]? _tracking;

        internal Scope(object? first, object? second, object? third, object[]? many, int count, object?[]? tracking)
        {
            _first = first;
            _second = second;
            _third = third;
            _many = many;
            _count = count;
            _tracking = tracking;
        }

        /// <summary>How many distinct locks this scope holds.</summary>
        public readonly int Count => _count < 0 ? -_count : _count;

        /// <summary>Releases the held locks in reverse acquisition order.</summary>
        /// <exception cref="SynchronizationLockException">A monitor or <c>Lock</c> is released on a thread that does not hold it.</exception>
        public void Dispose()
        {
            if (_count == PlainPair)
            {
                var plainFirst = _first!;
                var plainSecond = _second!;
                this = default;
                Monitor.Exit(plainSecond);
                Monitor.Exit(plainFirst);
                return;
            }

            if (_count == PlainTriple)
            {
                var plainFirst = _first!;
                var plainSecond = _second!;
                var plainThird = _third!;
                this = default;
                Monitor.Exit(plainThird);
                Monitor.Exit(plainSecond);
                Monitor.Exit(plainFirst);
                return;
            }

            var many = _many;
            var first = _first;
            var second = _second;
            var third = _third;
            var count = _count;
            var tracking = _tracking;
            _many = null;
            _first = null;
            _second = null;
            _third = null;
            _count = 0;
            _tracking = null;

            if (many is not null)
            {
                for (var i = count - 1; i >= 0; i--)
                {
                    LockSet.Release(many[i], tracking?[i]);
                }

                return;
            }

            if (third is not null)
            {
                LockSet.Release(third, null);
            }

            if (second is not null)
            {
                LockSet.Release(second, tracking?[1]);
            }

            if (first is not null)
            {
                LockSet.Release(first, tracking?[0]);
            }
        }
    }
}
