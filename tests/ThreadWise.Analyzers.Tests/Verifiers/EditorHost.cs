using System;
using System.Collections.Concurrent;
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

namespace ThreadWise.Analyzers.Tests.Verifiers;

/// <summary>
/// Runs the analyzers the way Visual Studio and C# Dev Kit do while a user types in one open document:
/// <see cref="CompilationWithAnalyzers.GetAnalysisResultAsync(SemanticModel, TextSpan?, CancellationToken)"/> on that
/// document's semantic model with no filter span, keeping only the document's local diagnostics (compilation-end
/// actions never run there). The light bulb is the fixers' <see cref="CodeFixProvider.RegisterCodeFixesAsync"/> on
/// one of those live diagnostics.
/// </summary>
internal static class EditorHost
{
    public sealed record LiveResult(ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<string> Exceptions, Document Document);

    /// <summary>The diagnostics that squiggle in <paramref name="openPath"/> while it is the open document.</summary>
    public static async Task<LiveResult> AnalyzeOpenDocumentAsync(
        IReadOnlyList<(string Path, string Text)> sources,
        string openPath,
        OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary,
        ImmutableArray<DiagnosticAnalyzer> analyzers = default,
        TargetFramework framework = TargetFramework.Net100)
    {
        var document = CreateDocument(sources, openPath, outputKind, framework);
        var model = (await document.GetSemanticModelAsync().ConfigureAwait(false))!;
        var exceptions = new ConcurrentBag<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, _) => exceptions.Add($"{analyzer.GetType().Name}: {exception}"),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var withAnalyzers = model.Compilation.WithAnalyzers(analyzers.IsDefault ? RuleCatalog.Analyzers : analyzers, options);
        var result = await withAnalyzers.GetAnalysisResultAsync(model, filterSpan: null, CancellationToken.None).ConfigureAwait(false);

        var local = new List<Diagnostic>();
        foreach (var byTree in new[] { result.SyntaxDiagnostics, result.SemanticDiagnostics })
        {
            if (byTree.TryGetValue(model.SyntaxTree, out var byAnalyzer))
            {
                local.AddRange(byAnalyzer.Values.SelectMany(d => d));
            }
        }

        foreach (var ad in local.Where(d => d.Id == "AD0001"))
        {
            exceptions.Add(ad.ToString());
        }

        var diagnostics = local
            .Where(d => d.Id != "AD0001" && d.Location.SourceTree == model.SyntaxTree)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();
        return new LiveResult(diagnostics, exceptions.ToImmutableArray(), document);
    }

    /// <summary>Single-file convenience overload.</summary>
    public static Task<LiveResult> AnalyzeOpenDocumentAsync(string source, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary) =>
        AnalyzeOpenDocumentAsync(new[] { ("Test0.cs", source) }, "Test0.cs", outputKind);

    /// <summary>The code actions the light bulb offers for one live diagnostic (every shipped fixer that claims its ID).</summary>
    public static async Task<ImmutableArray<CodeAction>> LightBulbAsync(Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        foreach (var fixer in RuleCatalog.CodeFixes.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
        {
            var context = new CodeFixContext(
                document,
                diagnostic,
                (action, _) => actions.Add(action),
                CancellationToken.None);
            await fixer.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        }

        return actions.ToImmutableArray();
    }

    /// <summary>Applies a light-bulb action and returns the open document's new text.</summary>
    public static async Task<string> ApplyAsync(Document document, CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
        var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        var text = await solution.GetDocument(document.Id)!.GetTextAsync().ConfigureAwait(false);
        return text.ToString();
    }

    private static Document CreateDocument(IReadOnlyList<(string Path, string Text)> sources, string openPath, OutputKind outputKind, TargetFramework framework)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Default,
            "Live",
            "Live",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: TestReferences.For(framework)));
        DocumentId? open = null;
        foreach (var (path, text) in sources)
        {
            var id = DocumentId.CreateNewId(projectId, path);
            solution = solution.AddDocument(id, path, SourceText.From(text), filePath: path);
            if (path == openPath)
            {
                open = id;
            }
        }

        return solution.GetDocument(open ?? throw new ArgumentException($"no source named {openPath}", nameof(openPath)))!;
    }
}
