using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules.TW0009;

/// <summary>
/// The TW0009 decision for one type: each <c>Monitor.Wait/Pulse/PulseAll(x)</c> is reported when <c>x</c> is held on
/// no path to it in its body (<see cref="HeldLocks"/>) and what runs that body holds nothing either: a launched lambda or
/// method group, a call of a private helper or local function that does not hold <c>x</c> (followed up the callers in the
/// type), or any caller of a non-private method when <c>x</c> is private to the type.
/// </summary>
internal sealed class MonitorCallsOfType
{
    private const int MaxCallerDepth = 8;

    private readonly INamedTypeSymbol _type;
    private readonly IEnumerable<(ISymbol Owner, IOperation Block)> _blocks;
    private readonly ThreadingModel _model;
    private readonly ImmutableHashSet<IMethodSymbol> _signals;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<IOperation, ISymbol> _ownerOfRoot = new();
    private readonly List<IInvocationOperation> _signalCalls = new();
    private readonly Dictionary<ISymbol, List<IInvocationOperation>> _calls = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, List<IOperation>> _references = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IOperation, Dictionary<IOperation, HeldLockState>?> _states = new();
    private HashSet<ISymbol>? _written;
    private bool _writtenCollected;

    public MonitorCallsOfType(INamedTypeSymbol type, IEnumerable<(ISymbol Owner, IOperation Block)> blocks, ThreadingModel model,
        ImmutableHashSet<IMethodSymbol> signals, CancellationToken cancellationToken)
    {
        _type = type;
        _blocks = blocks;
        _model = model;
        _signals = signals;
        _cancellationToken = cancellationToken;
    }

    public void Run(Action<Diagnostic> report)
    {
        foreach (var (owner, block) in _blocks)
        {
            _ownerOfRoot[OperationTree.Root(block)] = owner;
            foreach (var operation in block.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IInvocationOperation invocation when _signals.ContainsMethod(invocation.TargetMethod):
                        _signalCalls.Add(invocation);
                        break;
                    case IInvocationOperation invocation when IsOwnMethod(invocation.TargetMethod):
                        Add(_calls, invocation.TargetMethod.OriginalDefinition, invocation);
                        break;
                    case IMethodReferenceOperation reference when IsOwnMethod(reference.Method):
                        Add(_references, reference.Method.OriginalDefinition, reference);
                        break;
                }
            }
        }

        foreach (var call in _signalCalls)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (call.Arguments.Length == 0 || !HeldLocks.TryIdentify(call.Arguments[0].Value, LockPrimitive.Monitor, out var identity))
            {
                continue;
            }

            var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            if (Unheld(call, identity, visited, 0) is { } via)
            {
                report(Diagnostic.Create(TW0009MonitorCallWithoutLockAnalyzer.Rule, call.Syntax.GetLocation(),
                    "Monitor." + call.TargetMethod.Name, identity.Display, via));
            }
        }
    }

    /// <summary>Null when the lock may be held at <paramref name="point"/>; else how it is reached unheld ("" or " (via …)").</summary>
    private string? Unheld(IOperation point, LockIdentity identity, HashSet<ISymbol> visited, int depth)
    {
        var (body, function) = BodyOf(point);
        if (StateAt(body, point) is not { } state || MayBeHeld(state, identity))
        {
            return null;
        }

        switch (function)
        {
            case IAnonymousFunctionOperation lambda:
                return IsLaunched(lambda) ? string.Empty : null;
            case ILocalFunctionOperation local:
                return Callers(local.Symbol, identity, visited, depth, noCallers: null);
        }

        if (!_ownerOfRoot.TryGetValue(body, out var owner) || owner is not IMethodSymbol method)
        {
            return null;
        }

        var root = identity.IsThis ? null : identity.Path.Root;
        if (root is IParameterSymbol)
        {
            return null; // the caller chooses the object, and may hold it
        }

        if (root is ILocalSymbol)
        {
            return string.Empty; // a local of this method: nobody else can hold it
        }

        if (method.MethodKind is MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.EventAdd or MethodKind.EventRemove or
            MethodKind.EventRaise or MethodKind.UserDefinedOperator or MethodKind.Conversion)
        {
            return null; // called through syntax that is not an invocation: its callers are not followed
        }

        if (method.DeclaredAccessibility == Accessibility.Private && method.MethodKind == MethodKind.Ordinary)
        {
            return Callers(method, identity, visited, depth, noCallers: string.Empty);
        }

        // Reachable from outside the type: only a lock object private to the type, created by it (not handed in, e.g.
        // through a constructor parameter, which its owner may hold while calling) and not handed out is certainly
        // not held by the caller.
        if (identity.IsThis || root is null || root.DeclaredAccessibility != Accessibility.Private || !IsFresh(identity) || IsExposed(root))
        {
            return null;
        }

        if (_calls.TryGetValue(method.OriginalDefinition, out var calls))
        {
            foreach (var call in calls)
            {
                if (StateAt(BodyOf(call).Body, call) is not { } callState || MayBeHeld(callState, identity))
                {
                    return null; // a helper some callers in the type call with the lock held
                }
            }
        }

        return string.Empty;
    }

    /// <summary>How a helper is reached unheld: a launched method group, or a call that does not hold the lock.</summary>
    private string? Callers(IMethodSymbol method, LockIdentity identity, HashSet<ISymbol> visited, int depth, string? noCallers)
    {
        var key = method.OriginalDefinition;
        if (depth >= MaxCallerDepth || !visited.Add(key))
        {
            return null;
        }

        if (_references.TryGetValue(key, out var references))
        {
            // A launched method group runs with nothing held; any other delegate runs where we cannot see.
            foreach (var reference in references)
            {
                if (IsLaunched(reference))
                {
                    return string.Empty;
                }
            }

            return null;
        }

        if (!_calls.TryGetValue(key, out var calls))
        {
            return noCallers;
        }

        var instanceLock = identity.IsThis || !identity.Path.Root.IsStatic && identity.Path.Root is IFieldSymbol or IPropertySymbol;
        foreach (var call in calls)
        {
            if (instanceLock && call.Instance is not (null or IInstanceReferenceOperation))
            {
                continue; // another instance's lock: not this one's question
            }

            if (Unheld(call, identity, visited, depth + 1) is not null)
            {
                var caller = OperationTree.Root(call) is { } root && _ownerOfRoot.TryGetValue(root, out var owner) ? owner.Name : method.Name;
                var line = call.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                return string.Format(CultureInfo.InvariantCulture, " ('{0}' calls '{1}' at line {2} without it)", caller, method.Name, line);
            }
        }

        return null;
    }

    /// <summary>
    /// True when the type hands its private lock object out (<c>public object SyncRoot => _sync;</c>, passed to or
    /// stored by other code): a caller outside the type may then hold it. Locking on it and the Monitor calls are not that.
    /// </summary>
    private bool IsExposed(ISymbol lockObject)
    {
        foreach (var (_, block) in _blocks)
        {
            foreach (var operation in block.DescendantsAndSelf())
            {
                if (operation is not (IFieldReferenceOperation or IPropertyReferenceOperation) ||
                    !SymbolEqualityComparer.Default.Equals(operation is IFieldReferenceOperation field ? field.Field : ((IPropertyReferenceOperation)operation).Property, lockObject))
                {
                    continue;
                }

                var (child, user) = OperationTree.User(operation);
                var internalUse = user switch
                {
                    ILockOperation lockOperation => lockOperation.LockedValue == child,
                    IArgumentOperation { Parent: IInvocationOperation call } => call.TargetMethod.ContainingType.Is(_model.Locks.Monitor),
                    IMemberReferenceOperation => true, // _sync.Something: a read through it, not the object itself
                    ISimpleAssignmentOperation assignment => assignment.Target == child,
                    _ => false,
                };
                if (!internalUse)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private HeldLockState? StateAt(IOperation body, IOperation point)
    {
        if (!_states.TryGetValue(body, out var states))
        {
            var found = new Dictionary<IOperation, HeldLockState>();
            states = HeldLocks.Walk(body, _model.Locks, HeldLockState.Empty, (operation, state) =>
            {
                if (operation is IInvocationOperation)
                {
                    found[operation] = state;
                }
            }, _cancellationToken) ? found : null;
            _states[body] = states;
        }

        return states is not null && states.TryGetValue(point, out var result) ? result : null;
    }

    /// <summary>True when the lock on <paramref name="identity"/> may be held, or another lock that may be the same object is.</summary>
    private bool MayBeHeld(HeldLockState state, LockIdentity identity)
    {
        if (state.MayHoldUnknown)
        {
            return true;
        }

        foreach (var held in state.May)
        {
            if (held.Primitive is LockPrimitive.Monitor or LockPrimitive.Lock && (held.Equals(identity) || !AreDistinct(held, identity)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Two lock objects that cannot be the same: <c>this</c>, or readonly fields each created by its own initializer.</summary>
    private bool AreDistinct(LockIdentity left, LockIdentity right) =>
        IsFresh(left) && IsFresh(right) && (left.IsThis != right.IsThis || !left.Path.Equals(right.Path));

    private bool IsFresh(LockIdentity identity)
    {
        if (identity.IsThis)
        {
            return true;
        }

        if (identity.Path.Symbols.Length != 1 || identity.Path.Root is not IFieldSymbol field ||
            (!field.IsReadOnly && (!SymbolEqualityComparer.Default.Equals(field.ContainingType, _type) || IsWritten(field))))
        {
            return false;
        }

        foreach (var reference in field.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: BaseObjectCreationExpressionSyntax })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a body of the type assigns the field (or passes it by reference) after its initializer.</summary>
    private bool IsWritten(IFieldSymbol field)
    {
        _written ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        if (!_writtenCollected)
        {
            _writtenCollected = true;
            foreach (var (_, block) in _blocks)
            {
                foreach (var operation in block.DescendantsAndSelf())
                {
                    if (operation is IFieldReferenceOperation reference &&
                        (reference.Parent is IAssignmentOperation assignment && assignment.Target == reference ||
                         reference.Parent is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out }))
                    {
                        _written.Add(reference.Field.OriginalDefinition);
                    }
                }
            }
        }

        return _written.Contains(field.OriginalDefinition);
    }

    /// <summary>A lambda or method group handed directly to a call that runs it on another thread.</summary>
    private bool IsLaunched(IOperation function)
    {
        var current = function;
        while (current.Parent is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
        {
            current = current.Parent;
        }

        if (current.Parent is not IArgumentOperation argument || argument.Parent is null)
        {
            return false;
        }

        foreach (var (launched, _) in _model.Launches.LaunchedDelegates(argument.Parent))
        {
            if (launched == argument)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The executable body <paramref name="operation"/> runs in, and the lambda or local function it belongs to.</summary>
    private static (IOperation Body, IOperation? Function) BodyOf(IOperation operation)
    {
        var current = operation;
        while (current.Parent is { } parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return (current, parent);
            }

            current = parent;
        }

        return (current, null);
    }

    private bool IsOwnMethod(IMethodSymbol method) =>
        method.MethodKind == MethodKind.LocalFunction ||
        SymbolEqualityComparer.Default.Equals(method.OriginalDefinition.ContainingType, _type);

    private static void Add<T>(Dictionary<ISymbol, List<T>> map, ISymbol key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = new List<T>();
        }

        list.Add(value);
    }
}
