using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>The syntax edits of the TW0001 lock fix.</summary>
internal static class LockWrapping
{
    /// <summary>The document's line break (the first one in it), so inserted lines match the file.</summary>
    public static SyntaxTrivia NewLine(SyntaxNode node)
    {
        foreach (var trivia in node.SyntaxTree.GetRoot().DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia;
            }
        }

        return ElasticCarriageReturnLineFeed;
    }

    /// <summary>Marks the listed units so the statement list's rewrite finds them after other edits (inserted lines, nested fixes).</summary>
    public static SyntaxAnnotation Mark(DocumentEditor editor, SyntaxNode unit)
    {
        var annotation = new SyntaxAnnotation("TW0001.LockUnit");
        editor.ReplaceNode(unit, (current, _) => current.WithAdditionalAnnotations(annotation));
        return annotation;
    }

    /// <summary>
    /// Rewrites one statement list: each run of marked statements that follow each other and take the same lock
    /// becomes one <c>lock (name) { … }</c>.
    /// </summary>
    public static void ApplyToList(DocumentEditor editor, SyntaxNode container, Dictionary<SyntaxAnnotation, string> marks, SyntaxTrivia newLine)
    {
        editor.ReplaceNode(container, (current, _) =>
        {
            var items = current switch
            {
                BlockSyntax block => block.Statements.Cast<SyntaxNode>().ToList(),
                SwitchSectionSyntax section => section.Statements.Cast<SyntaxNode>().ToList(),
                CompilationUnitSyntax unit => unit.Members.Cast<SyntaxNode>().ToList(),
                _ => new List<SyntaxNode>(),
            };
            string? NameOf(SyntaxNode item) => marks.FirstOrDefault(m => item.HasAnnotation(m.Key)).Value;

            var result = new List<SyntaxNode>();
            for (var i = 0; i < items.Count;)
            {
                var name = NameOf(items[i]);
                if (name is null)
                {
                    result.Add(items[i++]);
                    continue;
                }

                var run = new List<StatementSyntax>();
                var leading = items[i].GetLeadingTrivia();
                while (i < items.Count && NameOf(items[i]) == name)
                {
                    run.Add(items[i] is GlobalStatementSyntax global ? global.Statement : (StatementSyntax)items[i]);
                    i++;
                }

                run[0] = run[0].WithLeadingTrivia(Indentation(run[0].GetLeadingTrivia()));
                StatementSyntax wrapped = LockStatement(IdentifierName(name), Block(run))
                    .WithLeadingTrivia(leading)
                    .WithTrailingTrivia(newLine)
                    .WithAdditionalAnnotations(Formatter.Annotation);
                result.Add(current is CompilationUnitSyntax ? GlobalStatement(wrapped) : wrapped);
            }

            return current switch
            {
                BlockSyntax block => block.WithStatements(List(result.Cast<StatementSyntax>())),
                SwitchSectionSyntax section => section.WithStatements(List(result.Cast<StatementSyntax>())),
                CompilationUnitSyntax unit => unit.WithMembers(List(result.Cast<MemberDeclarationSyntax>())),
                _ => current,
            };
        });
    }

    /// <summary>An embedded statement, a member's or local function's expression body, or a lambda's expression body.</summary>
    public static void Apply(DocumentEditor editor, TW0001LockPlan plan, string name)
    {
        switch (plan.Kind)
        {
            case TW0001LockUnitKind.EmbeddedStatement:
                editor.ReplaceNode(plan.Unit, (current, _) => LockStatement(IdentifierName(name), Block(((StatementSyntax)current).WithoutLeadingTrivia()))
                    .WithLeadingTrivia(current.GetLeadingTrivia())
                    .WithTrailingTrivia(NewLine(plan.Unit))
                    .WithAdditionalAnnotations(Formatter.Annotation));
                break;
            case TW0001LockUnitKind.Arrow:
                editor.ReplaceNode(plan.Unit, (current, _) => current switch
                {
                    BaseMethodDeclarationSyntax { ExpressionBody: { } body } m => m
                        .WithExpressionBody(null).WithSemicolonToken(default)
                        .WithBody(Body(body.Expression, name, plan.ReturnsValue))
                        .WithTrailingTrivia(m.SemicolonToken.TrailingTrivia)
                        .WithAdditionalAnnotations(Formatter.Annotation),
                    LocalFunctionStatementSyntax { ExpressionBody: { } body } f => f
                        .WithExpressionBody(null).WithSemicolonToken(default)
                        .WithBody(Body(body.Expression, name, plan.ReturnsValue))
                        .WithTrailingTrivia(f.SemicolonToken.TrailingTrivia)
                        .WithAdditionalAnnotations(Formatter.Annotation),
                    AccessorDeclarationSyntax { ExpressionBody: { } body } a => a
                        .WithExpressionBody(null).WithSemicolonToken(default)
                        .WithBody(Body(body.Expression, name, plan.ReturnsValue))
                        .WithTrailingTrivia(a.SemicolonToken.TrailingTrivia)
                        .WithAdditionalAnnotations(Formatter.Annotation),
                    _ => current,
                });
                break;
            case TW0001LockUnitKind.Lambda:
                editor.ReplaceNode(plan.Unit, (current, _) =>
                {
                    var lambda = (AnonymousFunctionExpressionSyntax)current;
                    if (lambda.ExpressionBody is not { } body)
                    {
                        return current;
                    }

                    var block = Body(body, name, plan.ReturnsValue).WithTrailingTrivia(body.GetTrailingTrivia());
                    return lambda.WithExpressionBody(null).WithBlock(block).WithAdditionalAnnotations(Formatter.Annotation);
                });
                break;
        }
    }

    private static BlockSyntax Body(ExpressionSyntax expression, string name, bool returnsValue)
    {
        StatementSyntax statement = returnsValue
            ? ReturnStatement(expression.WithoutTrivia())
            : ExpressionStatement(expression.WithoutTrivia());
        return Block(LockStatement(IdentifierName(name), Block(statement))
            .WithTrailingTrivia(ElasticCarriageReturnLineFeed)
            .WithAdditionalAnnotations(Formatter.Annotation));
    }

    private static SyntaxTriviaList Indentation(SyntaxTriviaList leading)
    {
        var result = TriviaList();
        for (var i = leading.Count - 1; i >= 0 && leading[i].IsKind(SyntaxKind.WhitespaceTrivia); i--)
        {
            result = result.Insert(0, leading[i]);
        }

        return result;
    }
}
