using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0016, first phase (called from TW0001's collector walk, so no second walk): for one write of a field, auto-property
/// or captured local (an assignment, <c>++</c>/<c>--</c>, or <c>Interlocked.Add/Increment/Decrement/And/Or</c>, which
/// make the update atomic but not the decision to update), the nearest enclosing <c>if</c> of the same body whose condition reads the value written — a
/// check-then-act — or the nearest guard clause before it in an enclosing block (<c>if (_started) return; … _started = true;</c>,
/// the same check written as an early leave: what follows runs only when the check failed). None when that <c>if</c> is evaluated under a lock (the whole check and act are locked, or a lock
/// re-checks: double-checked locking), when the check is only a null test (lazy initialization, left to other tools;
/// <c>string.IsNullOrEmpty</c> counts as one),
/// when the condition changes the location through <c>Interlocked</c> (a compare-exchange or exchange guard; a plain
/// <c>Interlocked.Read</c> is a read), or when the act is
/// idempotent: the branch only stores a constant (<c>if (!_stopped) _stopped = true;</c>) or stores the very value the
/// condition compared with <c>!=</c> (set-if-changed: the last writer wins either way).
/// </summary>
internal static class TW0016Checks
{
    private enum Use
    {
        None,
        NullTest,
        Value,
        Guarded,
    }

    public static SyntaxNode? Find(IOperation write, HashSet<IOperation> lockedIfs, LockApi locks)
    {
        var target = write switch
        {
            IIncrementOrDecrementOperation increment => increment.Target,
            IAssignmentOperation assignment => assignment.Target,
            IInvocationOperation { TargetMethod.Name: "Add" or "Increment" or "Decrement" or "And" or "Or", Arguments.Length: > 0 } call
                when call.TargetMethod.ContainingType.Is(locks.Interlocked) => call.Arguments[0].Value,
            _ => null,
        };
        if (target is null || !AccessPath.TryCreate(TW0001Collector.Unwrap(target), out var path))
        {
            return null;
        }

        var child = write;
        for (var current = write.Parent; current is not null; child = current, current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return null;
            }

            if (current is IBlockOperation block && GuardBefore(block, child, path, locks) is var (guard, guardUse))
            {
                // if (_started) return; … _started = true;: the guard clause is the check, the rest of the block the act.
                return guardUse == Use.Value && !lockedIfs.Contains(guard) && !IsIdempotentAfterGuard(guard, block, child, write, path) &&
                       !IsRefreshAfterGuard(guard, block, path)
                    ? guard.Syntax
                    : null;
            }

            if (current is IConditionalOperation { Syntax: IfStatementSyntax } tested && child == tested.Condition &&
                write is IInvocationOperation && UseIn(tested.Condition, path, locks) == Use.Guarded)
            {
                // if (_lock >= 0) { if (Interlocked.Increment(ref _lock) > 0) return true; … }: the act is the
                // condition's own atomic step, whose result is tested (the check made again, atomically).
                return null;
            }

            if (current is not IConditionalOperation { Syntax: IfStatementSyntax } conditional || child == conditional.Condition)
            {
                continue;
            }

            var use = UseIn(conditional.Condition, path, locks);
            if (use == Use.None)
            {
                continue;
            }

            // The nearest check of the location decides.
            return use == Use.Value && !lockedIfs.Contains(conditional) && !IsIdempotent(conditional, child, write, path)
                ? conditional.Syntax
                : null;
        }

        return null;
    }

    /// <summary>
    /// The nearest guard clause before <paramref name="statement"/> in <paramref name="block"/> that reads the location:
    /// an <c>if</c> with no <c>else</c> whose branch always leaves the rest of the block (<c>return</c>, <c>throw</c>,
    /// <c>break</c>, <c>continue</c>, <c>yield break</c>), so what follows runs only when its condition was false.
    /// </summary>
    private static (IConditionalOperation Guard, Use Use)? GuardBefore(IBlockOperation block, IOperation statement, AccessPath path, LockApi locks)
    {
        for (var i = block.Operations.IndexOf(statement) - 1; i >= 0; i--)
        {
            if (block.Operations[i] is IConditionalOperation { Syntax: IfStatementSyntax, WhenFalse: null } guard && Leave(guard.WhenTrue) != Leaving.None &&
                UseIn(guard.Condition, path, locks, guardClause: true) is var use and not Use.None)
            {
                return (guard, use);
            }
        }

        return null;
    }

    private enum Leaving
    {
        None,
        Body,
        Loop,
    }

    /// <summary>How a guard's branch leaves: out of the body (<c>return</c>, <c>throw</c>), out of this run of a loop, or not always.</summary>
    private static Leaving Leave(IOperation branch) => branch switch
    {
        IBlockOperation { Operations: { Length: > 0 } operations } => Leave(operations[operations.Length - 1]),
        IReturnOperation { Kind: OperationKind.Return or OperationKind.YieldBreak } => Leaving.Body,
        IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation } => Leaving.Body,
        IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue } => Leaving.Loop,
        _ => Leaving.None,
    };

    /// <summary>
    /// After a guard clause the act is idempotent when it stores the value the guard compared with <c>==</c>
    /// (<c>if (_mode == value) return; _mode = value; …</c>), or when the guarded code is only a constant store:
    /// <c>if (_stopped) return; _stopped = true;</c> with nothing after it before the guard's jump lands. Anything more
    /// (<c>_started = true; StartWorker();</c>) is work two threads would both do.
    /// </summary>
    private static bool IsIdempotentAfterGuard(IConditionalOperation guard, IBlockOperation block, IOperation statement, IOperation write, AccessPath path)
    {
        if (write is not ISimpleAssignmentOperation assignment)
        {
            return false;
        }

        var value = TW0001Collector.Unwrap(assignment.Value);
        if (SetsWhatItCompared(guard.Condition, path, value, BinaryOperatorKind.Equals))
        {
            return true;
        }

        var next = block.Operations.IndexOf(guard) + 1;
        return value.ConstantValue.HasValue && next < block.Operations.Length && block.Operations[next] == statement &&
               statement is IExpressionStatementOperation { Operation: var whole } && TW0001Collector.Unwrap(whole) == assignment &&
               NothingRunsAfter(statement, Leave(guard.WhenTrue));
    }

    /// <summary>
    /// A cache refresh after a guard clause: everything from the guard to the end of the body stores, into fields or
    /// properties, values that do not read what the guard checked and are not constants, and the last statement may
    /// return one of the stored values (netmq's clock: <c>if (fresh) return s_lastTime; s_lastTsc = tsc; s_lastTime =
    /// NowUs() / 1000; return s_lastTime;</c>). Two threads both refresh; the last writer wins with a value as good, and
    /// neither claims anything. A constant store (<c>_state = Running;</c>), a stored value computed from the checked one
    /// (<c>_count = _count + 1</c>), any other statement (<c>StartWorker();</c>) or a returned claim (<c>return true;</c>)
    /// is not a refresh.
    /// </summary>
    private static bool IsRefreshAfterGuard(IConditionalOperation guard, IBlockOperation block, AccessPath path)
    {
        if (Leave(guard.WhenTrue) != Leaving.Body || block.Parent is not (IMethodBodyOperation or IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            return false;
        }

        var stored = new List<AccessPath>();
        for (var i = block.Operations.IndexOf(guard) + 1; i < block.Operations.Length; i++)
        {
            var operation = block.Operations[i];
            if (operation is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } assignment } &&
                AccessPath.TryCreate(assignment.Target, out var target) && !assignment.Value.ConstantValue.HasValue && !Reads(assignment.Value, path))
            {
                stored.Add(target);
                continue;
            }

            return i == block.Operations.Length - 1 && stored.Count > 0 &&
                   operation is IReturnOperation { Kind: OperationKind.Return, ReturnedValue: { } returned } &&
                   AccessPath.TryCreate(TW0001Collector.Unwrap(returned), out var read) && stored.Contains(read);
        }

        return stored.Count > 0;
    }

    private static bool Reads(IOperation value, AccessPath path)
    {
        foreach (var operation in value.DescendantsAndSelf())
        {
            if (operation is IMemberReferenceOperation or ILocalReferenceOperation or IParameterReferenceOperation &&
                AccessPath.TryCreate(operation, out var read) && read.Equals(path))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Control goes from <paramref name="statement"/> straight to where the guard's jump goes: the end of the body, or the loop.</summary>
    private static bool NothingRunsAfter(IOperation statement, Leaving leaving)
    {
        for (var node = statement; ; node = node.Parent!)
        {
            switch (node.Parent)
            {
                case IBlockOperation block when block.Operations[block.Operations.Length - 1] == node:
                case IConditionalOperation conditional when conditional.Condition != node:
                case ILockOperation @lock when @lock.Body == node:
                case IUsingOperation @using when @using.Body == node:
                case ITryOperation @try when @try.Body == node:
                    continue;
                case null or IMethodBodyOperation or IConstructorBodyOperation or IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return leaving == Leaving.Body;
                case ILoopOperation loop when loop.Body == node:
                    return leaving == Leaving.Loop;
                default:
                    return false;
            }
        }
    }

    /// <summary>How the condition reads the location: as a value, only as a null test, or through Interlocked.</summary>
    /// <param name="guardClause">
    /// A guard clause must test the value itself (compare it, test it as a flag, match a pattern): one only passed to a
    /// call (<c>if (!_map.TryAdd(key, _count)) return false;</c>) asks about something else.
    /// </param>
    private static Use UseIn(IOperation condition, AccessPath path, LockApi locks, bool guardClause = false)
    {
        var result = Use.None;
        var stack = new Stack<IOperation>();
        stack.Push(condition);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            if (operation is IAnonymousFunctionOperation)
            {
                continue;
            }

            if (operation is IMemberReferenceOperation or ILocalReferenceOperation or IParameterReferenceOperation &&
                AccessPath.TryCreate(operation, out var read) && read.Equals(path))
            {
                var use = Classify(operation, locks);
                if (use == Use.Value && guardClause && OnlyPassedToACall(operation, condition, locks))
                {
                    continue;
                }

                if (use == Use.Guarded)
                {
                    return Use.Guarded;
                }

                if (use > result)
                {
                    result = use;
                }

                continue;
            }

            foreach (var child in operation.ChildOperations)
            {
                stack.Push(child);
            }
        }

        return result;
    }

    /// <summary>
    /// Between the read and the condition, an argument of a call other than <c>Volatile.Read</c>/<c>Interlocked.Read</c>
    /// whose result is not then compared (<c>Math.Max(_count, 0) &gt;= max</c> still tests the value).
    /// </summary>
    private static bool OnlyPassedToACall(IOperation read, IOperation condition, LockApi locks)
    {
        var passed = false;
        for (var node = read; node != condition && node.Parent is { } parent; node = parent)
        {
            if (parent is IArgumentOperation { Parent: IInvocationOperation call } &&
                !(call.TargetMethod.Name == "Read" && (call.TargetMethod.ContainingType.Is(locks.Interlocked) || call.TargetMethod.ContainingType.Is(locks.Volatile))))
            {
                passed = true;
            }
            else if (parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals or BinaryOperatorKind.LessThan or
                         BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual })
            {
                passed = false;
            }
        }

        return passed;
    }

    private static Use Classify(IOperation read, LockApi locks)
    {
        var node = read;
        while (node.Parent is IConversionOperation or IParenthesizedOperation)
        {
            node = node.Parent;
        }

        switch (node.Parent)
        {
            case IMemberReferenceOperation member when member.Instance == node:
            case IInvocationOperation invocation when invocation.Instance == node:
            case IConditionalAccessOperation access when access.Operation == node:
                return Use.None; // _list.Count, _x.Equals(…): a question about another object, not this location's value
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref, Parent: IInvocationOperation call }:
                return call.TargetMethod.ContainingType.Is(locks.Interlocked) && call.TargetMethod.Name != "Read" ? Use.Guarded : Use.Value;
            case IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { IsStatic: true, Name: "IsNullOrEmpty" or "IsNullOrWhiteSpace" } call } }
                when call.ContainingType.SpecialType == SpecialType.System_String:
                return Use.NullTest; // if (string.IsNullOrEmpty(_name)) _name = …: a default, filled lazily
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary when IsNull(binary.LeftOperand) || IsNull(binary.RightOperand):
                return Use.NullTest;
            case IIsPatternOperation { Pattern: var pattern } when IsNullPattern(pattern):
                return Use.NullTest;
            case ICoalesceOperation:
                return Use.NullTest;
            default:
                return Use.Value;
        }
    }

    private static bool IsNull(IOperation operand)
    {
        while (operand is IConversionOperation { Operand: var inner })
        {
            operand = inner;
        }

        return operand.ConstantValue is { HasValue: true, Value: null };
    }

    private static bool IsNullPattern(IPatternOperation pattern) => pattern switch
    {
        IConstantPatternOperation constant => IsNull(constant.Value),
        INegatedPatternOperation negated => IsNullPattern(negated.Pattern),
        IRecursivePatternOperation { DeclaredSymbol: null, DeconstructionSubpatterns.Length: 0, PropertySubpatterns.Length: 0 } => true,
        _ => false,
    };

    /// <summary>
    /// The branch that holds the write does nothing else than store a constant (and the <c>if</c> has no other
    /// branch), or the write stores the value the condition compared with <c>!=</c>.
    /// </summary>
    private static bool IsIdempotent(IConditionalOperation conditional, IOperation branch, IOperation write, AccessPath path)
    {
        if (write is not ISimpleAssignmentOperation assignment)
        {
            return false;
        }

        var value = TW0001Collector.Unwrap(assignment.Value);
        if (SetsWhatItCompared(conditional.Condition, path, value, BinaryOperatorKind.NotEquals))
        {
            return true;
        }

        if (!value.ConstantValue.HasValue || conditional.WhenFalse is not null || branch != conditional.WhenTrue)
        {
            return false;
        }

        var statement = assignment.Parent;
        return statement is IExpressionStatementOperation &&
               (branch == statement || (branch is IBlockOperation block && block.Operations.Length == 1 && block.Operations[0] == statement));
    }

    /// <summary>
    /// <c>if (_x != value) { _x = value; … }</c> (or, after a guard, <c>if (_x == value) return; _x = value; …</c>): every
    /// thread stores its own value; the last one wins, as it would in turn.
    /// </summary>
    private static bool SetsWhatItCompared(IOperation condition, AccessPath path, IOperation value, BinaryOperatorKind comparison)
    {
        condition = TW0001Collector.Unwrap(condition);
        if (condition is not IBinaryOperation binary || binary.OperatorKind != comparison)
        {
            return false;
        }

        var left = TW0001Collector.Unwrap(binary.LeftOperand);
        var right = TW0001Collector.Unwrap(binary.RightOperand);
        var other = AccessPath.TryCreate(left, out var l) && l.Equals(path) ? right
            : AccessPath.TryCreate(right, out var r) && r.Equals(path) ? left
            : null;
        if (other is null)
        {
            return false;
        }

        if (AccessPath.TryCreate(other, out var compared))
        {
            return AccessPath.TryCreate(value, out var stored) && stored.Equals(compared);
        }

        return other.ConstantValue.HasValue && value.ConstantValue.HasValue && Equals(other.ConstantValue.Value, value.ConstantValue.Value);
    }
}
