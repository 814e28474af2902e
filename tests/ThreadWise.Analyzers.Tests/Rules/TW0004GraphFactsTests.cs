using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Tests.Meta;
using Xunit;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0004 reports carry the facts a report needs to redraw the lock-order graph as properties: the method, the locks
/// as the message names them and by identity (one graph node each), every call on the way, and the cycle's hops in
/// order starting with the report's own. The message is unchanged (see TW0004PathTests).
/// </summary>
public class TW0004GraphFactsTests
{
    [Fact]
    public void ThroughACall_OwnHopThenTheOppositeOrder()
    {
        const string source = """
            namespace Shop;
            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();
                public void Post() { lock (_ledger) { WriteAudit(); } }
                private void WriteAudit() { lock (_audit) { } }
                public void Reconcile() { lock (_audit) { lock (_ledger) { } } }
            }
            """;
        var reports = Run(source);
        Assert.Equal(2, reports.Count);

        var post = reports.Single(d => Line(d) == 6);
        Assert.Equal("'Post'", post.Properties["Method"]);
        Assert.Equal("_ledger", post.Properties["Held"]);
        Assert.Equal("_audit", post.Properties["Taken"]);
        Assert.Equal("Shop.Bank._ledger", post.Properties["HeldLock"]);
        Assert.Equal("Shop.Bank._audit", post.Properties["TakenLock"]);
        Assert.Equal("'WriteAudit'", post.Properties["Via"]);
        Assert.Equal(
            new[]
            {
                "Shop.Bank._ledger\tShop.Bank._audit\t_ledger\t_audit\t'Post'\t'WriteAudit'",
                "Shop.Bank._audit\tShop.Bank._ledger\t_audit\t_ledger\t'Reconcile'\t",
            },
            post.Properties["Cycle"]!.Split('\n'));

        var reconcile = reports.Single(d => Line(d) == 8);
        Assert.Equal("", reconcile.Properties["Via"]);
        Assert.Equal(
            new[]
            {
                "Shop.Bank._audit\tShop.Bank._ledger\t_audit\t_ledger\t'Reconcile'\t",
                "Shop.Bank._ledger\tShop.Bank._audit\t_ledger\t_audit\t'Post'\t'WriteAudit'",
            },
            reconcile.Properties["Cycle"]!.Split('\n'));
    }

    [Fact]
    public void LongChain_ViaHasEveryCall_WhileTheMessageAbbreviates()
    {
        const string source = """
            class C
            {
                private static readonly object s_a = new object();
                private static readonly object s_b = new object();
                public void First() { lock (s_a) { Hop1(); } }
                private void Hop1() => Hop2();
                private void Hop2() => Hop3();
                private void Hop3() => Hop4();
                private void Hop4() { lock (s_b) { } }
                public void Second() { lock (s_b) { lock (s_a) { } } }
            }
            """;
        var first = Run(source).Single(d => Line(d) == 5);
        Assert.Contains("(via 'Hop1' → … → 'Hop4')", first.GetMessage());
        Assert.Equal("'Hop1' → 'Hop2' → 'Hop3' → 'Hop4'", first.Properties["Via"]);
        Assert.Equal("C.s_b", first.Properties["TakenLock"]);
    }

    [Fact]
    public void ThreeLocks_TheHopsCloseTheCycle()
    {
        const string source = """
            class C
            {
                private readonly object _a = new object(), _b = new object(), _c = new object();
                public void AB() { lock (_a) { lock (_b) { } } }
                public void BC() { lock (_b) { lock (_c) { } } }
                public void CA() { lock (_c) { lock (_a) { } } }
            }
            """;
        var reports = Run(source);
        Assert.Equal(3, reports.Count);
        foreach (var report in reports)
        {
            var hops = report.Properties["Cycle"]!.Split('\n').Select(h => h.Split('\t')).ToList();
            Assert.Equal(3, hops.Count);
            Assert.Equal(report.Properties["HeldLock"], hops[0][0]);
            Assert.Equal(report.Properties["TakenLock"], hops[0][1]);
            for (var i = 0; i < hops.Count; i++)
            {
                Assert.Equal(hops[i][1], hops[(i + 1) % hops.Count][0]); // each hop takes what the next one holds
            }

            Assert.Equal(3, hops.Select(h => h[0]).Distinct().Count());
        }
    }

    [Fact]
    public void TwoInstances_ANodePerInstance_TheSwappedCallClosesTheCycle()
    {
        const string source = """
            class Account
            {
                private readonly object _sync = new object();
                public static void Transfer(Account from, Account to) { lock (from._sync) { lock (to._sync) { } } }
            }
            """;
        var report = Assert.Single(Run(source));
        Assert.Equal("true", report.Properties["TwoInstances"]);
        Assert.Equal("Account._sync (from._sync in 'Transfer')", report.Properties["HeldLock"]);
        Assert.Equal("Account._sync (to._sync in 'Transfer')", report.Properties["TakenLock"]);
        var hops = report.Properties["Cycle"]!.Split('\n').Select(h => h.Split('\t')).ToList();
        Assert.Equal(2, hops.Count);
        Assert.Equal(new[] { hops[0][1], hops[0][0] }, new[] { hops[1][0], hops[1][1] });
    }

    [Fact]
    public void NoCycle_NoReport_AndAWantedOrderStillSits()
    {
        const string source = """
            class C
            {
                private readonly object _a = new object(), _b = new object();
                public void One() { lock (_a) { lock (_b) { } } }
                public void Two() { lock (_a) { lock (_b) { } } }
                public void Three() { lock (_a) { lock (_b) { } } }
                public void Back() { lock (_b) { lock (_a) { } } }
            }
            """;
        var reports = Run(source);
        Assert.Equal(4, reports.Count);
        var back = reports.Single(d => Line(d) == 7);
        Assert.Equal("_a,_b", back.Properties["WantedOrder"]); // the fix's property is kept beside the graph facts
        Assert.All(reports, r => Assert.Equal(2, r.Properties["Cycle"]!.Split('\n').Length));
        Assert.Empty(Run(source.Replace("lock (_b) { lock (_a) { } }", "lock (_a) { lock (_b) { } }")));
    }

    private static List<Diagnostic> Run(string source)
    {
        var build = AnalyzerRunner.Run(new[] { ("Facts.cs", source) });
        Assert.Empty(build.Exceptions);
        return build.Diagnostics.Where(d => d.Id == "TW0004").ToList();
    }

    private static int Line(Diagnostic d) => d.Location.GetLineSpan().StartLinePosition.Line + 1;
}
