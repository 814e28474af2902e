using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ThreadWise;

/// <summary>
/// A pool of at most N concurrent workers with an explicit lifecycle: <see cref="Submit(Action)"/> work, then
/// <see cref="Close"/> (no new work; queued work still runs) or <see cref="Terminate"/> (queued work is cancelled), then
/// <see cref="Join()"/> / <see cref="JoinAsync"/> to wait until every worker has finished.
/// </summary>
/// <remarks>
/// <para>It fails fast where the classic mistakes hide: <see cref="Join()"/> before <see cref="Close"/> or
/// <see cref="Terminate"/> (a wait that can never end while more work may come) throws
/// <see cref="InvalidOperationException"/>, and so does <see cref="Submit(Action)"/> after them. A work item's exception
/// surfaces in the <see cref="Task"/> that <c>Submit</c> returned; it is never lost and never crashes the process.</para>
/// <para>Workers run on the thread pool. An asynchronous work item occupies its worker until its task completes, so
/// the degree of parallelism bounds asynchronous work too. <see cref="DisposeAsync"/> is <see cref="Close"/> followed
/// by <see cref="JoinAsync"/>; <see cref="Dispose"/> is <see cref="Close"/> followed by <see cref="Join()"/>.</para>
/// </remarks>
public sealed class WorkerPool : IDisposable, IAsyncDisposable
{
    internal const string StillRunningMessage = "Pool is still running: call Close() or Terminate() before Join().";
    internal const string NotRunningMessage = "Pool is not running: Submit() was called after Close() or Terminate().";
    internal const string JoinFromWorkerMessage = "Join() was called from one of this pool's own work items; it would wait for itself forever.";

    [ThreadStatic]
    private static WorkerPool? t_current;

    private readonly object _gate = new();
    // Enqueued under _gate (with the state check and the worker count); workers dequeue without it, and take _gate only
    // to retire when they find it empty, so an item enqueued meanwhile always has a worker.
    private readonly System.Collections.Concurrent.ConcurrentQueue<IWorkItem> _queue = new();
    private readonly CancellationTokenSource _terminate = new();
    private readonly TaskCompletionSource<bool> _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _maxDegreeOfParallelism;
    private int _workers;
    private int _outstanding;
    private List<Exception>? _postFailures;
    // Set by Terminate before it drains the queue: an item a worker dequeues after that is cancelled, not run.
    private volatile bool _terminating;
    private State _state;

    /// <summary>Creates a pool that runs at most <paramref name="maxDegreeOfParallelism"/> work items at once.</summary>
    /// <param name="maxDegreeOfParallelism">The number of workers (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegreeOfParallelism"/> is less than 1.</exception>
    public WorkerPool(int maxDegreeOfParallelism)
    {
        if (maxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "A pool needs at least one worker.");
        }

        _maxDegreeOfParallelism = maxDegreeOfParallelism;
    }

    private enum State
    {
        Running,
        Closed,
        Terminated,
    }

    /// <summary>The maximum number of work items that run at once.</summary>
    public int MaxDegreeOfParallelism => _maxDegreeOfParallelism;

    /// <summary>Whether the pool still accepts work (neither <see cref="Close"/> nor <see cref="Terminate"/> was called).</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _state == State.Running;
            }
        }
    }

    /// <summary>Queues <paramref name="action"/>.</summary>
    /// <param name="action">The work.</param>
    /// <returns>A task that completes when the work has run, faults with its exception, or is cancelled by <see cref="Terminate"/> before it started.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The pool was closed or terminated.</exception>
    public Task Submit(Action action)
    {
        if (action is null)
        {
            throw new ArgumentNullException(nameof(action));
        }

        return Enqueue(new SyncItem<bool>(static state => { ((Action)state!)(); return true; }, action));
    }

    /// <summary>Queues <paramref name="action"/> without a task to observe it (fire-and-forget: no allocation beyond
    /// the queued item). Its exception is not lost: once all work has finished, <see cref="Join()"/>,
    /// <see cref="JoinAsync"/> and <see cref="Dispose"/>/<see cref="DisposeAsync"/> throw an
    /// <see cref="AggregateException"/> holding every exception of a posted item.</summary>
    /// <param name="action">The work.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The pool was closed or terminated.</exception>
    /// <remarks>Use <see cref="Submit(Action)"/> when the caller needs to await this item or see its own outcome.</remarks>
    public void Post(Action action)
    {
        if (action is null)
        {
            throw new ArgumentNullException(nameof(action));
        }

        EnqueueItem(new PostItem<Action>(this, static a => a(), action));
    }

    /// <summary>Queues <paramref name="action"/> with <paramref name="state"/> without a task to observe it; passing
    /// the state avoids a closure per item (<c>pool.Post(static s =&gt; Handle(s), request)</c>). Exceptions surface
    /// in <see cref="Join()"/> as for <see cref="Post(Action)"/>.</summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <param name="action">The work.</param>
    /// <param name="state">The argument passed to <paramref name="action"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The pool was closed or terminated.</exception>
    public void Post<TState>(Action<TState> action, TState state)
    {
        if (action is null)
        {
            throw new ArgumentNullException(nameof(action));
        }

        EnqueueItem(new PostItem<TState>(this, action, state));
    }

    /// <summary>Queues <paramref name="function"/> and returns its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="function">The work.</param>
    /// <returns>A task with the result, faulted with the work's exception, or cancelled by <see cref="Terminate"/> before it started.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The pool was closed or terminated.</exception>
    public Task<T> Submit<T>(Func<T> function)
    {
        if (function is null)
        {
            throw new ArgumentNullException(nameof(function));
        }

        return Enqueue(new SyncItem<T>(static state => ((Func<T>)state!)(), function));
    }

    /// <summary>Queues asynchronous work; it occupies a worker until its task completes.</summary>
    /// <param name="function">The work.</param>
    /// <returns>A task that completes with the work's task, or is cancelled by <see cref="Terminate"/> before it started.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The pool was closed or terminated.</exception>
    /// <remarks>This overload makes <c>Submit(async () =&gt; …)</c> wait for the asynchronous work (rather than
    /// treating the returned task as a finished result).</remarks>
    public Task Submit(Func<Task> function)
    {
        if (function is null)
        {
            throw new ArgumentNullException(nameof(function));
        }

        return Enqueue(new AsyncItem<bool>(async (f, _) => { await ((Func<Task>)f)().ConfigureAwait(false); return true; }, function));
    }

    /// <summary>Queues asynchronous work that produces a result; it occupies a worker until its task completes.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="function">The work.</param>
    /// <returns>A task with the work's result, or cancelled by <see cref="Terminate"/> before it started.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The pool was closed or terminated.</exception>
    public Task<T> Submit<T>(Func<Task<T>> function)
    {
        if (function is null)
        {
            throw new ArgumentNullException(nameof(function));
        }

        return Enqueue(new AsyncItem<T>(static (f, _) => ((Func<Task<T>>)f)(), function));
    }

    /// <summary>Queues asynchronous work; it occupies a worker until its task completes.</summary>
    /// <param name="function">The work; its token is cancelled by <see cref="Terminate"/>.</param>
    /// <returns>A task that completes with the work's task, or is cancelled by <see cref="Terminate"/> before it started.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The pool was closed or terminated.</exception>
    public Task Submit(Func<CancellationToken, Task> function)
    {
        if (function is null)
        {
            throw new ArgumentNullException(nameof(function));
        }

        return Enqueue(new AsyncItem<bool>(async (f, ct) => { await ((Func<CancellationToken, Task>)f)(ct).ConfigureAwait(false); return true; }, function));
    }

    /// <summary>Queues asynchronous work that produces a result; it occupies a worker until its task completes.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="function">The work; its token is cancelled by <see cref="Terminate"/>.</param>
    /// <returns>A task with the work's result, or cancelled by <see cref="Terminate"/> before it started.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The pool was closed or terminated.</exception>
    public Task<T> Submit<T>(Func<CancellationToken, Task<T>> function)
    {
        if (function is null)
        {
            throw new ArgumentNullException(nameof(function));
        }

        return Enqueue(new AsyncItem<T>(static (f, ct) => ((Func<CancellationToken, Task<T>>)f)(ct), function));
    }

    /// <summary>Runs <paramref name="selector"/> on every item through the pool and returns the results in the order
    /// of <paramref name="source"/> (Python's <c>pool.map</c>).</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="source">The items; enumerated once, now.</param>
    /// <param name="selector">The work per item.</param>
    /// <returns>A task with the results in source order; it faults if any item faulted (with every item's exception).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The pool was closed or terminated.</exception>
    public Task<IReadOnlyList<TResult>> Map<T, TResult>(IEnumerable<T> source, Func<T, TResult> selector)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        if (selector is null)
        {
            throw new ArgumentNullException(nameof(selector));
        }

        ThrowIfNotRunning();
        var items = source as IReadOnlyList<T> ?? new List<T>(source);
        if (items.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<TResult>>(Array.Empty<TResult>());
        }

        // One shared completion for the whole map instead of one task per item.
        var batch = new MapBatch<TResult>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            EnqueueItem(new MapItem<T, TResult>(batch, selector, items[i], i));
        }

        return batch.Task;
    }

    /// <summary>Stops accepting work; work already submitted still runs. Idempotent.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_state == State.Running)
            {
                _state = State.Closed;
            }

            CompleteIfDone();
        }
    }

    /// <summary>Stops accepting work and cancels work that has not started (its task is cancelled); the token passed
    /// to running asynchronous work is cancelled. Running synchronous work finishes. Idempotent.</summary>
    public void Terminate()
    {
        lock (_gate)
        {
            _state = State.Terminated;
            _terminating = true;
            var dropped = 0;
            while (_queue.TryDequeue(out var queued))
            {
                // Continuations run asynchronously, so cancelling under the lock runs no user code here; and the
                // items are cancelled before Join can return. A worker that dequeues an item concurrently sees
                // _terminating and cancels it too.
                queued.Cancel(_terminate.Token);
                dropped++;
            }

            Interlocked.Add(ref _outstanding, -dropped);
            CompleteIfDone();
        }

        try
        {
            _terminate.Cancel();
        }
        catch (AggregateException)
        {
            // A token callback registered by a work item threw; the work item sees the cancellation regardless.
        }
    }

    /// <summary>Waits until every submitted work item has finished.</summary>
    /// <exception cref="InvalidOperationException">The pool is still running (call <see cref="Close"/> or
    /// <see cref="Terminate"/> first), or this is called from one of the pool's own work items.</exception>
    public void Join() => Join(Timeout.InfiniteTimeSpan);

    /// <summary>Waits at most <paramref name="timeout"/> until every submitted work item has finished.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns><see langword="true"/> when all work finished; <see langword="false"/> on timeout.</returns>
    /// <exception cref="InvalidOperationException">The pool is still running (call <see cref="Close"/> or
    /// <see cref="Terminate"/> first), or this is called from one of the pool's own work items.</exception>
    public bool Join(TimeSpan timeout)
    {
        ThrowIfJoinNotAllowed();
        if (ReferenceEquals(t_current, this))
        {
            throw new InvalidOperationException(JoinFromWorkerMessage);
        }

        return _joined.Task.Wait(timeout);
    }

    /// <summary>Asynchronously waits until every submitted work item has finished.</summary>
    /// <param name="cancellationToken">Cancels the wait (not the work).</param>
    /// <returns>A task that completes when all work has finished.</returns>
    /// <exception cref="InvalidOperationException">The pool is still running: call <see cref="Close"/> or <see cref="Terminate"/> first.</exception>
    public Task JoinAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfJoinNotAllowed();
        if (!cancellationToken.CanBeCanceled || _joined.Task.IsCompleted)
        {
            return _joined.Task;
        }

        return TaskHelpers.WaitAsync(_joined.Task, cancellationToken);
    }

    /// <summary><see cref="Close"/>, then <see cref="Join()"/>: waits for submitted work to finish.</summary>
    public void Dispose()
    {
        Close();
        if (!ReferenceEquals(t_current, this))
        {
            _joined.Task.Wait();
        }
    }

    /// <summary><see cref="Close"/>, then <see cref="JoinAsync"/>: waits for submitted work to finish.</summary>
    /// <returns>A task that completes when all work has finished.</returns>
    public ValueTask DisposeAsync()
    {
        Close();
        return new ValueTask(_joined.Task);
    }

    private void ThrowIfJoinNotAllowed()
    {
        lock (_gate)
        {
            if (_state == State.Running)
            {
                throw new InvalidOperationException(StillRunningMessage);
            }
        }
    }

    private void ThrowIfNotRunning()
    {
        lock (_gate)
        {
            if (_state != State.Running)
            {
                throw new InvalidOperationException(NotRunningMessage);
            }
        }
    }

    private Task<T> Enqueue<T>(WorkItem<T> item)
    {
        EnqueueItem(item);
        return item.Task;
    }

    private void EnqueueItem(IWorkItem item)
    {
        bool startWorker;
        lock (_gate)
        {
            if (_state != State.Running)
            {
                throw new InvalidOperationException(NotRunningMessage);
            }

            _queue.Enqueue(item);
            Interlocked.Increment(ref _outstanding);
            startWorker = _workers < _maxDegreeOfParallelism;
            if (startWorker)
            {
                _workers++;
            }
        }

        if (startWorker)
        {
            _ = Task.Run(RunWorker);
        }
    }

    private async Task RunWorker()
    {
        while (true)
        {
            if (!_queue.TryDequeue(out var item))
            {
                lock (_gate)
                {
                    if (_queue.IsEmpty)
                    {
                        _workers--;
                        return;
                    }
                }

                continue;
            }

            if (_terminating)
            {
                item.Cancel(_terminate.Token);
                if (Interlocked.Decrement(ref _outstanding) == 0)
                {
                    lock (_gate)
                    {
                        CompleteIfDone();
                    }
                }

                continue;
            }

            var previous = t_current;
            t_current = this;
            Task running;
            try
            {
                running = item.Run(_terminate.Token);
            }
            finally
            {
                t_current = previous;
            }

            if (!running.IsCompleted)
            {
                await running.ConfigureAwait(false);
            }

            if (Interlocked.Decrement(ref _outstanding) == 0)
            {
                lock (_gate)
                {
                    CompleteIfDone();
                }
            }
        }
    }

    // Called under _gate. _outstanding only grows under _gate while running, so once the state is not Running a zero
    // is final; a worker that brings it to zero takes _gate and calls this too.
    private void CompleteIfDone()
    {
        if (_state != State.Running && Volatile.Read(ref _outstanding) == 0)
        {
            if (_postFailures is { } failures)
            {
                _joined.TrySetException(failures);
            }
            else
            {
                _joined.TrySetResult(true);
            }
        }
    }

    private interface IWorkItem
    {
        // Never throws: the outcome goes to the item's task.
        Task Run(CancellationToken cancellationToken);

        void Cancel(CancellationToken cancellationToken);
    }

    // The work item is its own TaskCompletionSource: one allocation less per item.
    private abstract class WorkItem<T> : TaskCompletionSource<T>, IWorkItem
    {
        protected WorkItem()
            : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
        }

        public abstract Task Run(CancellationToken cancellationToken);

        public void Cancel(CancellationToken cancellationToken) => TrySetCanceled(cancellationToken);

        protected void Fail(Exception exception, CancellationToken cancellationToken)
        {
            if (exception is OperationCanceledException oce && (oce.CancellationToken == cancellationToken || cancellationToken.IsCancellationRequested))
            {
                TrySetCanceled(oce.CancellationToken);
            }
            else
            {
                TrySetException(exception);
            }
        }
    }

    private sealed class SyncItem<T> : WorkItem<T>
    {
        private readonly Func<object?, T> _body;
        private readonly object _state;

        public SyncItem(Func<object?, T> body, object state)
        {
            _body = body;
            _state = state;
        }

        public override Task Run(CancellationToken cancellationToken)
        {
            try
            {
                TrySetResult(_body(_state));
            }
            catch (Exception ex)
            {
                Fail(ex, cancellationToken);
            }

            return System.Threading.Tasks.Task.CompletedTask;
        }
    }

    private void RecordPostFailure(Exception exception)
    {
        lock (_gate)
        {
            (_postFailures ??= new List<Exception>()).Add(exception);
        }
    }

    // A fire-and-forget item: no TaskCompletionSource; a failure goes to the pool's join.
    private sealed class PostItem<TState> : IWorkItem
    {
        private readonly WorkerPool _pool;
        private readonly Action<TState> _body;
        private readonly TState _state;

        public PostItem(WorkerPool pool, Action<TState> body, TState state)
        {
            _pool = pool;
            _body = body;
            _state = state;
        }

        public Task Run(CancellationToken cancellationToken)
        {
            try
            {
                _body(_state);
            }
            catch (Exception ex)
            {
                _pool.RecordPostFailure(ex);
            }

            return Task.CompletedTask;
        }

        public void Cancel(CancellationToken cancellationToken)
        {
        }
    }

    private sealed class MapBatch<TResult> : TaskCompletionSource<IReadOnlyList<TResult>>
    {
        private readonly TResult[] _results;
        private List<Exception>? _exceptions;
        private CancellationToken _canceledBy;
        private bool _canceled;
        private int _remaining;

        public MapBatch(int count)
            : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
            _results = new TResult[count];
            _remaining = count;
        }

        public void SetResult(int index, TResult result) => _results[index] = result;

        public void Fail(Exception exception, CancellationToken cancellationToken)
        {
            lock (_results)
            {
                if (exception is OperationCanceledException oce && (oce.CancellationToken == cancellationToken || cancellationToken.IsCancellationRequested))
                {
                    _canceled = true;
                    _canceledBy = oce.CancellationToken;
                }
                else
                {
                    (_exceptions ??= new List<Exception>()).Add(exception);
                }
            }
        }

        public void Cancel(CancellationToken cancellationToken)
        {
            lock (_results)
            {
                _canceled = true;
                _canceledBy = cancellationToken;
            }
        }

        public void ItemFinished()
        {
            if (Interlocked.Decrement(ref _remaining) != 0)
            {
                return;
            }

            lock (_results)
            {
                if (_exceptions is not null)
                {
                    TrySetException(_exceptions);
                }
                else if (_canceled)
                {
                    TrySetCanceled(_canceledBy);
                }
                else
                {
                    TrySetResult(_results);
                }
            }
        }
    }

    private sealed class MapItem<TSource, TResult> : IWorkItem
    {
        private readonly MapBatch<TResult> _batch;
        private readonly Func<TSource, TResult> _selector;
        private readonly TSource _item;
        private readonly int _index;

        public MapItem(MapBatch<TResult> batch, Func<TSource, TResult> selector, TSource item, int index)
        {
            _batch = batch;
            _selector = selector;
            _item = item;
            _index = index;
        }

        public Task Run(CancellationToken cancellationToken)
        {
            try
            {
                _batch.SetResult(_index, _selector(_item));
            }
            catch (Exception ex)
            {
                _batch.Fail(ex, cancellationToken);
            }

            _batch.ItemFinished();
            return Task.CompletedTask;
        }

        public void Cancel(CancellationToken cancellationToken)
        {
            _batch.Cancel(cancellationToken);
            _batch.ItemFinished();
        }
    }

    private sealed class AsyncItem<T> : WorkItem<T>
    {
        private readonly Func<object, CancellationToken, Task<T>> _body;
        private readonly object _state;

        public AsyncItem(Func<object, CancellationToken, Task<T>> body, object state)
        {
            _body = body;
            _state = state;
        }

        public override async Task Run(CancellationToken cancellationToken)
        {
            try
            {
                TrySetResult(await _body(_state, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                Fail(ex, cancellationToken);
            }
        }
    }
}
