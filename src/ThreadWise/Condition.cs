using System;
using System.Collections.Generic;
using System.Threading;

namespace ThreadWise;

/// <summary>
/// A condition variable bound to a lock — a monitor object used with <c>lock (obj)</c>, or (on .NET 9 and later) a
/// <c>System.Threading.Lock</c>, which has no <c>Wait</c>/<c>Pulse</c> of its own.
/// <see cref="WaitUntil(Func{bool})"/> contains the predicate loop, so the "<c>if</c> instead of <c>while</c>" bug
/// (acting on a wake-up whose condition no longer holds) cannot be written.
/// </summary>
/// <remarks>
/// <para>Every member must be called while the current thread holds the bound lock; otherwise it throws
/// <see cref="SynchronizationLockException"/>. Waiting releases the lock completely (also when it is held
/// recursively), and re-acquires it to the same depth before the predicate is evaluated again.</para>
/// <para>Example: <c>lock (_gate) { _nonEmpty.WaitUntil(() =&gt; _items.Count &gt; 0); item = _items.Dequeue(); }</c>
/// and <c>lock (_gate) { _items.Enqueue(x); _nonEmpty.Notify(); }</c>.</para>
/// </remarks>
public sealed class Condition
{
    private const string NotHeldMessage = "The lock this Condition is bound to is not held by the current thread: call {0} inside lock (...) {{ }} on that lock.";

    [ThreadStatic]
    private static Waiter? t_waiter;

    private readonly object _monitor;
#if NET9_0_OR_GREATER
    private readonly Lock? _lock;
#endif

    // Guarded by the bound lock: every member checks that it is held.
    private readonly LinkedList<Waiter> _waiters = new();

    /// <summary>Creates a condition bound to the monitor of <paramref name="monitor"/> (the object a <c>lock</c> statement locks).</summary>
    /// <param name="monitor">The object locked around every use of this condition.</param>
    /// <exception cref="ArgumentNullException"><paramref name="monitor"/> is <see langword="null"/>.</exception>
    public Condition(object monitor)
    {
        _monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));
#if NET9_0_OR_GREATER
        if (monitor is Lock l)
        {
            _lock = l;
        }
#endif
    }

#if NET9_0_OR_GREATER
    /// <summary>Creates a condition bound to <paramref name="lock"/> (used with <c>lock (_lock)</c> or <see cref="Lock.EnterScope"/>).</summary>
    /// <param name="lock">The lock held around every use of this condition.</param>
    /// <exception cref="ArgumentNullException"><paramref name="lock"/> is <see langword="null"/>.</exception>
    public Condition(Lock @lock)
    {
        _lock = @lock ?? throw new ArgumentNullException(nameof(@lock));
#pragma warning disable CS9216 // kept only as an identity; a Lock is never entered through Monitor here
        _monitor = @lock;
#pragma warning restore CS9216
    }
#endif

    /// <summary>Waits until <paramref name="predicate"/> is true. Call it holding the bound lock; the predicate is
    /// always evaluated holding it.</summary>
    /// <param name="predicate">The condition to wait for; evaluated first, and again after every notification.</param>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is <see langword="null"/>.</exception>
    /// <exception cref="SynchronizationLockException">The current thread does not hold the bound lock.</exception>
    public void WaitUntil(Func<bool> predicate) => WaitUntil(predicate, Timeout.InfiniteTimeSpan, CancellationToken.None);

    /// <summary>Waits until <paramref name="predicate"/> is true or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="predicate">The condition to wait for; evaluated first, and again after every notification.</param>
    /// <param name="cancellationToken">Cancels the wait; the lock is held again when the exception is thrown.</param>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is <see langword="null"/>.</exception>
    /// <exception cref="SynchronizationLockException">The current thread does not hold the bound lock.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the predicate became true.</exception>
    public void WaitUntil(Func<bool> predicate, CancellationToken cancellationToken) => WaitUntil(predicate, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>Waits at most <paramref name="timeout"/> until <paramref name="predicate"/> is true.</summary>
    /// <param name="predicate">The condition to wait for; evaluated first, and again after every notification.</param>
    /// <param name="timeout">The total time to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="cancellationToken">Cancels the wait; the lock is held again when the exception is thrown.</param>
    /// <returns>The predicate's last value: <see langword="false"/> means the timeout elapsed first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite).</exception>
    /// <exception cref="SynchronizationLockException">The current thread does not hold the bound lock.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the predicate became true.</exception>
    public bool WaitUntil(Func<bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (predicate is null)
        {
            throw new ArgumentNullException(nameof(predicate));
        }

        var totalMs = (long)timeout.TotalMilliseconds;
        if (totalMs < -1 || totalMs > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be Timeout.InfiniteTimeSpan or between 0 and Int32.MaxValue milliseconds.");
        }

        ThrowIfNotHeld(nameof(WaitUntil));
        var start = totalMs > 0 ? Environment.TickCount : 0;
        while (true)
        {
            if (predicate())
            {
                return true;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var remaining = -1;
            if (totalMs >= 0)
            {
                remaining = (int)(totalMs - unchecked(Environment.TickCount - start));
                if (remaining <= 0)
                {
                    return false;
                }
            }

            WaitOnce(remaining, cancellationToken);
        }
    }

    /// <summary>Wakes one waiting thread (if any), which then re-evaluates its predicate. Call it holding the bound lock.</summary>
    /// <remarks>Use <see cref="NotifyAll"/> when waiters wait for different predicates: the single thread woken by
    /// <see cref="Notify"/> may be one whose predicate is still false.</remarks>
    /// <exception cref="SynchronizationLockException">The current thread does not hold the bound lock.</exception>
    public void Notify()
    {
        ThrowIfNotHeld(nameof(Notify));
        SignalFirst();
    }

    /// <summary>Wakes every waiting thread; each re-evaluates its predicate. Call it holding the bound lock.</summary>
    /// <exception cref="SynchronizationLockException">The current thread does not hold the bound lock.</exception>
    public void NotifyAll()
    {
        ThrowIfNotHeld(nameof(NotifyAll));
        while (SignalFirst())
        {
        }
    }

    private bool SignalFirst()
    {
        var first = _waiters.First;
        if (first is null)
        {
            return false;
        }

        _waiters.RemoveFirst();
        first.Value.Signaled = true;
        first.Value.Event.Set();
        return true;
    }

    private void WaitOnce(int millisecondsTimeout, CancellationToken cancellationToken)
    {
        var waiter = t_waiter ??= new Waiter();
        waiter.Signaled = false;
        waiter.Event.Reset();
        _waiters.AddLast(waiter.Node);

        var depth = ReleaseFully();
        var cancelled = false;
        var woken = false;
        try
        {
            woken = waiter.Event.Wait(millisecondsTimeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
        }
        finally
        {
            Reacquire(depth);
        }

        if (!waiter.Signaled)
        {
            _waiters.Remove(waiter.Node);
        }
        else if (cancelled || !woken)
        {
            // The notification arrived after this wait was cancelled or timed out: this thread will not act on it,
            // so pass it on and no other waiter misses it.
            SignalFirst();
        }

        if (cancelled)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private int ReleaseFully()
    {
        var depth = 0;
#if NET9_0_OR_GREATER
        if (_lock is not null)
        {
            while (_lock.IsHeldByCurrentThread)
            {
                _lock.Exit();
                depth++;
            }

            return depth;
        }
#endif
        while (Monitor.IsEntered(_monitor))
        {
            Monitor.Exit(_monitor);
            depth++;
        }

        return depth;
    }

    private void Reacquire(int depth)
    {
        for (var i = 0; i < depth; i++)
        {
#if NET9_0_OR_GREATER
            if (_lock is not null)
            {
                _lock.Enter();
                continue;
            }
#endif
            Monitor.Enter(_monitor);
        }
    }

    private void ThrowIfNotHeld(string member)
    {
#if NET9_0_OR_GREATER
        var held = _lock is not null ? _lock.IsHeldByCurrentThread : Monitor.IsEntered(_monitor);
#else
        var held = Monitor.IsEntered(_monitor);
#endif
        if (!held)
        {
            throw new SynchronizationLockException(string.Format(System.Globalization.CultureInfo.InvariantCulture, NotHeldMessage, member));
        }
    }

    // One per thread: a thread waits on at most one condition at a time.
    private sealed class Waiter
    {
        public Waiter()
        {
            Node = new LinkedListNode<Waiter>(this);
        }

        public ManualResetEventSlim Event { get; } = new(false, 0);

        public LinkedListNode<Waiter> Node { get; }

        // Written by the notifier and read by the waiter, both while holding the bound lock.
        public bool Signaled { get; set; }
    }
}
