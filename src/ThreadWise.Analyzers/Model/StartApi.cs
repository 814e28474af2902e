using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Model;

/// <summary>What a <c>Start()</c> call starts: a thread, a cold task, a process, or a task that is already running.</summary>
internal enum StartKind
{
    Thread,
    Task,

    /// <summary>A task returned by <c>Task.Run</c>, <c>StartNew</c>, <c>ContinueWith</c> or an async method: already started.</summary>
    HotTask,
    Process,

    /// <summary>A wrapper's method that starts a thread or task held in a field of the instance (see <see cref="WrapperStarts"/>).</summary>
    Wrapper,
}

/// <summary>
/// The calls that start an instance once and for all (<c>Thread.Start</c>, <c>Task.Start</c>/<c>RunSynchronously</c>,
/// the instance <c>Process.Start()</c>), the expressions that produce an already-started task, and the constants that
/// test "not started yet" (<c>ThreadState.Unstarted</c>, <c>TaskStatus.Created</c>). Built from the
/// <see cref="ThreadingModel"/> of one compilation.
/// </summary>
internal sealed class StartApi
{
    public StartApi(ThreadingModel model)
    {
        Model = model;
        ThreadStateUnstarted = EnumField(WellKnownTypes.Get(model.Compilation, "System.Threading.ThreadState"), "Unstarted");
        TaskStatusCreated = EnumField(WellKnownTypes.Get(model.Compilation, "System.Threading.Tasks.TaskStatus"), "Created");
        _wrappers = new WrapperStarts(model);
    }

    private readonly WrapperStarts _wrappers;

    /// <summary>
    /// Recognizes a call of a wrapper's method that starts the thread or task in one of the receiver's fields each time
    /// (<c>worker.Start()</c> where <c>Start() =&gt; _thread.Start()</c>); <paramref name="field"/> is that field.
    /// </summary>
    public bool TryGetWrapperStart(IInvocationOperation invocation, out IFieldSymbol field)
    {
        field = null!;
        if (invocation.Instance is null or IInstanceReferenceOperation || invocation.TargetMethod.IsStatic ||
            Model.Threads.IsThread(invocation.TargetMethod.ContainingType) || Model.Tasks.IsTask(invocation.TargetMethod.ContainingType) ||
            _wrappers.StartedField(invocation.TargetMethod) is not { } started)
        {
            return false;
        }

        field = started;
        return true;
    }

    public ThreadingModel Model { get; }

    /// <summary><c>ThreadState.Unstarted</c>: a condition that tests it guards a <c>Start()</c>.</summary>
    public IFieldSymbol? ThreadStateUnstarted { get; }

    /// <summary><c>TaskStatus.Created</c>: a condition that tests it guards a <c>Start()</c>.</summary>
    public IFieldSymbol? TaskStatusCreated { get; }

    /// <summary>True when the compilation has anything this API can start.</summary>
    public bool IsAvailable => Model.Threads.Thread is not null || Model.Tasks.Task is not null || Model.Processes.Process is not null;

    /// <summary>Recognizes an instance call that starts its receiver, and what kind of instance it starts.</summary>
    public bool TryGetStart(IInvocationOperation invocation, out StartKind kind)
    {
        kind = default;
        var method = invocation.TargetMethod;
        if (invocation.Instance is null || method.IsStatic)
        {
            return false;
        }

        if (Model.Threads.StartMethods.ContainsMethod(method))
        {
            kind = StartKind.Thread;
            return true;
        }

        if (Model.Tasks.StartMethods.ContainsMethod(method) || Model.Tasks.RunSynchronouslyMethods.ContainsMethod(method))
        {
            kind = StartKind.Task;
            return true;
        }

        if (Model.Processes.StartMethods.ContainsMethod(method))
        {
            kind = StartKind.Process;
            return true;
        }

        return false;
    }

    /// <summary>After <c>WaitForExit</c>, <c>Kill</c>, <c>Close</c> or <c>Dispose</c>, starting a process object again is a deliberate re-run.</summary>
    public bool IsProcessEnd(IInvocationOperation invocation) => Model.Processes.IsEnd(invocation.TargetMethod, invocation.Instance?.Type);

    public bool IsHasExited(IPropertySymbol property) =>
        SymbolEqualityComparer.Default.Equals(property.OriginalDefinition, Model.Processes.HasExited);

    /// <summary>
    /// True when <paramref name="value"/> is a task that is already started: the result of <c>Task.Run</c>,
    /// <c>Task.Factory.StartNew</c>, <c>ContinueWith</c> or of an async method.
    /// </summary>
    public bool IsHotTask(IOperation? value)
    {
        value = Unwrap(value);
        if (value is not IInvocationOperation invocation || !Model.Tasks.IsTask(invocation.Type))
        {
            return false;
        }

        return invocation.TargetMethod.IsAsync ||
               (Model.Launches.TryGetLaunch(invocation.TargetMethod, out var kind) && kind == LaunchKind.Once);
    }

    /// <summary>Strips parentheses and implicit conversions.</summary>
    public static IOperation? Unwrap(IOperation? operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation { IsImplicit: true } conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }

    private static IFieldSymbol? EnumField(INamedTypeSymbol? type, string name)
    {
        if (type is null)
        {
            return null;
        }

        foreach (var member in type.GetMembers(name))
        {
            if (member is IFieldSymbol field)
            {
                return field;
            }
        }

        return null;
    }
}
