using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadWise.CodeFixes.Infrastructure;

/// <summary>
/// <c>var value = await LoadAsync();</c> in a lock region whose <c>value</c> is read after the release: becomes
/// <c>int value;</c> before the acquisition and <c>value = await LoadAsync();</c> in the region.
/// </summary>
internal sealed class HoistedLocal
{
    private HoistedLocal(int index, StatementSyntax declaration, StatementSyntax? assignment)
    {
        Index = index;
        Declaration = declaration;
        Assignment = assignment;
    }

    /// <summary>The index of the declaration statement in the statement list.</summary>
    public int Index { get; }

    /// <summary><c>int value;</c></summary>
    public StatementSyntax Declaration { get; }

    /// <summary><c>value = …;</c> in its place (with its comments), or null when it had no initializer.</summary>
    public StatementSyntax? Assignment { get; }

    public static HoistedLocal? TryCreate(SemanticModel model, LocalDeclarationStatementSyntax statement, int index, CancellationToken cancellationToken)
    {
        if (statement.IsConst || !statement.UsingKeyword.IsKind(SyntaxKind.None) || !statement.AwaitKeyword.IsKind(SyntaxKind.None) ||
            statement.Modifiers.Count > 0 || statement.Declaration.Type is RefTypeSyntax || statement.Declaration.Variables.Count != 1 ||
            model.GetDeclaredSymbol(statement.Declaration.Variables[0], cancellationToken) is not ILocalSymbol local ||
            local.Type is IErrorTypeSymbol || local.Type.IsAnonymousType || ContainsAnonymous(local.Type))
        {
            return null;
        }

        var variable = statement.Declaration.Variables[0];
        var type = statement.Declaration.Type.IsVar
            ? SyntaxFactory.ParseTypeName(local.Type.ToMinimalDisplayString(model, statement.SpanStart, TypeFormat))
            : statement.Declaration.Type.WithoutTrivia();
        if (type.ContainsDiagnostics)
        {
            return null;
        }

        var declaration = SyntaxFactory.LocalDeclarationStatement(
                SyntaxFactory.VariableDeclaration(type, SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(variable.Identifier.WithoutTrivia()))))
            .WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation);
        StatementSyntax? assignment = variable.Initializer is { } initializer
            ? SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(
                    SyntaxKind.SimpleAssignmentExpression,
                    SyntaxFactory.IdentifierName(variable.Identifier.WithoutTrivia()),
                    initializer.Value.WithoutTrivia()))
                .WithTriviaFrom(statement)
            : null;
        return new HoistedLocal(index, declaration, assignment);
    }

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static bool ContainsAnonymous(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => array.ElementType.IsAnonymousType || ContainsAnonymous(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(t => t.IsAnonymousType || ContainsAnonymous(t)),
        _ => false,
    };
}
