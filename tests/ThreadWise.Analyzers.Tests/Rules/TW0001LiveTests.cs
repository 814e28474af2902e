using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Tests.Meta;
using ThreadWise.Analyzers.Tests.Verifiers;
using Xunit;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0001 as the editor shows it (<see cref="EditorHost"/>: one open document, local diagnostics only) and as a build
/// reports it (<see cref="AnalyzerRunner"/>: the whole compilation, both TW0001 analyzers).
/// </summary>
public class TW0001LiveTests
{
    private const string Id = "TW0001";

    private static int Line(Diagnostic d) => d.Location.GetLineSpan().StartLinePosition.Line + 1;

    [Fact]
    public async Task WithinOneType_Squiggles_AndTheLightBulbFixesIt()
    {
        const string source = """
            using System.Threading.Tasks;
            class Counter
            {
                private int _hits;
                public void CountAll(int n) => Parallel.For(0, n, _ => Hit());
                private void Hit() => _hits++;
            }
            """;
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        Assert.Empty(live.Exceptions);
        var diagnostic = Assert.Single(live.Diagnostics, d => d.Id == Id);
        Assert.Equal(6, Line(diagnostic));
        Assert.Equal(new[] { 5 }, diagnostic.AdditionalLocations.Select(l => l.GetLineSpan().StartLinePosition.Line + 1).ToArray());
        var actions = await EditorHost.LightBulbAsync(live.Document, diagnostic);
        Assert.Equal("Use Interlocked", actions[0].Title);
        var fixedText = await EditorHost.ApplyAsync(live.Document, actions[0]);
        Assert.Contains("Interlocked.Increment(ref _hits)", fixedText, System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task PartialTypeOverTwoFiles_SquigglesInTheOpenPart_AndNothingWhenTheSiteIsInTheClosedPart()
    {
        var sources = new[]
        {
            ("Launch.cs", """
                using System.Threading.Tasks;
                partial class Stats
                {
                    public void Run() => Parallel.For(0, 100, _ => Add());
                }
                """),
            ("Count.cs", """
                partial class Stats
                {
                    private long _total;
                    private void Add() => _total += 2;
                }
                """),
        };

        var withSite = await EditorHost.AnalyzeOpenDocumentAsync(sources, "Count.cs");
        Assert.Empty(withSite.Exceptions);
        var diagnostic = Assert.Single(withSite.Diagnostics, d => d.Id == Id);
        Assert.Equal(4, Line(diagnostic));
        Assert.NotEmpty(await EditorHost.LightBulbAsync(withSite.Document, diagnostic));

        var withLaunch = await EditorHost.AnalyzeOpenDocumentAsync(sources, "Launch.cs");
        Assert.Empty(withLaunch.Exceptions);
        Assert.DoesNotContain(withLaunch.Diagnostics, d => d.Id == Id);
    }

    [Fact]
    public async Task TopLevelProgram_Squiggles()
    {
        const string source = """
            using System;
            using System.Threading.Tasks;

            int total = 0;
            Parallel.For(0, 1000, i => total++);
            Console.WriteLine(total);

            var hits = 0;
            var a = new System.Threading.Thread(Hit);
            var b = new System.Threading.Thread(Hit);
            a.Start();
            b.Start();

            void Hit() => hits += 1;
            """;
        var live = await EditorHost.AnalyzeOpenDocumentAsync(new[] { ("Program.cs", source) }, "Program.cs", OutputKind.ConsoleApplication);
        Assert.Empty(live.Exceptions);
        var diagnostics = live.Diagnostics.Where(d => d.Id == Id).ToList();
        Assert.Equal(new[] { 5, 14 }, diagnostics.Select(Line).ToArray());
        foreach (var diagnostic in diagnostics)
        {
            Assert.NotEmpty(await EditorHost.LightBulbAsync(live.Document, diagnostic));
        }
    }

    [Fact]
    public async Task NestedType_Squiggles_AlsoWhenTheStoryCrossesIntoTheOuterType()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;
            class Outer
            {
                private static int s_seen;

                class Worker
                {
                    private int _done;
                    public void Run()
                    {
                        var a = new Thread(Step);
                        var b = new Thread(Step);
                        a.Start();
                        b.Start();
                    }

                    private void Step() => _done++;
                }

                public static void Scan(int[] items) => Parallel.ForEach(items, _ => Inner.Note());

                static class Inner
                {
                    public static void Note() => s_seen++;
                }
            }
            """;
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        Assert.Empty(live.Exceptions);
        Assert.Equal(new[] { 18, 25 }, live.Diagnostics.Where(d => d.Id == Id).Select(Line).ToArray());
    }

    private const string CrossType = """
        using System.Threading.Tasks;
        public class Tally
        {
            public int Count;
            public void Add() => Count++;
        }

        public class Runner
        {
            private int _local;

            public void Run(Tally tally) => Parallel.For(0, 100, _ => { tally.Add(); _local++; });
        }
        """;

    [Fact]
    public async Task CrossTypeStory_IsReportedByTheBuild_ButNotLive()
    {
        var live = await EditorHost.AnalyzeOpenDocumentAsync(CrossType);
        Assert.Empty(live.Exceptions);
        Assert.Equal(new[] { 12 }, live.Diagnostics.Where(d => d.Id == Id).Select(Line).ToArray());

        var build = AnalyzerRunner.Run(new[] { ("Test0.cs", CrossType) });
        Assert.Empty(build.Exceptions);
        Assert.Equal(new[] { 5, 12 }, build.Diagnostics.Where(d => d.Id == Id).Select(Line).OrderBy(l => l).ToArray());
        var crossType = Assert.Single(build.Diagnostics, d => d.Id == Id && Line(d) == 5);
        Assert.Contains(WellKnownDiagnosticTags.CompilationEnd, crossType.Descriptor.CustomTags);
        Assert.Equal(12, Assert.Single(crossType.AdditionalLocations).GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public void Build_ReportsEachFindingOnce()
    {
        var sources = new[]
        {
            ("Cross.cs", CrossType),
            ("Partial1.cs", """
                using System.Threading;
                partial class Pair
                {
                    private static int s_n;
                    public static void Run()
                    {
                        new Thread(Bump).Start();
                        new Thread(Bump).Start();
                    }
                }
                """),
            ("Partial2.cs", """
                partial class Pair
                {
                    private static void Bump() => s_n++;
                }
                """),
        };
        var build = AnalyzerRunner.Run(sources);
        Assert.Empty(build.Exceptions);
        var reports = build.Diagnostics.Where(d => d.Id == Id)
            .Select(d => $"{d.Location.SourceTree!.FilePath}:{Line(d)}")
            .OrderBy(s => s, System.StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(new[] { "Cross.cs:12", "Cross.cs:5", "Partial2.cs:3" }, reports);
    }
}
