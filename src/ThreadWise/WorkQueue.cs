using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ThreadWise;

/// <summary>
/// A blocking FIFO queue that also counts unfinished work (Python's <c>JoinableQueue</c>): every <see cref="Put"/>
/// adds one unfinished item, every <see cref="TaskDone"/> finishes one, and <see cref="Join()"/> waits until all are
/// finished — not merely taken. <see cref="Complete"/> tells consumers that no more items come.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// Consumers loop <c>while (queue.TryTake(out var item, Timeout.InfiniteTimeSpan)) { try { … } finally { queue.TaskDone(); } }</c>
/// (or <see cref="GetConsumingEnumerable"/>); the producer calls <see cref="Join()"/> to wait for the work, then
/// <see cref="Complete"/> to let the consumers exit. Calling <see cref="TaskDone"/> more often than items were put
/// throws, as Python's <c>task_done</c> does.
/// </remarks>
public sealed class WorkQueue<T>
{
    private readonly object _gate = new();
    private readonly Queue<T> _items = new();
    private readonly Condition _notEmpty;
    private readonly Condition _notFull;
    private readonly Condition _allDone;
    private readonly Func<bool> _canTake;
    private readonly Func<bool> _canPut;
    private readonly Func<bool> _isIdle;
    private readonly int _boundedCapacity;
    private TaskCompletionSource<bool>? _idle;
    // Written under _gate (also with Interlocked, since TaskDone decrements it without the lock).
    private int _unfinished;
    // _items.Count, readable without the lock (for the spin before blocking).
    private volatile int _available;
    private volatile bool _completed;

    /// <summary>Creates an unbounded queue.</summary>
    public WorkQueue()
        : this(0)
    {
    }

    /// <summary>Creates a queue that holds at most <paramref name="boundedCapacity"/> items (0 = unbounded);
    /// <see cref="Put"/> blocks while it is full.</summary>
    /// <param name="boundedCapacity">The capacity, or 0 for unbounded.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="boundedCapacity"/> is negative.</exception>
    public WorkQueue(int boundedCapacity)
    {
        if (boundedCapacity < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(boundedCapacity), boundedCapacity, "The capacity must be 0 (unbounded) or positive.");
        }

        _boundedCapacity = boundedCapacity;
        _notEmpty = new Condition(_gate);
        _notFull = new Condition(_gate);
        _allDone = new Condition(_gate);
        _canTake = () => _items.Count > 0 || _completed;
        _canPut = () => _boundedCapacity == 0 || _items.Count < _boundedCapacity || _completed;
        _isIdle = () => Volatile.Read(ref _unfinished) == 0;
    }

    /// <summary>The number of items waiting to be taken.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>The number of items put and not yet finished with <see cref="TaskDone"/>.</summary>
    public int UnfinishedCount
    {
        get
        {
            lock (_gate)
            {
                return _unfinished;
            }
        }
    }

    /// <summary>Whether <see cref="Complete"/> was called.</summary>
    public bool IsAddingCompleted
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    /// <summary>Adds an item (one more unfinished task); blocks while a bounded queue is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels a blocked <see cref="Put"/>; the item is then not added.</param>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while the queue was full.</exception>
    public void Put(T item, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_boundedCapacity > 0)
            {
                _notFull.WaitUntil(_canPut, cancellationToken);
            }

            if (_completed)
            {
                throw new InvalidOperationException("The queue is completed: Put() after Complete().");
            }

            _items.Enqueue(item);
            _available = _items.Count;
            Interlocked.Increment(ref _unfinished);
            _notEmpty.Notify();
        }
    }

    /// <summary>Removes the oldest item, waiting for one if the queue is empty.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The item; call <see cref="TaskDone"/> when it has been processed.</returns>
    /// <exception cref="InvalidOperationException">The queue is completed and empty: no item will ever come.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    public T Take(CancellationToken cancellationToken = default)
    {
        if (!TryTake(out var item, Timeout.InfiniteTimeSpan, cancellationToken))
        {
            throw new InvalidOperationException("The queue is completed and empty: no item will ever come.");
        }

        return item;
    }

    /// <summary>Removes the oldest item, waiting at most <paramref name="timeout"/> for one.</summary>
    /// <param name="item">The item, when one was taken.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits until an item comes or the queue is completed.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when an item was taken; <see langword="false"/> on timeout, or when the queue is completed and empty.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    public bool TryTake(out T item, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        // Uncontended hand-off: when the queue is empty, spin briefly outside the lock before blocking (as
        // SemaphoreSlim does for BlockingCollection), so a consumer that keeps up with its producer rarely sleeps.
        if (_available == 0 && timeout != TimeSpan.Zero)
        {
            var spinner = default(SpinWait);
            while (!spinner.NextSpinWillYield && _available == 0 && !_completed)
            {
                spinner.SpinOnce();
            }
        }

        lock (_gate)
        {
            if (!_notEmpty.WaitUntil(_canTake, timeout, cancellationToken) || _items.Count == 0)
            {
                item = default!;
                return false;
            }

            item = _items.Dequeue();
            _available = _items.Count;
            if (_boundedCapacity > 0)
            {
                _notFull.Notify();
            }

            return true;
        }
    }

    /// <summary>Takes items until the queue is completed and empty.</summary>
    /// <param name="cancellationToken">Cancels the wait for the next item.</param>
    /// <returns>The items, in order; call <see cref="TaskDone"/> for each.</returns>
    public IEnumerable<T> GetConsumingEnumerable(CancellationToken cancellationToken = default)
    {
        while (TryTake(out var item, Timeout.InfiniteTimeSpan, cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>Marks one taken item as processed.</summary>
    /// <exception cref="InvalidOperationException">Called more times than items were put.</exception>
    public void TaskDone()
    {
        // Lock-free unless this brings the count to zero (then waiters are woken under the lock, which a Join holds
        // from its check to its wait, so no wake-up is lost).
        int current;
        do
        {
            current = Volatile.Read(ref _unfinished);
            if (current == 0)
            {
                throw new InvalidOperationException("TaskDone() was called more times than there were items put in the queue.");
            }
        }
        while (Interlocked.CompareExchange(ref _unfinished, current - 1, current) != current);

        if (current != 1)
        {
            return;
        }

        lock (_gate)
        {
            if (_unfinished == 0)
            {
                _allDone.NotifyAll();
                _idle?.TrySetResult(true);
                _idle = null;
            }
        }
    }

    /// <summary>Waits until every item put so far has been marked done with <see cref="TaskDone"/>.</summary>
    public void Join() => Join(Timeout.InfiniteTimeSpan);

    /// <summary>Waits at most <paramref name="timeout"/> until every item put has been marked done.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns><see langword="true"/> when no unfinished item remains; <see langword="false"/> on timeout.</returns>
    public bool Join(TimeSpan timeout)
    {
        lock (_gate)
        {
            return _allDone.WaitUntil(_isIdle, timeout);
        }
    }

    /// <summary>Asynchronously waits until every item put so far has been marked done.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when no unfinished item remains.</returns>
    public Task JoinAsync(CancellationToken cancellationToken = default)
    {
        Task idle;
        lock (_gate)
        {
            if (_unfinished == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = _idle.Task;
        }

        return cancellationToken.CanBeCanceled ? TaskHelpers.WaitAsync(idle, cancellationToken) : idle;
    }

    /// <summary>No more items will be put: consumers drain the queue, then <see cref="TryTake"/> returns
    /// <see langword="false"/> and <see cref="GetConsumingEnumerable"/> ends. Idempotent.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            _notEmpty.NotifyAll();
            _notFull.NotifyAll();
        }
    }
}
