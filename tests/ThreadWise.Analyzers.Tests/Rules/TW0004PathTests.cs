using System.Linq;
using System.Threading.Tasks;
using ThreadWise.Analyzers.Tests.Meta;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Rules.TW0004Verify;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// Every TW0004 report carries its whole story as additional locations (SARIF related locations): the other site of
/// the cycle, then in order where this order's first lock is taken, each call on the way and the line that takes the
/// second lock, then the same for the opposite order. The message stays short.
/// </summary>
public class TW0004PathTests
{
    [Fact]
    public Task Path_ThroughACall_BothOrders_InOrder()
    {
        const string source = """
            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Post()
                {
                    lock ({|#1:_ledger|})
                    {
                        {|#0:WriteAudit()|};
                    }
                }

                private void WriteAudit()
                {
                    lock ({|#2:_audit|})
                    {
                    }
                }

                public void Reconcile()
                {
                    lock ({|#3:_audit|})
                    {
                        lock ({|#4:_ledger|})
                        {
                        }
                    }
                }
            }
            """;
        var test = new Verify.Test { TestCode = source, FullPath = true };
        test.ExpectedDiagnostics.Add(Verify.Diagnostic()
            .WithLocation(0).WithLocation(4)                 // the site; the other site
            .WithLocation(1).WithLocation(0).WithLocation(2) // this order: _ledger taken, the call, _audit taken in WriteAudit
            .WithLocation(3).WithLocation(4)                 // the opposite order: _audit, then _ledger
            .WithArguments("'Post'", "_audit", "_ledger", " (via 'WriteAudit')", "'Reconcile' takes them in the opposite order at line 25"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic()
            .WithLocation(4).WithLocation(0)
            .WithLocation(3).WithLocation(4)                 // this order: _audit, then _ledger (the site)
            .WithLocation(1).WithLocation(0).WithLocation(2) // the opposite order: _ledger, the call, _audit in WriteAudit
            .WithArguments("'Reconcile'", "_ledger", "_audit", "", "'Post' takes them in the opposite order at line 10 (via 'WriteAudit')"));
        return test.RunAsync();
    }

    [Fact]
    public void Path_LongChain_EveryHopInTheRelatedLocations_MessageNamesFirstAndLast()
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
                private void Hop4() => Hop5();
                private void Hop5() { lock (s_b) { } }

                public void Second() { lock (s_b) { lock (s_a) { } } }
            }
            """;
        var build = AnalyzerRunner.Run(new[] { ("Chain.cs", source) });
        Assert.Empty(build.Exceptions);
        var first = Assert.Single(build.Diagnostics, d => d.Id == "TW0004" && d.Location.GetLineSpan().StartLinePosition.Line == 5);
        Assert.Equal(
            "'First' takes 's_b' while holding 's_a' (via 'Hop1' → … → 'Hop5'); 'Second' takes them in the opposite order at line 13",
            first.GetMessage());

        // The other site (13), then s_a and the call to Hop1 (6, 6), the calls in Hop1..Hop4 (7-10), s_b in Hop5 (11),
        // then s_b and s_a in Second (13, 13).
        var lines = first.AdditionalLocations.Select(l => l.GetLineSpan().StartLinePosition.Line + 1).ToArray();
        Assert.Equal(new[] { 13, 6, 6, 7, 8, 9, 10, 11, 13, 13 }, lines);
    }

    [Fact]
    public Task Path_TwoInstances_HeldThenTaken()
    {
        const string source = """
            class Account
            {
                private readonly object _sync = new object();

                public static void Transfer(Account from, Account to)
                {
                    lock ({|#1:from._sync|})
                    {
                        lock ({|#0:to._sync|}) { }
                    }
                }
            }
            """;
        var test = new Verify.Test { TestCode = source, FullPath = true };
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1).WithLocation(0).WithArguments("'Transfer'", "to._sync", "from._sync", "",
            "a concurrent call with the two 'Account' instances swapped takes them in the opposite order"));
        return test.RunAsync();
    }
}
