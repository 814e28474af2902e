using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using ThreadWise.Cli.Analysis;
using ThreadWise.Cli.Loading;
using ThreadWise.Cli.Model;
using ThreadWise.Cli.Reports;

namespace ThreadWise.Cli.Fixing;

/// <summary>
/// <c>--fix</c>: per project, each ThreadWise fixer's own Fix All (the shared provider of
/// <c>ThreadWiseCodeFixProvider</c>: each finding gets its first offered fix, as <c>dotnet format</c> asks with a null
/// equivalence key), one fixer after the other on fresh diagnostics. A file whose fixed text adds compile errors is put
/// back; if the project still has more errors than before, every file of that project is put back. Only then are the
/// changed files written (their encoding kept). Returns the findings left after fixing.
/// </summary>
internal static class FixRunner
{
    public static async Task<IReadOnlyList<Finding>> RunAsync(
        Solution solution, IReadOnlyList<AnalyzedProject> analyzed, bool allRules, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var remaining = new List<Finding>();
        output.WriteLine();
        output.WriteLine("Fixes:");
        var anyChange = false;
        foreach (var project in analyzed)
        {
            // Fixes edit the files through the first target framework; a finding only another framework reports
            // (code under an #if for it) stays for a run with --framework.
            var before = project.Primary;
            foreach (var (variant, elsewhere) in project.OnlyInOtherFrameworks)
            {
                var framework = LoadedProject.FrameworkOf(variant.Project);
                output.WriteLine($"  {project.Name}: {elsewhere.Count} finding(s) reported only for {framework}, left for `--framework {framework} --fix`");
                remaining.AddRange(elsewhere);
            }

            if (before.Diagnostics.IsEmpty)
            {
                continue;
            }

            error.WriteLine($"  fixing {before.Project.Name}");
            var (fixedSolution, after) = await FixProjectAsync(solution, before, allRules, output, cancellationToken).ConfigureAwait(false);
            var changed = ChangedDocuments(solution, fixedSolution, before.Project.Id).ToList();
            foreach (var document in changed)
            {
                var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
                File.WriteAllText(document.FilePath!, text.ToString(), text.Encoding ?? new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                var was = before.Diagnostics.Count(d => d.Location.SourceTree?.FilePath == document.FilePath);
                var now = after.Diagnostics.Count(d => d.Location.SourceTree?.FilePath == document.FilePath);
                output.WriteLine($"  fixed {TextReport.DisplayPath(document.FilePath!)}: {was} finding(s) before, {now} after");
                anyChange = true;
            }

            solution = fixedSolution;
            remaining.AddRange(after.Diagnostics.Select(d => ProjectAnalyzer.ToFinding(d, project.Name)));
        }

        if (!anyChange)
        {
            output.WriteLine("  nothing changed");
        }

        if (remaining.Count > 0)
        {
            output.WriteLine($"Not fixed ({remaining.Count}): no safe fix offered, or its file was left untouched:");
            foreach (var f in remaining)
            {
                output.WriteLine($"  {TextReport.DisplayPath(f.Location.FilePath)}({f.Location.StartLine},{f.Location.StartColumn}): {f.Severity} {f.RuleId}: {f.Message}");
            }
        }
        else
        {
            output.WriteLine("Every finding was fixed.");
        }

        return remaining;
    }

    private static async Task<(Solution Solution, ProjectDiagnostics After)> FixProjectAsync(
        Solution original, ProjectDiagnostics before, bool allRules, TextWriter output, CancellationToken cancellationToken)
    {
        var projectId = before.Project.Id;
        var current = original;
        var diagnostics = before.Diagnostics;
        var pending = ThreadWiseRules.CodeFixes.Where(f => diagnostics.Any(d => f.FixableDiagnosticIds.Contains(d.Id))).ToList();
        foreach (var fixer in pending)
        {
            var mine = diagnostics.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id)).ToImmutableArray();
            if (mine.IsEmpty || fixer.GetFixAllProvider() is not { } fixAll)
            {
                continue;
            }

            var project = current.GetProject(projectId)!;
            var context = new FixAllContext(
                project, fixer, FixAllScope.Project, null,
                mine.Select(d => d.Id).Distinct(StringComparer.Ordinal), new FixedSet(mine), cancellationToken);
            var action = await fixAll.GetFixAsync(context).ConfigureAwait(false);
            if (action is null)
            {
                continue;
            }

            var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
            if (operations.OfType<ApplyChangesOperation>().FirstOrDefault() is not { } apply || apply.ChangedSolution == current)
            {
                continue;
            }

            current = apply.ChangedSolution;
            if (fixer == pending[^1])
            {
                break;
            }

            diagnostics = (await ProjectAnalyzer.AnalyzeAsync(current.GetProject(projectId)!, allRules, cancellationToken).ConfigureAwait(false)).Diagnostics;
        }

        current = await CompileGuard.KeepCompilingAsync(original, current, projectId, output, cancellationToken).ConfigureAwait(false);
        var after = await ProjectAnalyzer.AnalyzeAsync(current.GetProject(projectId)!, allRules, cancellationToken).ConfigureAwait(false);
        return (current, after);
    }

    internal static IEnumerable<Document> ChangedDocuments(Solution original, Solution changed, ProjectId projectId) =>
        changed.GetChanges(original).GetProjectChanges()
            .Where(p => p.ProjectId == projectId)
            .SelectMany(p => p.GetChangedDocuments(onlyGetDocumentsWithTextChanges: true))
            .Select(id => changed.GetDocument(id)!)
            .Where(d => d.FilePath is not null);

    /// <summary>The findings Fix All works on: those of one fixer, in the documents they were reported in.</summary>
    private sealed class FixedSet : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> diagnostics;

        public FixedSet(ImmutableArray<Diagnostic> diagnostics) => this.diagnostics = diagnostics;

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            return diagnostics.Where(d => d.Location.SourceTree == tree);
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
