using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Flow;

/// <summary>
/// Whether an operation runs while its body holds some lock: inside a <c>lock</c> statement, a <c>using</c> of
/// <c>EnterScope()</c> (or any acquire in a using), a taken <c>TryEnter</c> branch, or after an acquire statement
/// (<c>Monitor.Enter</c>, <c>Wait()</c> on a semaphore, <c>EnterWriteLock</c>…) earlier in an enclosing block. Lexical and
/// deliberately generous: a rule that asks this wants silence whenever a lock may be held.
/// </summary>
internal static class SharedLock
{
    public static bool Holds(IOperation operation, LockApi locks)
    {
        var child = operation;
        for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    // A lock around a lambda is not held when the lambda runs.
                    return false;
                case ILockOperation:
                    return true;
                case IUsingOperation @using when child != @using.Resources && Acquires(@using.Resources, locks):
                    return true;
                case IConditionalOperation conditional when child != conditional.Condition && Acquires(conditional.Condition, locks):
                    return true;
                case IBlockOperation block:
                    foreach (var statement in block.Operations)
                    {
                        if (statement == child)
                        {
                            break;
                        }

                        if (statement is IExpressionStatementOperation or IUsingDeclarationOperation && Acquires(statement, locks))
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }

    private static bool Acquires(IOperation operation, LockApi locks)
    {
        foreach (var node in operation.DescendantsAndSelf())
        {
            if (node is IInvocationOperation invocation &&
                ((locks.TryGetAction(invocation, out var action) && action.IsAcquire) || locks.LockEnterScope.ContainsMethod(invocation.TargetMethod)))
            {
                return true;
            }
        }

        return false;
    }
}
