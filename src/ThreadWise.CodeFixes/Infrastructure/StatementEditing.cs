using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadWise.CodeFixes.Infrastructure;

/// <summary>Statement-level helpers shared by the fixers: which list a statement lives in, moving it, keeping comments.</summary>
internal static class StatementEditing
{
    /// <summary>
    /// The unit that can be moved or removed for an expression statement: the statement itself, or the
    /// <see cref="GlobalStatementSyntax"/> around it in top-level programs.
    /// </summary>
    public static SyntaxNode MovableUnit(StatementSyntax statement) =>
        statement.Parent is GlobalStatementSyntax global ? global : statement;

    /// <summary>The statement inside a movable unit (the inverse of <see cref="MovableUnit"/>).</summary>
    public static StatementSyntax StatementOf(SyntaxNode unit) =>
        unit is GlobalStatementSyntax global ? global.Statement : (StatementSyntax)unit;

    /// <summary>True when both units are members of the same statement list (a block, a switch section, or the top level).</summary>
    public static bool AreSiblings(SyntaxNode first, SyntaxNode second) => first.Parent == second.Parent &&
        first.Parent is BlockSyntax or SwitchSectionSyntax or CompilationUnitSyntax;

    /// <summary>True when <paramref name="node"/> carries comments (or directives) in its leading or trailing trivia.</summary>
    public static bool HasComments(SyntaxNode node) =>
        node.GetLeadingTrivia().Concat(node.GetTrailingTrivia()).Any(IsCommentOrDirective);

    /// <summary>The leading comment lines of <paramref name="node"/> (each followed by its end of line), for re-attaching elsewhere.</summary>
    public static SyntaxTriviaList LeadingCommentLines(SyntaxNode node, SyntaxTriviaList indentation)
    {
        var result = SyntaxFactory.TriviaList();
        var trivia = node.GetLeadingTrivia();
        for (var i = 0; i < trivia.Count; i++)
        {
            if (!IsCommentOrDirective(trivia[i]))
            {
                continue;
            }

            result = result.AddRange(indentation).Add(trivia[i]).Add(SyntaxFactory.ElasticCarriageReturnLineFeed);
        }

        return result;
    }

    /// <summary>The whitespace that indents <paramref name="node"/>'s first line.</summary>
    public static SyntaxTriviaList Indentation(SyntaxNode node)
    {
        var leading = node.GetLeadingTrivia();
        var result = SyntaxFactory.TriviaList();
        for (var i = leading.Count - 1; i >= 0 && leading[i].IsKind(SyntaxKind.WhitespaceTrivia); i--)
        {
            result = result.Insert(0, leading[i]);
        }

        return result;
    }

    /// <summary>The blank lines that open a node's leading trivia (the end-of-line trivia before its first comment or token).</summary>
    public static SyntaxTriviaList LeadingBlankLines(SyntaxNode node)
    {
        var result = SyntaxFactory.TriviaList();
        foreach (var trivia in node.GetLeadingTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                result = result.Add(trivia);
            }
            else if (!trivia.IsKind(SyntaxKind.WhitespaceTrivia))
            {
                break;
            }
        }

        return result;
    }

    /// <summary><paramref name="node"/> without the blank lines that open its leading trivia (its comments and indentation stay).</summary>
    public static TNode WithoutLeadingBlankLines<TNode>(TNode node)
        where TNode : SyntaxNode
    {
        var trivia = node.GetLeadingTrivia();
        var keepFrom = 0;
        for (var i = 0; i < trivia.Count; i++)
        {
            if (trivia[i].IsKind(SyntaxKind.EndOfLineTrivia))
            {
                keepFrom = i + 1;
            }
            else if (!trivia[i].IsKind(SyntaxKind.WhitespaceTrivia))
            {
                break;
            }
        }

        return keepFrom == 0 ? node : node.WithLeadingTrivia(trivia.Skip(keepFrom));
    }

    private static bool IsCommentOrDirective(SyntaxTrivia trivia) =>
        trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia) ||
        trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) || trivia.IsDirective;
}
