using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0001, first phase: one walk over each method's operations (run concurrently by the driver) that summarizes every
/// executable body — the method, its local functions and the lambdas it launches on other threads — into the storage it
/// writes (and whether under a lock), the source methods it calls and the bodies it launches.
/// </summary>
internal sealed partial class TW0001Collector
{
    private readonly ThreadingModel _model;
    private readonly ImmutableHashSet<IMethodSymbol> _libraryAcquires;
    private readonly INamedTypeSymbol? _methodImpl;
    private readonly INamedTypeSymbol? _enumerable;
    private readonly INamedTypeSymbol? _list;
    private readonly ImmutableHashSet<IMethodSymbol> _timerChange;
    private readonly ImmutableHashSet<IMethodSymbol> _timerConstructors;
    private readonly INamedTypeSymbol? _taskScheduler;

    public TW0001Collector(ThreadingModel model)
    {
        _model = model;
        _timerChange = SymbolSets.Methods(model.Launches.ThreadingTimer, "Change");
        _taskScheduler = WellKnownTypes.Get(model.Compilation, "System.Threading.Tasks.TaskScheduler");
        _timerConstructors = SymbolSets.Constructors(model.Launches.ThreadingTimer).ToImmutableHashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        var compilation = model.Compilation;
        _libraryAcquires = SymbolSets.Union(
            SymbolSets.Methods(WellKnownTypes.Get(compilation, "ThreadWise.SemaphoreSlimExtensions"), "Enter", "EnterAsync"),
            SymbolSets.Methods(WellKnownTypes.Get(compilation, "ThreadWise.LockSet"), "Enter"));
        _methodImpl = WellKnownTypes.Get(compilation, "System.Runtime.CompilerServices.MethodImplAttribute");
        _enumerable = WellKnownTypes.Get(compilation, "System.Linq.Enumerable");
        _list = WellKnownTypes.Get(compilation, "System.Collections.Generic.List`1");
    }

    /// <summary>The bodies of the member that owns <paramref name="context"/>'s blocks (a pure function of them).</summary>
    public ImmutableArray<BodySummary> Summarize(OperationBlockAnalysisContext context)
    {
        var result = ImmutableArray.CreateBuilder<BodySummary>();
        var owner = context.OwningSymbol;
        var method = owner as IMethodSymbol;
        var isConstructor = method is { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor };
        var synchronized = method is not null && IsSynchronized(method);
        foreach (var block in context.OperationBlocks)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var walk = new Walk(this, block);
            walk.FindLaunchedLambdas();
            object key = method is not null ? MethodKey(method) : block.Syntax;
            var syntax = method?.DeclaringSyntaxReferences.Length > 0 && method.MethodKind != MethodKind.LambdaMethod
                ? method.DeclaringSyntaxReferences[0].GetSyntax(context.CancellationToken)
                : block.Syntax;
            if (!syntax.Span.Contains(block.Syntax.Span) || syntax.SyntaxTree != block.Syntax.SyntaxTree)
            {
                syntax = block.Syntax;
            }

            var root = new BodySummary(key, syntax, isConstructor);
            walk.Run(root, synchronized);
            TW0001LaunchFlow.Apply(context, block, root, walk.Bodies, _model, context.CancellationToken);
            foreach (var body in walk.Bodies)
            {
                if (body.Launches.Count == 0)
                {
                    // Own locals matter only to code that launches lambdas capturing them.
                    body.Accesses.RemoveAll(a => a.Root == StorageRoot.OwnLocal);
                }

                if (body.IsConstructor)
                {
                    // Constructors run before the object is shared: their own writes are not races.
                    body.Accesses.Clear();
                    body.Calls.Clear();
                }

                if (body.Accesses.Count > 0 || body.Calls.Count > 0 || body.Launches.Count > 0 || body.TimerChanges.Count > 0 ||
                    body.RefParameterUpdates.Count > 0 || body.RefForwards.Count > 0)
                {
                    result.Add(body);
                }
            }
        }

        return result.ToImmutable();
    }

    internal static IMethodSymbol MethodKey(IMethodSymbol method)
    {
        var m = method.ReducedFrom ?? method;
        m = m.PartialDefinitionPart ?? m;
        return m.OriginalDefinition;
    }

    private bool IsSynchronized(IMethodSymbol method)
    {
        if (_methodImpl is null)
        {
            return false;
        }

        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass.Is(_methodImpl) && attribute.ConstructorArguments.Length > 0 &&
                attribute.ConstructorArguments[0].Value is { } value)
            {
                try
                {
                    if ((System.Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) & 0x20) != 0)
                    {
                        return true;
                    }
                }
                catch (System.Exception e) when (e is System.FormatException or System.InvalidCastException or System.OverflowException)
                {
                    return false;
                }
            }
        }

        return false;
    }

    /// <summary>System.Linq.Enumerable operators, <c>List&lt;T&gt;.ForEach</c>, <c>Array.ForEach</c>.</summary>
    private bool RunsDelegatePerElement(IMethodSymbol method)
    {
        var type = (method.ReducedFrom ?? method).ContainingType;
        return type.Is(_enumerable) ||
               (method.Name == "ForEach" && (type.Is(_list) || type?.SpecialType == SpecialType.System_Array));
    }

    private bool IsAcquire(IInvocationOperation invocation) =>
        (_model.Locks.TryGetAction(invocation, out var action) && action.IsAcquire) ||
        _libraryAcquires.ContainsMethod(invocation.TargetMethod);

    private bool IsRelease(IInvocationOperation invocation) =>
        _model.Locks.TryGetAction(invocation, out var action) && action.Kind == LockActionKind.Release;

    private bool ContainsInvocation(IOperation? operation, bool acquire)
    {
        if (operation is null)
        {
            return false;
        }

        foreach (var descendant in operation.DescendantsAndSelf())
        {
            if (descendant is IInvocationOperation invocation && (acquire ? IsAcquire(invocation) : IsRelease(invocation)))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsAcquireStatement(IOperation statement) => statement switch
    {
        IExpressionStatementOperation { Operation: var e } => Unwrap(e) is IAwaitOperation { Operation: var awaited }
            ? Unwrap(awaited) is IInvocationOperation a && IsAcquire(a)
            : Unwrap(e) is IInvocationOperation i && IsAcquire(i),
        IUsingDeclarationOperation declaration => ContainsInvocation(declaration.DeclarationGroup, acquire: true),
        _ => false,
    };

    private bool IsReleaseStatement(IOperation statement) =>
        statement is IExpressionStatementOperation { Operation: var e } && Unwrap(e) is IInvocationOperation i && IsRelease(i);

    /// <summary>A <c>TaskScheduler</c> argument other than <c>TaskScheduler.Default</c> or <c>TaskScheduler.Current</c>.</summary>
    private bool IsCustomScheduler(IArgumentOperation argument)
    {
        if (_taskScheduler is null || argument.Parameter is not { Type: var type } || !type.Is(_taskScheduler))
        {
            return false;
        }

        return !(Unwrap(argument.Value) is IPropertyReferenceOperation { Property: { IsStatic: true, Name: "Default" or "Current" } property } &&
                 property.ContainingType.Is(_taskScheduler));
    }

    internal static IOperation Unwrap(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation { IsImplicit: true } c:
                    operation = c.Operand;
                    break;
                case IParenthesizedOperation p:
                    operation = p.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }
}
