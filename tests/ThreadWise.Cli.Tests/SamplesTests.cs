using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using NJsonSchema;
using ThreadWise.Cli.Analysis;
using ThreadWise.Cli.Tests.Infrastructure;
using Xunit;

namespace ThreadWise.Cli.Tests;

/// <summary>Runs <c>threadwise analyze samples/Samples.sln --sarif …</c> once (restoring the samples first).</summary>
public sealed class SamplesRun : IAsyncLifetime
{
    public string SarifPath { get; } = Path.Combine(Tool.NewTempFolder("samples"), "samples.sarif");

    internal ToolRun Run { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var solution = Tool.InRepository("samples", "Samples.sln");
        Tool.Restore(solution);
        Run = await Tool.RunAsync("analyze", solution, "--sarif", SarifPath);
    }

    public Task DisposeAsync()
    {
        Tool.DeleteTempFolder(Path.GetDirectoryName(SarifPath)!);
        return Task.CompletedTask;
    }
}

/// <summary>End to end on the samples: every marked line is reported, the SARIF validates and describes the rules.</summary>
public sealed class SamplesTests : IClassFixture<SamplesRun>
{
    private static readonly Regex Marker = new(@"//\s*expect:\s*(?<ids>TW[0-9]{4}(\s*,\s*TW[0-9]{4})*)", RegexOptions.Compiled);
    private readonly SamplesRun samples;

    public SamplesTests(SamplesRun samples) => this.samples = samples;

    [Fact]
    public void Samples_ExitWithFindings()
    {
        Assert.True(samples.Run.ExitCode == 1, samples.Run.ToString());
        Assert.DoesNotContain("cannot load", samples.Run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("analyzer failure", samples.Run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Samples_ReportExactlyTheMarkedLines()
    {
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Tool.InRepository("samples"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var match = Marker.Match(lines[i]);
                foreach (var id in match.Success ? match.Groups["ids"].Value.Split(',').Select(s => s.Trim()) : Enumerable.Empty<string>())
                {
                    expected.Add($"{Path.GetRelativePath(Tool.RepositoryRoot, file).Replace('\\', '/')}:{i + 1}: {id}");
                }
            }
        }

        var results = Sarif.Results(samples.SarifPath);
        var actual = new SortedSet<string>(results.Select(r => $"{r.Uri}:{r.Line}: {r.RuleId}"), StringComparer.Ordinal);
        Assert.True(expected.Count >= ThreadWiseRules.Ids.Length, "every rule has a marked sample line");
        // Exactly the marked lines: nothing more in the samples, in their Fixed*.cs, or in the libraries the solution includes.
        Assert.True(
            expected.SetEquals(actual),
            $"missing: {string.Join(", ", expected.Except(actual))}; unexpected: {string.Join(", ", actual.Except(expected))}");
        Assert.Equal(actual.Count, results.Count);
        // The text report names every marked line in compiler format too.
        foreach (var r in results)
        {
            Assert.Contains($"({r.Line},{r.Column}): warning {r.RuleId}: ", samples.Run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Samples_TextReport_GroupsByRule_WithSummaryAndTimes()
    {
        var output = samples.Run.Output;
        foreach (var rule in ThreadWiseRules.Rules)
        {
            Assert.Contains($"{rule.Id} {rule.Title} (", output, StringComparison.Ordinal);
            Assert.Contains(rule.HelpUri, output, StringComparison.Ordinal);
            Assert.Matches(new Regex($"(?m)^{rule.Id} +.+ +[1-9][0-9]*$"), output);
        }

        Assert.Matches(@"Time: loading [0-9.]+s \(MSBuild [0-9.]+s, compiling [0-9.]+s\), analysis [0-9.]+s\.", output);
        Assert.Contains("analyzed 1 of ", samples.Run.Error, StringComparison.Ordinal);
        Assert.Contains("loaded 1: ", samples.Run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sarif_ValidatesAgainstTheSarif210Schema()
    {
        var schema = await JsonSchema.FromJsonAsync(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Sarif", "sarif-schema-2.1.0.json")));
        var errors = schema.Validate(await File.ReadAllTextAsync(samples.SarifPath));
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));

        // The validator does catch a broken log (a version the schema does not allow).
        var broken = File.ReadAllText(samples.SarifPath).Replace("\"version\": \"2.1.0\"", "\"version\": \"2.0.0\"", StringComparison.Ordinal);
        Assert.NotEmpty(schema.Validate(broken));
    }

    [Fact]
    public void Sarif_DescribesEveryRule_AndEachResultPointsAtItsRule()
    {
        using var log = JsonDocument.Parse(File.ReadAllText(samples.SarifPath));
        var run = log.RootElement.GetProperty("runs")[0];
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(ThreadWiseRules.Ids, rules.Select(r => r.GetProperty("id").GetString()!));
        foreach (var rule in rules)
        {
            var id = rule.GetProperty("id").GetString()!;
            Assert.EndsWith($"/{id}.md", rule.GetProperty("helpUri").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("shortDescription").GetProperty("text").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("fullDescription").GetProperty("text").GetString()));
            Assert.StartsWith("ThreadWise.", rule.GetProperty("properties").GetProperty("category").GetString(), StringComparison.Ordinal);
            Assert.Contains(rule.GetProperty("defaultConfiguration").GetProperty("level").GetString(), new[] { "error", "warning", "note" });
        }

        var root = run.GetProperty("originalUriBaseIds").GetProperty("SRCROOT").GetProperty("uri").GetString()!;
        Assert.Equal(new Uri(Tool.RepositoryRoot.TrimEnd('/') + "/").AbsoluteUri, root);
        var results = Sarif.Results(SamplesPath());
        Assert.NotEmpty(results);
        foreach (var result in results)
        {
            Assert.Equal(result.RuleId, rules[result.RuleIndex].GetProperty("id").GetString());
            Assert.Equal("SRCROOT", result.UriBaseId);
            Assert.StartsWith("samples/", result.Uri, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(Tool.RepositoryRoot, result.Uri)), result.Uri);
        }

        Assert.Equal(results.Count, results.Select(r => r.Fingerprint).Distinct().Count());
        // TW0004 reports carry both orders' hops as related locations.
        Assert.Contains(results, r => r.RuleId == "TW0004" && r.RelatedCount > 0);
    }

    private string SamplesPath() => samples.SarifPath;
}
