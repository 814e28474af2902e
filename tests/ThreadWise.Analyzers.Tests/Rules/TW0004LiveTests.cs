using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Tests.Meta;
using ThreadWise.Analyzers.Tests.Verifiers;
using Xunit;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0004 in the editor (<see cref="EditorHost"/>: one open document, local diagnostics only) and in a build
/// (<see cref="AnalyzerRunner"/>: the whole compilation): a story within one top-level type squiggles live with its
/// light bulb; a story through other types is reported by a build only; a build reports each finding once.
/// </summary>
public class TW0004LiveTests
{
    private const string Bank = """
        class Bank
        {
            private readonly object _ledger = new object();
            private readonly object _audit = new object();

            public void Post() { lock (_ledger) { WriteAudit(); } }

            public void Audit() { lock (_ledger) { lock (_audit) { } } }

            private void WriteAudit() { lock (_audit) { } }

            public void Reconcile()
            {
                lock (_audit)
                {
                    lock (_ledger)
                    {
                    }
                }
            }
        }
        """;

    private static int LineOf(Diagnostic d) => d.Location.GetLineSpan().StartLinePosition.Line + 1;

    [Fact]
    public async Task Live_WithinOneType_EverySite_AndTheLightBulbReorders()
    {
        var live = await EditorHost.AnalyzeOpenDocumentAsync(Bank);
        Assert.Empty(live.Exceptions);
        var reports = live.Diagnostics.Where(d => d.Id == "TW0004").ToList();
        Assert.Equal(new[] { 6, 8, 16 }, reports.Select(LineOf));

        // Reconcile's nested locks are in the losing order (two sites take _ledger first): the fix puts _ledger outside.
        var reconcile = reports.Single(d => LineOf(d) == 16);
        var actions = await EditorHost.LightBulbAsync(live.Document, reconcile);
        Assert.NotEmpty(actions);
        var fixedText = await EditorHost.ApplyAsync(live.Document, actions[0]);
        Assert.Contains("lock (_ledger)\n        {\n            lock (_audit)", fixedText.Replace("\r\n", "\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_PartialTypeOverTwoFiles_ReportsInTheOpenPartOnly()
    {
        const string first = """
            partial class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Post() { lock (_ledger) { lock (_audit) { } } }
            }
            """;
        const string second = """
            partial class Bank
            {
                public void Reconcile()
                {
                    lock (_audit)
                    {
                        WriteLedger();
                    }
                }

                private void WriteLedger() { lock (_ledger) { } }
            }
            """;
        var sources = new[] { ("First.cs", first), ("Second.cs", second) };

        var openFirst = await EditorHost.AnalyzeOpenDocumentAsync(sources, "First.cs");
        Assert.Empty(openFirst.Exceptions);
        var onFirst = Assert.Single(openFirst.Diagnostics, d => d.Id == "TW0004");
        Assert.Equal(6, LineOf(onFirst));
        Assert.Contains("'Reconcile' takes them in the opposite order at line 7 of Second.cs", onFirst.GetMessage(), StringComparison.Ordinal);

        var openSecond = await EditorHost.AnalyzeOpenDocumentAsync(sources, "Second.cs");
        var onSecond = Assert.Single(openSecond.Diagnostics, d => d.Id == "TW0004");
        Assert.Equal(7, LineOf(onSecond));
    }

    [Fact]
    public async Task Live_TopLevelProgram()
    {
        const string source = """
            using System.Threading;

            var a = new object();
            var b = new object();
            var t = new Thread(() => { lock (b) { lock (a) { } } });
            t.Start();
            lock (a)
            {
                lock (b)
                {
                }
            }
            t.Join();
            """;
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source, OutputKind.ConsoleApplication);
        Assert.Empty(live.Exceptions);
        Assert.Equal(new[] { 5, 9 }, live.Diagnostics.Where(d => d.Id == "TW0004").Select(LineOf));
    }

    [Fact]
    public async Task Live_NestedType_StoryThroughTheOuterType()
    {
        const string source = """
            class Outer
            {
                private static readonly object s_a = new object();
                private static readonly object s_b = new object();

                public void M() { lock (s_a) { Inner.Take(); } }

                private static class Inner
                {
                    public static void Take() { lock (s_b) { } }

                    public static void Back() { lock (s_b) { lock (s_a) { } } }
                }
            }
            """;
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        Assert.Empty(live.Exceptions);
        Assert.Equal(new[] { 6, 12 }, live.Diagnostics.Where(d => d.Id == "TW0004").Select(LineOf));
    }

    [Fact]
    public async Task Live_ThroughADelegateFieldInitializer()
    {
        const string source = """
            using System;

            class Model
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private readonly Action _onChange;

                public Model() => _onChange = () => { lock (_b) { } };

                public void Set() { lock (_a) { _onChange(); } }

                public void Sync() { lock (_b) { lock (_a) { } } }
            }
            """;
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        Assert.Empty(live.Exceptions);
        Assert.Equal(new[] { 11, 13 }, live.Diagnostics.Where(d => d.Id == "TW0004").Select(LineOf));

        const string initialized = """
            using System;

            class Model
            {
                private static readonly object s_a = new object();
                private static readonly object s_b = new object();
                private static readonly Action s_onChange = () => { lock (s_b) { } };

                public void Set() { lock (s_a) { s_onChange(); } }

                public void Sync() { lock (s_b) { lock (s_a) { } } }
            }
            """;
        var liveInitialized = await EditorHost.AnalyzeOpenDocumentAsync(initialized);
        Assert.Empty(liveInitialized.Exceptions);
        Assert.Equal(new[] { 9, 11 }, liveInitialized.Diagnostics.Where(d => d.Id == "TW0004").Select(LineOf));
    }

    private const string CourseA = """
        using System.Threading;

        class A
        {
            private readonly object _lock = new object();

            public void Foo(B b)
            {
                lock (_lock)
                {
                    Thread.Sleep(200);
                    b.Last();
                }
            }

            public void Last() { lock (_lock) { } }
        }
        """;

    private const string CourseB = """
        using System.Threading;

        class B
        {
            private readonly object _lock = new object();

            public void Bar(A a)
            {
                lock (_lock)
                {
                    Thread.Sleep(200);
                    a.Last();
                }
            }

            public void Last() { lock (_lock) { } }
        }
        """;

    [Fact]
    public async Task CrossType_CourseFooBar_ReportedByABuild_NotLive()
    {
        var sources = new[] { ("A.cs", CourseA), ("B.cs", CourseB) };
        foreach (var open in new[] { "A.cs", "B.cs" })
        {
            var live = await EditorHost.AnalyzeOpenDocumentAsync(sources, open);
            Assert.Empty(live.Exceptions);
            Assert.DoesNotContain(live.Diagnostics, d => d.Id == "TW0004");
        }

        var build = AnalyzerRunner.Run(sources);
        Assert.Empty(build.Exceptions);
        var reports = build.Diagnostics.Where(d => d.Id == "TW0004").ToList();
        Assert.Equal(new[] { "A.cs:12", "B.cs:12" }, reports.Select(d => $"{d.Location.SourceTree!.FilePath}:{LineOf(d)}").OrderBy(s => s, StringComparer.Ordinal));
        Assert.All(reports, d => Assert.Contains(WellKnownDiagnosticTags.CompilationEnd, d.Descriptor.CustomTags));
    }

    [Fact]
    public void Build_ReportsEachFindingOnce_LiveAndCrossType()
    {
        // Bank's cycle is within one type (live, and reported by the build through the live analyzer); the course's
        // is through two types (build-only). Every site appears exactly once.
        var build = AnalyzerRunner.Run(new[] { ("Bank.cs", Bank), ("A.cs", CourseA), ("B.cs", CourseB) });
        Assert.Empty(build.Exceptions);
        var sites = build.Diagnostics.Where(d => d.Id == "TW0004")
            .Select(d => $"{d.Location.SourceTree!.FilePath}:{LineOf(d)}")
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(new[] { "A.cs:12", "B.cs:12", "Bank.cs:16", "Bank.cs:6", "Bank.cs:8" }, sites);
        Assert.Equal(3, build.Diagnostics.Count(d => d.Id == "TW0004" && !d.Descriptor.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd)));
    }
}
