using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ThreadWise.Cli.Html;
using ThreadWise.Cli.Model;
using Xunit;

namespace ThreadWise.Cli.Tests.Html;

/// <summary>The HTML report on results built by hand: structure, escaping, code excerpts, the drawn cycle, the races.</summary>
public sealed class HtmlReportTests : IDisposable
{
    private const string Help4 = "https://example.org/docs/rules/TW0004.md";
    private const string Help1 = "https://example.org/docs/rules/TW0001.md";
    private readonly string _dir = Directory.CreateTempSubdirectory("tw-html-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TwoFindingsOfOneCycle_OneDrawnCycle_NodesMergedByIdentity_EdgesRed_SitesLinked()
    {
        var file = Source("Bank.cs", """
            class Bank
            {
                void Post() { lock (_ledger) { WriteAudit(); } }
                void WriteAudit() { lock (_audit) { } }
                void Reconcile() { lock (_audit) { lock (_ledger) { } } }
            }
            """);
        var post = Tw4(file, 3, 36, "'Post'", "_ledger", "_audit", "'WriteAudit'", Hop("'Reconcile'", "_audit", "_ledger", ""));
        var reconcile = Tw4(file, 5, 44, "'Reconcile'", "_audit", "_ledger", "", Hop("'Post'", "_ledger", "_audit", "'WriteAudit'"));
        var html = Render(Result(("Shop", new[] { post, reconcile })));

        var svg = Assert.Single(HtmlAssert.Svgs(html));
        var locks = HtmlAssert.ByClass(svg, "g", "lock").ToList();
        Assert.Equal(new[] { "Bank._audit", "Bank._ledger" }, locks.Select(Text).OrderBy(t => t));
        Assert.All(locks, l => Assert.Contains("cycle", (string)l.Attribute("class")!));
        var edges = HtmlAssert.ByClass(svg, "g", "edge").ToList();
        Assert.Equal(2, edges.Count);
        Assert.All(edges, e => Assert.Contains("cycle", (string)e.Attribute("class")!));
        var through = edges.Single(e => e.ToString().Contains("via 'WriteAudit'"));
        Assert.Contains("'Post'", through.ToString());

        // Each edge links to the finding at its acquisition site; each finding is an article with that id.
        var links = svg.Descendants().Where(e => e.Name.LocalName == "a").Select(a => (string)a.Attribute("href")!).ToList();
        Assert.Equal(2, links.Distinct().Count());
        Assert.All(links, l => Assert.Contains($"<article class=\"finding warning\" id=\"{l.TrimStart('#')}\"", html));
        Assert.Contains("Cycle of 2 locks: Bank._audit, Bank._ledger", html);
        HtmlAssert.WellFormedAndSelfContained(html, new[] { Help4, Help1 });
    }

    [Fact]
    public void AnEdgeOffTheCycle_IsNotRed()
    {
        var file = Source("C.cs", "class C { }\n");
        var cycle = Tw4(file, 1, 1, "'AB'", "_a", "_b", "", Hop("'BA'", "_b", "_a", "", "C"));
        var extra = Tw4(file, 1, 1, "'CA'", "_c", "_a", "", Hop("'AB'", "_a", "_b", "", "C"), Hop("'BA'", "_b", "_a", "", "C"));
        var svg = Assert.Single(HtmlAssert.Svgs(Render(Result(("P", new[] { cycle, extra })))));
        var edges = HtmlAssert.ByClass(svg, "g", "edge").ToList();
        Assert.Equal(3, edges.Count);
        var off = Assert.Single(edges, e => !((string)e.Attribute("class")!).Contains("cycle"));
        Assert.Contains("'CA'", off.ToString());
        Assert.DoesNotContain("cycle", (string)HtmlAssert.ByClass(svg, "g", "lock").Single(l => Text(l) == "C._c").Attribute("class")!);
    }

    [Fact]
    public void EverythingFromTheCodeAndTheAnalyzerIsEscaped()
    {
        var file = Source("Evil.cs", "class E { void M() { var s = \"</pre><script>alert(1)</script>\"; lock (a) { } } }\n");
        var finding = Tw4(file, 1, 20, "'M<T>'", "a&b", "<c>", "", Hop("'N'", "<c>", "a&b", "")) with
        {
            Message = "takes '<script>alert(2)</script>' & more",
        };
        var html = Render(Result(("<Proj>", new[] { finding })));
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("takes &#39;&lt;script&gt;alert(2)&lt;/script&gt;&#39; &amp; more", html);
        Assert.Contains("&lt;Proj&gt;", html);
        Assert.Single(HtmlAssert.Svgs(html)); // the SVG parses as XML with the escaped names in it
        HtmlAssert.WellFormedAndSelfContained(html, new[] { Help4, Help1 });
    }

    [Fact]
    public void CodeAroundTheFinding_SpanHighlighted_MissingFileTolerated()
    {
        var file = Source("Counter.cs", "class Counter\n{\n    int _n;\n    void Add() { _n++; }\n    void Sub() { _n--; }\n}\n");
        var found = new Finding("TW0001", "warning", "'_n' is incremented ...", "P", new SourceSpot(file, 4, 18, 4, 22),
            new[] { new SourceSpot(file, 5, 18, 5, 22) }, new Dictionary<string, string?>());
        var gone = found with { Location = new SourceSpot(Path.Combine(_dir, "Gone.cs"), 3, 1, 3, 2), Related = Array.Empty<SourceSpot>() };
        var html = Render(Result(("P", new[] { found, gone })));

        Assert.Contains("<span class=\"line hit\"><span class=\"ln\">4</span>    void Add() { <mark>_n++</mark>; }</span>", html);
        Assert.Contains("<span class=\"ln\">2</span>", html);   // two lines of context either side
        Assert.Contains("<span class=\"ln\">6</span>", html);
        Assert.DoesNotContain("<span class=\"ln\">1</span>", html);
        Assert.Contains("(source not available: " + Path.Combine(_dir, "Gone.cs") + ")", html);
        Assert.Contains("Counter.cs(4,18)", html); // relative to the target's folder
        HtmlAssert.WellFormedAndSelfContained(html, new[] { Help4, Help1 });
    }

    [Fact]
    public void Races_EntryPointThenTheLocationsItRacesOn()
    {
        var file = Source("Work.cs", "class W\n{\n    static int s_n;\n    void Run() { new System.Threading.Thread(Loop).Start(); s_n++; }\n    void Loop() { s_n++; }\n    void P() { System.Threading.Tasks.Parallel.For(0, 9, i => s_n--); }\n}\n");
        var launch = new SourceSpot(file, 4, 18, 4, 56);
        var withOther = new Finding("TW0001", "warning", "'s_n' is incremented ...", "P", new SourceSpot(file, 5, 19, 5, 24),
            new[] { launch, new SourceSpot(file, 4, 58, 4, 63) }, new Dictionary<string, string?>());
        var self = new Finding("TW0001", "warning", "'s_n' is decremented ...", "P", new SourceSpot(file, 6, 60, 6, 65),
            new[] { new SourceSpot(file, 6, 16, 6, 66) }, new Dictionary<string, string?>());
        var html = Render(Result(("P", new[] { withOther, self })));

        var races = html.Substring(html.IndexOf("<section id=\"races\">", StringComparison.Ordinal));
        races = races.Substring(0, races.IndexOf("</section>", StringComparison.Ordinal));
        Assert.Contains("Work.cs(4,18)", races);  // the launch
        Assert.Contains("Work.cs(4,58)", races);  // the other racing write
        Assert.Contains("itself, on several threads at once", races);
        Assert.Equal(2, races.Split("class=\"launch\"").Length - 1);
        Assert.Contains("new System.Threading.Thread(Loop).Start(); s_n++;", races);
        HtmlAssert.WellFormedAndSelfContained(html, new[] { Help4, Help1 });
    }

    [Fact]
    public void Header_TotalsTimesAndCountsPerRuleAndProject()
    {
        var file = Source("A.cs", "class A { }\n");
        var one = new Finding("TW0001", "warning", "m", "Alpha", new SourceSpot(file, 1, 1, 1, 2), Array.Empty<SourceSpot>(), new Dictionary<string, string?>());
        var html = Render(Result(("Alpha", new[] { one, one with { Severity = "error" } }), ("Beta", Array.Empty<Finding>())));
        Assert.Contains("<dt>Findings</dt><dd>2 (1 errors, 1 warnings, 0 info)</dd>", html);
        Assert.Contains("<dt>Loading</dt><dd>1.5 s</dd>", html);
        Assert.Contains("<dt>Analysis</dt><dd>0.3 s</dd>", html);
        Assert.Contains("<td><a href=\"#rule-TW0001\">TW0001</a></td><td>Unsynchronized update</td><td class=\"n\">2</td><td><a class=\"help\" href=\"" + Help1 + "\">help</a></td>", html);
        Assert.Contains("<tr class=\"none\"><td>TW0004</td>", html);
        Assert.Contains(">Alpha</td><td class=\"n\">3</td><td class=\"n\">2</td><td>TW0001 &#215;2</td>", html);
        Assert.Contains(">Beta</td><td class=\"n\">3</td><td class=\"n\">0</td>", html);
        Assert.DoesNotContain("<section id=\"lock-order\">", html);
        HtmlAssert.WellFormedAndSelfContained(html, new[] { Help4, Help1 });
    }

    [Fact]
    public void Write_CreatesTheFolderAndWritesUtf8WithoutBom()
    {
        var path = Path.Combine(_dir, "out", "report.html");
        HtmlReport.Write(Result(("P", Array.Empty<Finding>())), path);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal((byte)'<', bytes[0]);
        Assert.Contains("No findings.", File.ReadAllText(path));
    }

    private string Source(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Text(System.Xml.Linq.XElement node) => node.Descendants().First(e => e.Name.LocalName == "text").Value;

    /// <summary>A <c>Cycle</c> line; locks are fields of <paramref name="type"/>.</summary>
    private static string Hop(string method, string held, string taken, string via, string type = "Bank") =>
        $"{type}.{held}\t{type}.{taken}\t{held}\t{taken}\t{method}\t{via}";

    private static Finding Tw4(string file, int line, int column, string method, string held, string taken, string via, params string[] others)
    {
        var own = Hop(method, held, taken, via, file.EndsWith("C.cs", StringComparison.Ordinal) ? "C" : "Bank");
        var fields = own.Split('\t');
        return new Finding("TW0004", "warning", $"{method} takes '{taken}' while holding '{held}'", "P", new SourceSpot(file, line, column, line, column + 5),
            Array.Empty<SourceSpot>(),
            new Dictionary<string, string?>
            {
                ["Method"] = method, ["Held"] = held, ["Taken"] = taken, ["HeldLock"] = fields[0], ["TakenLock"] = fields[1], ["Via"] = via,
                ["Cycle"] = string.Join("\n", new[] { own }.Concat(others)),
            });
    }

    private AnalysisResult Result(params (string Name, Finding[] Findings)[] projects) => new(
        Path.Combine(_dir, "Shop.sln"),
        new[]
        {
            new RuleInfo("TW0001", "Unsynchronized update", "d", "Concurrency", "warning", Help1),
            new RuleInfo("TW0004", "Locks taken in inconsistent order", "d", "Locking", "warning", Help4),
        },
        projects.Select(p => new ProjectResult(p.Name, Path.Combine(_dir, p.Name + ".csproj"), 3,
            p.Findings.Select(f => f with { Project = p.Name }).ToList())).ToList(),
        TimeSpan.FromSeconds(1.5),
        TimeSpan.FromSeconds(0.3));

    private static string Render(AnalysisResult result) => HtmlReport.Render(result);
}
