using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary><c>Task</c> and <c>Task&lt;T&gt;</c>: cold-task start, waits.</summary>
internal sealed class TaskApi
{
    public TaskApi(Compilation compilation)
    {
        Task = WellKnownTypes.Get(compilation, "System.Threading.Tasks.Task");
        TaskOfT = WellKnownTypes.Get(compilation, "System.Threading.Tasks.Task`1");
        TaskFactory = WellKnownTypes.Get(compilation, "System.Threading.Tasks.TaskFactory");
        TaskFactoryOfT = WellKnownTypes.Get(compilation, "System.Threading.Tasks.TaskFactory`1");
        StartMethods = SymbolSets.Methods(Task, "Start");
        RunSynchronouslyMethods = SymbolSets.Methods(Task, "RunSynchronously");
        WaitMethods = SymbolSets.Methods(Task, "Wait");
        WaitAllMethods = SymbolSets.Methods(Task, "WaitAll", "WaitAny");
        WhenAllMethods = SymbolSets.Methods(Task, "WhenAll", "WhenAny");
        Result = SymbolSets.Property(TaskOfT, "Result");
        ContinueWithMethods = SymbolSets.Union(SymbolSets.Methods(Task, "ContinueWith"), SymbolSets.Methods(TaskOfT, "ContinueWith"));
    }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? TaskFactory { get; }

    public INamedTypeSymbol? TaskFactoryOfT { get; }

    /// <summary><c>Task.Start()</c> and <c>Task.Start(TaskScheduler)</c>.</summary>
    public ImmutableHashSet<IMethodSymbol> StartMethods { get; }

    public ImmutableHashSet<IMethodSymbol> RunSynchronouslyMethods { get; }

    /// <summary>Instance <c>Task.Wait(...)</c> overloads.</summary>
    public ImmutableHashSet<IMethodSymbol> WaitMethods { get; }

    /// <summary>Static <c>Task.WaitAll</c>/<c>WaitAny</c>.</summary>
    public ImmutableHashSet<IMethodSymbol> WaitAllMethods { get; }

    /// <summary>Static <c>Task.WhenAll</c>/<c>WhenAny</c>.</summary>
    public ImmutableHashSet<IMethodSymbol> WhenAllMethods { get; }

    /// <summary><c>ContinueWith</c> of <c>Task</c> and <c>Task&lt;T&gt;</c>: the body runs after the antecedent.</summary>
    public ImmutableHashSet<IMethodSymbol> ContinueWithMethods { get; }

    /// <summary><c>Task&lt;T&gt;.Result</c> (on the generic definition).</summary>
    public IPropertySymbol? Result { get; }

    public bool IsTask(ITypeSymbol? type) => type.InheritsFromOrEquals(Task);
}
