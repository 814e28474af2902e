using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Flow;

/// <summary>
/// Builds the <see cref="MethodLockSummary"/> of one body in a single walk of its operation tree, tracking the locks
/// that are certainly held ("must-hold") in statement order:
/// <list type="bullet">
/// <item>a <c>lock</c> body, a <c>using (x.EnterScope())</c> body, or the rest of the block after
/// <c>using var s = x.EnterScope();</c>;</item>
/// <item>from <c>Monitor.Enter</c>/<c>Lock.Enter</c>/<c>Wait</c>/<c>WaitOne</c>/<c>Enter*Lock</c> to the matching release
/// in statement order; a try-acquire used as an <c>if</c> condition holds in the branch where it succeeded;</item>
/// <item>after an <c>if</c>, <c>switch</c>, loop or <c>try</c>, only what every branch that falls through still holds
/// (branches ending in <c>return</c>/<c>throw</c> do not count).</item>
/// </list>
/// Semaphores count as locks only when the same body releases them (otherwise they are signals). Lambdas and local
/// functions are summarized as bodies of their own: they run when invoked, not where they are written.
/// </summary>
internal sealed partial class LockSummaryWalker
{
    private static readonly ImmutableArray<LockAcquisition> Nothing = ImmutableArray<LockAcquisition>.Empty;

    private readonly LockApi _locks;
    private readonly LaunchApi _launchApi;
    private readonly ImmutableHashSet<IMethodSymbol> _lockSetEnter;
    private readonly IAssemblySymbol _assembly;
    private readonly MethodLockSummary _summary;
    private readonly List<MethodLockSummary> _output;
    private readonly IOperation _body;
    private readonly CancellationToken _cancellationToken;
    private HashSet<AccessPath>? _released;
    private HashSet<ILocalSymbol>? _captured;
    private readonly HashSet<IOperation> _launchedValues = new();

    // Walk state beside the held locks: the bool-parameter tests every later operation is under (an early
    // `if (!create) return;` guards the rest of its block), and whether an `await` certainly ran already.
    private ImmutableArray<ParameterGuard> _guards = ImmutableArray<ParameterGuard>.Empty;
    private bool _afterAwait;

    private LockSummaryWalker(LockApi locks, LaunchApi launchApi, ImmutableHashSet<IMethodSymbol> lockSetEnter, IAssemblySymbol assembly,
        MethodLockSummary summary, IOperation body, List<MethodLockSummary> output, CancellationToken cancellationToken)
    {
        _locks = locks;
        _launchApi = launchApi;
        _lockSetEnter = lockSetEnter;
        _assembly = assembly;
        _summary = summary;
        _body = body;
        _output = output;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Summarizes <paramref name="body"/> (and every lambda and local function in it) into <paramref name="output"/>.</summary>
    public static void Summarize(LockApi locks, LaunchApi launchApi, ImmutableHashSet<IMethodSymbol> lockSetEnter, IAssemblySymbol assembly,
        IMethodSymbol method, IOperation body, List<MethodLockSummary> output, CancellationToken cancellationToken)
    {
        var summary = new MethodLockSummary(method, body.Syntax);
        var walker = new LockSummaryWalker(locks, launchApi, lockSetEnter, assembly, summary, body, output, cancellationToken);
        try
        {
            walker.Walk(body, Nothing);
        }
        catch (InsufficientExecutionStackException)
        {
            return; // pathologically deep code: no summary (silence) rather than a crash
        }

        if (!summary.IsEmpty)
        {
            output.Add(summary);
        }
    }

    private ImmutableArray<LockAcquisition> Walk(IOperation? operation, ImmutableArray<LockAcquisition> held)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (operation)
        {
            case null:
                return held;
            case IAnonymousFunctionOperation lambda:
                Summarize(_locks, _launchApi, _lockSetEnter, _assembly, lambda.Symbol, lambda.Body, _output, _cancellationToken);
                return held;
            case ILocalFunctionOperation local:
                if ((local.Body ?? local.IgnoredBody) is { } localBody)
                {
                    Summarize(_locks, _launchApi, _lockSetEnter, _assembly, local.Symbol, localBody, _output, _cancellationToken);
                }

                return held;
            case ILockOperation lockOperation:
                return WalkLock(lockOperation, held);
            case IUsingOperation usingOperation:
            {
                var afterResources = Walk(usingOperation.Resources, held);
                var afterBody = Walk(usingOperation.Body, afterResources);
                return RemoveScopedSince(afterBody, held);
            }

            case IBlockOperation block:
            {
                var guards = _guards;
                var state = held;
                foreach (var statement in block.Operations)
                {
                    state = Walk(statement, state);
                }

                _guards = guards;
                return RemoveScopedSince(state, held);
            }

            case IConditionalOperation conditional:
                return WalkConditional(conditional, held);
            case ISwitchOperation switchOperation:
            {
                var afterValue = Walk(switchOperation.Value, held);
                var awaited = _afterAwait;
                var result = afterValue;
                foreach (var section in switchOperation.Cases)
                {
                    var state = afterValue;
                    foreach (var statement in section.Body)
                    {
                        state = Walk(statement, state);
                    }

                    if (!EndsInJump(section.Body.LastOrDefault()))
                    {
                        result = Intersect(result, state);
                    }

                    _afterAwait = awaited;
                }

                return result;
            }

            case ILoopOperation loop:
            {
                var awaited = _afterAwait;
                var state = held;
                foreach (var child in loop.ChildOperations)
                {
                    state = Walk(child, state);
                }

                _afterAwait = awaited; // the loop may run zero times
                return Intersect(held, state);
            }

            case IAwaitOperation awaitOperation:
            {
                var state = WalkChildren(awaitOperation, held);
                _afterAwait = true;
                return state;
            }

            case IObjectCreationOperation creation:
                NoteLaunches(creation);
                return WalkChildren(creation, held);
            case IMethodReferenceOperation reference:
                if (!_launchedValues.Contains(reference))
                {
                    _summary.Escapes.Add(Key(reference.Method));
                }

                return WalkChildren(reference, held);
            case IEventAssignmentOperation { Adds: true } subscription when subscription.EventReference is IEventReferenceOperation eventReference:
                NoteDelegateTarget(eventReference.Event, subscription.HandlerValue);
                return WalkChildren(operation, held);

            case ITryOperation tryOperation:
            {
                var afterBody = Walk(tryOperation.Body, held);
                var result = afterBody;
                var atHandler = Intersect(held, afterBody);
                foreach (var handler in tryOperation.Catches)
                {
                    var afterHandler = Walk(handler, atHandler);
                    if (!EndsInJump(handler.Handler))
                    {
                        result = Intersect(result, afterHandler);
                    }
                }

                return tryOperation.Finally is null ? result : Walk(tryOperation.Finally, result);
            }

            case IInvocationOperation invocation:
                return WalkInvocation(invocation, held);
            case IPropertyReferenceOperation property:
            {
                // A property with a body is a call to its accessor (auto-properties have no summary and drop out).
                var state = WalkChildren(property, held);
                var isWrite = property.Parent is IAssignmentOperation assignment && assignment.Target == property;
                var accessor = isWrite ? property.Property.SetMethod : property.Property.GetMethod;
                if (accessor is not null)
                {
                    AddCall(accessor, property.Instance, property, state);
                }

                return state;
            }

            case IBinaryOperation binary:
            {
                // Left-deep chains (a + b + c + …) can be thousands long: walk them without recursion.
                var chain = new Stack<IBinaryOperation>();
                IOperation current = binary;
                while (current is IBinaryOperation link)
                {
                    chain.Push(link);
                    current = link.LeftOperand;
                }

                var state = Walk(current, held);
                while (chain.Count > 0)
                {
                    var link = chain.Pop();
                    if (link.OperatorKind is BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or
                        BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual)
                    {
                        _summary.Comparisons.Add(ReadRoots(link));
                    }

                    state = Walk(link.RightOperand, state);
                }

                return state;
            }

            case IVariableDeclaratorOperation declarator when declarator.GetVariableInitializer() is { } initializer:
                AddSources(declarator.Symbol, initializer.Value);
                NoteDelegateTarget(declarator.Symbol, initializer.Value);
                return WalkChildren(operation, held);
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                AddSources(target.Local, assignment.Value);
                NoteDelegateTarget(target.Local, assignment.Value);
                return WalkChildren(operation, held);
            case ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } assignment:
                NoteDelegateTarget(((IMemberReferenceOperation)assignment.Target).Member, assignment.Value);
                return WalkChildren(operation, held);
            case IDeconstructionAssignmentOperation deconstruction:
                foreach (var target in deconstruction.Target.DescendantsAndSelf().OfType<ILocalReferenceOperation>())
                {
                    AddSources(target.Local, deconstruction.Value);
                    if (deconstruction.Value.DescendantsAndSelf().Any(o => o is IInvocationOperation))
                    {
                        _summary.OrderedLocals.Add(target.Local);
                    }
                }

                return WalkChildren(operation, held);
            default:
                return WalkChildren(operation, held);
        }
    }

    private ImmutableArray<LockAcquisition> WalkChildren(IOperation operation, ImmutableArray<LockAcquisition> held)
    {
        foreach (var child in operation.ChildOperations)
        {
            held = Walk(child, held);
        }

        return held;
    }

    private ImmutableArray<LockAcquisition> WalkLock(ILockOperation lockOperation, ImmutableArray<LockAcquisition> held)
    {
        var state = Walk(lockOperation.LockedValue, held);
        var primitive = lockOperation.LockedValue.Type.Is(_locks.Lock) ? LockPrimitive.Lock : LockPrimitive.Monitor;
        var acquisition = Acquire(lockOperation.LockedValue, primitive, blocking: true, isLockStatement: true, scoped: false,
            lockOperation.LockedValue.Syntax, state);
        if (acquisition is null)
        {
            return Walk(lockOperation.Body, state);
        }

        var afterBody = Walk(lockOperation.Body, state.Add(acquisition));
        return afterBody.Remove(acquisition);
    }

    private ImmutableArray<LockAcquisition> WalkConditional(IConditionalOperation conditional, ImmutableArray<LockAcquisition> held)
    {
        var afterCondition = Walk(conditional.Condition, held);
        var whenTrueStart = afterCondition;
        var whenFalseStart = afterCondition;

        // `if (Monitor.TryEnter(x))` holds x only in the branch where it succeeded.
        var condition = conditional.Condition;
        var negated = false;
        while (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            condition = not.Operand;
            negated = !negated;
        }

        if (condition is IInvocationOperation invocation && _locks.TryGetAction(invocation, out var action) &&
            action.Kind == LockActionKind.TryAcquire)
        {
            whenTrueStart = negated ? held : afterCondition;
            whenFalseStart = negated ? afterCondition : held;
        }

        // `if (create)` / `if (!create)` on a bool parameter: each branch runs only for one value of it.
        var guard = ParameterTest(conditional.Condition);
        var guards = _guards;
        var awaited = _afterAwait;
        _guards = guard is { } g ? guards.Add(g) : guards;
        var afterTrue = Walk(conditional.WhenTrue, whenTrueStart);
        var awaitedTrue = _afterAwait;
        _guards = guard is { } f ? guards.Add(new ParameterGuard(f.Ordinal, !f.Value)) : guards;
        _afterAwait = awaited;
        var afterFalse = conditional.WhenFalse is null ? whenFalseStart : Walk(conditional.WhenFalse, whenFalseStart);
        var awaitedFalse = _afterAwait;
        _guards = guards;
        var trueJumps = EndsInJump(conditional.WhenTrue);
        var falseJumps = conditional.WhenFalse is not null && EndsInJump(conditional.WhenFalse);
        if (trueJumps && !falseJumps)
        {
            // `if (!create) return null;`: the rest of the block runs only when create is true.
            _guards = guard is { } t ? guards.Add(new ParameterGuard(t.Ordinal, !t.Value)) : guards;
            _afterAwait = awaitedFalse;
            return afterFalse;
        }

        if (falseJumps && !trueJumps)
        {
            _guards = guard is { } t ? guards.Add(t) : guards;
            _afterAwait = awaitedTrue;
            return afterTrue;
        }

        _afterAwait = awaitedTrue && awaitedFalse;
        return Intersect(afterTrue, afterFalse);
    }

    private ImmutableArray<LockAcquisition> WalkInvocation(IInvocationOperation invocation, ImmutableArray<LockAcquisition> held)
    {
        NoteLaunches(invocation);
        var state = WalkChildren(invocation, held);
        if (invocation.TargetMethod.MethodKind == MethodKind.DelegateInvoke)
        {
            if (DelegateSlot(invocation.Instance) is { } slot)
            {
                var (kind, root, display) = Receiver(null);
                _summary.Calls.Add(Facts(new LockCallSite(invocation.TargetMethod, invocation.Syntax, state, kind, root, display) { DelegateSlot = slot }, invocation));
            }

            return state;
        }

        if (_locks.TryGetAction(invocation, out var action))
        {
            if (action.Kind == LockActionKind.Release)
            {
                return Release(state, action.LockObject);
            }

            if (action.Primitive is LockPrimitive.SemaphoreSlim or LockPrimitive.Semaphore &&
                (!AccessPath.TryCreate(action.LockObject, out var path) || !ReleasedInBody().Contains(path) || AdmitsSeveral(path.Last)))
            {
                return state; // a signal (released elsewhere) or a throttle, not a lock
            }

            var acquisition = Acquire(action.LockObject, action.Primitive, IsBlocking(invocation, action), isLockStatement: false,
                scoped: action.Kind == LockActionKind.ScopedAcquire, invocation.Syntax, state);
            return acquisition is null ? state : state.Add(acquisition);
        }

        if (_lockSetEnter.ContainsMethod(invocation.TargetMethod))
        {
            // LockSet.Enter(a, b, …) takes every lock in one global order: no order among them, each after what is held.
            var taken = new List<LockAcquisition>();
            foreach (var argument in invocation.Arguments)
            {
                var values = argument.Value is IArrayCreationOperation { Initializer: { } initializer }
                    ? initializer.ElementValues
                    : ImmutableArray.Create(argument.Value);
                foreach (var value in values)
                {
                    if (Acquire(value, LockPrimitive.Monitor, blocking: true, isLockStatement: false, scoped: true, value.Syntax, state) is { } acquisition)
                    {
                        taken.Add(acquisition);
                    }
                }
            }

            return state.AddRange(taken);
        }

        NoteComparisonCall(invocation);
        AddCall(invocation.TargetMethod, invocation.Instance, invocation, state);
        return state;
    }

    private void AddCall(IMethodSymbol target, IOperation? instance, IOperation operation, ImmutableArray<LockAcquisition> state)
    {
        var syntax = operation.Syntax;
        var callee = (target.PartialDefinitionPart ?? target).OriginalDefinition;
        if (SymbolEqualityComparer.Default.Equals(callee.ContainingAssembly, _assembly) && !callee.DeclaringSyntaxReferences.IsEmpty &&
            !IsFreshObject(instance, operation))
        {
            var (kind, root, display) = Receiver(instance);
            _summary.Calls.Add(Facts(new LockCallSite(callee, syntax, state, kind, root, display), operation));
        }
    }

    private LockAcquisition? Acquire(IOperation? lockObject, LockPrimitive primitive, bool blocking, bool isLockStatement,
        bool scoped, SyntaxNode syntax, ImmutableArray<LockAcquisition> held)
    {
        if (!AccessPath.TryCreate(lockObject, out var path) || !(path.Last is IFieldSymbol or IPropertySymbol || IsCapturedLocal(path)))
        {
            return null;
        }

        var symbol = path.Last;
        LockRootKind kind;
        ISymbol? root = null;
        if (symbol.IsStatic || symbol is ILocalSymbol)
        {
            kind = LockRootKind.Static;
        }
        else if (path.Symbols.Length == 1)
        {
            kind = LockRootKind.This;
            root = _summary.Method.ContainingType;
        }
        else if (path.Symbols.Length == 2 && path.Root is IParameterSymbol or ILocalSymbol)
        {
            kind = LockRootKind.Peer;
            root = path.Root;
        }
        else
        {
            kind = LockRootKind.Chain;
        }

        var acquisition = new LockAcquisition(symbol.OriginalDefinition, path, kind, root, blocking, primitive, isLockStatement, scoped, syntax, held)
        {
            Guards = _guards,
            AfterAwait = _afterAwait,
        };
        _summary.Acquisitions.Add(acquisition);
        return acquisition;
    }

    /// <summary>
    /// A local of an enclosing method used as a lock inside a lambda or local function: every body that captures it
    /// shares the one object (<c>var left = new object(); new Thread(() => { lock (left) … })</c>).
    /// </summary>
    private bool IsCapturedLocal(AccessPath path) =>
        path.Symbols.Length == 1 && path.Root is ILocalSymbol local &&
        (!SymbolEqualityComparer.Default.Equals(local.ContainingSymbol, _summary.Method) || CapturedInBody().Contains(local));

    private static ImmutableArray<LockAcquisition> Release(ImmutableArray<LockAcquisition> held, IOperation? lockObject)
    {
        if (!AccessPath.TryCreate(lockObject, out var path))
        {
            return held;
        }

        for (var i = held.Length - 1; i >= 0; i--)
        {
            if (!held[i].IsLockStatement && held[i].Path.Equals(path))
            {
                return held.RemoveAt(i);
            }
        }

        return held;
    }

    /// <summary>Try-acquires that wait forever: <c>Monitor.Enter(o, ref taken)</c>, <c>SpinLock.Enter</c>, or a timeout of -1.</summary>
    private static bool IsBlocking(IInvocationOperation invocation, LockAction action)
    {
        if (action.Kind != LockActionKind.TryAcquire)
        {
            return true;
        }

        var method = invocation.TargetMethod;
        if (method.Name.StartsWith("Enter", System.StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Type.SpecialType == SpecialType.System_Int32 &&
                argument.Value.ConstantValue is { HasValue: true, Value: -1 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A semaphore created with an initial count other than 1 (<c>new SemaphoreSlim(10)</c>) is a throttle: holding
    /// one slot does not exclude other threads. Decided from the field's initializer; unknown counts count as locks.
    /// </summary>
    private static bool AdmitsSeveral(ISymbol field)
    {
        foreach (var reference in field.DeclaringSyntaxReferences)
        {
            var initializer = reference.GetSyntax() switch
            {
                Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };
            var arguments = (initializer as Microsoft.CodeAnalysis.CSharp.Syntax.BaseObjectCreationExpressionSyntax)?.ArgumentList?.Arguments;
            if (arguments is { Count: > 0 } list &&
                list[0].Expression is Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax { Token.Value: int count } &&
                count != 1)
            {
                return true;
            }
        }

        return false;
    }

    private HashSet<AccessPath> ReleasedInBody()
    {
        if (_released is null)
        {
            _released = new HashSet<AccessPath>();
            foreach (var operation in _body.DescendantsAndSelf())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (operation is IInvocationOperation invocation && _locks.TryGetAction(invocation, out var action) &&
                    action.Kind == LockActionKind.Release && AccessPath.TryCreate(action.LockObject, out var path))
                {
                    _released.Add(path);
                }
            }
        }

        return _released;
    }

    /// <summary>
    /// True when the receiver is a local that only ever holds an object this body just created
    /// (<c>var c = new Connector(this); c.Cancel();</c>, npgsql's cancellation): the callee's instance locks are that new
    /// object's, not the caller's, and no other thread holds them yet, so the call adds no lock order.
    /// </summary>
    private bool IsFreshObject(IOperation? instance, IOperation operation)
    {
        while (instance is IConversionOperation { IsImplicit: true } conversion)
        {
            instance = conversion.Operand;
        }

        if (instance is not ILocalReferenceOperation { Local: var local })
        {
            return false;
        }

        var created = false;
        foreach (var part in OperationTree.Root(operation).DescendantsAndSelf())
        {
            switch (part)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    if (declarator.GetVariableInitializer()?.Value is not IObjectCreationOperation)
                    {
                        return false;
                    }

                    created = true;
                    break;
                case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local) &&
                                                             !reference.IsDeclaration &&
                                                             (reference.Parent is IAssignmentOperation assignment && assignment.Target == reference ||
                                                              reference.Parent is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out }):
                    return false;
            }
        }

        return created;
    }

    private (LockRootKind Kind, ISymbol? Root, string? Display) Receiver(IOperation? instance)
    {
        switch (instance)
        {
            case null:
                return (LockRootKind.Static, null, null);
            case IInstanceReferenceOperation:
                return (LockRootKind.This, _summary.Method.ContainingType, null);
            case IConversionOperation { IsImplicit: true } conversion:
                return Receiver(conversion.Operand);
            case IParameterReferenceOperation parameter:
                return (LockRootKind.Peer, parameter.Parameter, parameter.Parameter.Name);
            case ILocalReferenceOperation local:
                return (LockRootKind.Peer, local.Local, local.Local.Name);
            default:
                return (LockRootKind.Chain, null, null);
        }
    }

    private void AddSources(ISymbol local, IOperation? value)
    {
        if (value is null)
        {
            return;
        }

        if (!_summary.LocalSources.TryGetValue(local, out var sources))
        {
            sources = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            _summary.LocalSources[local] = sources;
        }

        sources.UnionWith(ReadRoots(value));
    }

    /// <summary>The parameters, locals and <c>this</c> (as the containing type) an expression reads.</summary>
    private HashSet<ISymbol> ReadRoots(IOperation operation)
    {
        var result = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var part in operation.DescendantsAndSelf())
        {
            switch (part)
            {
                case IParameterReferenceOperation parameter:
                    result.Add(parameter.Parameter);
                    break;
                case ILocalReferenceOperation local:
                    result.Add(local.Local);
                    break;
                case IInstanceReferenceOperation:
                    result.Add(_summary.Method.ContainingType);
                    break;
            }
        }

        return result;
    }

    private void NoteComparisonCall(IInvocationOperation invocation)
    {
        if (invocation.TargetMethod.Name is "CompareTo" or "Compare")
        {
            _summary.Comparisons.Add(ReadRoots(invocation));
        }
    }

    private static bool EndsInJump(IOperation? operation)
    {
        while (operation is IBlockOperation block)
        {
            operation = block.Operations.LastOrDefault();
        }

        return operation is IReturnOperation or IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation };
    }

    /// <summary>Drops the scoped acquisitions (<c>EnterScope</c>, <c>LockSet.Enter</c>) made since <paramref name="before"/>.</summary>
    private static ImmutableArray<LockAcquisition> RemoveScopedSince(ImmutableArray<LockAcquisition> state, ImmutableArray<LockAcquisition> before)
    {
        var result = state;
        foreach (var acquisition in state)
        {
            if (acquisition.Scoped && !before.Contains(acquisition))
            {
                result = result.Remove(acquisition);
            }
        }

        return result;
    }

    private static ImmutableArray<LockAcquisition> Intersect(ImmutableArray<LockAcquisition> left, ImmutableArray<LockAcquisition> right)
    {
        if (left == right)
        {
            return left;
        }

        var result = left;
        foreach (var acquisition in left)
        {
            if (!right.Contains(acquisition))
            {
                result = result.Remove(acquisition);
            }
        }

        return result;
    }
}
