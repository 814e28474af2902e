using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ThreadWise.Cli.Tests.Infrastructure;
using Xunit;

namespace ThreadWise.Cli.Tests;

/// <summary><c>--fix</c> on copies of samples: the files change, the code still compiles, fewer findings are left.</summary>
public sealed class FixTests
{
    private static readonly string[] FixedSamples = { "TW0005.LeakedLock", "TW0010.AcquireInsideTry" };

    [Fact]
    public async Task Fix_OnCopiesOfSamples_CompilesAndLeavesFewerFindings()
    {
        var folder = Tool.NewTempFolder("fix");
        var projects = new List<string>();
        foreach (var sample in FixedSamples)
        {
            var project = Path.Combine(folder, sample, sample + ".csproj");
            Scenarios.WriteProject(project);
            foreach (var file in Directory.GetFiles(Tool.InRepository("samples", sample), "*.cs"))
            {
                File.Copy(file, Path.Combine(folder, sample, Path.GetFileName(file)));
            }

            Tool.Restore(project);
            projects.Add(project);
        }

        var originals = Sources(folder);
        Assert.Empty(CompileErrors(originals.Values));
        var before = Path.Combine(folder, "before.sarif");
        var after = Path.Combine(folder, "after.sarif");

        var fix = await Tool.RunAsync("analyze", folder, "--fix", "--sarif", before);
        var check = await Tool.RunAsync("analyze", folder, "--sarif", after);

        var fixedSources = Sources(folder);
        var changed = fixedSources.Where(kv => originals[kv.Key] != kv.Value).Select(kv => kv.Key).ToList();
        Assert.True(changed.Count > 0, fix.ToString());
        Assert.All(changed, path => Assert.Contains($"fixed {path}: ", fix.Output, StringComparison.Ordinal));
        Assert.Empty(CompileErrors(fixedSources.Values));
        Assert.True(Sarif.Results(after).Count < Sarif.Results(before).Count, fix + "\n" + check);
        Assert.Equal(check.ExitCode == 0 ? 0 : 1, fix.ExitCode);
        var left = Sarif.Results(after).Count;
        Assert.Contains(left == 0 ? "Every finding was fixed." : $"Not fixed ({left}):", fix.Output, StringComparison.Ordinal);
        Tool.DeleteTempFolder(folder);
    }

    [Fact]
    public async Task Fix_MultiTargeted_FixesThroughTheFirstFramework_NamesWhatOnlyAnotherOneReports()
    {
        var folder = Tool.NewTempFolder("fixmulti");
        var project = Path.Combine(folder, "Multi.csproj");
        File.WriteAllText(project, """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFrameworks>net10.0;netstandard2.0</TargetFrameworks>
                <LangVersion>latest</LangVersion>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Code.cs"), Scenarios.PerFramework);
        Tool.Restore(project);

        var fix = await Tool.RunAsync("analyze", project, "--fix");

        Assert.True(fix.ExitCode == 1, fix.ToString());
        Assert.Contains("Multi: 1 finding(s) reported only for netstandard2.0, left for `--framework netstandard2.0 --fix`", fix.Output, StringComparison.Ordinal);
        Assert.Contains("Not fixed (1):", fix.Output, StringComparison.Ordinal);
        Assert.Matches(@"Code\.cs\(19,9\): warning TW0006", fix.Output);

        var second = await Tool.RunAsync("analyze", project, "--fix", "--framework", "netstandard2.0");
        var check = await Tool.RunAsync("analyze", project);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.True(check.ExitCode == 0, check.ToString());
        Tool.DeleteTempFolder(folder);
    }

    private static Dictionary<string, string> Sources(string folder) => Directory
        .GetFiles(folder, "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
        .ToDictionary(f => f, File.ReadAllText, StringComparer.Ordinal);

    /// <summary>Compiles each sample copy against the running framework's assemblies (independent of the tool's own check).</summary>
    private static IReadOnlyList<string> CompileErrors(IEnumerable<string> sources)
    {
        var references = Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "*.dll")
            .Where(f => !Path.GetFileName(f).StartsWith("Microsoft.VisualBasic", StringComparison.Ordinal))
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f));
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest)));
        var compilation = CSharpCompilation.Create("Check", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
    }
}
