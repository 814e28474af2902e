using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ThreadWise.Analyzers.Tests.Meta;

/// <summary>
/// Runs all analyzers on every sample program and asserts what it must report: each line marked
/// <c>// expect: TW0006</c> gets exactly that diagnostic, nothing else is reported, and the corrected program
/// (<c>Fixed*.cs</c>) is silent.
/// </summary>
public class SamplesTests
{
    private static readonly Regex Marker = new(@"//\s*expect:\s*(?<ids>TW[0-9]{4}(\s*,\s*TW[0-9]{4})*)", RegexOptions.Compiled);

    public static TheoryData<string> SampleProjects()
    {
        var data = new TheoryData<string>();
        // Every sample program, the rules' own and the runtime library's tour: whatever the main job prints is marked.
        foreach (var dir in Directory.GetDirectories(RuleCatalog.PathInRepository("samples"))
                     .Where(d => Directory.GetFiles(d, "*.csproj").Length > 0)
                     .OrderBy(d => d, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Fact]
    public void EveryRule_HasASample()
    {
        var samples = Directory.GetDirectories(RuleCatalog.PathInRepository("samples"), "TW*").Select(Path.GetFileName).ToList();
        foreach (var descriptor in RuleCatalog.Descriptors)
        {
            Assert.Contains(samples, s => s!.Contains(descriptor.Id, StringComparison.Ordinal) ||
                Directory.GetFiles(RuleCatalog.PathInRepository("samples", s!), "*.cs").Any(f => File.ReadAllText(f).Contains("expect: " + descriptor.Id, StringComparison.Ordinal)));
        }
    }

    [Theory]
    [MemberData(nameof(SampleProjects))]
    public void Sample_ReportsExactlyItsMarkedLines(string sample)
    {
        var dir = RuleCatalog.PathInRepository("samples", sample);
        var files = Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (Path: Path.GetFileName(f), Text: File.ReadAllText(f)))
            .ToList();
        Assert.NotEmpty(files);

        var expected = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, text) in files)
        {
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var match = Marker.Match(lines[i]);
                if (!match.Success)
                {
                    continue;
                }

                Assert.False(path.StartsWith("Fixed", StringComparison.Ordinal), $"{path}:{i + 1}: the corrected program must not expect a diagnostic");
                foreach (var id in match.Groups["ids"].Value.Split(',').Select(s => s.Trim()))
                {
                    expected.Add($"{path}:{i + 1}: {id}");
                }
            }
        }

        Assert.NotEmpty(expected);
        var result = AnalyzerRunner.Run(files, OutputKind.ConsoleApplication);
        Assert.Empty(result.Exceptions);
        var errors = result.Compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "the sample must compile:\n" + string.Join("\n", errors));

        var actual = new SortedSet<string>(
            result.Diagnostics.Where(d => d.Id.StartsWith("TW", StringComparison.Ordinal))
                .Select(d => $"{d.Location.GetLineSpan().Path}:{d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.Id}"),
            StringComparer.Ordinal);
        Assert.Equal(expected, actual);
    }
}
