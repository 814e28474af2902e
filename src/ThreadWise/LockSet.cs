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
/// per-object identity. A lock named twice is taken once. When an acquisition throws, the locks already taken are
/// released before the exception propagates.</para>
/// <para>Monitors and <c>Lock</c>s are owned by a thread: dispose the scope on the thread that entered it (no
/// <c>await</c> inside the scope when it contains monitors).</para>
/// </remarks>
public static class LockSet
{
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

        if (ReferenceEquals(first, second))
        {
            return EnterOrdered(first, null);
        }

        return Compare(first, second) <= 0 ? EnterOrdered(first, second) : EnterOrdered(second, first);
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
        }

        var sorted = Order(locks, out var count);

        var tracking = LockOrderValidator.IsEnabled ? new LockOrderValidator.HeldLock?[count] : null;
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

        return new Scope(null, null, sorted, count, tracking);
    }

    // The acquisition order: a sorted copy with duplicates moved past the first `count` elements.
    internal static object[] Order(object[] locks, out int count)
    {
        var sorted = (object[])locks.Clone();
        Array.Sort(sorted, static (a, b) => Compare(a, b));
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

        return new Scope(first, second, null, second is null ? 1 : 2, null);
    }

    private static Scope EnterOrderedTracked(object first, object? second)
    {
        var tracking = new LockOrderValidator.HeldLock?[second is null ? 1 : 2];
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

        return new Scope(first, second, null, tracking.Length, tracking);
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

    private static void Acquire(object lockObject)
    {
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

    private static void Release(object lockObject, LockOrderValidator.HeldLock? tracking)
    {
        if (tracking is not null)
        {
            LockOrderValidator.OnReleased(tracking);
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
        private object[]? _many;
        private int _count;
        private LockOrderValidator.HeldLock?[]? _tracking;

        internal Scope(object? first, object? second, object[]? many, int count, LockOrderValidator.HeldLock?[]? tracking)
        {
            _first = first;
            _second = second;
            _many = many;
            _count = count;
            _tracking = tracking;
        }

        /// <summary>How many distinct locks this scope holds.</summary>
        public readonly int Count => _count;

        /// <summary>Releases the held locks in reverse acquisition order.</summary>
        /// <exception cref="SynchronizationLockException">A monitor or <c>Lock</c> is released on a thread that does not hold it.</exception>
        public void Dispose()
        {
            var many = _many;
            var first = _first;
            var second = _second;
            var count = _count;
            var tracking = _tracking;
            _many = null;
            _first = null;
            _second = null;
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
