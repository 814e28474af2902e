using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using ThreadWise.Cli.Html;
using ThreadWise.Cli.Model;
using Xunit;

namespace ThreadWise.Cli.Tests.Html;

/// <summary>Rebuilding the lock-order graph from findings: labels, merging, cycles, findings without facts, a long cycle laid out.</summary>
public class LockGraphTests
{
    [Theory]
    [InlineData("Shop.Bank._ledger", "Bank._ledger")]
    [InlineData("Bank._ledger", "Bank._ledger")]
    [InlineData("Shop.Data.Cache<Shop.Key, System.Collections.Generic.List<int>>._sync", "Cache<Shop.Key, System.Collections.Generic.List<int>>._sync")]
    [InlineData("Shop.Account._sync (from._sync in 'Transfer')", "from._sync")]
    [InlineData("Shop.Tree._left._sync", "_left._sync")]
    public void Labels(string id, string label) => Assert.Equal(label, LockGraph.Label(id));

    [Fact]
    public void FindingsWithoutFacts_AreNotPlaced_OnlyHeldAndTaken_GiveTheirOwnHop()
    {
        var bare = Finding("TW0004", new Dictionary<string, string?>());
        var own = Finding("TW0004", new Dictionary<string, string?> { ["HeldLock"] = "N.C._a", ["TakenLock"] = "N.C._b", ["Method"] = "'M'" });
        var other = Finding("TW0001", new Dictionary<string, string?> { ["HeldLock"] = "N.C._x", ["TakenLock"] = "N.C._y" });
        var graph = LockGraph.Build(new[] { bare, own, other });
        Assert.Equal(new[] { bare }, graph.Unplaced);
        var edge = Assert.Single(graph.Edges);
        Assert.Equal(("N.C._a", "N.C._b", "'M'"), (edge.From, edge.To, edge.Method));
        Assert.False(edge.InCycle);
        Assert.Empty(graph.Cycles);
    }

    [Fact]
    public void LongCycle_OneComponent_EveryArrowRed_LaidOut()
    {
        const int size = 30;
        var hops = Enumerable.Range(0, size).Select(i => $"N.C._l{i}\tN.C._l{(i + 1) % size}\t_l{i}\t_l{(i + 1) % size}\t'Step{i}'\t").ToList();
        var findings = Enumerable.Range(0, size)
            .Select(i => Finding("TW0004", new Dictionary<string, string?> { ["Cycle"] = string.Join("\n", hops.Skip(i).Concat(hops.Take(i))) }))
            .ToList();
        var graph = LockGraph.Build(findings);
        Assert.Equal(size, graph.Nodes.Count);
        Assert.Equal(size, graph.Edges.Count);
        Assert.All(graph.Edges, e => Assert.True(e.InCycle));
        Assert.All(graph.Edges, e => Assert.Single(e.Sites));
        Assert.Equal(size, Assert.Single(graph.Cycles).Count);

        var time = Stopwatch.StartNew();
        var svg = LockGraphSvg.Render(graph, "g1", f => "f" + findings.IndexOf(f), s => $"C.cs({s.StartLine})");
        Assert.True(time.Elapsed < TimeSpan.FromSeconds(60), "the layout stays within the interpreter's time limit");
        var doc = System.Xml.Linq.XDocument.Parse(svg);
        Assert.Equal(size, HtmlAssert.ByClass(doc, "g", "lock").Count());
        Assert.Equal(size, HtmlAssert.ByClass(doc, "g", "cycle").Count(g => ((string)g.Attribute("class")!).StartsWith("edge", StringComparison.Ordinal)));

        // No two locks are drawn on top of each other.
        var boxes = doc.Descendants().Where(e => e.Name.LocalName == "rect" && e.Parent!.Attribute("data-lock") is not null)
            .Select(r => (X: (double)r.Attribute("x")!, Y: (double)r.Attribute("y")!, W: (double)r.Attribute("width")!, H: (double)r.Attribute("height")!)).ToList();
        for (var i = 0; i < boxes.Count; i++)
        {
            for (var j = i + 1; j < boxes.Count; j++)
            {
                var (a, b) = (boxes[i], boxes[j]);
                Assert.False(a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H, $"locks {i} and {j} overlap");
            }
        }
    }

    private static Finding Finding(string rule, Dictionary<string, string?> properties) =>
        new(rule, "warning", "m", "P", new SourceSpot("C.cs", 1, 1, 1, 2), Array.Empty<SourceSpot>(), properties);
}
