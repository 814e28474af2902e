using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Flow;

/// <summary>
/// Which locks are held at each point of one executable body, by any lock object (a field, <c>this</c>, a local, a
/// parameter, a field chain), in one walk of its operation tree in execution order: <c>lock</c> bodies,
/// <c>using (x.EnterScope())</c>, <c>Enter</c>…<c>Exit</c> pairs of every primitive, a try-acquire followed on the side
/// where it succeeded (<c>if (Monitor.TryEnter(o))</c>, <c>if (!taken) return;</c>, a flag from <c>ref taken</c> or
/// stored from the result). Branches meet by <see cref="HeldLockState.Join"/>; <c>return</c>/<c>throw</c> end a path;
/// <c>break</c>/<c>continue</c> carry their state to the loop; a loop body is walked from the state at its head (the
/// state before it joined with the end of an iteration). Lambdas and local functions are not entered: they run when
/// invoked, and are walked as bodies of their own.
/// The visitor sees every operation (after its operands, before its own effect), each once, with the state it runs in;
/// an <c>await foreach</c> at the loop head, an <c>await using</c> where its disposal is awaited.
/// </summary>
internal sealed class HeldLocks
{
    private const int MaxLoopDepth = 4;

    private readonly LockApi _locks;
    private readonly Action<IOperation, HeldLockState> _visit;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<ILocalSymbol, (LockIdentity Identity, bool HeldWhenTrue)> _flags = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ILabelSymbol, HeldLockState> _jumps = new(SymbolEqualityComparer.Default);
    private int _silent;
    private int _loopDepth;

    private HeldLocks(LockApi locks, Action<IOperation, HeldLockState> visit, CancellationToken cancellationToken)
    {
        _locks = locks;
        _visit = visit;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Walks <paramref name="body"/> from <paramref name="entry"/>; false when the code is too deep to walk.</summary>
    public static bool Walk(IOperation body, LockApi locks, HeldLockState entry, Action<IOperation, HeldLockState> visit, CancellationToken cancellationToken)
    {
        try
        {
            new HeldLocks(locks, visit, cancellationToken).Walk(body, entry);
            return true;
        }
        catch (InsufficientExecutionStackException)
        {
            return false;
        }
    }

    /// <summary>The identity of a lock object for a primitive (the <c>lock</c> statement's object, <c>Monitor.Wait</c>'s argument).</summary>
    public static bool TryIdentify(IOperation? lockObject, LockPrimitive primitive, out LockIdentity identity) =>
        LockIdentity.TryCreate(new LockAction(primitive, LockActionKind.Acquire, LockMode.Exclusive, lockObject), out identity);

    private HeldLockState Walk(IOperation? operation, HeldLockState state)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        _cancellationToken.ThrowIfCancellationRequested();
        switch (operation)
        {
            case null:
                return state;
            case IAnonymousFunctionOperation or ILocalFunctionOperation:
                Visit(operation, state);
                return state;
            case ILockOperation lockOperation:
                return WalkLock(lockOperation, state);
            case IUsingOperation usingOperation:
                return WalkUsing(usingOperation, state);
            case IBlockOperation block:
                return WalkBlock(block, state);
            case IConditionalOperation conditional:
                return WalkConditional(conditional, state);
            case ILoopOperation loop:
                return WalkLoop(loop, state);
            case ISwitchOperation switchOperation:
                return WalkSwitch(switchOperation, state);
            case ITryOperation tryOperation:
                return WalkTry(tryOperation, state);
            case IReturnOperation returnOperation:
                Visit(returnOperation, Walk(returnOperation.ReturnedValue, state));
                return returnOperation.Kind == OperationKind.YieldReturn ? state : HeldLockState.Unreachable;
            case IThrowOperation { Syntax: ThrowStatementSyntax } thrown:
                Visit(thrown, Walk(thrown.Exception, state));
                return HeldLockState.Unreachable;
            case IBranchOperation branch:
                Visit(branch, state);
                if (branch.Target is { } label)
                {
                    _jumps[label] = _jumps.TryGetValue(label, out var earlier) ? HeldLockState.Join(earlier, state) : state;
                }

                return HeldLockState.Unreachable;
            case ILabeledOperation labeled:
                // A label may be reached by a goto walked before or after it: nothing is known there.
                return Walk(labeled.Operation, HeldLockState.Join(state, HeldLockState.Empty.WithUnknown(true)));
            case IInvocationOperation invocation:
                return WalkInvocation(invocation, state);
            case IBinaryOperation binary:
                return WalkBinary(binary, state);
            case IVariableDeclaratorOperation declarator:
                state = WalkChildren(declarator, state);
                NoteFlag(declarator.Symbol, declarator.GetVariableInitializer()?.Value);
                return state;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                state = WalkChildren(assignment, state);
                NoteFlag(target.Local, assignment.Value);
                return state;
            default:
                state = WalkChildren(operation, state);
                Visit(operation, state);
                return state;
        }
    }

    private void Visit(IOperation operation, HeldLockState state)
    {
        if (_silent == 0 && !state.IsUnreachable)
        {
            _visit(operation, state);
        }
    }

    private HeldLockState WalkChildren(IOperation operation, HeldLockState state)
    {
        foreach (var child in operation.ChildOperations)
        {
            state = Walk(child, state);
        }

        return state;
    }

    private HeldLockState WalkLock(ILockOperation lockOperation, HeldLockState state)
    {
        state = Walk(lockOperation.LockedValue, state);
        var primitive = lockOperation.LockedValue.Type.Is(_locks.Lock) ? LockPrimitive.Lock : LockPrimitive.Monitor;
        if (!TryIdentify(lockOperation.LockedValue, primitive, out var identity))
        {
            var inside = Walk(lockOperation.Body, state.AcquireUnknown());
            return inside.WithUnknown(state.MayHoldUnknown);
        }

        var afterBody = Walk(lockOperation.Body, state.Acquire(identity));
        return state.Must.Contains(identity) ? afterBody : afterBody.Release(identity);
    }

    private HeldLockState WalkUsing(IUsingOperation usingOperation, HeldLockState state)
    {
        var afterResources = Walk(usingOperation.Resources, state);
        var scoped = ScopedLock(usingOperation.Resources);
        var inside = scoped is { } s ? afterResources.Acquire(s) : afterResources;
        var afterBody = Walk(usingOperation.Body, inside);
        if (usingOperation.IsAsynchronous)
        {
            Visit(usingOperation, afterBody); // the awaited DisposeAsync
        }

        return scoped is { } taken && !state.Must.Contains(taken) ? afterBody.Release(taken) : afterBody;
    }

    private HeldLockState WalkBlock(IBlockOperation block, HeldLockState state)
    {
        var before = state;
        List<LockIdentity>? scoped = null;
        List<IUsingDeclarationOperation>? asyncDisposals = null;
        foreach (var statement in block.Operations)
        {
            state = Walk(statement, state);
            if (statement is IUsingDeclarationOperation declaration)
            {
                if (ScopedLock(declaration.DeclarationGroup) is { } identity)
                {
                    state = state.Acquire(identity);
                    (scoped ??= new List<LockIdentity>()).Add(identity);
                }

                if (declaration.IsAsynchronous)
                {
                    (asyncDisposals ??= new List<IUsingDeclarationOperation>()).Add(declaration);
                }
            }
        }

        if (asyncDisposals is not null)
        {
            // `await using var x = …;` awaits its DisposeAsync at the end of the block.
            foreach (var declaration in asyncDisposals)
            {
                Visit(declaration, state);
            }
        }

        if (scoped is not null)
        {
            foreach (var identity in scoped)
            {
                state = before.Must.Contains(identity) ? state : state.Release(identity);
            }
        }

        return state;
    }

    private HeldLockState WalkConditional(IConditionalOperation conditional, HeldLockState state)
    {
        var afterCondition = Walk(conditional.Condition, state);
        var whenTrue = afterCondition;
        var whenFalse = afterCondition;
        if (BranchAcquire(conditional.Condition) is { } known)
        {
            whenTrue = known.HeldWhenTrue ? afterCondition.Acquire(known.Identity) : afterCondition.Release(known.Identity);
            whenFalse = known.HeldWhenTrue ? afterCondition.Release(known.Identity) : afterCondition.Acquire(known.Identity);
        }

        var afterTrue = Walk(conditional.WhenTrue, whenTrue);
        var afterFalse = conditional.WhenFalse is null ? whenFalse : Walk(conditional.WhenFalse, whenFalse);
        var result = HeldLockState.Join(afterTrue, afterFalse);
        if (conditional.Parent is not IBlockOperation)
        {
            Visit(conditional, result);
        }

        return result;
    }

    private HeldLockState WalkLoop(ILoopOperation loop, HeldLockState state)
    {
        // Pass 1 (silent) finds what an iteration changes; pass 2 walks the body once from the state at the loop head.
        var head = state;
        if (_loopDepth < MaxLoopDepth)
        {
            _silent++;
            _loopDepth++;
            var once = WalkIteration(loop, state, out var continued);
            TakeJump(loop.ExitLabel);
            _loopDepth--;
            _silent--;
            head = HeldLockState.Join(state, HeldLockState.Join(once, continued));
        }

        if (loop is IForEachLoopOperation { IsAsynchronous: true })
        {
            Visit(loop, head); // every MoveNextAsync is awaited at the head
        }

        var end = WalkIteration(loop, head, out var continues);
        var atHead = HeldLockState.Join(head, HeldLockState.Join(end, continues));
        var exits = TakeJump(loop.ExitLabel);
        return IsEndless(loop) ? exits : HeldLockState.Join(atHead, exits);
    }

    private HeldLockState WalkIteration(ILoopOperation loop, HeldLockState state, out HeldLockState continued)
    {
        foreach (var child in loop.ChildOperations)
        {
            state = Walk(child, state);
        }

        continued = TakeJump(loop.ContinueLabel);
        return state;
    }

    private static bool IsEndless(ILoopOperation loop) => loop switch
    {
        IWhileLoopOperation { Condition: null } => true,
        IWhileLoopOperation { Condition.ConstantValue: { HasValue: true, Value: true } } => true,
        IForLoopOperation { Condition: null } => true,
        IForLoopOperation { Condition.ConstantValue: { HasValue: true, Value: true } } => true,
        _ => false,
    };

    private HeldLockState TakeJump(ILabelSymbol? label)
    {
        if (label is not null && _jumps.TryGetValue(label, out var state))
        {
            _jumps.Remove(label);
            return state;
        }

        return HeldLockState.Unreachable;
    }

    private HeldLockState WalkSwitch(ISwitchOperation switchOperation, HeldLockState state)
    {
        var afterValue = Walk(switchOperation.Value, state);
        var result = HeldLockState.Unreachable;
        var hasDefault = false;
        foreach (var section in switchOperation.Cases)
        {
            var current = afterValue;
            foreach (var clause in section.Clauses)
            {
                current = Walk(clause, current);
                hasDefault |= clause.CaseKind == CaseKind.Default;
            }

            foreach (var statement in section.Body)
            {
                current = Walk(statement, current);
            }

            result = HeldLockState.Join(result, current);
        }

        result = HeldLockState.Join(result, TakeJump(switchOperation.ExitLabel));
        return hasDefault ? result : HeldLockState.Join(result, afterValue);
    }

    private HeldLockState WalkTry(ITryOperation tryOperation, HeldLockState state)
    {
        var afterBody = Walk(tryOperation.Body, state);

        // A handler may start from any point of the try block: what is held before, after, or taken inside it.
        var atHandler = HeldLockState.Join(state, afterBody);
        foreach (var operation in tryOperation.Body.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation && _locks.TryGetAction(invocation, out var action) && action.IsAcquire)
            {
                atHandler = LockIdentity.TryCreate(action, out var identity) ? atHandler.MaybeAcquire(identity) : atHandler.AcquireUnknown();
            }
        }

        var result = afterBody;
        foreach (var handler in tryOperation.Catches)
        {
            result = HeldLockState.Join(result, Walk(handler, atHandler));
        }

        if (tryOperation.Finally is null)
        {
            return result;
        }

        // One walk of the finally for the paths that complete normally and those that leave by an exception.
        var afterFinally = Walk(tryOperation.Finally, HeldLockState.Join(result, atHandler));
        return result.IsUnreachable ? HeldLockState.Unreachable : afterFinally;
    }

    private HeldLockState WalkInvocation(IInvocationOperation invocation, HeldLockState state)
    {
        state = WalkChildren(invocation, state);
        Visit(invocation, state);
        if (!_locks.TryGetAction(invocation, out var action))
        {
            return state;
        }

        if (!LockIdentity.TryCreate(action, out var identity))
        {
            return action.IsAcquire ? state.AcquireUnknown() : state;
        }

        switch (action.Kind)
        {
            case LockActionKind.Release:
                return state.Release(identity);
            case LockActionKind.Acquire:
                return state.Acquire(identity);
            case LockActionKind.TryAcquire when RefFlag(invocation) is { } flag:
                _flags[flag] = (identity, true);

                // Monitor.Enter(o, ref taken) and SpinLock.Enter(ref taken) wait until they hold the lock.
                return invocation.TargetMethod.Name == "Enter" ? state.Acquire(identity) : state.MaybeAcquire(identity);
            default:
                return state.MaybeAcquire(identity);
        }
    }

    private HeldLockState WalkBinary(IBinaryOperation binary, HeldLockState state)
    {
        // Left-deep chains (a + b + c + …) can be thousands long: walk them without recursion.
        var chain = new Stack<IBinaryOperation>();
        IOperation current = binary;
        while (current is IBinaryOperation link)
        {
            chain.Push(link);
            current = link.LeftOperand;
        }

        state = Walk(current, state);
        while (chain.Count > 0)
        {
            var link = chain.Pop();
            state = Walk(link.RightOperand, state);
            Visit(link, state);
        }

        return state;
    }

    /// <summary>The lock a <c>using</c> resource holds for its scope (<c>x.EnterScope()</c>).</summary>
    private LockIdentity? ScopedLock(IOperation? resources)
    {
        if (resources is null)
        {
            return null;
        }

        foreach (var operation in resources.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation && _locks.TryGetAction(invocation, out var action) &&
                action.Kind == LockActionKind.ScopedAcquire && LockIdentity.TryCreate(action, out var identity))
            {
                return identity;
            }
        }

        return null;
    }

    /// <summary><c>bool ok = Monitor.TryEnter(o, t);</c>, <c>var ok = await sem.WaitAsync(t);</c>: <c>ok</c> tells whether the lock is held.</summary>
    private void NoteFlag(ILocalSymbol local, IOperation? value)
    {
        if (local.Type.SpecialType != SpecialType.System_Boolean)
        {
            return;
        }

        if (value is not null && BranchAcquire(value) is { } known)
        {
            _flags[local] = known;
        }
        else
        {
            _flags.Remove(local);
        }
    }

    /// <summary>The lock a boolean condition tells about: a try-acquire's result, or a flag that holds it; possibly negated.</summary>
    private (LockIdentity Identity, bool HeldWhenTrue)? BranchAcquire(IOperation condition)
    {
        var negated = false;
        while (true)
        {
            switch (condition)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    negated = !negated;
                    condition = not.Operand;
                    continue;
                case IConversionOperation { IsImplicit: true } conversion:
                    condition = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    condition = parenthesized.Operand;
                    continue;
                case IAwaitOperation awaited:
                    condition = awaited.Operation;
                    continue;
                case IInvocationOperation { Instance: { } task, TargetMethod.Name: "ConfigureAwait" }:
                    condition = task;
                    continue;
                case IInvocationOperation invocation when _locks.TryGetAction(invocation, out var action) &&
                                                          action.Kind == LockActionKind.TryAcquire && RefFlag(invocation) is null &&
                                                          LockIdentity.TryCreate(action, out var identity):
                    return (identity, !negated);
                case ILocalReferenceOperation local when _flags.TryGetValue(local.Local, out var flag):
                    return (flag.Identity, flag.HeldWhenTrue != negated);
                default:
                    return null;
            }
        }
    }

    private static ILocalSymbol? RefFlag(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.RefKind == RefKind.Ref && argument.Value is ILocalReferenceOperation local &&
                local.Type?.SpecialType == SpecialType.System_Boolean)
            {
                return local.Local;
            }
        }

        return null;
    }
}
