using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Model;

/// <summary>How a delegate handed to a launching call runs.</summary>
internal enum LaunchKind
{
    /// <summary>A <c>new Thread(body)</c>: the body runs on a new thread when (and each time) <c>Start</c> is called.</summary>
    ThreadConstructor,

    /// <summary>A cold <c>new Task(body)</c>: the body runs on the pool when <c>Start</c> is called.</summary>
    ColdTask,

    /// <summary>Runs once on another thread, concurrently with the caller (<c>Task.Run</c>, <c>StartNew</c>, <c>QueueUserWorkItem</c>, <c>ContinueWith</c>).</summary>
    Once,

    /// <summary>May run on several threads at the same time (<c>Parallel.*</c> bodies, PLINQ delegates, timer callbacks).</summary>
    ConcurrentWithItself,
}

/// <summary>
/// The calls that run a delegate on another thread: <c>new Thread</c>, <c>new Task</c>, <c>Task.Run</c>,
/// <c>Task.Factory.StartNew</c>, <c>ContinueWith</c>, <c>Parallel.For/ForEach/Invoke</c> (and async forms),
/// <c>ThreadPool.QueueUserWorkItem</c>/<c>UnsafeQueueUserWorkItem</c>/<c>RegisterWaitForSingleObject</c>,
/// <c>System.Threading.Timer</c>, PLINQ operators, and <c>System.Timers.Timer.Elapsed</c> handlers.
/// </summary>
internal sealed class LaunchApi
{
    private readonly Dictionary<IMethodSymbol, LaunchKind> _byMethod = new(SymbolEqualityComparer.Default);

    public LaunchApi(Compilation compilation, ThreadApi threads, TaskApi tasks)
    {
        Parallel = WellKnownTypes.Get(compilation, "System.Threading.Tasks.Parallel");
        ParallelEnumerable = WellKnownTypes.Get(compilation, "System.Linq.ParallelEnumerable");
        ParallelQuery = WellKnownTypes.Get(compilation, "System.Linq.ParallelQuery");
        ThreadPool = WellKnownTypes.Get(compilation, "System.Threading.ThreadPool");
        ThreadingTimer = WellKnownTypes.Get(compilation, "System.Threading.Timer");
        TimersTimer = WellKnownTypes.Get(compilation, "System.Timers.Timer");
        TimersTimerElapsed = SymbolSets.Event(TimersTimer, "Elapsed");

        Add(SymbolSets.Constructors(threads.Thread), LaunchKind.ThreadConstructor);
        Add(SymbolSets.Constructors(tasks.Task), LaunchKind.ColdTask);
        Add(SymbolSets.Constructors(tasks.TaskOfT), LaunchKind.ColdTask);
        Add(SymbolSets.Methods(tasks.Task, "Run", "ContinueWith"), LaunchKind.Once);
        Add(SymbolSets.Methods(tasks.TaskOfT, "ContinueWith"), LaunchKind.Once);
        Add(SymbolSets.Methods(tasks.TaskFactory, "StartNew"), LaunchKind.Once);
        Add(SymbolSets.Methods(tasks.TaskFactoryOfT, "StartNew"), LaunchKind.Once);
        Add(SymbolSets.Methods(ThreadPool, "QueueUserWorkItem", "UnsafeQueueUserWorkItem"), LaunchKind.Once);
        Add(SymbolSets.Methods(ThreadPool, "RegisterWaitForSingleObject", "UnsafeRegisterWaitForSingleObject"), LaunchKind.ConcurrentWithItself);
        Add(SymbolSets.Methods(Parallel, "For", "ForEach", "Invoke", "ForAsync", "ForEachAsync"), LaunchKind.ConcurrentWithItself);
        Add(SymbolSets.Constructors(ThreadingTimer), LaunchKind.ConcurrentWithItself);

        var names = ImmutableHashSet.CreateBuilder<string>();
        foreach (var method in _byMethod.Keys)
        {
            names.Add(method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name : method.Name);
        }

        if (TimersTimerElapsed is not null)
        {
            names.Add(TimersTimerElapsed.Name);
        }

        if (ParallelEnumerable is not null)
        {
            // PLINQ operators are reached through AsParallel().
            names.Add("AsParallel");
        }

        SyntaxNames = names.ToImmutable();

        if (ParallelEnumerable is not null)
        {
            foreach (var member in ParallelEnumerable.GetMembers())
            {
                // Every PLINQ operator over a ParallelQuery runs its delegates on several threads at once.
                if (member is IMethodSymbol { IsExtensionMethod: true, Parameters.Length: > 0 } m &&
                    m.Parameters[0].Type.InheritsFromOrEquals(ParallelQuery))
                {
                    Add(m, LaunchKind.ConcurrentWithItself);
                }
            }
        }
    }

    public INamedTypeSymbol? Parallel { get; }

    /// <summary>
    /// The names a launch is written with in source (<c>Thread</c>, <c>Task</c>, <c>Timer</c> for constructors; <c>Run</c>,
    /// <c>StartNew</c>, <c>QueueUserWorkItem</c>, <c>ForEach</c>… for methods): code that mentions none of them (and no
    /// target-typed <c>new(…)</c>) launches nothing, which a syntax walk can tell without binding.
    /// </summary>
    public ImmutableHashSet<string> SyntaxNames { get; }

    public INamedTypeSymbol? ParallelEnumerable { get; }

    public INamedTypeSymbol? ParallelQuery { get; }

    public INamedTypeSymbol? ThreadPool { get; }

    public INamedTypeSymbol? ThreadingTimer { get; }

    public INamedTypeSymbol? TimersTimer { get; }

    /// <summary><c>System.Timers.Timer.Elapsed</c>: handlers run on the pool and may overlap.</summary>
    public IEventSymbol? TimersTimerElapsed { get; }

    private void Add(System.Collections.Generic.IEnumerable<IMethodSymbol> methods, LaunchKind kind)
    {
        foreach (var method in methods)
        {
            Add(method, kind);
        }
    }

    private void Add(IMethodSymbol method, LaunchKind kind) => _byMethod[method.OriginalDefinition] = kind;

    /// <summary>True when <paramref name="method"/> runs the delegates passed to it on another thread.</summary>
    public bool TryGetLaunch(IMethodSymbol? method, out LaunchKind kind)
    {
        kind = default;
        return method is not null && _byMethod.TryGetValue((method.ReducedFrom ?? method).OriginalDefinition, out kind);
    }

    /// <summary>
    /// The delegate-valued arguments of a launching invocation or object creation, with how they run; empty when the
    /// call launches nothing. (A lambda, a method group or a delegate variable may be passed.)
    /// </summary>
    public IEnumerable<(IArgumentOperation Argument, LaunchKind Kind)> LaunchedDelegates(IOperation operation) =>
        // Asked of every invocation and creation: no enumerator is allocated for the (many) that launch nothing.
        TryGetLaunchArguments(operation, out var arguments, out var kind)
            ? LaunchedDelegates(arguments, kind)
            : Array.Empty<(IArgumentOperation, LaunchKind)>();

    private static IEnumerable<(IArgumentOperation Argument, LaunchKind Kind)> LaunchedDelegates(ImmutableArray<IArgumentOperation> arguments, LaunchKind kind)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Type.TypeKind == TypeKind.Delegate)
            {
                yield return (argument, kind);
            }
        }
    }

    /// <summary>
    /// Every delegate value a launching call runs, with how it runs: the arguments of <see cref="LaunchedDelegates"/>,
    /// plus each element of an array of delegates written in the call (<c>Parallel.Invoke(() => a++, () => b++)</c>).
    /// </summary>
    public IEnumerable<(IOperation Value, LaunchKind Kind)> LaunchedDelegateValues(IOperation operation) =>
        TryGetLaunchArguments(operation, out var arguments, out var kind)
            ? LaunchedDelegateValues(arguments, kind)
            : Array.Empty<(IOperation, LaunchKind)>();

    private static IEnumerable<(IOperation Value, LaunchKind Kind)> LaunchedDelegateValues(ImmutableArray<IArgumentOperation> arguments, LaunchKind kind)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Type.TypeKind == TypeKind.Delegate)
            {
                yield return (argument.Value, kind);
            }
            else if (argument.Parameter?.Type is IArrayTypeSymbol { ElementType.TypeKind: TypeKind.Delegate } &&
                     StartApi.Unwrap(argument.Value)! is IArrayCreationOperation { Initializer: { } initializer })
            {
                foreach (var element in initializer.ElementValues)
                {
                    yield return (element, kind);
                }
            }
        }
    }

    private bool TryGetLaunchArguments(IOperation operation, out ImmutableArray<IArgumentOperation> arguments, out LaunchKind kind)
    {
        IMethodSymbol? method;
        (method, arguments) = operation switch
        {
            IInvocationOperation i => (i.TargetMethod, i.Arguments),
            IObjectCreationOperation c => (c.Constructor, c.Arguments),
            _ => (null, default),
        };
        kind = default;
        return method is not null && !arguments.IsDefaultOrEmpty && TryGetLaunch(method, out kind);
    }
}
