using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Flow;

/// <summary>
/// For <see cref="HeldLockPaths"/>: calls that hand the held lock to a callback that releases it (a continuation), so
/// that the path ends there as if the lock were released.
/// </summary>
internal sealed class LockHandOffs
{
    private readonly ControlFlowGraph _graph;
    private readonly LockIdentity _lock;
    private readonly LockRegionFacts _facts;
    private readonly CancellationToken _cancellationToken;

    public LockHandOffs(ControlFlowGraph graph, LockIdentity lockIdentity, LockRegionFacts facts, CancellationToken cancellationToken)
    {
        _graph = graph;
        _lock = lockIdentity;
        _facts = facts;
        _cancellationToken = cancellationToken;
    }

    /// <summary>
    /// True for a call that hands the held lock to a callback that releases it: <c>task.ContinueWith(_ =&gt; _gate.Release())</c>,
    /// through a method of this type (<c>ContinueWith(_ =&gt; ReleaseGate())</c>), or the lock passed as the callback's
    /// state, <c>task.ContinueWith((_, s) =&gt; ((SemaphoreSlim)s).Release(), _gate)</c>.
    /// The path ends there as if released: the callback owns the lock.
    /// </summary>
    public bool IsHandOff(IInvocationOperation invocation)
    {
        if (_graph.OriginalOperation.SemanticModel is not { } model)
        {
            return false;
        }

        var passesLock = false;
        var callbacks = new List<IOperation>();
        foreach (var argument in invocation.Arguments)
        {
            var value = StripConversions(argument.Value);
            if (value is IDelegateCreationOperation delegateCreation)
            {
                value = delegateCreation.Target;
            }

            if (value is IFlowAnonymousFunctionOperation or IAnonymousFunctionOperation)
            {
                callbacks.Add(value);
            }
            else if (LockIdentity.TryCreate(new LockAction(_lock.Primitive, LockActionKind.Release, _lock.Mode, value), out var passed) && passed.Equals(_lock))
            {
                passesLock = true;
            }
        }

        foreach (var callback in callbacks)
        {
            if (model.GetOperation(callback.Syntax) is not IAnonymousFunctionOperation function)
            {
                continue;
            }

            foreach (var operation in function.Body.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation helper && ReleasesInHelper(helper, model))
                {
                    // task.ContinueWith(_ => ReleaseGate()): a method of this type, in this file, that releases it.
                    return true;
                }

                if (operation is IInvocationOperation release && _facts.Locks.TryGetAction(release, out var action) &&
                    action.Kind == LockActionKind.Release && action.Primitive == _lock.Primitive && action.Mode == _lock.Mode &&
                    (_lock.IsReleasedBy(release, _facts.Locks) ||
                     (passesLock && StripConversions(action.LockObject) is IParameterReferenceOperation parameter &&
                      SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, function.Symbol))))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A call on <c>this</c> (or a static call) of a method declared in this file whose own body releases the lock.</summary>
    private bool ReleasesInHelper(IInvocationOperation call, SemanticModel model)
    {
        var method = call.TargetMethod;
        if (call.Instance is not (null or IInstanceReferenceOperation) || method.DeclaringSyntaxReferences.Length != 1 ||
            method.DeclaringSyntaxReferences[0].SyntaxTree != model.SyntaxTree ||
            model.GetOperation(method.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken), _cancellationToken) is not { } body)
        {
            return false;
        }

        foreach (var operation in body.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation release && _lock.IsReleasedBy(release, _facts.Locks))
            {
                return true;
            }
        }

        return false;
    }

    private static IOperation? StripConversions(IOperation? operation)
    {
        while (operation is IConversionOperation or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }
}
