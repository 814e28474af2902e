using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// What the lock-region rules need beside <see cref="LockApi"/>: which operations can raise an exception in ordinary code (asynchronous exceptions do not exist on .NET Core).
/// Counted: calls (methods, delegates, local functions, indexers, user-defined operators and conversions), awaits,
/// object and computed-size array creation, array element access, casts that can fail, integer division by a
/// non-constant, checked arithmetic and every dynamic operation. Not counted: reads and writes of locals and fields,
/// constants, plain property accesses (<c>list.Count</c>), unchecked arithmetic, lambda creation, an object creation
/// whose constructor is known not to throw (<see cref="QuietConstructors"/>), and the lock,
/// <c>Interlocked</c> and <c>Volatile</c> calls themselves (they do not throw in correct code, except a lock wait
/// that takes a <c>CancellationToken</c>), and debug-only calls (<c>[Conditional("DEBUG")]</c>: <c>Debug.Assert</c>,
/// <c>Debug.WriteLine</c>): a release build does not contain them, and a failed <c>Debug.Assert</c> ends the process
/// without running <c>finally</c> blocks. Their arguments are counted on their own.
/// </summary>
internal sealed class LockRegionFacts
{
    private readonly LockApi _locks;
    private readonly INamedTypeSymbol? _cancellationToken;
    private readonly System.Collections.Immutable.ImmutableHashSet<IMethodSymbol> _configureAwait;
    private readonly QuietConstructors _quietConstructors;
    private readonly System.Func<IOperation, bool> _canThrowInConstructor;
    private readonly INamedTypeSymbol? _conditionalAttribute;

    public LockRegionFacts(Compilation compilation, LockApi locks)
    {
        _locks = locks;
        _cancellationToken = WellKnownTypes.Get(compilation, "System.Threading.CancellationToken");
        Exception = WellKnownTypes.Get(compilation, "System.Exception");
        _conditionalAttribute = WellKnownTypes.Get(compilation, "System.Diagnostics.ConditionalAttribute");
        _quietConstructors = new QuietConstructors(compilation);
        _canThrowInConstructor = CanThrowShallow;
        _configureAwait = SymbolSets.Union(
            SymbolSets.Methods(WellKnownTypes.Get(compilation, "System.Threading.Tasks.Task"), "ConfigureAwait"),
            SymbolSets.Methods(WellKnownTypes.Get(compilation, "System.Threading.Tasks.Task`1"), "ConfigureAwait"),
            SymbolSets.Methods(WellKnownTypes.Get(compilation, "System.Threading.Tasks.ValueTask"), "ConfigureAwait"),
            SymbolSets.Methods(WellKnownTypes.Get(compilation, "System.Threading.Tasks.ValueTask`1"), "ConfigureAwait"));
    }

    /// <summary>True for <c>task.ConfigureAwait(bool)</c> (and its <c>ConfigureAwaitOptions</c> overload).</summary>
    public bool IsConfigureAwait(IInvocationOperation invocation) => _configureAwait.ContainsMethod(invocation.TargetMethod);

    /// <summary>
    /// The operation whose value is the result of an asynchronous lock wait: the <c>await</c> around
    /// <c>sem.WaitAsync()</c> (through <c>ConfigureAwait</c>), or null when the task is not awaited where it is created.
    /// </summary>
    public IOperation? AwaitOf(IInvocationOperation invocation)
    {
        IOperation current = invocation;
        while (current.Parent is IInvocationOperation outer && outer.Instance == current && IsConfigureAwait(outer))
        {
            current = outer;
        }

        return current.Parent as IAwaitOperation;
    }

    public LockApi Locks => _locks;

    /// <summary><c>System.Exception</c>: a <c>catch (Exception)</c> catches everything.</summary>
    public INamedTypeSymbol? Exception { get; }

    /// <param name="model">The semantic model of the operation's file, to read a constructor declared there.</param>
    public bool CanThrow(IOperation operation, SemanticModel? model = null) =>
        operation is IObjectCreationOperation creation
            ? !_quietConstructors.CannotThrow(creation, model, _canThrowInConstructor)
            : CanThrowShallow(operation);

    /// <summary>Like <see cref="CanThrow"/>, but every object creation can throw (a constructor's own body is read once, not its callees').</summary>
    private bool CanThrowShallow(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation invocation:
                return !IsQuietThreadingCall(invocation) && !IsDebugOnly(invocation.TargetMethod);
            case IObjectCreationOperation:
            case ITypeParameterObjectCreationOperation:
            case IAwaitOperation:
            case IArrayElementReferenceOperation:
            case IDynamicInvocationOperation:
            case IDynamicMemberReferenceOperation:
            case IDynamicIndexerAccessOperation:
            case IDynamicObjectCreationOperation:
                return true;
            case IArrayCreationOperation arrayCreation:
                foreach (var size in arrayCreation.DimensionSizes)
                {
                    if (!size.ConstantValue.HasValue)
                    {
                        return true;
                    }
                }

                return false;
            case IPropertyReferenceOperation property:
                return !property.Arguments.IsEmpty;
            case IConversionOperation conversion:
                return ConversionCanThrow(conversion);
            case IBinaryOperation binary:
                return binary.OperatorMethod is not null || binary.IsChecked ||
                       (IsIntegerDivision(binary.OperatorKind, binary.Type) && !binary.RightOperand.ConstantValue.HasValue);
            case ICompoundAssignmentOperation compound:
                return compound.OperatorMethod is not null || compound.IsChecked ||
                       (IsIntegerDivision(compound.OperatorKind, compound.Type) && !compound.Value.ConstantValue.HasValue);
            case IUnaryOperation unary:
                return unary.OperatorMethod is not null || unary.IsChecked;
            case IIncrementOrDecrementOperation increment:
                return increment.OperatorMethod is not null || increment.IsChecked;
            default:
                return false;
        }
    }

    /// <summary>A method the compiler calls only when <c>DEBUG</c> is defined (<c>[Conditional("DEBUG")]</c>).</summary>
    private bool IsDebugOnly(IMethodSymbol method)
    {
        if (_conditionalAttribute is null || !method.ReturnsVoid)
        {
            return false;
        }

        foreach (var attribute in method.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _conditionalAttribute) &&
                attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is "DEBUG")
            {
                return true;
            }
        }

        return false;
    }

    private bool IsQuietThreadingCall(IInvocationOperation invocation)
    {
        var locks = _locks;
        var type = invocation.TargetMethod.ContainingType;
        if (type.Is(locks.Interlocked) || type.Is(locks.Volatile))
        {
            return true;
        }

        if (locks.TryGetHeldTest(invocation, out _))
        {
            return true;
        }

        if (!locks.TryGetAction(invocation, out _))
        {
            return false;
        }

        foreach (var parameter in invocation.TargetMethod.Parameters)
        {
            if (parameter.Type.Is(_cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ConversionCanThrow(IConversionOperation conversion)
    {
        if (conversion.OperatorMethod is not null)
        {
            return true;
        }

        if (conversion.IsImplicit || conversion.ConstantValue.HasValue)
        {
            return false;
        }

        var info = conversion.GetConversion();
        if (info.IsIdentity || info.IsEnumeration || (info.IsNumeric && !conversion.IsChecked))
        {
            return false;
        }

        // An implicit conversion written as a cast (an upcast, boxing) cannot fail either.
        return !info.IsImplicit;
    }

    private static bool IsIntegerDivision(BinaryOperatorKind kind, ITypeSymbol? type) =>
        kind is BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder &&
        type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or
            SpecialType.System_UInt64 or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Byte or
            SpecialType.System_SByte or SpecialType.System_IntPtr or SpecialType.System_UIntPtr;
}
