using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Flow;

/// <summary>
/// Recognizes a <c>Start()</c> that its own code guards against a second start, which a path-insensitive flow
/// analysis cannot see: a condition that tests <c>ThreadState.Unstarted</c> / <c>TaskStatus.Created</c>, a
/// once-flag set to a constant inside the guarded code (<c>if (!_started) { _started = true; t.Start(); }</c>), an
/// <c>Interlocked.CompareExchange</c>/<c>Exchange</c> in the condition, a retry loop whose <c>try</c> leaves the loop
/// after the start (it starts again only when the start threw), or, for a process, <c>HasExited</c>
/// (a process object may be started again once its process has exited). <c>IsAlive</c> is no guard: a dead thread
/// cannot be restarted.
/// </summary>
internal static class StartGuards
{
    public static bool IsGuarded(IOperation start, AccessPath instance, StartKind kind, StartApi starts)
    {
        var current = start;
        for (var parent = start.Parent; parent is not null; current = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation or IMethodBodyBaseOperation:
                    return false;
                case ITryOperation { Catches.Length: > 0 } attempt when current == attempt.Body && ExitsUnconditionally(attempt.Body):
                    // A retry loop: `try { p.Start(); break; } catch { … }` starts again only when the start threw.
                    return true;
                case IConditionalOperation conditional when current != conditional.Condition:
                    if (Guards(conditional.Condition, conditional, instance, kind, starts))
                    {
                        return true;
                    }

                    break;
                case IWhileLoopOperation { Condition: { } condition } loop when current != condition:
                    if (Guards(condition, loop.Body, instance, kind, starts))
                    {
                        return true;
                    }

                    break;
                case IForLoopOperation { Condition: { } condition } loop when current != condition:
                    if (Guards(condition, loop.Body, instance, kind, starts))
                    {
                        return true;
                    }

                    break;
                case ISwitchOperation @switch when current != @switch.Value:
                    if (Guards(@switch.Value, @switch, instance, kind, starts))
                    {
                        return true;
                    }

                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } binary
                    when current == binary.RightOperand:
                    if (Guards(binary.LeftOperand, OperationTree.Root(binary), instance, kind, starts))
                    {
                        return true;
                    }

                    break;
                case IBlockOperation block:
                    // `if (started) return;` before the start guards it like an enclosing if.
                    foreach (var statement in block.Operations)
                    {
                        if (statement == current)
                        {
                            break;
                        }

                        if (statement is IConditionalOperation { WhenFalse: null } exit && ExitsUnconditionally(exit.WhenTrue) &&
                            Guards(exit.Condition, block, instance, kind, starts))
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>
    /// For a start that reaches itself around a loop: true when, inside that loop, it runs only under a condition that
    /// does not look at the instance (<c>if (i == 0) t.Start();</c>). Which iterations take that branch is beyond a
    /// path-insensitive analysis; a condition on the instance itself (<c>if (!t.IsAlive)</c>) is the restart bug.
    /// </summary>
    public static bool IsConditionalInLoop(IOperation start, AccessPath instance)
    {
        var current = start;
        for (var parent = start.Parent; parent is not null and not ILoopOperation; current = parent, parent = parent.Parent)
        {
            IOperation? condition = parent switch
            {
                IConditionalOperation conditional when current != conditional.Condition => conditional.Condition,
                ISwitchOperation @switch when current != @switch.Value => @switch.Value,
                IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } binary
                    when current == binary.RightOperand => binary.LeftOperand,
                _ => null,
            };
            if (condition is not null && !Mentions(condition, instance))
            {
                return true;
            }

            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }
        }

        return false;
    }

    private static bool Mentions(IOperation condition, AccessPath instance)
    {
        foreach (var operation in condition.DescendantsAndSelf())
        {
            if (AccessPath.TryCreate(operation, out var path) && path.StartsWith(instance))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Guards(IOperation condition, IOperation region, AccessPath instance, StartKind kind, StartApi starts)
    {
        if (kind == StartKind.Wrapper && Mentions(condition, instance))
        {
            // `if (!worker.IsRunning) worker.Start();`: the wrapper's own state, whatever it means.
            return true;
        }

        foreach (var operation in condition.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IFieldReferenceOperation field when
                    SymbolEqualityComparer.Default.Equals(field.Field.OriginalDefinition, starts.ThreadStateUnstarted) ||
                    SymbolEqualityComparer.Default.Equals(field.Field.OriginalDefinition, starts.TaskStatusCreated):
                    return true;
                case IPropertyReferenceOperation property when kind == StartKind.Process && starts.IsHasExited(property.Property):
                    return true;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out }:
                    return true;
            }

            if (operation is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation &&
                AccessPath.TryCreate(operation, out var flag) && !flag.StartsWith(instance) && !instance.StartsWith(flag) &&
                IsSetToConstantIn(region, flag))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSetToConstantIn(IOperation region, AccessPath flag)
    {
        foreach (var operation in region.DescendantsAndSelf())
        {
            if (operation is ISimpleAssignmentOperation assignment &&
                (assignment.Value.ConstantValue.HasValue || StartApi.Unwrap(assignment.Value) is IDefaultValueOperation) &&
                AccessPath.TryCreate(assignment.Target, out var target) && target.Equals(flag))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ExitsUnconditionally(IOperation operation) => operation switch
    {
        IBranchOperation or IReturnOperation or IThrowOperation => true,
        IExpressionStatementOperation { Operation: IThrowOperation } => true,
        IBlockOperation { Operations.Length: > 0 } block => ExitsUnconditionally(block.Operations[block.Operations.Length - 1]),
        _ => false,
    };
}
