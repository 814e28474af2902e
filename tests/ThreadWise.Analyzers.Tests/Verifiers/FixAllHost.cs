using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ThreadWise.Analyzers.Tests.Meta;
using Xunit;

namespace ThreadWise.Analyzers.Tests.Verifiers;

/// <summary>
/// Runs a fixer's Fix All the way <c>dotnet format analyzers</c> does (dotnet/sdk <c>SolutionCodeFixApplier</c>): every
/// analyzer over whole compilations (compilation-end included), then one <see cref="FixAllContext"/> for one diagnostic
/// ID with a given equivalence key — possibly null, possibly a key that only some diagnostics offer — in document,
/// project or solution scope. Returns every document's new text and the compiler errors of the result.
/// </summary>
internal static class FixAllHost
{
    public sealed record Result(ImmutableDictionary<string, string> Texts, ImmutableArray<Diagnostic> Errors, ImmutableArray<Diagnostic> Remaining);

    /// <summary>A document of the test solution: its project, its file name and its text.</summary>
    public readonly record struct Source(string Project, string Path, string Text);

    /// <summary>The solution: one project per distinct <see cref="Source.Project"/>, each with its documents.</summary>
    public static Solution CreateSolution(IEnumerable<Source> sources, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
    {
        var workspace = new AdhocWorkspace();
        var solution = workspace.CurrentSolution;
        foreach (var project in sources.GroupBy(s => s.Project))
        {
            var projectId = ProjectId.CreateNewId(project.Key);
            solution = solution.AddProject(ProjectInfo.Create(
                projectId,
                VersionStamp.Default,
                project.Key,
                project.Key,
                LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: TestReferences.For(TargetFramework.Net100)));
            foreach (var source in project)
            {
                solution = solution.AddDocument(DocumentId.CreateNewId(projectId, source.Path), source.Path, SourceText.From(source.Text), filePath: source.Path);
            }
        }

        return solution;
    }

    /// <summary>Every ThreadWise diagnostic of <paramref name="id"/> in the solution, per project.</summary>
    public static async Task<ImmutableDictionary<ProjectId, ImmutableArray<Diagnostic>>> AnalyzeAsync(Solution solution, string id)
    {
        var result = ImmutableDictionary.CreateBuilder<ProjectId, ImmutableArray<Diagnostic>>();
        foreach (var project in solution.Projects)
        {
            var compilation = (await project.GetCompilationAsync().ConfigureAwait(false))!;
            var diagnostics = await compilation.WithAnalyzers(RuleCatalog.Analyzers)
                .GetAnalyzerDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
            result[project.Id] = diagnostics.Where(d => d.Id == id).ToImmutableArray();
        }

        return result.ToImmutable();
    }

    /// <summary>
    /// Fix All for <paramref name="id"/> with <paramref name="equivalenceKey"/>, triggered from the first document
    /// (document scope: that document only; project scope: its project).
    /// </summary>
    public static async Task<Result> FixAllAsync(Solution solution, string id, FixAllScope scope, string? equivalenceKey)
    {
        var fixer = RuleCatalog.CodeFixes.Single(f => f.FixableDiagnosticIds.Contains(id));
        var diagnostics = await AnalyzeAsync(solution, id).ConfigureAwait(false);
        var document = solution.Projects.OrderBy(p => p.Name, StringComparer.Ordinal).First()
            .Documents.OrderBy(d => d.Name, StringComparer.Ordinal).First();
        var provider = fixer.GetFixAllProvider();
        Assert.NotNull(provider);
        Assert.Contains(scope, provider!.GetSupportedFixAllScopes());
        var context = scope == FixAllScope.Project
            ? new FixAllContext(document.Project, fixer, scope, equivalenceKey!, new[] { id }, new Provider(diagnostics), CancellationToken.None)
            : new FixAllContext(document, fixer, scope, equivalenceKey!, new[] { id }, new Provider(diagnostics), CancellationToken.None);
        var action = await provider.GetFixAsync(context).ConfigureAwait(false);
        var changed = solution;
        if (action is not null)
        {
            var operations = await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
            changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        }

        var texts = ImmutableDictionary.CreateBuilder<string, string>();
        var errors = new List<Diagnostic>();
        foreach (var project in changed.Projects)
        {
            foreach (var doc in project.Documents)
            {
                texts[project.Name + "/" + doc.Name] = (await doc.GetTextAsync().ConfigureAwait(false)).ToString();
            }

            var compilation = (await project.GetCompilationAsync().ConfigureAwait(false))!;
            errors.AddRange(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        var remaining = (await AnalyzeAsync(changed, id).ConfigureAwait(false)).Values.SelectMany(d => d).ToImmutableArray();
        return new Result(texts.ToImmutable(), errors.ToImmutableArray(), remaining);
    }

    /// <summary>The equivalence key <c>dotnet format</c> would use: the first action the fixer registers for the first diagnostic.</summary>
    public static async Task<string?> FirstActionKeyAsync(Solution solution, string id)
    {
        var fixer = RuleCatalog.CodeFixes.Single(f => f.FixableDiagnosticIds.Contains(id));
        var first = (await AnalyzeAsync(solution, id).ConfigureAwait(false)).Values.SelectMany(d => d)
            .Where(d => d.Location.SourceTree is not null).FirstOrDefault();
        if (first is null)
        {
            return null;
        }

        CodeAction? action = null;
        var document = solution.GetDocument(first.Location.SourceTree)!;
        await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, first, (a, _) => action ??= a, CancellationToken.None)).ConfigureAwait(false);
        return action?.EquivalenceKey;
    }

    private sealed class Provider : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableDictionary<ProjectId, ImmutableArray<Diagnostic>> _diagnostics;

        public Provider(ImmutableDictionary<ProjectId, ImmutableArray<Diagnostic>> diagnostics) => _diagnostics = diagnostics;

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            return _diagnostics.TryGetValue(document.Project.Id, out var all) ? all.Where(d => d.Location.SourceTree == tree) : Enumerable.Empty<Diagnostic>();
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(_diagnostics.TryGetValue(project.Id, out var all) ? all.Where(d => !d.Location.IsInSource) : Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(_diagnostics.TryGetValue(project.Id, out var all) ? (IEnumerable<Diagnostic>)all : Enumerable.Empty<Diagnostic>());
    }
}
