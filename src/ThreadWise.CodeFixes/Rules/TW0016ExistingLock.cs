using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// The lock the type's other writes of a field already take: when every <c>lock (x)</c> of the type declaration that
/// writes the field locks the same <c>readonly</c> field of the type (of the right staticness), its name; otherwise
/// null (the fix then adds TW0001's dedicated lock object).
/// </summary>
internal static class TW0016ExistingLock
{
    public static string? Find(SemanticModel model, TypeDeclarationSyntax type, IFieldSymbol field, bool isStatic, CancellationToken cancellationToken)
    {
        IFieldSymbol? found = null;
        foreach (var statement in type.DescendantNodes().OfType<LockStatementSyntax>())
        {
            if (!Writes(model, statement.Statement, field, cancellationToken))
            {
                continue;
            }

            if (model.GetSymbolInfo(statement.Expression, cancellationToken).Symbol is not IFieldSymbol { IsReadOnly: true } gate ||
                !SymbolEqualityComparer.Default.Equals(gate.ContainingType, field.ContainingType) || (isStatic && !gate.IsStatic) ||
                (found is not null && !SymbolEqualityComparer.Default.Equals(found, gate)))
            {
                return null;
            }

            found = gate;
        }

        return found?.Name;
    }

    private static bool Writes(SemanticModel model, StatementSyntax body, IFieldSymbol field, CancellationToken cancellationToken) =>
        body.DescendantNodes().Any(n => n switch
        {
            AssignmentExpressionSyntax a => Is(model, a.Left, field, cancellationToken),
            PostfixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PostIncrementExpression) || p.IsKind(SyntaxKind.PostDecrementExpression) => Is(model, p.Operand, field, cancellationToken),
            PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => Is(model, p.Operand, field, cancellationToken),
            _ => false,
        });

    private static bool Is(SemanticModel model, ExpressionSyntax expression, IFieldSymbol field, CancellationToken cancellationToken) =>
        SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(expression, cancellationToken).Symbol, field);
}
