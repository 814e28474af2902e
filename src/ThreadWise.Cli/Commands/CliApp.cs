using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ThreadWise.Cli.Loading;

namespace ThreadWise.Cli.Commands;

/// <summary>The severity at or above which a finding fails the run (exit code 1).</summary>
internal enum FailOn
{
    None,
    Info,
    Warning,
    Error,
}

/// <summary>What <c>threadwise analyze</c> was asked to do.</summary>
internal sealed record AnalyzeOptions(string Target, string? SarifPath, string? HtmlPath, bool Fix, bool AllRules, FailOn FailOn, string? Framework = null);

/// <summary>
/// The command line (System.CommandLine). Exit codes: 0 clean, 1 findings at or above <c>--fail-on</c>, 2 bad input or
/// a load failure. Callable in-process (the tests do): MSBuild is registered once per process before anything else.
/// </summary>
internal static class CliApp
{
    public const int Clean = 0;
    public const int FindingsFound = 1;
    public const int Failed = 2;

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        // First, in its own method: no MSBuild type may be loaded before the SDK's MSBuild is registered.
        var registration = MsBuildSetup.EnsureRegistered();
        return RunCoreAsync(args, output, error, registration, cancellationToken);
    }

    private static async Task<int> RunCoreAsync(string[] args, TextWriter output, TextWriter error, string? registrationError, CancellationToken cancellationToken)
    {
        var target = new Argument<string>("target") { Description = "A solution (.sln, .slnx), a C# project (.csproj), or a folder holding one." };
        var sarif = new Option<string?>("--sarif") { Description = "Also write the findings as SARIF 2.1.0 to FILE.", HelpName = "FILE" };
        var html = new Option<string?>("--html") { Description = "Also write a self-contained HTML report to FILE.", HelpName = "FILE" };
        var fix = new Option<bool>("--fix") { Description = "Apply every fix the findings have (Fix All's choice per finding); files whose fixed code would not compile are left untouched." };
        var all = new Option<bool>("--all") { Description = "Turn every ThreadWise rule on at warning, whatever the projects' .editorconfig or NoWarn say." };
        var failOn = new Option<string>("--fail-on")
        {
            Description = "Exit with 1 when a finding has this severity or higher (none: never).",
            DefaultValueFactory = _ => "warning",
            HelpName = "error|warning|info|none",
        };
        failOn.AcceptOnlyFromAmong("error", "warning", "info", "none");
        var framework = new Option<string?>("--framework", "-f")
        {
            Description = "Analyze multi-targeted projects for this target framework only (default: every target framework, findings merged).",
            HelpName = "TFM",
        };

        var analyze = new Command("analyze", "Run every ThreadWise rule on a solution, project or folder and report the findings.")
        {
            target, sarif, html, fix, all, failOn, framework,
        };
        analyze.SetAction((parse, ct) =>
        {
            if (registrationError is not null)
            {
                error.WriteLine($"threadwise: {registrationError}");
                return Task.FromResult(Failed);
            }

            var options = new AnalyzeOptions(
                parse.GetValue(target)!,
                parse.GetValue(sarif),
                parse.GetValue(html),
                parse.GetValue(fix),
                parse.GetValue(all),
                Enum.Parse<FailOn>(parse.GetValue(failOn)!, ignoreCase: true),
                parse.GetValue(framework));
            return AnalyzeCommand.RunAsync(options, output, error, ct);
        });

        // Named after the tool command, not the assembly (ThreadWise.Cli: an assembly named "threadwise" would clash
        // with the runtime library ThreadWise, assembly names ignoring case), so help reads `threadwise analyze …`.
        var root = new Command("threadwise", "threadwise: audit C# code for threading mistakes with the ThreadWise rules.")
        {
            analyze,
            new HelpOption(),
            new VersionOption(),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                error.WriteLine($"threadwise: {parseError.Message}");
            }

            error.WriteLine("usage: threadwise analyze <solution|project|folder> [--sarif FILE] [--html FILE] [--fix] [--all] [--fail-on error|warning|info|none] [--framework TFM]");
            return Failed;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
    }
}
