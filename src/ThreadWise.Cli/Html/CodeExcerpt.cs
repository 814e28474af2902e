using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ThreadWise.Cli.Model;
using static System.Net.WebUtility;

namespace ThreadWise.Cli.Html;

/// <summary>
/// Source lines around a finding, read from disk once per file, HTML-escaped, with the reported span highlighted.
/// A file that cannot be read (moved, deleted, no path) gives a note instead of code.
/// </summary>
internal sealed class CodeExcerpt
{
    private readonly Dictionary<string, string[]?> _files = new(StringComparer.Ordinal);

    /// <summary>The lines <paramref name="spot"/> covers and <paramref name="context"/> lines either side, as a <c>pre</c> block.</summary>
    public string Render(SourceSpot spot, int context = 2)
    {
        if (Lines(spot.FilePath) is not { } lines || spot.StartLine < 1 || spot.StartLine > lines.Length)
        {
            return $"<p class=\"nocode\">(source not available: {HtmlEncode(spot.FilePath)})</p>";
        }

        var first = Math.Max(1, spot.StartLine - context);
        var last = Math.Min(lines.Length, Math.Max(spot.StartLine, spot.EndLine) + context);
        var indent = lines.Skip(first - 1).Take(last - first + 1)
            .Where(l => l.Trim().Length > 0)
            .Select(l => l.Length - l.TrimStart(' ', '\t').Length)
            .DefaultIfEmpty(0)
            .Min();
        var html = new StringBuilder("<pre class=\"code\">");
        for (var n = first; n <= last; n++)
        {
            var text = lines[n - 1];
            var marked = n >= spot.StartLine && n <= spot.EndLine;
            html.Append(marked ? "<span class=\"line hit\">" : "<span class=\"line\">");
            html.Append("<span class=\"ln\">").Append(n).Append("</span>");
            var from = marked && n == spot.StartLine ? spot.StartColumn - 1 : 0;
            var to = marked && n == spot.EndLine ? spot.EndColumn - 1 : text.Length;
            from = Math.Clamp(from, 0, text.Length);
            to = Math.Clamp(to, from, text.Length);
            var cut = Math.Min(indent, from);
            if (!marked || from == to)
            {
                html.Append(HtmlEncode(text.Substring(Math.Min(indent, text.Length))));
            }
            else
            {
                html.Append(HtmlEncode(text.Substring(cut, from - cut)))
                    .Append("<mark>").Append(HtmlEncode(text.Substring(from, to - from))).Append("</mark>")
                    .Append(HtmlEncode(text.Substring(to)));
            }

            html.Append("</span>");
        }

        return html.Append("</pre>").ToString();
    }

    /// <summary>The one line at <paramref name="spot"/>, trimmed and escaped, or empty.</summary>
    public string LineText(SourceSpot spot) =>
        Lines(spot.FilePath) is { } lines && spot.StartLine >= 1 && spot.StartLine <= lines.Length
            ? HtmlEncode(lines[spot.StartLine - 1].Trim())
            : string.Empty;

    private string[]? Lines(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        if (!_files.TryGetValue(path, out var lines))
        {
            try
            {
                lines = File.ReadAllText(path).Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                lines = null;
            }

            _files[path] = lines;
        }

        return lines;
    }
}
