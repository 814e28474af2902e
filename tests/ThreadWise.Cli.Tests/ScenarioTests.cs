using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ThreadWise.Cli.Tests.Infrastructure;
using Xunit;

namespace ThreadWise.Cli.Tests;

/// <summary>End to end on small generated solutions: what is found, the project's own settings, exit codes, bad input.</summary>
public sealed class ScenarioTests : IClassFixture<Scenarios>
{
    private readonly Scenarios scenarios;

    public ScenarioTests(Scenarios scenarios) => this.scenarios = scenarios;

    [Fact]
    public async Task TwoProjects_BothAnalyzed_FindingsFailTheRun()
    {
        var sarif = Path.Combine(scenarios.Root, "two.sarif");
        var run = await Tool.RunAsync("analyze", scenarios.TwoProjects, "--sarif", sarif);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("analyzed 2 of 2", run.Error, StringComparison.Ordinal);
        Assert.Matches(@"A[/\\]Code\.cs\(9,9\): warning TW0006: ", run.Output);
        Assert.Matches(@"B[/\\]Code\.cs\(9,9\): warning TW0003: ", run.Output);
        Assert.Contains("2 finding(s) in 2 file(s); 2 project(s)", run.Output, StringComparison.Ordinal);

        var results = Sarif.Results(sarif);
        Assert.Equal(new[] { "A/Code.cs:TW0006", "B/Code.cs:TW0003" }, results.Select(r => $"{r.Uri}:{r.RuleId}").OrderBy(s => s, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("none", 0)]
    [InlineData("error", 0)]
    [InlineData("info", 1)]
    public async Task FailOn_SetsTheThreshold(string failOn, int exitCode)
    {
        var run = await Tool.RunAsync("analyze", scenarios.TwoProjects, "--fail-on", failOn);
        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.Contains("TW0006", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditorConfigSeverityNone_TurnsTheRuleOff_AllTurnsItBackOn()
    {
        var run = await Tool.RunAsync("analyze", scenarios.Configured);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("picked 1 project(s): C.csproj", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("TW0006", run.Output, StringComparison.Ordinal);
        Assert.Contains("warning TW0003: ", run.Output, StringComparison.Ordinal);

        var all = await Tool.RunAsync("analyze", scenarios.Configured, "--all");
        Assert.True(all.ExitCode == 1, all.ToString());
        Assert.Contains("warning TW0006: ", all.Output, StringComparison.Ordinal);
        Assert.Contains("warning TW0003: ", all.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MultiTargeted_EachFrameworkAnalyzed_SameFindingOnce()
    {
        var run = await Tool.RunAsync("analyze", scenarios.MultiTargeted);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Multi for 2 target frameworks: 3 finding(s)", run.Error, StringComparison.Ordinal);
        Assert.Equal(
            new[] { "(9,9): warning TW0003", "(17,9): warning TW0003", "(19,9): warning TW0006" },
            FindingLines(run.Output));
    }

    [Theory]
    [InlineData("net10.0", "(9,9): warning TW0003|(17,9): warning TW0003")]
    [InlineData("netstandard2.0", "(9,9): warning TW0003|(19,9): warning TW0006")]
    public async Task MultiTargeted_Framework_AnalyzesThatOneOnly(string framework, string expected)
    {
        var run = await Tool.RunAsync("analyze", scenarios.MultiTargeted, "--framework", framework);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"analyzed for {framework} only", run.Error, StringComparison.Ordinal);
        Assert.Equal(expected.Split('|'), FindingLines(run.Output));
    }

    [Fact]
    public async Task MultiTargeted_FrameworkItDoesNotTarget_IsSkipped()
    {
        var run = await Tool.RunAsync("analyze", scenarios.MultiTargeted, "--framework", "net48");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("skipped Multi: not targeting net48", run.Error, StringComparison.Ordinal);
    }

    private static string[] FindingLines(string output) => System.Text.RegularExpressions.Regex
        .Matches(output, @"Code\.cs(?<at>\(\d+,\d+\): warning TW\d{4})")
        .Select(m => m.Groups["at"].Value)
        .ToArray();

    [Fact]
    public async Task ProjectWithMissingSdk_NamedWithReason_OthersStillAnalyzed_Exit2()
    {
        var sarif = Path.Combine(scenarios.Root, "broken.sarif");
        var run = await Tool.RunAsync("analyze", scenarios.Broken, "--sarif", sarif);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Matches(@"cannot load .*Bad\.csproj: a required SDK or MSBuild import is missing", run.Error);
        Assert.Contains("Contoso.Missing.Sdk", run.Error, StringComparison.Ordinal);
        Assert.Contains("warning TW0006: ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.Contains("\"executionSuccessful\": false", File.ReadAllText(sarif), StringComparison.Ordinal);
        Assert.Single(Sarif.Results(sarif));
    }

    [Fact]
    public async Task ProjectThatDoesNotCompile_IsAnalyzedAllTheSame()
    {
        var run = await Tool.RunAsync("analyze", scenarios.NotCompiling);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("warning TW0003: ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot load", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProjectNotRestored_SaysRestoreWasNotRun_Exit2()
    {
        var run = await Tool.RunAsync("analyze", scenarios.NotRestored);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Matches(@"cannot load .*NotRestored\.csproj: restore was not run \(run `dotnet restore ", run.Error);
        Assert.Matches("CS02(34|46): ", run.Error);
        Assert.DoesNotContain("TW0003", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidProjectFile_SaysSo_Exit2()
    {
        var run = await Tool.RunAsync("analyze", scenarios.Invalid);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Matches(@"cannot load .*Invalid\.csproj: the project file is not valid", run.Error);
    }

    [Fact]
    public async Task FolderWithNoProject_Exit2()
    {
        var run = await Tool.RunAsync("analyze", scenarios.Empty);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("the folder has no solution (.sln, .slnx) and no C# project (.csproj)", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task MissingPath_Exit2()
    {
        var run = await Tool.RunAsync("analyze", Path.Combine(scenarios.Root, "no-such-thing.sln"));
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("no-such-thing.sln: the path does not exist", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("analyze")]
    [InlineData("analyze", "x.sln", "--fail-on", "sometimes")]
    [InlineData("audit", "x.sln")]
    public async Task BadCommandLine_Exit2_WithUsage(params string[] args)
    {
        var run = await Tool.RunAsync(args);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("usage: threadwise analyze", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_WritesTheReport()
    {
        var path = Path.Combine(scenarios.Root, "r.html");
        var run = await Tool.RunAsync("analyze", scenarios.TwoProjects, "--html", path);
        Assert.True(File.Exists(path), run.ToString());
        var html = await File.ReadAllTextAsync(path);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("HTML written to", run.Error, StringComparison.Ordinal);
    }
}
