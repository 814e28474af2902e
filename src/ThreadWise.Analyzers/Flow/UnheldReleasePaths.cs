using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Flow;

/// <summary>How the result of a try-acquire is used.</summary>
internal enum TryAcquireResultUse
{
    /// <summary>Thrown away: an expression statement, or <c>_ = …</c>.</summary>
    Ignored,

    /// <summary>Tested or stored in a flag.</summary>
    Kept,
}

/// <summary>A release reached on a path where the try-acquire failed.</summary>
internal readonly struct UnheldRelease
{
    public UnheldRelease(TryAcquireResultUse use, SyntaxNode release)
    {
        Use = use;
        Release = release;
    }

    public TryAcquireResultUse Use { get; }

    public SyntaxNode Release { get; }
}

/// <summary>
/// Follows every path of one executable body on which a try-acquire (<c>Monitor.TryEnter</c>, <c>sem.Wait(timeout)</c>…)
/// <b>failed</b>: the side of a branch on its result where it is false, a flag that holds its result known to be false
/// (tested flags steer the walk), or every path when the result is thrown away. A path ends at a release of the same
/// lock (the finding), at a new acquisition of it (a retry, a fallback to a blocking wait), at a call that never
/// returns, at an unknown use of the flag, or when it leaves the body. <c>finally</c> blocks run on the way out and
/// <c>catch</c> handlers continue a thrown path. Exceptions from calls are not followed: only what the code says.
/// </summary>
internal sealed class UnheldReleasePaths
{
    private readonly ControlFlowGraph _graph;
    private readonly LockIdentity _lock;
    private readonly LockRegionFacts _facts;
    private readonly NeverReturningCalls _neverReturning;
    private readonly AccessPath? _flag;
    private readonly bool _flagWhenFailed;
    private readonly CancellationToken _cancellationToken;
    private readonly bool[] _visited;
    private readonly Queue<(BasicBlock Block, int Index)> _work = new();
    private SyntaxNode? _found;
    private Microsoft.CodeAnalysis.Text.TextSpan _acquireSpan;

    private UnheldReleasePaths(
        ControlFlowGraph graph,
        LockIdentity lockIdentity,
        LockRegionFacts facts,
        NeverReturningCalls neverReturning,
        AccessPath? flag,
        bool flagWhenFailed,
        CancellationToken cancellationToken)
    {
        _graph = graph;
        _lock = lockIdentity;
        _facts = facts;
        _neverReturning = neverReturning;
        _flag = flag;
        _flagWhenFailed = flagWhenFailed;
        _cancellationToken = cancellationToken;
        _visited = new bool[graph.Blocks.Length];
    }

    /// <summary>
    /// The first release of the lock reached after <paramref name="acquireSyntax"/> failed, or null when none is
    /// reached, or when the result is used in a way the walk cannot follow (passed to a call, returned, compared).
    /// </summary>
    public static UnheldRelease? Find(
        ControlFlowGraph graph,
        SyntaxNode acquireSyntax,
        LockIdentity lockIdentity,
        LockRegionFacts facts,
        NeverReturningCalls neverReturning,
        CancellationToken cancellationToken)
    {
        if (!HeldLockPaths.TryLocate(graph, acquireSyntax, out var block, out var index, out var invocation))
        {
            return null;
        }

        var operations = block.Operations;
        UnheldReleasePaths search;
        TryAcquireResultUse use;
        if (index == operations.Length)
        {
            // if (Monitor.TryEnter(o)) / while (!sem.Wait(100)): follow the side where it returned false.
            if (!HeldLockPaths.IsResultOf(block.BranchValue, invocation, facts, out var negated))
            {
                return null;
            }

            use = TryAcquireResultUse.Kept;
            search = new UnheldReleasePaths(graph, lockIdentity, facts, neverReturning, null, false, cancellationToken);
            search._visited[block.Ordinal] = true;
            search.Follow(block, Successor(block, conditionValue: negated));
        }
        else
        {
            var operation = operations[index] is IExpressionStatementOperation statement ? statement.Operation : operations[index];
            AccessPath? flag = null;
            var flagWhenFailed = false;
            if (HeldLockPaths.RefFlag(invocation) is { } refFlag && operation.Syntax == invocation.Syntax)
            {
                // Monitor.TryEnter(o, 100, ref taken): the flag says.
                use = TryAcquireResultUse.Kept;
                flag = AccessPath.Create(refFlag);
            }
            else if (HeldLockPaths.IsResultOf(operation, invocation, facts, out var negated) && !negated)
            {
                use = TryAcquireResultUse.Ignored;
            }
            else if (operation is ISimpleAssignmentOperation assignment && HeldLockPaths.IsResultOf(assignment.Value, invocation, facts, out negated))
            {
                if (assignment.Target is IDiscardOperation)
                {
                    use = TryAcquireResultUse.Ignored;
                }
                else if (AccessPath.TryCreate(assignment.Target, out var path))
                {
                    use = TryAcquireResultUse.Kept;
                    flag = path;
                    flagWhenFailed = negated;
                }
                else
                {
                    return null;
                }
            }
            else
            {
                return null;
            }

            search = new UnheldReleasePaths(graph, lockIdentity, facts, neverReturning, flag, flagWhenFailed, cancellationToken);
            search._visited[block.Ordinal] = true;
            search._work.Enqueue((block, index + 1));
        }

        search._acquireSpan = acquireSyntax.Span;
        search.Run();
        return search._found is { } release ? new UnheldRelease(use, release) : null;
    }

    private void Run()
    {
        while (_work.Count > 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var (block, index) = _work.Dequeue();
            ScanFrom(block, index);
        }
    }

    private void Enqueue(BasicBlock block)
    {
        if (!_visited[block.Ordinal])
        {
            _visited[block.Ordinal] = true;
            _work.Enqueue((block, 0));
        }
    }

    private void ScanFrom(BasicBlock block, int index)
    {
        var operations = block.Operations;
        for (var i = index; i < operations.Length; i++)
        {
            if (!Continues(operations[i]))
            {
                return;
            }
        }

        if (block.BranchValue is { } branchValue)
        {
            if (_flag is { } flag && HeldLockPaths.TryGetCondition(branchValue, out var tested, out var negated) && tested.Equals(flag))
            {
                // if (taken) … / if (!ok) return; — the flag holds the failed result here.
                Follow(block, Successor(block, conditionValue: _flagWhenFailed != negated));
                return;
            }

            if (IsHeldQuery(branchValue, out var negatedQuery))
            {
                // if (rw.IsWriteLockHeld) rw.ExitWriteLock(); / if (Monitor.IsEntered(o)) …: false on the failed path.
                Follow(block, Successor(block, conditionValue: negatedQuery));
                return;
            }

            if (!Continues(branchValue))
            {
                return;
            }
        }

        Follow(block, block.FallThroughSuccessor);
        Follow(block, block.ConditionalSuccessor);
    }

    /// <summary>False when the path ends in <paramref name="operation"/> (a release is recorded as the finding).</summary>
    private bool Continues(IOperation operation)
    {
        foreach (var current in ControlFlowGraphs.SelfAndDescendantsInOrder(operation))
        {
            switch (current)
            {
                case IInvocationOperation invocation:
                    if (_facts.Locks.TryGetAction(invocation, out var action) && LockIdentity.TryCreate(action, out var identity) &&
                        identity.Primitive == _lock.Primitive && identity.IsThis == _lock.IsThis && (identity.IsThis || identity.Path.Equals(_lock.Path)))
                    {
                        if (action.Kind == LockActionKind.Release && identity.Mode == _lock.Mode && !IsGuardedByAFlag(invocation.Syntax))
                        {
                            Record(invocation.Syntax);
                        }

                        // A release, or another attempt to take the lock (a retry, a blocking fallback): the path ends.
                        return false;
                    }

                    if (_neverReturning.NeverReturns(invocation.TargetMethod))
                    {
                        return false;
                    }

                    break;
                case ILocalReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation
                    when _flag is { } flag && AccessPath.TryCreate(current, out var path) && path.Equals(flag):
                    // The flag is passed on, copied or reassigned: what it means from here is unknown.
                    return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="condition"/> asks whether this thread holds this lock (possibly negated).</summary>
    private bool IsHeldQuery(IOperation condition, out bool negated)
    {
        negated = false;
        while (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            negated = !negated;
            condition = not.Operand;
        }

        var lockObject = _facts.Locks.HeldQueryLockObject(condition);
        if (lockObject is null)
        {
            return false;
        }

        while (lockObject is IConversionOperation { IsImplicit: true } conversion)
        {
            lockObject = conversion.Operand;
        }

        return lockObject is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }
            ? _lock.IsThis
            : !_lock.IsThis && AccessPath.TryCreate(lockObject, out var path) && path.Equals(_lock.Path);
    }

    private void Follow(BasicBlock from, ControlFlowBranch? branch)
    {
        if (branch is null)
        {
            return;
        }

        switch (branch.Semantics)
        {
            case ControlFlowBranchSemantics.Throw:
            case ControlFlowBranchSemantics.Rethrow:
                Throw(from.EnclosingRegion);
                return;
            case ControlFlowBranchSemantics.Regular:
            case ControlFlowBranchSemantics.Return:
                foreach (var finallyRegion in branch.FinallyRegions)
                {
                    Enqueue(_graph.Blocks[finallyRegion.FirstBlockOrdinal]);
                }

                if (branch.Destination is { Kind: not BasicBlockKind.Exit } destination)
                {
                    Enqueue(destination);
                }

                return;
            default:
                // The end of a finally or a catch filter, an error: nothing known to follow.
                return;
        }
    }

    /// <summary>A <c>throw</c> on the failed path: enclosing <c>finally</c> blocks run, <c>catch</c> handlers continue it.</summary>
    private void Throw(ControlFlowRegion? region)
    {
        for (var current = region; current is not null; current = current.EnclosingRegion)
        {
            if (current.Kind != ControlFlowRegionKind.Try || current.EnclosingRegion is not { } parent)
            {
                continue;
            }

            if (parent.Kind == ControlFlowRegionKind.TryAndFinally && parent.NestedRegions.Length > 1)
            {
                Enqueue(_graph.Blocks[parent.NestedRegions[1].FirstBlockOrdinal]);
            }
            else if (parent.Kind == ControlFlowRegionKind.TryAndCatch)
            {
                var catchesAll = false;
                for (var i = 1; i < parent.NestedRegions.Length; i++)
                {
                    var handler = parent.NestedRegions[i];
                    Enqueue(_graph.Blocks[handler.FirstBlockOrdinal]);
                    catchesAll |= handler.Kind == ControlFlowRegionKind.Catch &&
                                  (handler.ExceptionType is null || handler.ExceptionType.SpecialType == SpecialType.System_Object ||
                                   handler.ExceptionType.Is(_facts.Exception));
                }

                if (catchesAll)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// True when the release sits under an <c>if</c> (after the acquisition) that tests a plain boolean name:
    /// <c>if (entered) Monitor.Exit(o);</c>, <c>if (!_disposed &amp;&amp; acquired) …</c>. Such a flag is usually set where the
    /// lock was taken (<c>if (Monitor.TryEnter(o)) entered = true;</c>); the walk does not follow it, so it stays silent.
    /// </summary>
    private bool IsGuardedByAFlag(SyntaxNode release)
    {
        for (var node = release.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax or
                    Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax or
                    Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax:
                    return false;
                case Microsoft.CodeAnalysis.CSharp.Syntax.IfStatementSyntax ifStatement when !ifStatement.Span.Contains(_acquireSpan) && TestsAName(ifStatement.Condition):
                    return true;
            }
        }

        return false;
    }

    private static bool TestsAName(Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax condition)
    {
        switch (condition)
        {
            case Microsoft.CodeAnalysis.CSharp.Syntax.ParenthesizedExpressionSyntax parenthesized:
                return TestsAName(parenthesized.Expression);
            case Microsoft.CodeAnalysis.CSharp.Syntax.PrefixUnaryExpressionSyntax unary when unary.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.LogicalNotExpression):
                return TestsAName(unary.Operand);
            case Microsoft.CodeAnalysis.CSharp.Syntax.BinaryExpressionSyntax binary when binary.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.LogicalAndExpression):
                return TestsAName(binary.Left) || TestsAName(binary.Right);
            case Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax:
                return true;
            case Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax { Expression: Microsoft.CodeAnalysis.CSharp.Syntax.ThisExpressionSyntax }:
                return true;
            default:
                return false;
        }
    }

    private void Record(SyntaxNode release)
    {
        if (_found is null || release.SpanStart < _found.SpanStart)
        {
            _found = release;
        }
    }

    /// <summary>The successor taken when the block's branch value is <paramref name="conditionValue"/>.</summary>
    private static ControlFlowBranch? Successor(BasicBlock block, bool conditionValue) =>
        (block.ConditionKind == ControlFlowConditionKind.WhenTrue) == conditionValue
            ? block.ConditionalSuccessor
            : block.FallThroughSuccessor;
}
