using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Flow;

/// <summary>
/// The branch conditions whose value is known on a path while one lock is held, for <see cref="HeldLockPaths"/>:
/// <list type="bullet">
/// <item>the try-acquire flag (<c>if (taken)</c>) and the test that guarded the acquisition, repeated at the release
/// (<c>if (useLock) Monitor.Enter(o); … if (useLock) Monitor.Exit(o);</c>, <c>if (m != null) m.WaitOne(); … if (m != null) m.ReleaseMutex();</c>);</item>
/// <item>a test of whether the lock is held (<c>rw.IsReadLockHeld</c>, <c>Monitor.IsEntered(o)</c>): true;</item>
/// <item>a null test of the lock object itself (<c>sem != null</c>): not null, the acquisition was a call on it;</item>
/// <item>a test that the semaphore has no free permit (<c>sem.CurrentCount == 0</c>): true while this thread holds
/// the only permit of a mutex-like semaphore (the author's test of whether the permit is out; with more permits it
/// is the author's choice, not a missing <c>finally</c>);</item>
/// <item>a loop counter's value when the acquisition runs at a fixed iteration (<c>if (i == 0) Monitor.Enter(o);</c>),
/// stepped by the increments on the path, so a later <c>if (i == 2) Monitor.Exit(o);</c> or <c>i &lt; 3</c> has a known value.</item>
/// </list>
/// </summary>
internal sealed class HeldLockConditions
{
    private readonly LockIdentity _lock;
    private readonly LockApi _locks;
    private readonly List<(AccessPath Path, bool IsNullTest, bool HeldWhen)> _known = new();

    private readonly IPropertySymbol? _currentCount;

    public HeldLockConditions(LockIdentity lockIdentity, LockApi locks)
    {
        _lock = lockIdentity;
        _locks = locks;
        if (lockIdentity.Primitive == LockPrimitive.SemaphoreSlim && locks.SemaphoreSlim is { } semaphore)
        {
            foreach (var member in semaphore.GetMembers("CurrentCount"))
            {
                _currentCount ??= member as IPropertySymbol;
            }
        }
    }

    /// <summary>The flow capture that holds a try-acquire's result (<c>switch (Monitor.TryEnter(o))</c>): true while held.</summary>
    public CaptureId? CaptureFlag { get; set; }

    /// <summary>The local whose value is tracked along the path (a loop counter), or null.</summary>
    public ILocalSymbol? Counter { get; private set; }

    /// <summary>The counter's value at the acquisition.</summary>
    public long? InitialCount { get; private set; }

    /// <summary>The lock is held only when <paramref name="flag"/> is true (<c>Monitor.Enter(o, ref taken)</c>).</summary>
    public void AddFlag(AccessPath flag) => _known.Add((flag, false, true));

    /// <summary>
    /// The counter of a benaphore: the semaphore is waited on only when an atomic increment of this counter says the
    /// lock is contended (<c>if (Interlocked.Increment(ref _count) &gt; 1) _sem.Wait();</c>). The matching atomic
    /// decrement is the release; the semaphore's <c>Release</c> after it only wakes the next waiter.
    /// </summary>
    public AccessPath? BenaphoreCounter { get; private set; }

    /// <summary>An atomic decrement (or add) of the benaphore's counter: the lock is released there.</summary>
    public bool IsBenaphoreRelease(IInvocationOperation invocation) =>
        BenaphoreCounter is { } counter && invocation.TargetMethod.Name is "Decrement" or "Add" &&
        CounterOf(invocation) is { } path && path.Equals(counter);

    /// <summary>The acquisition runs only when <paramref name="condition"/> has the value <paramref name="value"/>.</summary>
    public void AddGuard(IOperation? condition, bool value, bool trackCounter, SemanticModel? model = null)
    {
        if (_lock.Primitive is LockPrimitive.SemaphoreSlim or LockPrimitive.Semaphore && condition is not null)
        {
            foreach (var operation in condition.DescendantsAndSelf())
            {
                var read = operation is ILocalReferenceOperation copy ? InitialValue(copy, model) : operation;
                if (read is IInvocationOperation { TargetMethod.Name: "Increment" or "Add" } increment && CounterOf(increment) is { } counter)
                {
                    BenaphoreCounter = counter;
                }
            }
        }

        if (TryGetCounterTest(condition, out var local, out var kind, out var constant))
        {
            if (trackCounter && ((kind == BinaryOperatorKind.Equals && value) || (kind == BinaryOperatorKind.NotEquals && !value)))
            {
                Counter = local;
                InitialCount = constant;
            }

            return;
        }

        if (TryGetKey(condition, out var path, out var isNullTest, out var negated))
        {
            _known.Add((path, isNullTest, value != negated));
        }
    }

    /// <summary>True when <paramref name="condition"/> has a known value while the lock is held (and the counter is <paramref name="count"/>).</summary>
    public bool TryEvaluate(IOperation? condition, long? count, out bool value)
    {
        value = false;
        var negated = false;
        var operand = condition;
        while (operand is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            negated = !negated;
            operand = not.Operand;
        }

        if (_locks.TryGetHeldTest(operand, out var test) && LockIdentity.TryCreate(test, out var tested) && tested.Equals(_lock))
        {
            value = !negated;
            return true;
        }

        if (CaptureFlag is { } flag && TryTestCapture(operand, flag, out var whenHeld))
        {
            value = whenHeld != negated;
            return true;
        }

        if (count is { } current && TryGetCounterTest(condition, out var local, out var kind, out var constant) &&
            SymbolEqualityComparer.Default.Equals(local, Counter))
        {
            value = Compare(kind, current, constant);
            return true;
        }

        if (IsNoFreePermitTest(operand, out var noneFree))
        {
            value = noneFree != negated;
            return true;
        }

        if (!TryGetKey(condition, out var path, out var isNullTest, out negated))
        {
            return false;
        }

        if (isNullTest && !_lock.IsThis && _lock.Path.Equals(path))
        {
            value = !negated;
            return true;
        }

        foreach (var (known, knownIsNullTest, heldWhen) in _known)
        {
            if (knownIsNullTest == isNullTest && known.Equals(path))
            {
                value = heldWhen != negated;
                return true;
            }
        }

        return false;
    }

    /// <summary>The initializer of a local declared in the same file (<c>var cnt = Interlocked.Increment(ref _count);</c>).</summary>
    private static IOperation? InitialValue(ILocalReferenceOperation local, SemanticModel? model)
    {
        if (model is null || local.Local.DeclaringSyntaxReferences.Length != 1 ||
            local.Local.DeclaringSyntaxReferences[0].GetSyntax() is not Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax { Initializer.Value: { } initializer } ||
            initializer.SyntaxTree != model.SyntaxTree)
        {
            return null;
        }

        return model.GetOperation(initializer) is { } value ? OperationTree.WithoutImplicitConversions(value) : null;
    }

    /// <summary>The location an <c>Interlocked</c> call changes (its <c>ref</c> first argument).</summary>
    private AccessPath? CounterOf(IInvocationOperation invocation)
    {
        if (!invocation.TargetMethod.ContainingType.Is(_locks.Interlocked))
        {
            return null;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0 && argument.Parameter.RefKind == RefKind.Ref &&
                AccessPath.TryCreate(argument.Value, out var path))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary><c>sem.CurrentCount == 0</c> (or <c>!= 0</c>, either side) on this lock's semaphore: <paramref name="noneFree"/> is the value while held.</summary>
    private bool IsNoFreePermitTest(IOperation? condition, out bool noneFree)
    {
        noneFree = false;
        if (_currentCount is null || _lock.IsThis ||
            condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals, OperatorMethod: null } binary)
        {
            return false;
        }

        var left = OperationTree.WithoutImplicitConversions(binary.LeftOperand);
        var right = OperationTree.WithoutImplicitConversions(binary.RightOperand);
        if (left is not IPropertyReferenceOperation)
        {
            (left, right) = (right, left);
        }

        if (left is not IPropertyReferenceOperation { Instance: { } instance } property ||
            !SymbolEqualityComparer.Default.Equals(property.Property, _currentCount) ||
            right.ConstantValue is not { HasValue: true, Value: 0 } ||
            !AccessPath.TryCreate(OperationTree.WithoutImplicitConversions(instance), out var path) || !_lock.Path.Equals(path))
        {
            return false;
        }

        noneFree = binary.OperatorKind == BinaryOperatorKind.Equals;
        return true;
    }

    /// <summary>The counter's value after <paramref name="operation"/> runs (null once it is written in an unknown way).</summary>
    public long? Step(IOperation operation, long? count)
    {
        if (Counter is null || count is null)
        {
            return count;
        }

        foreach (var current in ControlFlowGraphs.SelfAndDescendantsInOrder(operation))
        {
            switch (current)
            {
                case IIncrementOrDecrementOperation step when IsCounter(step.Target):
                    count = step.Kind == OperationKind.Increment ? count + 1 : count - 1;
                    break;
                case ICompoundAssignmentOperation compound when IsCounter(compound.Target):
                    count = compound.Value.ConstantValue is { HasValue: true, Value: int or long } delta &&
                            compound.OperatorKind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract
                        ? (compound.OperatorKind == BinaryOperatorKind.Add ? count + System.Convert.ToInt64(delta.Value) : count - System.Convert.ToInt64(delta.Value))
                        : null;
                    break;
                case ISimpleAssignmentOperation assignment when IsCounter(assignment.Target):
                    count = assignment.Value.ConstantValue is { HasValue: true, Value: int or long } assigned ? System.Convert.ToInt64(assigned.Value) : null;
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when IsCounter(argument.Value):
                    count = null;
                    break;
            }

            if (count is null)
            {
                return null;
            }
        }

        return count;
    }

    /// <summary>The value of <paramref name="condition"/> when the captured result is true: <c>r</c>, <c>r == true</c>, <c>r is false</c>.</summary>
    private static bool TryTestCapture(IOperation? condition, CaptureId flag, out bool whenHeld)
    {
        whenHeld = false;
        switch (condition)
        {
            case IFlowCaptureReferenceOperation reference when reference.Id.Equals(flag):
                whenHeld = true;
                return true;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                var (captured, constant) = OperationTree.WithoutImplicitConversions(binary.LeftOperand) is IFlowCaptureReferenceOperation
                    ? (binary.LeftOperand, binary.RightOperand)
                    : (binary.RightOperand, binary.LeftOperand);
                if (OperationTree.WithoutImplicitConversions(captured) is IFlowCaptureReferenceOperation r && r.Id.Equals(flag) && constant.ConstantValue is { HasValue: true, Value: bool constantValue })
                {
                    whenHeld = constantValue == (binary.OperatorKind == BinaryOperatorKind.Equals);
                    return true;
                }

                return false;
            case IIsPatternOperation { Pattern: IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: bool expected } } } isPattern
                when OperationTree.WithoutImplicitConversions(isPattern.Value) is IFlowCaptureReferenceOperation tested && tested.Id.Equals(flag):
                whenHeld = expected;
                return true;
            default:
                return false;
        }
    }

    private bool IsCounter(IOperation operation) =>
        operation is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, Counter);

    private static bool Compare(BinaryOperatorKind kind, long left, long right) => kind switch
    {
        BinaryOperatorKind.Equals => left == right,
        BinaryOperatorKind.NotEquals => left != right,
        BinaryOperatorKind.LessThan => left < right,
        BinaryOperatorKind.LessThanOrEqual => left <= right,
        BinaryOperatorKind.GreaterThan => left > right,
        _ => left >= right,
    };

    /// <summary><c>i == 2</c>, <c>i &lt; 3</c>, <c>3 &gt; i</c> (turned to the counter on the left) on an integer local.</summary>
    private static bool TryGetCounterTest(IOperation? condition, out ILocalSymbol local, out BinaryOperatorKind kind, out long constant)
    {
        local = null!;
        kind = default;
        constant = 0;
        if (condition is not IBinaryOperation binary || binary.OperatorMethod is not null ||
            binary.OperatorKind is not (BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals or BinaryOperatorKind.LessThan or
                BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual))
        {
            return false;
        }

        var swapped = false;
        var left = OperationTree.WithoutImplicitConversions(binary.LeftOperand);
        var right = OperationTree.WithoutImplicitConversions(binary.RightOperand);
        if (left is not ILocalReferenceOperation)
        {
            (left, right) = (right, left);
            swapped = true;
        }

        if (left is not ILocalReferenceOperation { Local.Type.SpecialType: SpecialType.System_Int32 or SpecialType.System_Int64 } reference ||
            right.ConstantValue is not { HasValue: true, Value: int or long } value)
        {
            return false;
        }

        local = reference.Local;
        constant = System.Convert.ToInt64(value.Value);
        kind = !swapped ? binary.OperatorKind : binary.OperatorKind switch
        {
            BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
            BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
            BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
            BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
            _ => binary.OperatorKind,
        };
        return true;
    }

    /// <summary>A boolean location (<c>useLock</c>, <c>!taken</c>) or a null test of a location (<c>m != null</c>, <c>m is null</c>): the key is "not null".</summary>
    private static bool TryGetKey(IOperation? condition, out AccessPath path, out bool isNullTest, out bool negated)
    {
        negated = false;
        isNullTest = false;
        while (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            negated = !negated;
            condition = not.Operand;
        }

        path = default;
        switch (condition)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals, OperatorMethod: null } binary:
                var tested = IsNull(binary.RightOperand) ? binary.LeftOperand : IsNull(binary.LeftOperand) ? binary.RightOperand : null;
                isNullTest = true;
                negated ^= binary.OperatorKind == BinaryOperatorKind.Equals;
                return tested is not null && AccessPath.TryCreate(OperationTree.WithoutImplicitConversions(tested), out path);
            case IIsPatternOperation { Pattern: var pattern } isPattern:
                if (pattern is INegatedPatternOperation { Pattern: var inner })
                {
                    pattern = inner;
                }
                else
                {
                    negated = !negated;
                }

                isNullTest = true;
                if (pattern is IRecursivePatternOperation { DeclaredSymbol: null, PropertySubpatterns.IsEmpty: true, DeconstructionSubpatterns.IsEmpty: true } recursive &&
                    SymbolEqualityComparer.Default.Equals(recursive.MatchedType, recursive.InputType))
                {
                    // x is { }: the opposite of x is null.
                    negated = !negated;
                    return AccessPath.TryCreate(OperationTree.WithoutImplicitConversions(isPattern.Value), out path);
                }

                return pattern is IConstantPatternOperation constant && IsNull(constant.Value) &&
                       AccessPath.TryCreate(OperationTree.WithoutImplicitConversions(isPattern.Value), out path);
            default:
                return condition?.Type?.SpecialType == SpecialType.System_Boolean && AccessPath.TryCreate(condition, out path);
        }
    }

    private static bool IsNull(IOperation operation) =>
        OperationTree.WithoutImplicitConversions(operation).ConstantValue is { HasValue: true, Value: null } && OperationTree.WithoutImplicitConversions(operation).Type?.IsValueType != true;
}
