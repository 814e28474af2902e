using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Tests.Meta;
using ThreadWise.Analyzers.Tests.Verifiers;
using Xunit;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0016 as the editor shows it (one open document, local diagnostics) and as a build reports it (all analyzers), and
/// its one story with TW0001: the act of a reported check-then-act is not reported again as a read-modify-write.
/// </summary>
public class TW0016LiveTests
{
    private static int Line(Diagnostic d) => d.Location.GetLineSpan().StartLinePosition.Line + 1;

    private const string Bank = """
        using System.Threading;
        class Account
        {
            private int _balance = 1000;
            private int _withdrawals;
            public void Withdraw(int amount)
            {
                if (_balance >= amount)
                {
                    _balance -= amount;
                }

                _withdrawals++;
            }
            public void Run()
            {
                var a = new Thread(() => Withdraw(800));
                var b = new Thread(() => Withdraw(800));
                a.Start(); b.Start();
                a.Join(); b.Join();
            }
        }
        """;

    [Fact]
    public async Task WithinOneType_Squiggles_OneStoryWithTW0001_AndBothFixesInTheLightBulb()
    {
        var live = await EditorHost.AnalyzeOpenDocumentAsync(Bank);
        Assert.Empty(live.Exceptions);
        var diagnostic = Assert.Single(live.Diagnostics, d => d.Id == "TW0016");
        Assert.Equal(8, Line(diagnostic));
        Assert.Equal("if (_balance >= amount)", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));

        // TW0001 reports the plain counter, not the act of the check-then-act.
        Assert.Equal(new[] { 13 }, live.Diagnostics.Where(d => d.Id == "TW0001").Select(Line).ToArray());

        var actions = await EditorHost.LightBulbAsync(live.Document, diagnostic);
        Assert.Equal(new[] { "Wrap in lock (_sync)", "Use Atomic.TryUpdate" }, actions.Select(a => a.Title).ToArray());
        var locked = await EditorHost.ApplyAsync(live.Document, actions[0]);
        Assert.Contains("lock (_sync)", locked, System.StringComparison.Ordinal);
        var atomic = await EditorHost.ApplyAsync(live.Document, actions[1]);
        Assert.Contains("Atomic.TryUpdate(ref _balance, balance => balance >= amount ? balance - amount : null);", atomic, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ReportsTheSameOnce_AndTW0001StaysOffTheAct()
    {
        var build = AnalyzerRunner.Run(new[] { ("Test0.cs", Bank) });
        Assert.Empty(build.Exceptions);
        Assert.Equal(new[] { "TW0001:13", "TW0016:8" },
            build.Diagnostics.Where(d => d.Id is "TW0001" or "TW0016").Select(d => $"{d.Id}:{Line(d)}").OrderBy(s => s).ToArray());
    }

    private const string CrossType = """
        using System.Threading.Tasks;
        class Account
        {
            private int _balance = 1000;
            public void Withdraw(int amount)
            {
                if (_balance >= amount) _balance -= amount;
            }
        }
        class Bank
        {
            public static void Run(Account account) => Parallel.For(0, 8, _ => account.Withdraw(100));
        }
        """;

    [Fact]
    public async Task CrossTypeStory_IsReportedByTheBuild_ButNotLive()
    {
        var live = await EditorHost.AnalyzeOpenDocumentAsync(CrossType);
        Assert.Empty(live.Exceptions);
        Assert.DoesNotContain(live.Diagnostics, d => d.Id is "TW0016" or "TW0001");

        var build = AnalyzerRunner.Run(new[] { ("Test0.cs", CrossType) });
        Assert.Empty(build.Exceptions);
        var diagnostic = Assert.Single(build.Diagnostics, d => d.Id is "TW0016" or "TW0001");
        Assert.Equal("TW0016", diagnostic.Id);
        Assert.Equal(7, Line(diagnostic));
        Assert.Contains(WellKnownDiagnosticTags.CompilationEnd, diagnostic.Descriptor.CustomTags);
        Assert.Equal(12, Assert.Single(diagnostic.AdditionalLocations).GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public async Task OnceFlag_OffersOnlyTheLock()
    {
        const string source = """
            using System.Threading.Tasks;
            class C
            {
                private bool _started;
                void Start()
                {
                    if (!_started) { _started = true; System.Console.WriteLine(); }
                }
                void Run() => Parallel.For(0, 4, _ => Start());
            }
            """;
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        var diagnostic = Assert.Single(live.Diagnostics, d => d.Id == "TW0016");
        var actions = await EditorHost.LightBulbAsync(live.Document, diagnostic);
        Assert.Equal(new[] { "Wrap in lock (_sync)" }, actions.Select(a => a.Title).ToArray());
    }

    private const string GuardedBank = """
        using System.Threading;
        class Account
        {
            private int _balance = 1000;
            private int _withdrawals;
            public bool TryWithdraw(int amount)
            {
                if (_balance < amount) return false;
                _balance -= amount;
                _withdrawals++;
                return true;
            }
            public void Run()
            {
                var a = new Thread(() => TryWithdraw(800));
                var b = new Thread(() => TryWithdraw(800));
                a.Start(); b.Start();
                a.Join(); b.Join();
            }
        }
        """;

    [Fact]
    public async Task GuardClause_Squiggles_OneStoryWithTW0001_AndTheLockInTheLightBulb()
    {
        var live = await EditorHost.AnalyzeOpenDocumentAsync(GuardedBank);
        Assert.Empty(live.Exceptions);
        var diagnostic = Assert.Single(live.Diagnostics, d => d.Id == "TW0016");
        Assert.Equal(8, Line(diagnostic));
        Assert.Equal("if (_balance < amount)", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));

        // TW0001 reports the plain counter, not the act after the guard clause.
        Assert.Equal(new[] { 10 }, live.Diagnostics.Where(d => d.Id == "TW0001").Select(Line).ToArray());

        var actions = await EditorHost.LightBulbAsync(live.Document, diagnostic);
        Assert.Equal(new[] { "Wrap in lock (_sync)" }, actions.Select(a => a.Title).ToArray());
        var locked = await EditorHost.ApplyAsync(live.Document, actions[0]);
        Assert.Contains("""
                    lock (_sync)
                    {
                        if (_balance < amount) return false;
                        _balance -= amount;
                    }
                    _withdrawals++;
            """, locked.Replace("\r\n", "\n", System.StringComparison.Ordinal), System.StringComparison.Ordinal);

        var build = AnalyzerRunner.Run(new[] { ("Test0.cs", GuardedBank) });
        Assert.Empty(build.Exceptions);
        Assert.Equal(new[] { "TW0001:10", "TW0016:8" },
            build.Diagnostics.Where(d => d.Id is "TW0001" or "TW0016").Select(d => $"{d.Id}:{Line(d)}").OrderBy(s => s).ToArray());
    }
}
