using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// The operations that block (or suspend) the current code until another thread has done something: awaits, task
/// waits and results, joins, wait handles, slim events, semaphores, barriers, countdowns, <c>Monitor.Wait</c>,
/// <c>SpinWait.SpinUntil</c>. Resolved once per compilation; compared by symbol.
/// </summary>
internal sealed class BlockingWaits
{
    private readonly ImmutableHashSet<IMethodSymbol> _methods;
    private readonly ImmutableHashSet<IMethodSymbol> _getAwaiter;
    private readonly IPropertySymbol? _result;

    public BlockingWaits(Compilation compilation, ThreadingModel model)
    {
        INamedTypeSymbol? Type(string name) => WellKnownTypes.Get(compilation, name);
        _methods = SymbolSets.Union(
            model.Tasks.WaitMethods,
            model.Tasks.WaitAllMethods,
            model.Threads.JoinMethods,
            SymbolSets.Methods(Type("System.Threading.WaitHandle"), "WaitOne", "WaitAll", "WaitAny", "SignalAndWait"),
            SymbolSets.Methods(Type("System.Threading.ManualResetEventSlim"), "Wait"),
            SymbolSets.Methods(Type("System.Threading.SemaphoreSlim"), "Wait", "WaitAsync"),
            SymbolSets.Methods(Type("System.Threading.CountdownEvent"), "Wait"),
            SymbolSets.Methods(Type("System.Threading.Barrier"), "SignalAndWait"),
            SymbolSets.Methods(Type("System.Threading.Monitor"), "Wait"),
            SymbolSets.Methods(Type("System.Threading.SpinWait"), "SpinUntil"),
            SymbolSets.Methods(Type("System.Runtime.CompilerServices.TaskAwaiter"), "GetResult"),
            SymbolSets.Methods(Type("System.Runtime.CompilerServices.TaskAwaiter`1"), "GetResult"));
        _getAwaiter = SymbolSets.Union(SymbolSets.Methods(model.Tasks.Task, "GetAwaiter"), SymbolSets.Methods(model.Tasks.TaskOfT, "GetAwaiter"));
        _result = model.Tasks.Result;
    }

    /// <summary>An await, a blocking wait call, or a read of <c>Task&lt;T&gt;.Result</c>.</summary>
    public bool IsWait(IOperation operation) => operation switch
    {
        IAwaitOperation => true,
        IInvocationOperation invocation => _methods.ContainsMethod(invocation.TargetMethod),
        IPropertyReferenceOperation reference => SymbolEqualityComparer.Default.Equals(reference.Property.OriginalDefinition, _result),
        _ => false,
    };

    /// <summary><c>task.GetAwaiter()</c>, the first half of <c>GetAwaiter().GetResult()</c>.</summary>
    public bool IsGetAwaiter(IInvocationOperation invocation) => _getAwaiter.ContainsMethod(invocation.TargetMethod);
}
