using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// What ThreadWise knows about the threading APIs of one compilation: the types and members of <c>Thread</c>,
/// tasks, locks and the calls that run a delegate on another thread, resolved once per compilation and compared by
/// symbol. Every rule reads this; none re-derives it.
/// </summary>
internal sealed class ThreadingModel
{
    private static readonly ConditionalWeakTable<Compilation, ThreadingModel> Cache = new();

    private ThreadingModel(Compilation compilation)
    {
        Compilation = compilation;
        Threads = new ThreadApi(compilation);
        Tasks = new TaskApi(compilation);
        Locks = new LockApi(compilation);
        Launches = new LaunchApi(compilation, Threads, Tasks);
        Completions = new CompletionApi(compilation);
        Processes = new ProcessApi(compilation);
        Collections = new CollectionApi(compilation, Completions);
    }

    /// <summary>The model of <paramref name="compilation"/>, built on first use and shared by every rule.</summary>
    public static ThreadingModel Get(Compilation compilation) =>
        Cache.GetValue(compilation, static c => new ThreadingModel(c));

    public Compilation Compilation { get; }

    /// <summary><c>System.Threading.Thread</c> and its lifecycle members.</summary>
    public ThreadApi Threads { get; }

    /// <summary><c>Task</c>, <c>Task&lt;T&gt;</c> and their start/wait members.</summary>
    public TaskApi Tasks { get; }

    /// <summary>Acquire/release pairs of every lock primitive.</summary>
    public LockApi Locks { get; }

    /// <summary>Calls that run a delegate on another thread.</summary>
    public LaunchApi Launches { get; }

    /// <summary>Producer/consumer completion: blocking collections, channels, dataflow blocks, the worker pool.</summary>
    public CompletionApi Completions { get; }

    /// <summary><c>System.Diagnostics.Process</c> and its instance start.</summary>
    public ProcessApi Processes { get; }

    /// <summary>Thread-safe collections: their checks and the acts that rely on them (TW0015).</summary>
    public CollectionApi Collections { get; }
}
