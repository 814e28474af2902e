using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ThreadWise.Cli.Reports;

namespace ThreadWise.Cli.Fixing;

/// <summary>
/// Keeps <c>--fix</c> from writing code that does not compile: a changed file whose compile errors went up is put back;
/// if the project still has more errors than before (a change in one file broke another), every change to the project
/// is put back. Errors the project had before fixing are not held against the fixes.
/// </summary>
internal static class CompileGuard
{
    public static async Task<Solution> KeepCompilingAsync(Solution original, Solution fixedSolution, ProjectId projectId, TextWriter output, CancellationToken cancellationToken)
    {
        var baseline = ErrorsByFile((await original.GetProject(projectId)!.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!);
        var compilation = (await fixedSolution.GetProject(projectId)!.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
        var errors = ErrorsByFile(compilation);
        var current = fixedSolution;
        foreach (var document in FixRunner.ChangedDocuments(original, fixedSolution, projectId).ToList())
        {
            if (Count(errors, document.FilePath) > Count(baseline, document.FilePath))
            {
                output.WriteLine($"  left {TextReport.DisplayPath(document.FilePath!)} untouched: the fixed code would not compile ({FirstError(compilation, document.FilePath)})");
                current = current.WithDocumentText(document.Id, await original.GetDocument(document.Id)!.GetTextAsync(cancellationToken).ConfigureAwait(false));
            }
        }

        compilation = (await current.GetProject(projectId)!.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
        if (ErrorsByFile(compilation).Values.Sum() > baseline.Values.Sum())
        {
            output.WriteLine($"  left {original.GetProject(projectId)!.Name} untouched: its fixed code would not compile ({FirstError(compilation, null)})");
            return original;
        }

        return current;
    }

    private static Dictionary<string, int> ErrorsByFile(Compilation compilation) => compilation.GetDiagnostics()
        .Where(d => d.Severity == DiagnosticSeverity.Error)
        .GroupBy(d => d.Location.SourceTree?.FilePath ?? "", StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static int Count(Dictionary<string, int> errors, string? path) => path is not null && errors.TryGetValue(path, out var n) ? n : 0;

    private static string FirstError(Compilation compilation, string? path) => compilation.GetDiagnostics()
        .Where(d => d.Severity == DiagnosticSeverity.Error && (path is null || d.Location.SourceTree?.FilePath == path))
        .Select(d => $"{d.Id}: {d.GetMessage()}")
        .FirstOrDefault() ?? "new errors";
}
