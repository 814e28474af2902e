using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace ThreadWise;

/// <summary>
/// Scoped acquisition of a <see cref="SemaphoreSlim"/>: the async counterpart of the <c>lock</c> statement, which cannot
/// contain <c>await</c>. <c>using (await gate.EnterAsync(ct)) { … }</c> replaces
/// <c>await gate.WaitAsync(ct); try { … } finally { gate.Release(); }</c>.
/// </summary>
/// <remarks>
/// The permit is released exactly when the returned <see cref="SemaphoreScope"/> is disposed. When the acquire is
/// cancelled or times out no scope is produced, so nothing is released: the classic bug of releasing a permit that was
/// never obtained (a <c>Release</c> in a <c>finally</c> that also covers the <c>WaitAsync</c>) cannot be written.
/// An uncontended <see cref="EnterAsync(SemaphoreSlim, CancellationToken)"/> completes synchronously and returns a task
/// cached per semaphore, so it does not allocate.
/// </remarks>
public static class SemaphoreSlimExtensions
{
    // One completed Task<SemaphoreScope> per semaphore: the scope carries only the semaphore, so the same completed
    // task serves every uncontended acquire. The table does not keep the semaphore alive.
    private static readonly ConditionalWeakTable<SemaphoreSlim, Task<SemaphoreScope>> CompletedScopes = new();
    private static readonly ConditionalWeakTable<SemaphoreSlim, Task<SemaphoreScope>>.CreateValueCallback CreateCompleted =
        static semaphore => Task.FromResult(new SemaphoreScope(semaphore, null));

    // A one-entry per-thread cache in front of the table: a thread usually re-enters the semaphore it entered last,
    // and a thread-static read is several times cheaper than a table lookup. It keeps at most one semaphore (and its
    // completed task) per thread reachable.
    [ThreadStatic]
    private static Task<SemaphoreScope>? t_lastCompleted;

    /// <summary>Asynchronously waits for a permit and returns a scope that releases it when disposed.</summary>
    /// <param name="semaphore">The semaphore to enter.</param>
    /// <param name="cancellationToken">Cancels the wait. A cancelled wait never holds (or releases) a permit.</param>
    /// <returns>A task whose result is the held permit; dispose it to release the permit.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="semaphore"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException">The task is cancelled when <paramref name="cancellationToken"/> is
    /// cancelled before a permit was obtained.</exception>
    /// <exception cref="ObjectDisposedException">The semaphore has been disposed.</exception>
    public static Task<SemaphoreScope> EnterAsync(this SemaphoreSlim semaphore, CancellationToken cancellationToken = default)
    {
        if (semaphore is null)
        {
            throw new ArgumentNullException(nameof(semaphore));
        }

        if (LockOrderValidator.IsEnabled)
        {
            return EnterTrackedAsync(semaphore, Timeout.InfiniteTimeSpan, cancellationToken);
        }

        var wait = semaphore.WaitAsync(cancellationToken);
        if (wait.Status == TaskStatus.RanToCompletion)
        {
            return Completed(semaphore);
        }

        return CompleteAsync(wait, semaphore);
    }

    /// <summary>
    /// Asynchronously waits at most <paramref name="timeout"/> for a permit and returns a scope that releases it when
    /// disposed.
    /// </summary>
    /// <param name="semaphore">The semaphore to enter.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="cancellationToken">Cancels the wait. A cancelled wait never holds (or releases) a permit.</param>
    /// <returns>A task whose result is the held permit; dispose it to release the permit.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="semaphore"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <exception cref="TimeoutException">The task faults with it when no permit was obtained within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException">The task is cancelled when <paramref name="cancellationToken"/> is
    /// cancelled before a permit was obtained.</exception>
    public static Task<SemaphoreScope> EnterAsync(this SemaphoreSlim semaphore, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (semaphore is null)
        {
            throw new ArgumentNullException(nameof(semaphore));
        }

        ValidateTimeout(timeout);
        if (LockOrderValidator.IsEnabled)
        {
            return EnterTrackedAsync(semaphore, timeout, cancellationToken);
        }

        var wait = semaphore.WaitAsync(timeout, cancellationToken);
        if (wait.Status == TaskStatus.RanToCompletion)
        {
            return wait.Result
                ? Completed(semaphore)
                : Task.FromException<SemaphoreScope>(TimedOut(timeout));
        }

        return CompleteAsync(wait, semaphore, timeout);
    }

    /// <summary>Synchronously waits for a permit and returns a scope that releases it when disposed.</summary>
    /// <param name="semaphore">The semaphore to enter.</param>
    /// <param name="cancellationToken">Cancels the wait. A cancelled wait never holds (or releases) a permit.</param>
    /// <returns>The held permit; dispose it to release the permit.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="semaphore"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before a permit was obtained.</exception>
    public static SemaphoreScope Enter(this SemaphoreSlim semaphore, CancellationToken cancellationToken = default)
    {
        if (semaphore is null)
        {
            throw new ArgumentNullException(nameof(semaphore));
        }

        return EnterSync(semaphore, Timeout.InfiniteTimeSpan, cancellationToken);
    }

    /// <summary>
    /// Synchronously waits at most <paramref name="timeout"/> for a permit and returns a scope that releases it when
    /// disposed.
    /// </summary>
    /// <param name="semaphore">The semaphore to enter.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="cancellationToken">Cancels the wait. A cancelled wait never holds (or releases) a permit.</param>
    /// <returns>The held permit; dispose it to release the permit.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="semaphore"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <exception cref="TimeoutException">No permit was obtained within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before a permit was obtained.</exception>
    public static SemaphoreScope Enter(this SemaphoreSlim semaphore, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (semaphore is null)
        {
            throw new ArgumentNullException(nameof(semaphore));
        }

        ValidateTimeout(timeout);
        return EnterSync(semaphore, timeout, cancellationToken);
    }

    private static Task<SemaphoreScope> Completed(SemaphoreSlim semaphore)
    {
        var last = t_lastCompleted;
        if (last is not null && ReferenceEquals(last.Result.Semaphore, semaphore))
        {
            return last;
        }

        return t_lastCompleted = CompletedScopes.GetValue(semaphore, CreateCompleted);
    }

    private static SemaphoreScope EnterSync(SemaphoreSlim semaphore, TimeSpan timeout, CancellationToken cancellationToken)
    {
        LockOrderValidator.HeldLock? tracking = null;
        if (LockOrderValidator.IsEnabled)
        {
            tracking = LockOrderValidator.OnAcquiringInFlow(semaphore);
        }

        bool acquired;
        try
        {
            acquired = semaphore.Wait(timeout, cancellationToken);
        }
        catch
        {
            if (tracking is not null)
            {
                LockOrderValidator.OnAbandoned(tracking);
            }

            throw;
        }

        if (!acquired)
        {
            if (tracking is not null)
            {
                LockOrderValidator.OnAbandoned(tracking);
            }

            throw TimedOut(timeout);
        }

        return new SemaphoreScope(semaphore, tracking);
    }

    private static Task<SemaphoreScope> EnterTrackedAsync(SemaphoreSlim semaphore, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Runs synchronously in the caller's execution context, so the held-lock record is visible to the caller's
        // later acquisitions (it flows across its awaits).
        LockOrderValidator.HeldLock tracking;
        try
        {
            tracking = LockOrderValidator.OnAcquiringInFlow(semaphore);
        }
        catch (LockOrderViolationException ex)
        {
            return Task.FromException<SemaphoreScope>(ex);
        }

        Task<bool> wait;
        try
        {
            wait = semaphore.WaitAsync(timeout, cancellationToken);
        }
        catch
        {
            LockOrderValidator.OnAbandoned(tracking);
            throw;
        }

        return CompleteTrackedAsync(wait, semaphore, timeout, tracking);
    }

    private static async Task<SemaphoreScope> CompleteTrackedAsync(Task<bool> wait, SemaphoreSlim semaphore, TimeSpan timeout, LockOrderValidator.HeldLock tracking)
    {
        bool acquired;
        try
        {
            acquired = await wait.ConfigureAwait(false);
        }
        catch
        {
            LockOrderValidator.OnAbandoned(tracking);
            throw;
        }

        if (!acquired)
        {
            LockOrderValidator.OnAbandoned(tracking);
            throw TimedOut(timeout);
        }

        return new SemaphoreScope(semaphore, tracking);
    }

    private static async Task<SemaphoreScope> CompleteAsync(Task wait, SemaphoreSlim semaphore)
    {
        await wait.ConfigureAwait(false);
        return new SemaphoreScope(semaphore, null);
    }

    private static async Task<SemaphoreScope> CompleteAsync(Task<bool> wait, SemaphoreSlim semaphore, TimeSpan timeout)
    {
        if (!await wait.ConfigureAwait(false))
        {
            throw TimedOut(timeout);
        }

        return new SemaphoreScope(semaphore, null);
    }

    private static void ValidateTimeout(TimeSpan timeout)
    {
        var ms = (long)timeout.TotalMilliseconds;
        if (ms < -1 || ms > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be Timeout.InfiniteTimeSpan or between 0 and Int32.MaxValue milliseconds.");
        }
    }

    private static TimeoutException TimedOut(TimeSpan timeout) =>
        new($"The semaphore could not be entered within {timeout}. No permit was taken, so none will be released.");
}
