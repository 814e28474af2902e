using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ThreadWise.Cli.Loading;

/// <summary>What <c>threadwise analyze</c> was asked to load: one solution, or one or more project files.</summary>
/// <param name="Solution">The solution file, or null when <see cref="Projects"/> are loaded one by one.</param>
/// <param name="Projects">Project files to load when there is no solution.</param>
/// <param name="Root">The folder reports make paths relative to (the repository root when the target is in a git work tree).</param>
/// <param name="Picked">What was picked from a folder, for the user to see; null when the target was a file.</param>
internal sealed record LoadTarget(string? Solution, IReadOnlyList<string> Projects, string Root, string? Picked);

/// <summary>Turns the user's path into a <see cref="LoadTarget"/>, or a message saying why it cannot.</summary>
internal static class TargetResolver
{
    private static readonly string[] SolutionExtensions = { ".sln", ".slnx" };
    private static readonly string[] SkippedFolders = { "bin", "obj", ".git", "node_modules", ".vs" };

    public static (LoadTarget? Target, string? Error) Resolve(string input)
    {
        var path = Path.GetFullPath(input);
        if (File.Exists(path))
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            if (SolutionExtensions.Contains(extension))
            {
                return (new LoadTarget(path, Array.Empty<string>(), FindRoot(Path.GetDirectoryName(path)!), null), null);
            }

            if (extension == ".csproj")
            {
                return (new LoadTarget(null, new[] { path }, FindRoot(Path.GetDirectoryName(path)!), null), null);
            }

            return (null, $"{input}: not a solution (.sln, .slnx) or C# project (.csproj)");
        }

        if (!Directory.Exists(path))
        {
            return (null, $"{input}: the path does not exist");
        }

        var solutions = SolutionExtensions
            .SelectMany(e => Directory.GetFiles(path, "*" + e))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        if (solutions.Count == 1)
        {
            return (new LoadTarget(solutions[0], Array.Empty<string>(), FindRoot(path), $"picked the solution {Path.GetFileName(solutions[0])}"), null);
        }

        if (solutions.Count > 1)
        {
            return (null, $"{input}: the folder has several solutions ({string.Join(", ", solutions.Select(Path.GetFileName))}); name the one to analyze");
        }

        var projects = FindProjects(path).OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (projects.Count == 0)
        {
            return (null, $"{input}: the folder has no solution (.sln, .slnx) and no C# project (.csproj)");
        }

        var names = string.Join(", ", projects.Select(p => Path.GetRelativePath(path, p)));
        return (new LoadTarget(null, projects, FindRoot(path), $"no solution in the folder; picked {projects.Count} project(s): {names}"), null);
    }

    private static IEnumerable<string> FindProjects(string folder)
    {
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            foreach (var file in Directory.GetFiles(current, "*.csproj"))
            {
                yield return file;
            }

            foreach (var child in Directory.GetDirectories(current))
            {
                if (!SkippedFolders.Contains(Path.GetFileName(child), StringComparer.OrdinalIgnoreCase))
                {
                    pending.Push(child);
                }
            }
        }
    }

    /// <summary>The enclosing git work tree's root, else the folder itself: SARIF paths are relative to it.</summary>
    private static string FindRoot(string folder)
    {
        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
            {
                return dir.FullName;
            }
        }

        return folder;
    }
}
