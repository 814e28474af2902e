using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ThreadWise.CodeFixes.Infrastructure;

/// <summary>
/// Explicit indentation for fixes that move existing statements one level deeper. The formatter would re-indent them
/// too, but it lines a comment that has a line of its own up under the previous line's trailing comment; shifting each
/// line by one level keeps every comment where the user put it.
/// </summary>
internal static class Indentation
{
    /// <summary>The whitespace at the start of the line that holds <paramref name="token"/>.</summary>
    public static string OfLine(SyntaxToken token)
    {
        var text = token.SyntaxTree!.GetText();
        var line = text.Lines.GetLineFromPosition(token.SpanStart).ToString();
        return line.Substring(0, line.Length - line.TrimStart().Length);
    }

    /// <summary>One level as the file writes it: <paramref name="inner"/> minus <paramref name="outer"/>, else four spaces (a tab if the file indents with tabs).</summary>
    public static string Unit(string outer, string inner) =>
        inner.Length > outer.Length && inner.StartsWith(outer, System.StringComparison.Ordinal)
            ? inner.Substring(outer.Length)
            : inner.StartsWith("\t", System.StringComparison.Ordinal) ? "\t" : "    ";

    /// <summary>True when nothing but whitespace comes before <paramref name="token"/> on its line.</summary>
    public static bool StartsALine(SyntaxToken token) =>
        token.LeadingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) ||
        token.GetPreviousToken().TrailingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) ||
        token.GetPreviousToken().IsKind(SyntaxKind.None);

    /// <summary>
    /// <paramref name="node"/> (still in its tree) with <paramref name="unit"/> added at the start of each of its lines:
    /// its first token's line when the node starts a line, and every line break inside it.
    /// </summary>
    public static TNode Shift<TNode>(TNode node, string unit)
        where TNode : SyntaxNode
    {
        var tokens = node.DescendantTokens().ToList();
        var first = tokens.FirstOrDefault();
        return node.ReplaceTokens(tokens, (original, current) =>
        {
            var atLineStart = original == first ? StartsALine(original) : original.GetPreviousToken().TrailingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            return current.WithLeadingTrivia(ShiftTrivia(current.LeadingTrivia, atLineStart, unit));
        });
    }

    private static SyntaxTriviaList ShiftTrivia(SyntaxTriviaList trivia, bool atLineStart, string unit)
    {
        var result = new List<SyntaxTrivia>();
        foreach (var item in trivia)
        {
            if (atLineStart && !item.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                if (item.IsKind(SyntaxKind.WhitespaceTrivia))
                {
                    result.Add(SyntaxFactory.Whitespace(unit + item.ToString()));
                    atLineStart = false;
                    continue;
                }

                result.Add(SyntaxFactory.Whitespace(unit));
            }

            result.Add(item);
            atLineStart = item.IsKind(SyntaxKind.EndOfLineTrivia);
        }

        if (atLineStart)
        {
            result.Add(SyntaxFactory.Whitespace(unit));
        }

        return SyntaxFactory.TriviaList(result);
    }
}
