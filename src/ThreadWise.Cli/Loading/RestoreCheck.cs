using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Cli.Loading;

/// <summary>
/// A project that was never restored still loads (MSBuild resolves the framework without the assets file and says
/// nothing), but its package references are missing, so its compilation is wrong. When no assets file is found and the
/// compilation has errors, the project counts as a load failure: "restore was not run".
/// </summary>
internal static class RestoreCheck
{
    public static LoadFailure? Check(Project project, Compilation compilation)
    {
        if (project.FilePath is not { } path || HasAssetsFile(path, project))
        {
            return null;
        }

        var error = compilation.GetDiagnostics().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
        return error is null
            ? null
            : new LoadFailure(path, $"restore was not run (run `dotnet restore {path}` first)", $"no project.assets.json, and the compilation fails: {error.Id}: {error.GetMessage()}");
    }

    private static bool HasAssetsFile(string projectPath, Project project)
    {
        var folder = Path.GetDirectoryName(projectPath)!;
        if (File.Exists(Path.Combine(folder, "obj", "project.assets.json")))
        {
            return true;
        }

        // Other layouts (UseArtifactsOutput, a BaseIntermediateOutputPath elsewhere): the assets file sits in the
        // intermediate folder, which the compiler's output path does not name; look beside the output instead.
        return project.OutputFilePath is { } output &&
            (output.Contains($"{Path.DirectorySeparatorChar}artifacts{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ||
             !output.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }
}
