using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Flow;

/// <summary>Whether the code that launched a delegate waits for it before going on (shared by TW0012 and TW0017).</summary>
internal static class LaunchWaits
{
    /// <summary>
    /// <c>Parallel.*</c> and PLINQ run their delegates before the call returns; <c>await Task.Run(…)</c>,
    /// <c>Task.Run(…).Wait()</c> and <c>.Result</c> wait for them right there.
    /// </summary>
    public static bool RunsBeforeTheCallerGoesOn(IOperation launch, ThreadingModel model, BlockingWaits waits)
    {
        if (launch is IInvocationOperation invocation &&
            (invocation.TargetMethod.ContainingType.Is(model.Launches.Parallel) || invocation.TargetMethod.ContainingType.Is(model.Launches.ParallelEnumerable)))
        {
            return true;
        }

        return IsWaitedAtOnce(launch, waits);
    }

    /// <summary><c>await Task.Run(…)</c>, <c>Task.Run(…).Wait()</c>, <c>.Result</c>, <c>.GetAwaiter().GetResult()</c>.</summary>
    public static bool IsWaitedAtOnce(IOperation launch, BlockingWaits waits)
    {
        var parent = launch.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        return parent switch
        {
            IAwaitOperation => true,
            { } wait when waits.IsWait(wait) => true,
            IInvocationOperation getAwaiter when waits.IsGetAwaiter(getAwaiter) => getAwaiter.Parent is { } getResult && waits.IsWait(getResult),
            _ => false,
        };
    }

    /// <summary>
    /// True when <paramref name="scope"/> blocks after the launch (a join, a wait, an await, a hand-shake): the launched
    /// code may have finished before the code after the wait runs, and a rule cannot tell, so it stays silent.
    /// </summary>
    public static bool WaitsAfter(IOperation scope, IOperation launch, BlockingWaits waits)
    {
        var end = launch.Syntax.Span.End;
        var stack = new Stack<IOperation>();
        stack.Push(scope);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            if (operation.Syntax.SpanStart >= end && waits.IsWait(operation))
            {
                return true;
            }

            foreach (var child in operation.ChildOperations)
            {
                if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                {
                    stack.Push(child);
                }
            }
        }

        return false;
    }
}
