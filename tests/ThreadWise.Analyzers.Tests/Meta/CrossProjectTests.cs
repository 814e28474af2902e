using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadWise.Analyzers.Tests.Verifiers;
using Xunit;

namespace ThreadWise.Analyzers.Tests.Meta;

/// <summary>
/// A project that references another as a compilation (the IDE, MSBuildWorkspace, the threadwise tool): the other
/// project's types have syntax that is not this compilation's. Every analyzer must treat them like metadata, never
/// ask this compilation for a semantic model of the other's trees (AD0001 "SyntaxTree is not part of the compilation").
/// </summary>
public sealed class CrossProjectTests
{
    private const string Library = """
        using System.Threading;

        public class Worker
        {
            public Thread Thread;
            public Worker Next;
            protected int Count;

            public Worker()
            {
                Thread = new Thread(Run);
            }

            public void Run() => Count++;

            public void Begin() => Thread.Start();
        }

        public partial class Service
        {
            public Thread Loop = new Thread(() => { });
        }
        """;

    private const string App = """
        using System.Threading;
        using System.Threading.Tasks;

        public class Owner
        {
            public void Inline()
            {
                var worker = new Worker();
                worker.Run();
            }
        }

        public class FastWorker : Worker
        {
            private readonly object _gate = new object();

            public void Go()
            {
                Run();
                Begin();
                Thread.Start();
                Next.Thread.Start();
                Parallel.For(0, 10, _ => Count++);
            }

            public void Inline()
            {
                var worker = new Worker();
                worker.Run();
            }

            public void Use(Service service)
            {
                service.Loop.Start();
                service.Loop.Start();
                lock (_gate) { Run(); }
            }
        }
        """;

    [Fact]
    public async Task TypesOfAReferencedCompilation_AreSeenLikeMetadata()
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var references = TestReferences.For(TargetFramework.Net100);
        var library = CSharpCompilation.Create(
            "Library",
            new[] { CSharpSyntaxTree.ParseText(Library, parse, "Library.cs") },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var app = CSharpCompilation.Create(
            "App",
            new[] { CSharpSyntaxTree.ParseText(App, parse, "App.cs") },
            references.Add(library.ToMetadataReference()),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(library.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(app.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var exceptions = new ConcurrentBag<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, _) => exceptions.Add($"{analyzer.GetType().Name}: {exception.Message}"),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = await app.WithAnalyzers(RuleCatalog.Analyzers, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None);

        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        Assert.Contains(diagnostics, d => d.Id == "TW0003"); // the app's own story is still told

        // The same code in one compilation: the race between the library's thread and the app's Parallel.For is found.
        var together = app.RemoveAllReferences().AddReferences(references).AddSyntaxTrees(library.SyntaxTrees);
        var alone = await together.WithAnalyzers(RuleCatalog.Analyzers, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.Empty(exceptions);
        Assert.Contains(alone, d => d.Id == "TW0001" && d.Location.SourceTree!.FilePath == "Library.cs");
    }
}
