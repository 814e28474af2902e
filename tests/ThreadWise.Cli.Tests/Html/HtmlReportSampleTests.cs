using System;
using System.IO;
using System.Linq;
using ThreadWise.Cli.Html;
using ThreadWise.Cli.Model;
using Xunit;

namespace ThreadWise.Cli.Tests.Html;

/// <summary>
/// The HTML report on real analyzer output: the TW0004 and TW0001 samples analyzed in-process. With the environment
/// variable <c>THREADWISE_HTML_OUT</c> set, the report is also written there (build/html-check.sh loads it in headless
/// Chromium and takes the docs' screenshot from it).
/// </summary>
public sealed class HtmlReportSampleTests
{
    private static readonly Lazy<AnalysisResult> Samples = new(() => SampleAnalysis.Run("TW0004.LockOrderDeadlock", "TW0001.LostUpdates"));

    [Fact]
    public void Samples_EveryCycleDrawn_LocksByName_AllEdgesRed_EverySiteLinked()
    {
        var result = Samples.Value;
        var tw4 = result.Projects.Single(p => p.Name == "TW0004.LockOrderDeadlock").Findings.Where(f => f.RuleId == "TW0004").ToList();
        var expected = Directory.GetFiles(Path.Combine(SampleAnalysis.RepositoryRoot, "samples", "TW0004.LockOrderDeadlock"), "*.cs")
            .SelectMany(File.ReadLines).Count(l => l.Contains("// expect: TW0004", StringComparison.Ordinal));
        Assert.Equal(3, expected);
        Assert.Equal(expected, tw4.Count); // one finding per `// expect: TW0004` line
        Assert.All(tw4, f => Assert.True(f.Properties.ContainsKey("Cycle"), f.Message));

        var html = HtmlReport.Render(result);
        var svg = Assert.Single(HtmlAssert.Svgs(html));
        var locks = HtmlAssert.ByClass(svg, "g", "lock").Select(l => l.Descendants().First(e => e.Name.LocalName == "text").Value).OrderBy(t => t).ToList();
        Assert.Equal(new[] { "BuggyBank._audit", "BuggyBank._ledger", "from.Sync", "to.Sync" }, locks);
        var edges = HtmlAssert.ByClass(svg, "g", "edge").ToList();
        Assert.Equal(4, edges.Count); // Post → (via WriteAudit), Reconcile, Transfer and its swapped call
        Assert.All(edges, e => Assert.Contains("cycle", (string)e.Attribute("class")!));
        Assert.Contains(edges, e => e.ToString().Contains("via 'WriteAudit'") && e.ToString().Contains("'Post'"));

        // Every TW0004 finding is linked from the edge of its site.
        var linked = svg.Descendants().Where(e => e.Name.LocalName == "a").Select(a => ((string)a.Attribute("href")!).TrimStart('#')).ToHashSet();
        Assert.Equal(3, linked.Count);
        Assert.All(linked, id => Assert.Contains($"id=\"{id}\"", html));
        Assert.Contains("Buggy.cs(25,19)", html); // lock (to.Sync), relative to the samples folder

        var help = result.Rules.Select(r => r.HelpUri);
        HtmlAssert.WellFormedAndSelfContained(html, help);
        Assert.Contains("<section id=\"races\">", html);

        if (Environment.GetEnvironmentVariable("THREADWISE_HTML_OUT") is { Length: > 0 } path)
        {
            HtmlReport.Write(result, path);
            Assert.True(new FileInfo(path).Length > 10_000);
        }
    }

    [Fact]
    public void ThreeLocksAcrossTwoTypes_ThreeFindings_OneDrawnCycle()
    {
        var folder = Directory.CreateTempSubdirectory("tw-html-cycle-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "Store.cs"), """
                namespace Shop;
                public sealed class Store
                {
                    private readonly object _stock = new object();
                    private readonly object _orders = new object();
                    public void Restock(Audit audit) { lock (_stock) { lock (_orders) { } } }
                    public void Order(Audit audit) { lock (_orders) { audit.Record(); } }
                    public void Check() { lock (_stock) { } }
                }
                """);
            File.WriteAllText(Path.Combine(folder, "Audit.cs"), """
                namespace Shop;
                public sealed class Audit
                {
                    private readonly object _log = new object();
                    public void Record() { lock (_log) { } }
                    public void Verify(Store store) { lock (_log) { store.Check(); } }
                }
                """);
            var result = SampleAnalysis.RunFolder("Shop", folder);
            var tw4 = result.Projects[0].Findings.Where(f => f.RuleId == "TW0004").ToList();
            Assert.Equal(3, tw4.Count);

            var html = HtmlReport.Render(result);
            var svg = Assert.Single(HtmlAssert.Svgs(html));
            var locks = HtmlAssert.ByClass(svg, "g", "lock").Select(l => l.Descendants().First(e => e.Name.LocalName == "text").Value).OrderBy(t => t);
            Assert.Equal(new[] { "Audit._log", "Store._orders", "Store._stock" }, locks);
            var edges = HtmlAssert.ByClass(svg, "g", "edge").ToList();
            Assert.Equal(3, edges.Count);
            Assert.All(edges, e => Assert.Contains("cycle", (string)e.Attribute("class")!));
            Assert.Contains(edges, e => e.ToString().Contains("'Order'") && e.ToString().Contains("via 'Record'"));
            Assert.Contains(edges, e => e.ToString().Contains("'Verify'") && e.ToString().Contains("via 'Check'"));
            Assert.Contains("Cycle of 3 locks: Audit._log, Store._orders, Store._stock", html);
            HtmlAssert.WellFormedAndSelfContained(html, result.Rules.Select(r => r.HelpUri));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void FindingFactory_KeepsLocationsRelatedLocationsAndProperties()
    {
        var finding = Samples.Value.Projects.SelectMany(p => p.Findings).First(f => f.RuleId == "TW0004" && f.Message.StartsWith("'Post'", StringComparison.Ordinal));
        Assert.Equal("warning", finding.Severity);
        Assert.EndsWith("Buggy.cs", finding.Location.FilePath);
        Assert.Equal((48, 13), (finding.Location.StartLine, finding.Location.StartColumn));
        Assert.Equal("'WriteAudit'", finding.Properties["Via"]);

        // The other site first, then this order (the ledger, the call, the audit lock), then the opposite order.
        Assert.Equal(new[] { 57, 44, 48, 66, 54, 57 }, finding.Related.Select(r => r.StartLine));
    }
}
