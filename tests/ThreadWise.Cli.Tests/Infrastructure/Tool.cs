using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using ThreadWise.Cli.Commands;
using Xunit;

namespace ThreadWise.Cli.Tests.Infrastructure;

/// <summary>What one run of the tool printed and returned.</summary>
internal sealed record ToolRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs <c>threadwise</c> in-process through its real entry (<see cref="CliApp.RunAsync"/>, which registers MSBuild
/// once per process before any MSBuild type loads), and the <c>dotnet</c> CLI for restores.
/// </summary>
internal static class Tool
{
    public static string RepositoryRoot { get; } = typeof(Tool).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static string InRepository(params string[] parts) => Path.Combine(new[] { RepositoryRoot }.Concat(parts).ToArray());

    public static async Task<ToolRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, output, error).ConfigureAwait(false);
        return new ToolRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary><c>dotnet restore</c> of a solution or project (the tool never restores: a user runs it first).</summary>
    public static void Restore(string path)
    {
        var start = new ProcessStartInfo("dotnet", $"restore \"{path}\" -nologo")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet restore {path} failed:\n{stdout.Result}\n{stderr}");
    }

    /// <summary>Removes a temp folder a test made (best effort: a build host may still be closing files in it).</summary>
    public static void DeleteTempFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static string NewTempFolder(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "threadwise-cli-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
