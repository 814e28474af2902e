using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Jint;

namespace ThreadWise.Cli.Html;

/// <summary>A box to place (a node, or an edge's label).</summary>
internal sealed record LayoutNode(string Id, double Width, double Height);

/// <summary>An edge to route, with the size of its label.</summary>
internal sealed record LayoutEdge(string Name, string From, string To, double LabelWidth, double LabelHeight);

internal sealed record Point(double X, double Y);

/// <summary>Where everything went: node centres, each edge's route and label centre, the drawing's size.</summary>
internal sealed record Layout(
    IReadOnlyDictionary<string, Point> Nodes,
    IReadOnlyDictionary<string, (IReadOnlyList<Point> Points, Point Label)> Edges,
    double Width,
    double Height);

/// <summary>
/// Layered (Sugiyama) layout by dagre — the layout Mermaid uses — run in-process by the Jint interpreter at report
/// time, so the report gets a finished SVG. The vendored library (Html/dagre, see VENDORED.md) is loaded once per
/// process; calls are serialized (a Jint engine is single-threaded).
/// </summary>
internal static class DagreLayout
{
    private static readonly object Gate = new();
    private static Engine? s_engine;

    public static Layout Run(IReadOnlyList<LayoutNode> nodes, IReadOnlyList<LayoutEdge> edges)
    {
        var input = JsonSerializer.Serialize(new
        {
            nodes = nodes.Select(n => new { id = n.Id, width = n.Width, height = n.Height }),
            edges = edges.Select(e => new { name = e.Name, v = e.From, w = e.To, width = e.LabelWidth, height = e.LabelHeight }),
        });
        string output;
        lock (Gate)
        {
            var engine = s_engine ??= CreateEngine();
            output = engine.Invoke("threadwiseLayout", input).ToString();
        }

        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var placed = new Dictionary<string, Point>(StringComparer.Ordinal);
        foreach (var node in root.GetProperty("nodes").EnumerateObject())
        {
            placed[node.Name] = new Point(node.Value.GetProperty("x").GetDouble(), node.Value.GetProperty("y").GetDouble());
        }

        var routed = new Dictionary<string, (IReadOnlyList<Point>, Point)>(StringComparer.Ordinal);
        foreach (var edge in root.GetProperty("edges").EnumerateObject())
        {
            var points = edge.Value.GetProperty("points").EnumerateArray()
                .Select(p => new Point(p.GetProperty("x").GetDouble(), p.GetProperty("y").GetDouble()))
                .ToList();
            routed[edge.Name] = (points, new Point(edge.Value.GetProperty("x").GetDouble(), edge.Value.GetProperty("y").GetDouble()));
        }

        return new Layout(placed, routed, root.GetProperty("width").GetDouble(), root.GetProperty("height").GetDouble());
    }

    private static Engine CreateEngine()
    {
        var engine = new Engine(options => options.TimeoutInterval(TimeSpan.FromSeconds(60)));

        // Jint has no structuredClone; dagre clones only plain data with it (a graph label, a layering of node ids).
        engine.Execute("globalThis.structuredClone = function (v) { return v === undefined ? v : JSON.parse(JSON.stringify(v)); };");
        engine.Execute(ReadResource("ThreadWise.Cli.Html.dagre.min.js"));
        engine.Execute("""
            function threadwiseLayout(input) {
              const data = JSON.parse(input);
              const g = new dagre.graphlib.Graph({ multigraph: true });
              g.setGraph({ rankdir: 'TB', nodesep: 40, edgesep: 24, ranksep: 56, marginx: 16, marginy: 16 });
              for (const n of data.nodes) g.setNode(n.id, { width: n.width, height: n.height });
              for (const e of data.edges) g.setEdge(e.v, e.w, { width: e.width, height: e.height, labelpos: 'c' }, e.name);
              dagre.layout(g);
              const out = { nodes: {}, edges: {}, width: g.graph().width, height: g.graph().height };
              for (const id of g.nodes()) { const n = g.node(id); out.nodes[id] = { x: n.x, y: n.y }; }
              for (const e of g.edges()) { const l = g.edge(e); out.edges[e.name] = { points: l.points, x: l.x, y: l.y }; }
              return JSON.stringify(out);
            }
            """);
        return engine;
    }

    private static string ReadResource(string name)
    {
        using var stream = typeof(DagreLayout).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing from the threadwise tool.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
