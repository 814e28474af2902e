using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.MSBuild;

namespace ThreadWise.Cli.Loading;

/// <summary>A project (or the target itself) that could not be loaded, and why, in words a user can act on.</summary>
/// <param name="Project">The project or solution file.</param>
/// <param name="Reason">The cause in plain words (restore not run, a missing SDK, an invalid project file…).</param>
/// <param name="Detail">What MSBuild said.</param>
internal sealed record LoadFailure(string Project, string Reason, string Detail);

/// <summary>The loaded workspace: the C# projects to analyze (one per project file), what failed, and notes for the user.</summary>
internal sealed record LoadedWorkspace(MSBuildWorkspace Workspace, IReadOnlyList<LoadedProject> Projects, IReadOnlyList<LoadFailure> Failures, IReadOnlyList<string> Notes);

/// <summary>
/// One project file and the target frameworks it is analyzed for: MSBuildWorkspace loads a multi-targeted project once
/// per target framework (named <c>Name(tfm)</c>), each with its own preprocessor symbols and references, as a build
/// compiles it. <see cref="Variants"/> are ordered by name; the first is the one <c>--fix</c> edits.
/// </summary>
internal sealed record LoadedProject(string Name, IReadOnlyList<Project> Variants)
{
    public Project Primary => Variants[0];

    /// <summary><c>Name(net8.0)</c> → <c>net8.0</c>; null for a project with one target framework.</summary>
    public static string? FrameworkOf(Project project) =>
        project.Name.EndsWith(')') && project.Name.LastIndexOf('(') is var open and > 0 ? project.Name[(open + 1)..^1] : null;

    public static string BaseName(Project project) =>
        FrameworkOf(project) is not null ? project.Name[..project.Name.LastIndexOf('(')] : project.Name;
}

/// <summary>
/// Loads a <see cref="LoadTarget"/> with <see cref="MSBuildWorkspace"/> (read-only: no source or project file is
/// written; MSBuild's design-time build writes its usual obj/ intermediates, as an IDE does). Every
/// <see cref="WorkspaceDiagnosticKind.Failure"/> is a load failure of the project it names (or of the target when it
/// names none): the run will exit with 2. A project that MSBuild could not load at all is missing from the workspace; one
/// that loaded with errors (a package restored with warnings as errors, SourceLink without a repository…) is still
/// analyzed, and the other projects are analyzed as usual.
/// </summary>
internal static class ProjectLoader
{
    private static readonly Regex QuotedProjectPath = new(@"'(?<path>[^']+\.(?:cs|vb|fs)proj)'", RegexOptions.IgnoreCase | RegexOptions.Compiled);

    public static async Task<LoadedWorkspace> LoadAsync(LoadTarget target, string? framework, TextWriter progress, CancellationToken cancellationToken)
    {
        var workspace = MSBuildWorkspace.Create();
        var diagnostics = new ConcurrentQueue<WorkspaceDiagnostic>();
        var failures = new List<LoadFailure>();
        var reporter = new LoadProgress(progress);
        using (workspace.RegisterWorkspaceFailedHandler(e => diagnostics.Enqueue(e.Diagnostic)))
        {
            if (target.Solution is { } solution)
            {
                progress.WriteLine($"loading {solution}");
                await OpenAsync(solution, () => workspace.OpenSolutionAsync(solution, reporter, cancellationToken), failures).ConfigureAwait(false);
            }
            else
            {
                foreach (var project in target.Projects)
                {
                    // A project another one references is already loaded with it.
                    if (workspace.CurrentSolution.Projects.Any(p => SamePath(p.FilePath, project)))
                    {
                        continue;
                    }

                    await OpenAsync(project, () => workspace.OpenProjectAsync(project, reporter, cancellationToken), failures).ConfigureAwait(false);
                }
            }
        }

        var target0 = target.Solution ?? target.Projects[0];
        foreach (var diagnostic in diagnostics.Where(d => d.Kind == WorkspaceDiagnosticKind.Failure))
        {
            var match = QuotedProjectPath.Match(diagnostic.Message);
            var project = match.Success ? Path.GetFullPath(match.Groups["path"].Value) : target0;
            failures.Add(new LoadFailure(project, Classify(diagnostic.Message), diagnostic.Message));
        }

        var notes = new List<string>();
        var projects = new List<LoadedProject>();
        var multiTargeted = 0;
        var notTargeting = new List<string>();
        var referencedOnly = 0;
        foreach (var group in workspace.CurrentSolution.Projects.GroupBy(p => p.FilePath ?? p.Name, StringComparer.Ordinal))
        {
            var variants = group.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            var first = variants[0];
            if (first.Language != LanguageNames.CSharp)
            {
                notes.Add($"skipped {first.Name}: not a C# project");
                continue;
            }

            if (target.Solution is null && !target.Projects.Any(p => SamePath(p, first.FilePath)))
            {
                referencedOnly++;
                continue;
            }

            if (variants.Count > 1)
            {
                multiTargeted++;
                if (framework is not null)
                {
                    variants = variants.Where(p => string.Equals(LoadedProject.FrameworkOf(p), framework, StringComparison.OrdinalIgnoreCase)).ToList();
                    if (variants.Count == 0)
                    {
                        notTargeting.Add(LoadedProject.BaseName(first));
                        continue;
                    }
                }
            }

            projects.Add(new LoadedProject(LoadedProject.BaseName(first), variants));
        }

        if (referencedOnly > 0)
        {
            notes.Add($"{referencedOnly} referenced project(s) outside the target loaded for their types, not analyzed");
        }

        if (multiTargeted > 0)
        {
            notes.Add(framework is null
                ? $"{multiTargeted} multi-targeted project(s): analyzed for each of their target frameworks, findings merged"
                : $"{multiTargeted} multi-targeted project(s): analyzed for {framework} only");
        }

        if (notTargeting.Count > 0)
        {
            notes.Add($"skipped {string.Join(", ", notTargeting)}: not targeting {framework}");
        }

        return new LoadedWorkspace(workspace, projects, Deduplicate(failures), notes);
    }

    private static async Task OpenAsync(string path, Func<Task> open, List<LoadFailure> failures)
    {
        try
        {
            await open().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failures.Add(new LoadFailure(path, Classify(e.Message), e.Message));
        }
    }

    private static IReadOnlyList<LoadFailure> Deduplicate(List<LoadFailure> failures) => failures
        .GroupBy(f => (f.Project, f.Detail))
        .Select(g => g.First())
        .ToList();

    /// <summary>The cause of a load failure in words a user can act on, from MSBuild's message.</summary>
    internal static string Classify(string message)
    {
        if (message.Contains("NETSDK1004", StringComparison.Ordinal) || message.Contains("project.assets.json", StringComparison.Ordinal))
        {
            return "restore was not run (run `dotnet restore` on it first)";
        }

        if (message.Contains("package", StringComparison.OrdinalIgnoreCase) || message.Contains("was resolved instead", StringComparison.Ordinal))
        {
            return "its packages did not restore cleanly (run `dotnet restore` and fix what it reports)";
        }

        if (message.Contains("MSB4236", StringComparison.Ordinal) || message.Contains("NETSDK1045", StringComparison.Ordinal) ||
            message.Contains("MSB4019", StringComparison.Ordinal) ||
            (message.Contains("SDK", StringComparison.Ordinal) && message.Contains("could not be", StringComparison.OrdinalIgnoreCase)))
        {
            return "a required SDK or MSBuild import is missing";
        }

        if (message.Contains("MSB4025", StringComparison.Ordinal) || message.Contains("MSB4068", StringComparison.Ordinal) ||
            message.Contains("MSB4067", StringComparison.Ordinal) || message.Contains("project file could not be loaded", StringComparison.OrdinalIgnoreCase))
        {
            return "the project file is not valid";
        }

        if (message.Contains("not found", StringComparison.OrdinalIgnoreCase) || message.Contains("does not exist", StringComparison.OrdinalIgnoreCase) ||
            message.Contains("Could not find", StringComparison.OrdinalIgnoreCase))
        {
            return "a file it names does not exist";
        }

        return "MSBuild reported an error while loading it";
    }

    private static bool SamePath(string? a, string? b) =>
        a is not null && b is not null && string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);

    /// <summary>Writes each project as it finishes loading (synchronously, unlike <see cref="Progress{T}"/>).</summary>
    private sealed class LoadProgress : IProgress<ProjectLoadProgress>
    {
        private readonly TextWriter output;
        private int loaded;

        public LoadProgress(TextWriter output) => this.output = output;

        public void Report(ProjectLoadProgress value)
        {
            if (value.Operation != ProjectLoadOperation.Resolve)
            {
                return;
            }

            var count = Interlocked.Increment(ref loaded);
            var framework = value.TargetFramework is { Length: > 0 } tfm ? $" ({tfm})" : "";
            lock (output)
            {
                output.WriteLine($"  loaded {count}: {Path.GetFileName(value.FilePath)}{framework} in {value.ElapsedTime.TotalSeconds:0.0}s");
            }
        }
    }
}
