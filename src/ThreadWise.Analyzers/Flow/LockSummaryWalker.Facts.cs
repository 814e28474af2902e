using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Flow;

/// <summary>
/// The facts <see cref="LockSummaryWalker"/> records beside the held locks, for "can two threads hold the two orders"
/// and "what runs": the launches and escaping delegates of a body, the delegates stored in fields and locals, the bool
/// constants a call passes, the guards and awaits an acquisition or call comes after, and captured locals.
/// </summary>
internal sealed partial class LockSummaryWalker
{
    /// <summary>
    /// A field or property initialized with a lambda or a method group (<c>private readonly Action _onChange = () => …;</c>):
    /// summarizes the lambda's body and records the delegate as a known target of <paramref name="member"/>.
    /// </summary>
    public static void SummarizeInitializer(LockApi locks, LaunchApi launchApi, ImmutableHashSet<IMethodSymbol> lockSetEnter, IAssemblySymbol assembly,
        ISymbol member, IOperation value, List<MethodLockSummary> output, CancellationToken cancellationToken)
    {
        // The summary is filed under the target: keep it in the member's own top-level type, so the per-type walks of
        // the live and the build-only analyzer see the same bodies (a method group of another type is not followed).
        if (DelegateTarget(value) is not { } target || !SymbolEqualityComparer.Default.Equals(TopLevel(target), TopLevel(member)))
        {
            return;
        }

        var summary = new MethodLockSummary(target, value.Syntax);
        var lambda = value.DescendantsAndSelf().OfType<IAnonymousFunctionOperation>().FirstOrDefault();
        if (lambda is not null && SymbolEqualityComparer.Default.Equals(lambda.Symbol, target))
        {
            summary = new MethodLockSummary(target, lambda.Body.Syntax);
            var walker = new LockSummaryWalker(locks, launchApi, lockSetEnter, assembly, summary, lambda.Body, output, cancellationToken);
            try
            {
                walker.Walk(lambda.Body, Nothing);
            }
            catch (InsufficientExecutionStackException)
            {
                return;
            }
        }
        else
        {
            summary.Escapes.Add(target); // a method group handed out as a delegate may run anywhere
        }

        summary.DelegateTargets.Add((member.OriginalDefinition, target, value.Syntax));
        output.Add(summary);
    }

    private LockCallSite Facts(LockCallSite call, IOperation operation)
    {
        call.Guards = _guards;
        call.AfterAwait = _afterAwait;
        call.FireAndForget = IsDropped(operation);
        if (operation is IInvocationOperation invocation)
        {
            var constants = ImmutableArray.CreateBuilder<ParameterGuard>();
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { Type.SpecialType: SpecialType.System_Boolean } parameter &&
                    argument.Value.ConstantValue is { HasValue: true, Value: bool value })
                {
                    constants.Add(new ParameterGuard(parameter.Ordinal, value));
                }
            }

            call.Constants = constants.ToImmutable();
        }

        return call;
    }

    /// <summary>The call's result is dropped: <c>F();</c> or <c>_ = F();</c>.</summary>
    private static bool IsDropped(IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        return parent is IExpressionStatementOperation ||
               parent is ISimpleAssignmentOperation { Target: IDiscardOperation, Parent: IExpressionStatementOperation };
    }

    /// <summary>Where an invoked delegate is stored: a field, property, event or local of this body (<c>_onChange()</c>).</summary>
    private static ISymbol? DelegateSlot(IOperation? instance)
    {
        if (instance is IConditionalAccessInstanceOperation)
        {
            for (var parent = instance.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IConditionalAccessOperation access)
                {
                    instance = access.Operation;
                    break;
                }
            }
        }

        while (instance is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
        {
            instance = instance is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)instance).Operand;
        }

        return instance switch
        {
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field.OriginalDefinition,
            IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation } property => property.Property.OriginalDefinition,
            IEventReferenceOperation { Instance: null or IInstanceReferenceOperation } @event => @event.Event.OriginalDefinition,
            ILocalReferenceOperation local => local.Local,
            _ => null,
        };
    }

    /// <summary>A lambda or method group stored in a delegate slot (<c>_onChange = () => …</c>, <c>Changed += OnChanged</c>).</summary>
    private void NoteDelegateTarget(ISymbol slot, IOperation? value)
    {
        if (slot is not ILocalSymbol && !SymbolEqualityComparer.Default.Equals(slot.ContainingAssembly, _assembly))
        {
            return;
        }

        if (DelegateTarget(value) is { } target)
        {
            _summary.DelegateTargets.Add((slot.OriginalDefinition, target, value!.Syntax));
        }
    }

    private static IMethodSymbol? DelegateTarget(IOperation? value)
    {
        while (value is IConversionOperation or IParenthesizedOperation or IDelegateCreationOperation)
        {
            value = value switch
            {
                IConversionOperation conversion => conversion.Operand,
                IParenthesizedOperation parenthesized => parenthesized.Operand,
                _ => ((IDelegateCreationOperation)value).Target,
            };
        }

        return value switch
        {
            IAnonymousFunctionOperation lambda => lambda.Symbol,
            IMethodReferenceOperation reference => Key(reference.Method),
            _ => null,
        };
    }

    /// <summary>Records the delegates a launching call runs on other threads (<see cref="LaunchApi"/>).</summary>
    private void NoteLaunches(IOperation operation)
    {
        foreach (var (value, kind) in _launchApi.LaunchedDelegateValues(operation))
        {
            if (DelegateTarget(value) is not { } target)
            {
                continue;
            }

            for (var part = value; part is not null; part = part.ChildOperations.FirstOrDefault())
            {
                _launchedValues.Add(part);
                if (part is IMethodReferenceOperation or IAnonymousFunctionOperation)
                {
                    break;
                }
            }

            var method = _summary.Method;
            var once = kind is LaunchKind.ThreadConstructor or LaunchKind.ColdTask or LaunchKind.Once && !InLoop(operation) &&
                       (method.MethodKind is MethodKind.Constructor or MethodKind.StaticConstructor || IsOnceGuarded(operation));
            _summary.Launches.Add(new LockLaunch(target, once, method.MethodKind == MethodKind.StaticConstructor, operation.Syntax));
        }
    }

    /// <summary>
    /// The launching code guards itself against running twice on one instance: before the launch, the body returns
    /// (or throws) when a state field of <c>this</c> says it ran, and then sets that field
    /// (<c>if (m_status != NotRunning) return; m_status = Starting; … new Thread(Loop).Start();</c>).
    /// </summary>
    private bool IsOnceGuarded(IOperation launch)
    {
        var statement = launch;
        while (statement.Parent is not null && statement.Parent is not IBlockOperation)
        {
            statement = statement.Parent;
        }

        if (statement.Parent is not IBlockOperation block || block.Parent is not IMethodBodyBaseOperation)
        {
            return false;
        }

        var checkedFields = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var before in block.Operations)
        {
            if (before == statement)
            {
                break;
            }

            if (before is IConditionalOperation { WhenFalse: null } guard && EndsInJump(guard.WhenTrue))
            {
                foreach (var read in guard.Condition.DescendantsAndSelf().OfType<IFieldReferenceOperation>())
                {
                    if (read.Instance is null or IInstanceReferenceOperation)
                    {
                        checkedFields.Add(read.Field.OriginalDefinition);
                    }
                }
            }
            else if (before is IExpressionStatementOperation { Operation: IAssignmentOperation { Target: IFieldReferenceOperation written } } &&
                     written.Instance is null or IInstanceReferenceOperation && checkedFields.Contains(written.Field.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    private bool InLoop(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null && parent != _body; parent = parent.Parent)
        {
            if (parent is ILoopOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static IMethodSymbol Key(IMethodSymbol method) => (method.PartialDefinitionPart ?? method).OriginalDefinition;

    /// <summary>A test of a bool parameter of the body: <c>p</c>, <c>!p</c>, <c>p == false</c>, <c>p != true</c>.</summary>
    private ParameterGuard? ParameterTest(IOperation condition)
    {
        var value = true;
        while (true)
        {
            switch (condition)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    value = !value;
                    condition = not.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    condition = parenthesized.Operand;
                    continue;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
                    when binary.RightOperand.ConstantValue is { HasValue: true, Value: bool constant }:
                    value = value == (constant == (binary.OperatorKind == BinaryOperatorKind.Equals));
                    condition = binary.LeftOperand;
                    continue;
                case IParameterReferenceOperation { Parameter: { Type.SpecialType: SpecialType.System_Boolean, RefKind: RefKind.None } parameter }
                    when SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _summary.Method):
                    return new ParameterGuard(parameter.Ordinal, value);
                default:
                    return null;
            }
        }
    }

    /// <summary>The locals of this body that a lambda or local function in it reads (one object shared with those bodies).</summary>
    private HashSet<ILocalSymbol> CapturedInBody()
    {
        if (_captured is null)
        {
            _captured = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in _body.DescendantsAndSelf())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (operation is ILocalReferenceOperation reference &&
                    SymbolEqualityComparer.Default.Equals(reference.Local.ContainingSymbol, _summary.Method) &&
                    IsInNestedBody(reference))
                {
                    _captured.Add(reference.Local);
                }
            }
        }

        return _captured;
    }

    private bool IsInNestedBody(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null && parent != _body; parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static INamedTypeSymbol? TopLevel(ISymbol symbol)
    {
        var type = symbol.ContainingType;
        while (type?.ContainingType is { } outer)
        {
            type = outer;
        }

        return type;
    }
}
