using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0001: <c>Interlocked.Increment(ref x)</c> and friends for a read-modify-write, when they keep the meaning of the
/// expression: an unchecked <c>++</c>/<c>--</c>/<c>+=</c>/<c>-=</c> on an <c>int</c>/<c>long</c> (or an unsigned type
/// with an overload) that can be passed by <c>ref</c>. A postfix whose value is used becomes
/// <c>(Interlocked.Increment(ref x) - 1)</c>; a value that nothing reads (a statement, a <c>for</c> incrementor, the body
/// of a <c>void</c> member or lambda) keeps the bare call, which is a valid statement expression.
/// </summary>
internal sealed class TW0001InterlockedPlan
{
    private TW0001InterlockedPlan(ExpressionSyntax replacement, bool inScope)
    {
        Replacement = replacement;
        InterlockedInScope = inScope;
    }

    public ExpressionSyntax Replacement { get; }

    public bool InterlockedInScope { get; }

    public static TW0001InterlockedPlan? TryCreate(SemanticModel model, ExpressionSyntax site, CancellationToken cancellationToken)
    {
        var interlocked = model.Compilation.GetTypeByMetadataName("System.Threading.Interlocked");
        var operation = model.GetOperation(site, cancellationToken);
        if (interlocked is null || operation is null)
        {
            return null;
        }

        string method;
        ExpressionSyntax target;
        ExpressionSyntax? amount = null;
        var negate = false;
        var adjust = 0; // what to add to the result so a postfix x++/x-- keeps its value
        switch (operation)
        {
            case IIncrementOrDecrementOperation { IsChecked: false } step:
                method = step.Kind == OperationKind.Increment ? "Increment" : "Decrement";
                target = site is PostfixUnaryExpressionSyntax post ? post.Operand : ((PrefixUnaryExpressionSyntax)site).Operand;
                if (step.IsPostfix && TW0001ValueContext.IsValueUsed(model, site, cancellationToken))
                {
                    adjust = step.Kind == OperationKind.Increment ? -1 : 1;
                }

                break;
            case ICompoundAssignmentOperation { IsChecked: false, OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound
                when site is AssignmentExpressionSyntax assignment && compound.InConversion.Exists && compound.InConversion.IsIdentity &&
                     compound.OutConversion.IsIdentity && compound.OperatorMethod is null:
                method = "Add";
                target = assignment.Left;
                amount = assignment.Right;
                negate = compound.OperatorKind == BinaryOperatorKind.Subtract;
                break;
            default:
                return null;
        }

        var targetOperation = model.GetOperation(target, cancellationToken);
        var type = targetOperation?.Type;
        if (targetOperation is not (IFieldReferenceOperation or IArrayElementReferenceOperation or ILocalReferenceOperation or IParameterReferenceOperation) ||
            type is null || !HasOverload(interlocked, method, type))
        {
            return null;
        }

        var unsigned = type.SpecialType is SpecialType.System_UInt32 or SpecialType.System_UInt64;
        if (!unsigned && type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
        {
            return null;
        }

        if (unsigned && (negate || adjust != 0))
        {
            return null;
        }

        var inScope = model.LookupNamespacesAndTypes(site.SpanStart, name: "Interlocked")
            .Any(s => SymbolEqualityComparer.Default.Equals(s, interlocked));
        var arguments = new List<ArgumentSyntax>
        {
            Argument(target.WithoutTrivia()).WithRefKindKeyword(Token(SyntaxKind.RefKeyword)),
        };
        if (amount is not null)
        {
            var value = amount.WithoutTrivia();
            if (negate)
            {
                value = PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, NeedsParentheses(value) ? ParenthesizedExpression(value) : value);
            }

            arguments.Add(Argument(value));
        }

        ExpressionSyntax call = InvocationExpression(
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName("Interlocked"), IdentifierName(method)),
            ArgumentList(SeparatedList(arguments)));
        if (adjust != 0)
        {
            call = ParenthesizedExpression(BinaryExpression(
                adjust < 0 ? SyntaxKind.SubtractExpression : SyntaxKind.AddExpression,
                call,
                LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(1))));
        }

        return new TW0001InterlockedPlan(call, inScope);
    }

    private static bool NeedsParentheses(ExpressionSyntax value) =>
        value is not (IdentifierNameSyntax or LiteralExpressionSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or
            ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax);

    private static bool HasOverload(INamedTypeSymbol interlocked, string name, ITypeSymbol type)
    {
        foreach (var member in interlocked.GetMembers(name))
        {
            if (member is IMethodSymbol { IsGenericMethod: false, Parameters.Length: > 0 } m &&
                m.Parameters[0].RefKind == RefKind.Ref &&
                SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, type))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Where an expression's value goes: nowhere (a statement), or into something that reads it.</summary>
internal static class TW0001ValueContext
{
    /// <summary>The expression with the parentheses and <c>checked(…)</c>/<c>unchecked(…)</c> around it.</summary>
    public static ExpressionSyntax Outermost(ExpressionSyntax expression)
    {
        while (expression.Parent is ParenthesizedExpressionSyntax or CheckedExpressionSyntax)
        {
            expression = (ExpressionSyntax)expression.Parent;
        }

        return expression;
    }

    public static bool IsValueUsed(SemanticModel model, ExpressionSyntax expression, CancellationToken cancellationToken)
    {
        var outer = Outermost(expression);
        return outer.Parent switch
        {
            ExpressionStatementSyntax => false,
            ForStatementSyntax f => f.Incrementors.IndexOf(outer) < 0,
            ArrowExpressionClauseSyntax arrow => !DiscardsValue(model, arrow.Parent, cancellationToken),
            AnonymousFunctionExpressionSyntax lambda when lambda.ExpressionBody == outer => !DiscardsValue(model, lambda, cancellationToken),
            _ => true,
        };
    }

    /// <summary>
    /// True when the expression body of <paramref name="owner"/> is evaluated as a statement: a <c>void</c> method,
    /// accessor, constructor, local function or lambda, or an <c>async</c> one returning a task with no result.
    /// </summary>
    public static bool DiscardsValue(SemanticModel model, SyntaxNode? owner, CancellationToken cancellationToken)
    {
        var method = owner switch
        {
            AnonymousFunctionExpressionSyntax lambda => model.GetSymbolInfo(lambda, cancellationToken).Symbol as IMethodSymbol,
            null => null,
            _ => model.GetDeclaredSymbol(owner, cancellationToken) as IMethodSymbol,
        };
        if (method is null)
        {
            return false;
        }

        if (method.ReturnsVoid)
        {
            return true;
        }

        return method.IsAsync && method.ReturnType is INamedTypeSymbol { IsGenericType: false } returnType &&
               returnType.GetMembers("GetAwaiter").OfType<IMethodSymbol>().Any(g => g.Parameters.IsEmpty &&
                   g.ReturnType.GetMembers("GetResult").OfType<IMethodSymbol>().Any(r => r.Parameters.IsEmpty && r.ReturnsVoid));
    }
}
