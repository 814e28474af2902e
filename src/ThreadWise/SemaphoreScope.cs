using System;
using System.Threading;

namespace ThreadWise;

/// <summary>
/// A permit held on a <see cref="SemaphoreSlim"/>, returned by
/// <see cref="SemaphoreSlimExtensions.EnterAsync(SemaphoreSlim, CancellationToken)"/> and
/// <see cref="SemaphoreSlimExtensions.Enter(SemaphoreSlim, CancellationToken)"/>. Disposing it releases the permit.
/// </summary>
/// <remarks>
/// <para>A scope exists only when the acquire succeeded, so a cancelled or timed-out acquire can never release a permit
/// it did not get. Use it with <c>using</c>: <c>using (await gate.EnterAsync(ct)) { … }</c>; the release then runs in
/// a <c>finally</c> by construction, including when the body throws.</para>
/// <para>The <c>using</c> statement disposes the scope exactly once. The scope is a value type (no allocation per
/// acquire), so it cannot detect being disposed twice through two copies: do not dispose it yourself inside a
/// <c>using</c>. When <see cref="LockOrderValidator"/> is enabled a second dispose throws
/// <see cref="InvalidOperationException"/>. The <see langword="default"/> value holds nothing and its
/// <see cref="Dispose"/> does nothing.</para>
/// </remarks>
public readonly struct SemaphoreScope : IDisposable
{
    private readonly SemaphoreSlim? _semaphore;
    private readonly LockOrderValidator.HeldLock? _tracking;

    internal SemaphoreScope(SemaphoreSlim semaphore, LockOrderValidator.HeldLock? tracking)
    {
        _semaphore = semaphore;
        _tracking = tracking;
    }

    /// <summary>The semaphore this scope holds a permit of, or <see langword="null"/> for the default value.</summary>
    public SemaphoreSlim? Semaphore => _semaphore;

    /// <summary>Releases the permit (one <see cref="SemaphoreSlim.Release()"/>).</summary>
    /// <exception cref="SemaphoreFullException">The semaphore was released more often than it was entered
    /// (the scope was disposed twice, or the permit was also released by hand).</exception>
    /// <exception cref="InvalidOperationException">Lock-order validation is enabled and this scope was already disposed.</exception>
    public void Dispose()
    {
        if (_semaphore is null)
        {
            return;
        }

        if (_tracking is not null)
        {
            LockOrderValidator.OnReleased(_tracking);
        }

        _semaphore.Release();
    }
}
