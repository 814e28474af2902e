using System.Text;

namespace ThreadWise.Analyzers.Model;

/// <summary>Code quoted in a diagnostic message: one line, short.</summary>
internal static class CodeText
{
    /// <summary>Whitespace runs folded to one space; a long call cut to its callee (<c>Task.Run(...)</c>).</summary>
    public static string Shorten(string text, int max = 40)
    {
        var folded = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = folded.Length > 0;
                continue;
            }

            if (space)
            {
                folded.Append(' ');
                space = false;
            }

            folded.Append(c);
        }

        var result = folded.ToString();
        if (result.Length <= max)
        {
            return result;
        }

        var paren = result.IndexOf('(');
        return paren > 0 && paren <= max - 3 ? result.Substring(0, paren) + "(...)" : result.Substring(0, max - 3) + "...";
    }

    /// <summary>The 1-based line of <paramref name="node"/>, for messages.</summary>
    public static string Line(Microsoft.CodeAnalysis.SyntaxNode node) =>
        (node.GetLocation().GetLineSpan().StartLinePosition.Line + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
