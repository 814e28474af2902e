using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ThreadWise.Cli.Model;
using static System.Net.WebUtility;

namespace ThreadWise.Cli.Html;

/// <summary>
/// Draws a <see cref="LockGraph"/> as a static SVG: locks as boxes, "taken while holding" edges labelled with the
/// method, the calls on the way and links to the findings at each acquisition site; edges on a cycle and their locks
/// in red. Placement and routing by <see cref="DagreLayout"/>.
/// </summary>
internal static class LockGraphSvg
{
    private const double NodeCharWidth = 7.8;   // 13px monospace
    private const double LabelCharWidth = 6.7;  // 11px monospace
    private const double LabelLineHeight = 14;
    private const int MaxSitesShown = 4;

    public static string Render(LockGraph graph, string idPrefix, Func<Finding, string?> anchor, Func<SourceSpot, string> place)
    {
        var nodes = graph.Nodes.OrderBy(n => n.Id, StringComparer.Ordinal).ToList();
        var nodeIndex = nodes.Select((n, i) => (n.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var edges = graph.Edges.OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal)
            .ThenBy(e => e.Method, StringComparer.Ordinal).ThenBy(e => e.Via, StringComparer.Ordinal).ToList();
        var labels = edges.Select(e => LabelLines(e, anchor, place)).ToList();

        var layout = DagreLayout.Run(
            nodes.Select(n => new LayoutNode(n.Id, Math.Max(72, n.Label.Length * NodeCharWidth + 28), 34)).ToList(),
            edges.Select((e, i) => new LayoutEdge("e" + i, e.From, e.To,
                labels[i].Max(l => l.Text.Length) * LabelCharWidth + 10, labels[i].Count * LabelLineHeight + 6)).ToList());

        var cycleLocks = new HashSet<string>(graph.Cycles.SelectMany(c => c), StringComparer.Ordinal);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"lockgraph\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{N(layout.Width)}\" height=\"{N(layout.Height)}\" viewBox=\"0 0 {N(layout.Width)} {N(layout.Height)}\">");
        svg.Append("<title>Lock-order graph: a box per lock, an arrow from the lock held to the lock taken; red arrows lie on a cycle</title>");
        svg.Append($"<defs><marker id=\"{idPrefix}-arrow\" class=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker>");
        svg.Append($"<marker id=\"{idPrefix}-arrow-cycle\" class=\"arrow cycle\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>");

        for (var i = 0; i < edges.Count; i++)
        {
            var edge = edges[i];
            var (points, label) = layout.Edges["e" + i];
            var css = edge.InCycle ? "edge cycle" : "edge";
            svg.Append(CultureInfo.InvariantCulture,
                $"<g class=\"{css}\" data-from=\"n{nodeIndex[edge.From]}\" data-to=\"n{nodeIndex[edge.To]}\">");
            svg.Append($"<title>{HtmlEncode(LockGraph.Label(edge.To))} taken while holding {HtmlEncode(LockGraph.Label(edge.From))} in {HtmlEncode(edge.Method)}</title>");
            svg.Append($"<path d=\"{PathData(points)}\" marker-end=\"url(#{idPrefix}-arrow{(edge.InCycle ? "-cycle" : string.Empty)})\"/>");
            var lines = labels[i];
            var width = lines.Max(l => l.Text.Length) * LabelCharWidth + 10;
            var height = lines.Count * LabelLineHeight + 6;
            var left = label.X - width / 2;
            var top = label.Y - height / 2;
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"elabel\" x=\"{N(left)}\" y=\"{N(top)}\" width=\"{N(width)}\" height=\"{N(height)}\" rx=\"3\"/>");
            for (var l = 0; l < lines.Count; l++)
            {
                var y = top + 3 + (l + 1) * LabelLineHeight - 3;
                var text = $"<text x=\"{N(left + 5)}\" y=\"{N(y)}\" class=\"{lines[l].Css}\">{HtmlEncode(lines[l].Text)}</text>";
                svg.Append(lines[l].Href is { } href ? $"<a href=\"#{href}\">{text}</a>" : text);
            }

            svg.Append("</g>");
        }

        foreach (var node in nodes)
        {
            var at = layout.Nodes[node.Id];
            var width = Math.Max(72, node.Label.Length * NodeCharWidth + 28);
            var css = cycleLocks.Contains(node.Id) ? "lock cycle" : "lock";
            svg.Append(CultureInfo.InvariantCulture,
                $"<g class=\"{css}\" data-lock=\"n{nodeIndex[node.Id]}\" id=\"{idPrefix}-n{nodeIndex[node.Id]}\"><title>{HtmlEncode(node.Id)}</title>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{N(at.X - width / 2)}\" y=\"{N(at.Y - 17)}\" width=\"{N(width)}\" height=\"34\" rx=\"6\"/>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{N(at.X)}\" y=\"{N(at.Y + 4.5)}\" text-anchor=\"middle\">{HtmlEncode(node.Label)}</text></g>");
        }

        return svg.Append("</svg>").ToString();
    }

    private sealed record Line(string Text, string Css, string? Href);

    /// <summary>The method; the calls on the way (when the lock is taken in a called method); a link per acquisition site.</summary>
    private static List<Line> LabelLines(LockEdge edge, Func<Finding, string?> anchor, Func<SourceSpot, string> place)
    {
        var lines = new List<Line> { new(edge.Method, "method", null) };
        if (edge.Via.Length > 0)
        {
            lines.Add(new("via " + edge.Via, "via", null));
        }

        var sites = edge.Sites.OrderBy(s => s.Location.FilePath, StringComparer.Ordinal).ThenBy(s => s.Location.StartLine).ToList();
        foreach (var site in sites.Take(MaxSitesShown))
        {
            lines.Add(new("→ " + place(site.Location), "site", anchor(site)));
        }

        if (sites.Count > MaxSitesShown)
        {
            lines.Add(new($"and {sites.Count - MaxSitesShown} more sites", "site", null));
        }

        if (sites.Count == 0)
        {
            lines.Add(new("(no finding at this site)", "site none", null));
        }

        return lines;
    }

    /// <summary>A smooth route through dagre's points: straight ends, quadratic curves through the bends.</summary>
    private static string PathData(IReadOnlyList<Point> points)
    {
        var d = new StringBuilder();
        d.Append(CultureInfo.InvariantCulture, $"M{N(points[0].X)},{N(points[0].Y)}");
        for (var i = 1; i < points.Count - 1; i++)
        {
            var mid = new Point((points[i].X + points[i + 1].X) / 2, (points[i].Y + points[i + 1].Y) / 2);
            d.Append(CultureInfo.InvariantCulture, $" Q{N(points[i].X)},{N(points[i].Y)} {N(mid.X)},{N(mid.Y)}");
        }

        var last = points[points.Count - 1];
        return d.Append(CultureInfo.InvariantCulture, $" L{N(last.X)},{N(last.Y)}").ToString();
    }

    private static string N(double value) => Math.Round(value, 1).ToString(CultureInfo.InvariantCulture);
}
