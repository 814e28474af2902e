using System;
using System.Threading;

namespace ThreadWise;

/// <summary>
/// A base class for a dedicated thread with a body to override (the "subclass Thread, override run" pattern, which
/// .NET's sealed <see cref="Thread"/> does not allow). <see cref="Run"/> is <see langword="protected"/>, so calling the
/// body on the current thread instead of starting a new one does not compile; <see cref="Start"/> works once and says
/// so on reuse; <see cref="IsBackground"/> can only be set before <see cref="Start"/>.
/// </summary>
/// <remarks>An exception escaping <see cref="Run"/> is unhandled on that thread and, as for any <see cref="Thread"/>,
/// terminates the process: catch inside <see cref="Run"/> what you can handle.</remarks>
public abstract class WorkerThread
{
    private readonly object _gate = new();
    private Thread? _thread;
    private bool _isBackground;
    private string? _name;

    /// <summary>Creates an unstarted worker.</summary>
    /// <param name="name">The thread's name (shown in debuggers and dumps), or <see langword="null"/>.</param>
    protected WorkerThread(string? name = null)
    {
        _name = name;
    }

    /// <summary>Whether the thread is a background thread (does not keep the process alive). Settable only before
    /// <see cref="Start"/>.</summary>
    /// <exception cref="InvalidOperationException">Set after <see cref="Start"/>.</exception>
    public bool IsBackground
    {
        get
        {
            lock (_gate)
            {
                return _isBackground;
            }
        }

        set
        {
            lock (_gate)
            {
                ThrowIfStarted(nameof(IsBackground));
                _isBackground = value;
            }
        }
    }

    /// <summary>The thread's name. Settable only before <see cref="Start"/>.</summary>
    /// <exception cref="InvalidOperationException">Set after <see cref="Start"/>.</exception>
    public string? Name
    {
        get
        {
            lock (_gate)
            {
                return _name;
            }
        }

        set
        {
            lock (_gate)
            {
                ThrowIfStarted(nameof(Name));
                _name = value;
            }
        }
    }

    /// <summary>Whether <see cref="Start"/> has been called.</summary>
    public bool IsStarted
    {
        get
        {
            lock (_gate)
            {
                return _thread is not null;
            }
        }
    }

    /// <summary>Whether the thread has started and not yet finished <see cref="Run"/>.</summary>
    public bool IsAlive
    {
        get
        {
            lock (_gate)
            {
                return _thread?.IsAlive ?? false;
            }
        }
    }

    /// <summary>Starts a new thread that runs <see cref="Run"/>.</summary>
    /// <exception cref="InvalidOperationException">The worker was already started: a thread can only be started once.</exception>
    public void Start()
    {
        Thread thread;
        lock (_gate)
        {
            if (_thread is not null)
            {
                throw new InvalidOperationException("A thread can only be started once: create a new worker to run the work again.");
            }

            thread = new Thread(Run) { IsBackground = _isBackground };
            if (_name is not null)
            {
                thread.Name = _name;
            }

            _thread = thread;
        }

        thread.Start();
    }

    /// <summary>Waits until <see cref="Run"/> has finished.</summary>
    /// <exception cref="InvalidOperationException">The worker was not started, or this is called from the worker's own thread.</exception>
    public void Join() => Join(Timeout.InfiniteTimeSpan);

    /// <summary>Waits at most <paramref name="timeout"/> until <see cref="Run"/> has finished.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns><see langword="true"/> when the thread finished; <see langword="false"/> on timeout.</returns>
    /// <exception cref="InvalidOperationException">The worker was not started, or this is called from the worker's own thread.</exception>
    public bool Join(TimeSpan timeout)
    {
        Thread? thread;
        lock (_gate)
        {
            thread = _thread;
        }

        if (thread is null)
        {
            throw new InvalidOperationException("The worker was not started: call Start() before Join().");
        }

        if (ReferenceEquals(thread, Thread.CurrentThread))
        {
            throw new InvalidOperationException("A worker cannot Join() itself: it would wait for itself forever.");
        }

        return thread.Join(timeout);
    }

    /// <summary>The thread's body. Runs on the new thread after <see cref="Start"/>; never call it directly.</summary>
    protected abstract void Run();

    private void ThrowIfStarted(string property)
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException($"{property} can only be set before Start().");
        }
    }
}
