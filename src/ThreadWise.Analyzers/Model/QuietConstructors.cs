using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// Object creations that cannot throw: the constructor is declared in the same file, its class derives from
/// <c>object</c>, and its body and the field initializers do nothing that can throw except null-argument guards
/// (<c>_t = t ?? throw new ArgumentNullException(…)</c>, <c>if (t == null) throw …</c>, <c>ArgumentNullException.ThrowIfNull(t)</c>)
/// on arguments that a preceding null check of the calling body rules out, or that cannot be null (<c>this</c>, a new object).
/// Reads the constructor through the semantic model the operation came from: no other file is bound.
/// </summary>
internal sealed class QuietConstructors
{
    /// <summary>Per constructor: the parameters that must not be null for it not to throw, or default when it may throw.</summary>
    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<IParameterSymbol>> _guarded = new(SymbolEqualityComparer.Default);
    private readonly INamedTypeSymbol? _argumentNullException;

    public QuietConstructors(Compilation compilation) =>
        _argumentNullException = WellKnownTypes.Get(compilation, "System.ArgumentNullException");

    /// <param name="model">The semantic model of the creation's file (operations of a flow graph carry none).</param>
    public bool CannotThrow(IObjectCreationOperation creation, SemanticModel? model, System.Func<IOperation, bool> canThrow)
    {
        model ??= creation.SemanticModel;
        if (creation.Constructor is not { } constructor || creation.Initializer is not null || model is null ||
            creation.Syntax.SyntaxTree != model.SyntaxTree)
        {
            return false;
        }

        var guarded = _guarded.GetOrAdd(constructor, c => Analyze(c, model, canThrow));
        if (guarded.IsDefault)
        {
            return false;
        }

        foreach (var parameter in guarded)
        {
            var argument = FindArgument(creation, parameter);
            if (argument is null || !IsKnownNotNull(argument.Value, model.GetOperation(creation.Syntax) ?? creation))
            {
                return false;
            }
        }

        return true;
    }

    private ImmutableArray<IParameterSymbol> Analyze(IMethodSymbol constructor, SemanticModel model, System.Func<IOperation, bool> canThrow)
    {
        var type = constructor.ContainingType;
        if (type.BaseType?.SpecialType != SpecialType.System_Object || constructor.DeclaringSyntaxReferences.Length != 1)
        {
            return default;
        }

        var declaration = constructor.DeclaringSyntaxReferences[0].GetSyntax();
        if (declaration.SyntaxTree != model.SyntaxTree || model.GetOperation(declaration) is not { } body)
        {
            return default;
        }

        var roots = new List<IOperation> { body };
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false })
            {
                foreach (var reference in member.DeclaringSyntaxReferences)
                {
                    var syntax = reference.GetSyntax();
                    if (syntax.SyntaxTree != model.SyntaxTree)
                    {
                        return default;
                    }

                    foreach (var node in syntax.DescendantNodes())
                    {
                        if (node is Microsoft.CodeAnalysis.CSharp.Syntax.EqualsValueClauseSyntax && model.GetOperation(node) is { } initializer)
                        {
                            roots.Add(initializer);
                        }
                    }
                }
            }
        }

        var guarded = ImmutableArray.CreateBuilder<IParameterSymbol>();
        foreach (var root in roots)
        {
            var stack = new Stack<IOperation>();
            stack.Push(root);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                if (current is IThrowOperation && GuardedParameter(current) is { } parameter)
                {
                    guarded.Add(parameter);
                    continue;
                }

                if (current is IInvocationOperation { TargetMethod: { Name: "ThrowIfNull", ContainingType: var thrower } } guard &&
                    thrower.Is(_argumentNullException) && guard.Arguments.Length > 0 &&
                    OperationTree.WithoutImplicitConversions(guard.Arguments[0].Value) is IParameterReferenceOperation checkedParameter)
                {
                    guarded.Add(checkedParameter.Parameter);
                    continue;
                }

                if (current is IInvocationOperation { TargetMethod.MethodKind: MethodKind.Constructor, TargetMethod.ContainingType.SpecialType: SpecialType.System_Object })
                {
                    continue;
                }

                if (current is IThrowOperation || canThrow(current))
                {
                    return default;
                }

                foreach (var child in current.ChildOperations)
                {
                    stack.Push(child);
                }
            }
        }

        return guarded.ToImmutable();
    }

    /// <summary>The parameter whose null value alone reaches this throw: <c>p ?? throw …</c> or <c>if (p == null) throw …</c>.</summary>
    private static IParameterSymbol? GuardedParameter(IOperation throwOperation)
    {
        var parent = throwOperation.Parent;
        while (parent is IConversionOperation { IsImplicit: true } or IExpressionStatementOperation or IBlockOperation { Operations.Length: 1 })
        {
            throwOperation = parent;
            parent = parent.Parent;
        }

        return parent switch
        {
            ICoalesceOperation coalesce when coalesce.WhenNull == throwOperation && OperationTree.WithoutImplicitConversions(coalesce.Value) is IParameterReferenceOperation p => p.Parameter,
            IConditionalOperation { WhenFalse: null } conditional when conditional.WhenTrue == throwOperation && NullTested(conditional.Condition) is { } p => p,
            _ => null,
        };
    }

    private static IParameterSymbol? NullTested(IOperation condition) => condition switch
    {
        IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } binary when IsNullLiteral(binary.RightOperand) && OperationTree.WithoutImplicitConversions(binary.LeftOperand) is IParameterReferenceOperation p => p.Parameter,
        IIsPatternOperation { Pattern: IConstantPatternOperation constant } isPattern when IsNullLiteral(constant.Value) && OperationTree.WithoutImplicitConversions(isPattern.Value) is IParameterReferenceOperation p => p.Parameter,
        _ => null,
    };

    private static IArgumentOperation? FindArgument(IObjectCreationOperation creation, IParameterSymbol parameter)
    {
        foreach (var argument in creation.Arguments)
        {
            if (SymbolEqualityComparer.Default.Equals(argument.Parameter?.OriginalDefinition, parameter.OriginalDefinition))
            {
                return argument;
            }
        }

        return null;
    }

    /// <summary><c>this</c>, a new object or a delegate, or a parameter or local that a statement before the creation tested for null and left on.</summary>
    private static bool IsKnownNotNull(IOperation value, IOperation creation)
    {
        value = OperationTree.WithoutImplicitConversions(value);
        if (value is IInstanceReferenceOperation or IObjectCreationOperation or IDelegateCreationOperation or IAnonymousFunctionOperation)
        {
            return true;
        }

        ISymbol? symbol = value switch
        {
            IParameterReferenceOperation p => p.Parameter,
            ILocalReferenceOperation l => l.Local,
            _ => null,
        };
        if (symbol is null)
        {
            return false;
        }

        var root = creation;
        while (root.Parent is { } parent && parent is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            root = parent;
        }

        foreach (var operation in root.DescendantsAndSelf())
        {
            if (operation.Syntax.SpanStart >= creation.Syntax.SpanStart)
            {
                continue;
            }

            // if (x == null) throw …; / if (x is null) return …; / ArgumentNullException.ThrowIfNull(x); / _x = x ?? throw …
            if ((operation is IConditionalOperation { WhenFalse: null, WhenTrue: var exit } conditional && LeavesBody(exit) &&
                 NullTestedSymbol(conditional.Condition) is { } tested && SymbolEqualityComparer.Default.Equals(tested, symbol)) ||
                (operation is IInvocationOperation { TargetMethod.Name: "ThrowIfNull" } check && check.Arguments.Length > 0 &&
                 OperationTree.WithoutImplicitConversions(check.Arguments[0].Value) is var checkedValue && ReferencedSymbol(checkedValue) is { } checkedSymbol &&
                 SymbolEqualityComparer.Default.Equals(checkedSymbol, symbol)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool LeavesBody(IOperation operation)
    {
        while (operation is IBlockOperation { Operations.Length: > 0 } block)
        {
            operation = block.Operations[block.Operations.Length - 1];
        }

        return operation is IReturnOperation or IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation };
    }

    private static ISymbol? NullTestedSymbol(IOperation condition) => condition switch
    {
        IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } binary when IsNullLiteral(binary.RightOperand) => ReferencedSymbol(OperationTree.WithoutImplicitConversions(binary.LeftOperand)),
        IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } binary when IsNullLiteral(binary.LeftOperand) => ReferencedSymbol(OperationTree.WithoutImplicitConversions(binary.RightOperand)),
        IIsPatternOperation { Pattern: IConstantPatternOperation constant } isPattern when IsNullLiteral(constant.Value) => ReferencedSymbol(OperationTree.WithoutImplicitConversions(isPattern.Value)),
        _ => null,
    };

    private static ISymbol? ReferencedSymbol(IOperation operation) => operation switch
    {
        IParameterReferenceOperation p => p.Parameter,
        ILocalReferenceOperation l => l.Local,
        _ => null,
    };

    private static bool IsNullLiteral(IOperation operation) => OperationTree.WithoutImplicitConversions(operation).ConstantValue is { HasValue: true, Value: null };
}
