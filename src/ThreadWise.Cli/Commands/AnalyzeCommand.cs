using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ThreadWise.Cli.Analysis;
using ThreadWise.Cli.Fixing;
using ThreadWise.Cli.Loading;
using ThreadWise.Cli.Model;
using ThreadWise.Cli.Reports;

namespace ThreadWise.Cli.Commands;

/// <summary>
/// <c>threadwise analyze</c>: resolve the target, load it, analyze every project that loaded, write the reports, and
/// optionally fix. A project that fails to load is named with the reason on stderr and left out; the others are still
/// analyzed and reported, and the exit code is 2. Unexpected errors are one line on stderr, never a stack trace.
/// </summary>
internal static class AnalyzeCommand
{
    public static async Task<int> RunAsync(AnalyzeOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (target, problem) = TargetResolver.Resolve(options.Target);
        if (target is null)
        {
            error.WriteLine($"threadwise: {problem}");
            return CliApp.Failed;
        }

        if (target.Picked is { } picked)
        {
            error.WriteLine($"threadwise: {picked}");
        }

        try
        {
            return await RunLoadedAsync(options, target, output, error, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("threadwise: canceled");
            return CliApp.Failed;
        }
        catch (Exception e)
        {
            error.WriteLine($"threadwise: {options.Target}: {e.GetType().Name}: {e.Message}");
            return CliApp.Failed;
        }
    }

    private static async Task<int> RunLoadedAsync(AnalyzeOptions options, LoadTarget target, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var loaded = await ProjectLoader.LoadAsync(target, options.Framework, error, cancellationToken).ConfigureAwait(false);
        using var workspace = loaded.Workspace;
        var msbuildTime = clock.Elapsed;
        var failures = loaded.Failures.ToList();
        foreach (var project in failures.GroupBy(f => f.Project, StringComparer.Ordinal))
        {
            WriteFailures(project.ToList(), error);
        }

        foreach (var note in loaded.Notes)
        {
            error.WriteLine($"threadwise: {note}");
        }

        if (loaded.Projects.Count == 0)
        {
            if (loaded.Failures.Count == 0)
            {
                error.WriteLine($"threadwise: {options.Target}: no C# project to analyze");
            }

            return CliApp.Failed;
        }

        error.WriteLine($"threadwise: {loaded.Projects.Count} project(s) loaded in {msbuildTime.TotalSeconds:0.0}s; analyzing");
        var analyzed = new List<AnalyzedProject>();
        for (var i = 0; i < loaded.Projects.Count; i++)
        {
            var project = loaded.Projects[i];
            var variants = new List<ProjectDiagnostics>();
            foreach (var variant in project.Variants)
            {
                var diagnostics = await ProjectAnalyzer.AnalyzeAsync(variant, options.AllRules, cancellationToken).ConfigureAwait(false);
                if (RestoreCheck.Check(variant, diagnostics.Compilation) is { } notRestored)
                {
                    failures.Add(notRestored);
                    WriteFailures(new[] { notRestored }, error);
                    variants.Clear();
                    break;
                }

                variants.Add(diagnostics);
            }

            if (variants.Count == 0)
            {
                continue;
            }

            var merged = new AnalyzedProject(project.Name, variants);
            analyzed.Add(merged);
            var partial = failures.Any(f => f.Project == project.Primary.FilePath) ? "; it loaded with errors, so findings may be incomplete" : "";
            var frameworks = variants.Count > 1 ? $" for {variants.Count} target frameworks" : "";
            error.WriteLine(
                $"  analyzed {i + 1} of {loaded.Projects.Count}: {project.Name}{frameworks}: {merged.Findings.Count} finding(s) " +
                $"(compile {merged.CompileTime.TotalSeconds:0.0}s, analyze {merged.AnalysisTime.TotalSeconds:0.0}s{partial})");
        }

        var details = new RunDetails(
            target,
            failures,
            loaded.Notes,
            analyzed.SelectMany(a => a.Variants).SelectMany(a => a.AnalyzerExceptions).ToList(),
            msbuildTime,
            TimeSpan.FromTicks(analyzed.Sum(a => a.CompileTime.Ticks)));
        var result = new AnalysisResult(
            Path.GetFullPath(options.Target),
            ThreadWiseRules.Rules,
            analyzed.Select(ToProjectResult).ToList(),
            msbuildTime + details.CompileTime,
            TimeSpan.FromTicks(analyzed.Sum(a => a.AnalysisTime.Ticks)));
        foreach (var crash in details.AnalyzerExceptions.GroupBy(c => c, StringComparer.Ordinal))
        {
            error.WriteLine($"threadwise: warning: analyzer failure{(crash.Count() > 1 ? $" ({crash.Count()} times)" : "")}: {crash.Key}");
        }

        TextReport.Write(result, details, output);
        if (options.SarifPath is { } sarifPath)
        {
            SarifReport.Write(result, details, sarifPath);
            error.WriteLine($"threadwise: SARIF written to {sarifPath}");
        }

        if (options.HtmlPath is { } htmlPath)
        {
            Html.HtmlReport.Write(result, htmlPath);
            error.WriteLine($"threadwise: HTML written to {htmlPath}");
        }

        IReadOnlyList<Finding> remaining = result.Projects.SelectMany(p => p.Findings).ToList();
        if (options.Fix)
        {
            remaining = await FixRunner.RunAsync(workspace.CurrentSolution, analyzed, options.AllRules, output, error, cancellationToken).ConfigureAwait(false);
        }

        if (failures.Count > 0)
        {
            return CliApp.Failed;
        }

        return remaining.Any(f => Fails(f.Severity, options.FailOn)) ? CliApp.FindingsFound : CliApp.Clean;
    }

    /// <summary>One project's load failures: the first reason, then what MSBuild said (the first few messages).</summary>
    private static void WriteFailures(IReadOnlyList<LoadFailure> failures, TextWriter error)
    {
        const int Shown = 4;
        error.WriteLine($"threadwise: cannot load {TextReport.DisplayPath(failures[0].Project)}: {failures[0].Reason}");
        foreach (var failure in failures.Take(Shown))
        {
            error.WriteLine($"  {failure.Detail.ReplaceLineEndings(Environment.NewLine + "  ")}");
        }

        if (failures.Count > Shown)
        {
            error.WriteLine($"  ... and {failures.Count - Shown} more message(s) from MSBuild");
        }
    }

    private static ProjectResult ToProjectResult(AnalyzedProject analyzed) => new(
        analyzed.Name,
        analyzed.Primary.Project.FilePath ?? analyzed.Name,
        analyzed.Primary.Project.DocumentIds.Count,
        analyzed.Findings);

    internal static bool Fails(string severity, FailOn threshold)
    {
        var rank = severity switch
        {
            "error" => FailOn.Error,
            "warning" => FailOn.Warning,
            "info" => FailOn.Info,
            _ => FailOn.None,
        };
        return threshold != FailOn.None && rank != FailOn.None && rank >= threshold;
    }
}
