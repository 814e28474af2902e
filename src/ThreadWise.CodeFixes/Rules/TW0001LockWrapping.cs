using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using ThreadWise.CodeFixes.Infrastructure;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>The syntax edits of the TW0001 lock fix.</summary>
internal static class TW0001LockWrapping
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
    /// Rewrites one statement list: each run of marked statements that follow each other (no blank line between) and
    /// take the same lock becomes one <c>lock (name) { … }</c>, joined to a <c>lock (name)</c> right before it.
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

                // A run: the marked statements that follow each other with no blank line between them (or that carry
                // the same mark: the statements of one TW0016 guard clause's span stay in one lock).
                var run = new List<StatementSyntax>();
                var first = items[i];
                do
                {
                    var statement = items[i] is GlobalStatementSyntax global ? global.Statement : (StatementSyntax)items[i];
                    run.Add(statement);
                    i++;
                }
                while (i < items.Count && NameOf(items[i]) == name &&
                       (StatementEditing.LeadingBlankLines(items[i]).Count == 0 || marks.Keys.Any(m => items[i].HasAnnotation(m) && items[i - 1].HasAnnotation(m))));

                // Right after a lock on the same object (one this fix just wrote, or the user's): join it.
                if (StatementEditing.LeadingBlankLines(first).Count == 0 && result.Count > 0 &&
                    StatementOf(result[result.Count - 1]) is LockStatementSyntax { Expression: IdentifierNameSyntax locked, Statement: BlockSyntax body } previous &&
                    locked.Identifier.ValueText == name)
                {
                    var indentation = body.Statements.Count > 0 ? LeadingIndentation(body.Statements[0].GetLeadingTrivia()) : TriviaList();
                    var joined = previous.WithStatement(body.WithStatements(body.Statements.AddRange(run.Select(r => Reindent(r, indentation)))));
                    result[result.Count - 1] = current is CompilationUnitSyntax ? GlobalStatement(joined).WithTriviaFrom(result[result.Count - 1]) : joined;
                    continue;
                }

                if (!run.All(r => Indentation.StartsALine(r.GetFirstToken())))
                {
                    run[0] = run[0].WithLeadingTrivia(LeadingIndentation(run[0].GetLeadingTrivia()));
                    StatementSyntax formatted = LockStatement(IdentifierName(name), Block(run))
                        .WithLeadingTrivia(first.GetLeadingTrivia())
                        .WithTrailingTrivia(newLine)
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    result.Add(current is CompilationUnitSyntax ? GlobalStatement(formatted) : formatted);
                    continue;
                }

                // Laid out here rather than by the formatter, which would align a comment line under a trailing comment.
                var outerIndentation = LeadingIndentation(first.GetLeadingTrivia());
                var innerIndentation = outerIndentation.AddRange(IndentUnit(current, outerIndentation));
                run[0] = run[0].WithLeadingTrivia(LeadingIndentation(run[0].GetLeadingTrivia()));
                var last = run[run.Count - 1];
                if (!last.GetTrailingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)))
                {
                    run[run.Count - 1] = last.WithTrailingTrivia(last.GetTrailingTrivia().Add(newLine));
                }

                StatementSyntax wrapped = LockStatement(
                        Token(first.GetLeadingTrivia(), SyntaxKind.LockKeyword, TriviaList(Space)),
                        Token(SyntaxKind.OpenParenToken),
                        IdentifierName(name),
                        Token(TriviaList(), SyntaxKind.CloseParenToken, TriviaList(newLine)),
                        Block(
                            Token(outerIndentation, SyntaxKind.OpenBraceToken, TriviaList(newLine)),
                            List(run.Select(r => Reindent(r, innerIndentation))),
                            Token(outerIndentation, SyntaxKind.CloseBraceToken, TriviaList(newLine))));
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

    private static StatementSyntax? StatementOf(SyntaxNode item) => item is GlobalStatementSyntax global ? global.Statement : item as StatementSyntax;

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

    /// <summary>The statement with each line of its leading trivia (comments, the statement itself) indented as <paramref name="indentation"/>.</summary>
    private static StatementSyntax Reindent(StatementSyntax statement, SyntaxTriviaList indentation)
    {
        var result = new List<SyntaxTrivia>();
        var atLineStart = true;
        foreach (var trivia in statement.GetLeadingTrivia())
        {
            if (trivia.IsKind(SyntaxKind.WhitespaceTrivia) && atLineStart)
            {
                continue;
            }

            if (atLineStart && !trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                result.AddRange(indentation);
            }

            result.Add(trivia);
            atLineStart = trivia.IsKind(SyntaxKind.EndOfLineTrivia) || trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia);
        }

        if (atLineStart)
        {
            result.AddRange(indentation);
        }

        return statement.WithLeadingTrivia(result);
    }

    /// <summary>
    /// One level of indentation as the file writes it: the step from the list's opening line (a block's brace, a switch
    /// section's label) to its statements; four spaces at the top level or when that cannot be read.
    /// </summary>
    private static SyntaxTriviaList IndentUnit(SyntaxNode container, SyntaxTriviaList statementIndentation)
    {
        var opener = container switch
        {
            BlockSyntax block => block.OpenBraceToken,
            SwitchSectionSyntax section => section.Labels.FirstOrDefault()?.GetFirstToken() ?? default,
            _ => default,
        };
        var inner = statementIndentation.ToFullString();
        var outer = opener.IsKind(SyntaxKind.None) ? inner : Indentation.OfLine(opener);
        return TriviaList(Whitespace(Indentation.Unit(outer, inner)));
    }

    private static SyntaxTriviaList LeadingIndentation(SyntaxTriviaList leading)
    {
        var result = TriviaList();
        for (var i = leading.Count - 1; i >= 0 && leading[i].IsKind(SyntaxKind.WhitespaceTrivia); i--)
        {
            result = result.Insert(0, leading[i]);
        }

        return result;
    }
}
