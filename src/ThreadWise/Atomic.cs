using System;
using System.Threading;

namespace ThreadWise;

/// <summary>
/// Lock-free read-modify-write of a shared variable with a compare-exchange loop: the fix for check-then-act races such
/// as <c>if (_balance &gt;= amount) _balance -= amount;</c> without taking a lock:
/// <c>Atomic.TryUpdate(ref _balance, b =&gt; b &gt;= amount ? b - amount : null)</c>.
/// </summary>
/// <remarks>The function may run more than once when other threads change the variable concurrently, so it must be
/// pure (no side effects) and cheap. For a plain counter, <see cref="Interlocked.Increment(ref int)"/> is simpler.</remarks>
public static class Atomic
{
    /// <summary>Atomically replaces <paramref name="location"/> with <c>update(current)</c>.</summary>
    /// <param name="location">The shared variable.</param>
    /// <param name="update">Computes the new value from the current one; may run several times.</param>
    /// <returns>The value stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    public static int Update(ref int location, Func<int, int> update)
    {
        if (update is null)
        {
            throw new ArgumentNullException(nameof(update));
        }

        var current = Volatile.Read(ref location);
        while (true)
        {
            var next = update(current);
            var seen = Interlocked.CompareExchange(ref location, next, current);
            if (seen == current)
            {
                return next;
            }

            current = seen;
        }
    }

    /// <summary>Atomically replaces <paramref name="location"/> with <c>update(current)</c>.</summary>
    /// <param name="location">The shared variable.</param>
    /// <param name="update">Computes the new value from the current one; may run several times.</param>
    /// <returns>The value stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    public static long Update(ref long location, Func<long, long> update)
    {
        if (update is null)
        {
            throw new ArgumentNullException(nameof(update));
        }

        var current = Interlocked.Read(ref location);
        while (true)
        {
            var next = update(current);
            var seen = Interlocked.CompareExchange(ref location, next, current);
            if (seen == current)
            {
                return next;
            }

            current = seen;
        }
    }

    /// <summary>Atomically replaces the reference in <paramref name="location"/> with <c>update(current)</c>
    /// (e.g. adding to an immutable collection).</summary>
    /// <typeparam name="T">The reference type.</typeparam>
    /// <param name="location">The shared variable.</param>
    /// <param name="update">Computes the new value from the current one; may run several times.</param>
    /// <returns>The value stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    public static T Update<T>(ref T location, Func<T, T> update)
        where T : class?
    {
        if (update is null)
        {
            throw new ArgumentNullException(nameof(update));
        }

        var current = Volatile.Read(ref location);
        while (true)
        {
            var next = update(current);
            var seen = Interlocked.CompareExchange(ref location, next, current);
            if (ReferenceEquals(seen, current))
            {
                return next;
            }

            current = seen;
        }
    }

    /// <summary>Atomically replaces <paramref name="location"/> with <c>update(current)</c> unless it returns
    /// <see langword="null"/> (the check failed), in which case nothing is written.</summary>
    /// <param name="location">The shared variable.</param>
    /// <param name="update">The new value, or <see langword="null"/> to leave the variable unchanged; may run several times.</param>
    /// <returns><see langword="true"/> when a value was stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    public static bool TryUpdate(ref int location, Func<int, int?> update)
    {
        if (update is null)
        {
            throw new ArgumentNullException(nameof(update));
        }

        var current = Volatile.Read(ref location);
        while (true)
        {
            var next = update(current);
            if (next is null)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref location, next.Value, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }
    }

    /// <summary>Atomically replaces <paramref name="location"/> with <c>update(current)</c> unless it returns
    /// <see langword="null"/> (the check failed), in which case nothing is written.</summary>
    /// <param name="location">The shared variable.</param>
    /// <param name="update">The new value, or <see langword="null"/> to leave the variable unchanged; may run several times.</param>
    /// <returns><see langword="true"/> when a value was stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    public static bool TryUpdate(ref long location, Func<long, long?> update)
    {
        if (update is null)
        {
            throw new ArgumentNullException(nameof(update));
        }

        var current = Interlocked.Read(ref location);
        while (true)
        {
            var next = update(current);
            if (next is null)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref location, next.Value, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }
    }
}
