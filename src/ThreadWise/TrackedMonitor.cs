using System;
using System.Threading;

namespace ThreadWise;

/// <summary>
/// <see cref="Monitor"/> with the same method signatures, reporting every acquisition and release to
/// <see cref="LockOrderValidator"/> when validation is on (and only forwarding to <see cref="Monitor"/> when it is off).
/// It is the target for making existing code visible to the validator without editing it: a test build with
/// <c>-p:ThreadWiseTrackMonitor=true</c> (see the package readme) rewrites every <see cref="Monitor"/> call of that
/// signature in its IL into a call of the method here.
/// </summary>
/// <remarks>A <c>lock</c> statement compiles to <see cref="Monitor.Enter(object, ref bool)"/> and
/// <see cref="Monitor.Exit(object)"/> in IL; <see cref="Enter(object, ref bool)"/> and <see cref="Exit(object)"/> have
/// exactly their signatures, so the rewrite is a swap of call targets that reaches plain <c>lock</c> statements too.
/// <see cref="Wait(object)"/> and the pulses forward to <see cref="Monitor"/>; the lock counts as held across a wait.
/// Every public static method here must keep <see cref="Monitor"/>'s signature: the rewrite matches by it.</remarks>
public static class TrackedMonitor
{
    /// <summary><see cref="Monitor.Enter(object)"/>, recorded by the validator.</summary>
    /// <param name="obj">The object to lock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="obj"/> is <see langword="null"/>.</exception>
    /// <exception cref="LockOrderViolationException">Taking the lock inverts a recorded order; it is not taken.</exception>
    public static void Enter(object obj)
    {
        var taken = false;
        Enter(obj, ref taken);
    }

    /// <summary><see cref="Monitor.Enter(object, ref bool)"/> (what a <c>lock</c> statement calls), recorded by the validator.</summary>
    /// <param name="obj">The object to lock.</param>
    /// <param name="lockTaken">Set to <see langword="true"/> when the lock was taken; must be <see langword="false"/> on entry.</param>
    /// <exception cref="ArgumentNullException"><paramref name="obj"/> is <see langword="null"/>.</exception>
    /// <exception cref="LockOrderViolationException">Taking the lock inverts a recorded order; it is not taken.</exception>
    public static void Enter(object obj, ref bool lockTaken)
    {
        if (obj is null)
        {
            throw new ArgumentNullException(nameof(obj));
        }

        if (!LockOrderValidator.IsEnabled)
        {
            Monitor.Enter(obj, ref lockTaken);
            return;
        }

        var node = LockOrderValidator.OnAcquiringOnThread(obj);
        try
        {
            Monitor.Enter(obj, ref lockTaken);
        }
        finally
        {
            if (!lockTaken)
            {
                LockOrderValidator.OnReleasedOnThread(node);
            }
        }
    }

    /// <summary><see cref="Monitor.TryEnter(object)"/>, recorded by the validator when it succeeds.</summary>
    /// <param name="obj">The object to lock.</param>
    /// <returns>Whether the lock was taken.</returns>
    public static bool TryEnter(object obj) => TryEnter(obj, 0);

    /// <summary><see cref="Monitor.TryEnter(object, int)"/>, recorded by the validator when it succeeds.</summary>
    /// <param name="obj">The object to lock.</param>
    /// <param name="millisecondsTimeout">How long to wait; <see cref="Timeout.Infinite"/> waits forever.</param>
    /// <returns>Whether the lock was taken.</returns>
    public static bool TryEnter(object obj, int millisecondsTimeout)
    {
        var taken = false;
        TryEnter(obj, millisecondsTimeout, ref taken);
        return taken;
    }

    /// <summary><see cref="Monitor.TryEnter(object, TimeSpan)"/>, recorded by the validator when it succeeds.</summary>
    /// <param name="obj">The object to lock.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>Whether the lock was taken.</returns>
    public static bool TryEnter(object obj, TimeSpan timeout) => TryEnter(obj, ToMilliseconds(timeout));

    /// <summary><see cref="Monitor.TryEnter(object, ref bool)"/>, recorded by the validator when it succeeds.</summary>
    /// <param name="obj">The object to lock.</param>
    /// <param name="lockTaken">Set to whether the lock was taken; must be <see langword="false"/> on entry.</param>
    public static void TryEnter(object obj, ref bool lockTaken) => TryEnter(obj, 0, ref lockTaken);

    /// <summary><see cref="Monitor.TryEnter(object, TimeSpan, ref bool)"/>, recorded by the validator when it succeeds.</summary>
    /// <param name="obj">The object to lock.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="lockTaken">Set to whether the lock was taken; must be <see langword="false"/> on entry.</param>
    public static void TryEnter(object obj, TimeSpan timeout, ref bool lockTaken) => TryEnter(obj, ToMilliseconds(timeout), ref lockTaken);

    /// <summary><see cref="Monitor.TryEnter(object, int, ref bool)"/>, recorded by the validator when it succeeds.
    /// The order check happens before the wait: trying an inverted order is reported even when the try would fail.</summary>
    /// <param name="obj">The object to lock.</param>
    /// <param name="millisecondsTimeout">How long to wait; <see cref="Timeout.Infinite"/> waits forever.</param>
    /// <param name="lockTaken">Set to whether the lock was taken; must be <see langword="false"/> on entry.</param>
    /// <exception cref="ArgumentNullException"><paramref name="obj"/> is <see langword="null"/>.</exception>
    public static void TryEnter(object obj, int millisecondsTimeout, ref bool lockTaken)
    {
        if (obj is null)
        {
            throw new ArgumentNullException(nameof(obj));
        }

        if (!LockOrderValidator.IsEnabled)
        {
            Monitor.TryEnter(obj, millisecondsTimeout, ref lockTaken);
            return;
        }

        var node = LockOrderValidator.OnAcquiringOnThread(obj);
        try
        {
            Monitor.TryEnter(obj, millisecondsTimeout, ref lockTaken);
        }
        finally
        {
            if (!lockTaken)
            {
                LockOrderValidator.OnReleasedOnThread(node);
            }
        }
    }

    /// <summary><see cref="Monitor.Exit(object)"/>, recorded by the validator.</summary>
    /// <param name="obj">The object to unlock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="obj"/> is <see langword="null"/>.</exception>
    /// <exception cref="SynchronizationLockException">The current thread does not hold the lock.</exception>
    public static void Exit(object obj)
    {
        if (obj is null)
        {
            throw new ArgumentNullException(nameof(obj));
        }

        Monitor.Exit(obj);
        // Tolerant: the lock may have been taken before validation was turned on.
        LockOrderValidator.TryReleaseOnThread(obj);
    }

    /// <summary><see cref="Monitor.IsEntered(object)"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns>Whether the current thread holds the lock.</returns>
    public static bool IsEntered(object obj) => Monitor.IsEntered(obj);

    /// <summary><see cref="Monitor.Wait(object)"/>.</summary>
    /// <param name="obj">The object whose lock is held.</param>
    /// <returns><see langword="true"/> once reacquired.</returns>
    public static bool Wait(object obj) => Monitor.Wait(obj);

    /// <summary><see cref="Monitor.Wait(object, int)"/>.</summary>
    /// <param name="obj">The object whose lock is held.</param>
    /// <param name="millisecondsTimeout">How long to wait for a pulse.</param>
    /// <returns>Whether a pulse came before the timeout.</returns>
    public static bool Wait(object obj, int millisecondsTimeout) => Monitor.Wait(obj, millisecondsTimeout);

    /// <summary><see cref="Monitor.Wait(object, TimeSpan)"/>.</summary>
    /// <param name="obj">The object whose lock is held.</param>
    /// <param name="timeout">How long to wait for a pulse.</param>
    /// <returns>Whether a pulse came before the timeout.</returns>
    public static bool Wait(object obj, TimeSpan timeout) => Monitor.Wait(obj, timeout);

    /// <summary><see cref="Monitor.Pulse(object)"/>.</summary>
    /// <param name="obj">The object whose lock is held.</param>
    public static void Pulse(object obj) => Monitor.Pulse(obj);

    /// <summary><see cref="Monitor.PulseAll(object)"/>.</summary>
    /// <param name="obj">The object whose lock is held.</param>
    public static void PulseAll(object obj) => Monitor.PulseAll(obj);

    private static int ToMilliseconds(TimeSpan timeout)
    {
        var ms = (long)timeout.TotalMilliseconds;
        if (ms < -1 || ms > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be -1 ms (infinite) or between 0 and Int32.MaxValue ms.");
        }

        return (int)ms;
    }
}
