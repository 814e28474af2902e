using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0001: what a <c>System.Threading.Timer</c> creation or <c>Change</c> call says about overlapping callbacks. A timer
/// created with an infinite period fires once; if the only re-arming is a one-shot <c>Change(due, Infinite)</c> at the
/// end of its own callback (or its initial arming in a constructor), the next run starts after this one has finished,
/// so its runs never overlap.
/// </summary>
internal static class TW0001Timers
{
    public static IOperation? Argument(ImmutableArray<IArgumentOperation> arguments, string parameter)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Name == parameter)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>
    /// <c>Timeout.Infinite</c> (-1, or its unsigned form), <c>Timeout.InfiniteTimeSpan</c> or
    /// <c>TimeSpan.FromMilliseconds(-1)</c>; a missing argument (<c>new Timer(callback)</c>) is infinite too.
    /// </summary>
    public static bool IsInfinite(IOperation? value)
    {
        if (value is null)
        {
            return true;
        }

        value = TW0001Collector.Unwrap(value);
        if (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        if (value.ConstantValue is { HasValue: true, Value: var constant })
        {
            return constant switch
            {
                int i => i == -1,
                long l => l == -1,
                uint u => u == uint.MaxValue,
                _ => false,
            };
        }

        return value switch
        {
            IFieldReferenceOperation { Field: { Name: "InfiniteTimeSpan", ContainingType.Name: "Timeout" } } => true,
            IInvocationOperation { TargetMethod: { Name: "FromMilliseconds", ContainingType.Name: "TimeSpan" } } invocation
                when invocation.Arguments.Length == 1 =>
                IsInfinite(invocation.Arguments[0].Value),
            _ => false,
        };
    }

    /// <summary>The field, property or local a new object is stored in (<c>_timer = new Timer(…)</c>, <c>var task = new Task(…)</c>).</summary>
    public static ISymbol? StorageOf(IObjectCreationOperation creation)
    {
        IOperation current = creation;
        while (current.Parent is IConversionOperation or IParenthesizedOperation)
        {
            current = current.Parent;
        }

        switch (current.Parent)
        {
            case ISimpleAssignmentOperation assignment when assignment.Value == current:
                return LastSymbol(assignment.Target);
            case ICoalesceAssignmentOperation coalesce when coalesce.Value == current:
                return LastSymbol(coalesce.Target);
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return declarator.Symbol;
            case IFieldInitializerOperation { InitializedFields: { Length: 1 } fields }:
                return fields[0];
            case IPropertyInitializerOperation { InitializedProperties: { Length: 1 } properties }:
                return properties[0];
            default:
                return null;
        }
    }

    /// <summary>The field, property or local an expression denotes (the last symbol of its path), seeing through <c>?.</c>.</summary>
    public static ISymbol? LastSymbol(IOperation? operation)
    {
        if (operation is null)
        {
            return null;
        }

        operation = TW0001Collector.Unwrap(operation);
        if (operation is IConditionalAccessInstanceOperation)
        {
            for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IConditionalAccessOperation conditional)
                {
                    operation = TW0001Collector.Unwrap(conditional.Operation);
                    break;
                }
            }
        }

        return Model.AccessPath.TryCreate(operation, out var path) ? path.Symbols[path.Symbols.Length - 1] : null;
    }

    /// <summary>Nothing of <paramref name="body"/> runs after <paramref name="call"/>: the last statement, possibly under if/else, try/catch/finally, lock or using.</summary>
    public static bool IsAtEnd(SyntaxNode call, SyntaxNode body)
    {
        SyntaxNode node = call;
        while (node.Parent is ConditionalAccessExpressionSyntax or ParenthesizedExpressionSyntax)
        {
            node = node.Parent;
        }

        if (node.Parent is ArrowExpressionClauseSyntax arrow)
        {
            return arrow.Parent == body;
        }

        if (node.Parent == body)
        {
            return body is AnonymousFunctionExpressionSyntax; // an expression-bodied lambda
        }

        if (node.Parent is not ExpressionStatementSyntax statement)
        {
            return false;
        }

        node = statement;
        while (true)
        {
            var parent = node.Parent;
            switch (parent)
            {
                case null:
                    return false;
                case BlockSyntax block:
                    if (!IsLast(block, (StatementSyntax)node))
                    {
                        return false;
                    }

                    if (block.Parent == body)
                    {
                        return true;
                    }

                    node = block;
                    continue;
                case IfStatementSyntax or LockStatementSyntax or UsingStatementSyntax or LabeledStatementSyntax or CheckedStatementSyntax:
                    node = parent;
                    continue;
                case ElseClauseSyntax { Parent: IfStatementSyntax ifStatement }:
                    node = ifStatement;
                    continue;
                case FinallyClauseSyntax { Parent: TryStatementSyntax tryStatement }:
                    node = tryStatement;
                    continue;
                case CatchClauseSyntax { Parent: TryStatementSyntax tryStatement } when tryStatement.Finally is null:
                    node = tryStatement;
                    continue;
                case TryStatementSyntax tryStatement when tryStatement.Finally is null:
                    node = tryStatement;
                    continue;
                default:
                    return false;
            }
        }
    }

    private static bool IsLast(BlockSyntax block, StatementSyntax statement)
    {
        var statements = block.Statements;
        for (var i = statements.IndexOf(statement) + 1; i < statements.Count; i++)
        {
            if (statements[i] is not (ReturnStatementSyntax { Expression: null } or EmptyStatementSyntax or LocalFunctionStatementSyntax))
            {
                return false;
            }
        }

        return true;
    }
}
