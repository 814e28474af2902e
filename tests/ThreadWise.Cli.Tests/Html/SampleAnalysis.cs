using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadWise.Cli.Model;
using AnalysisResult = ThreadWise.Cli.Model.AnalysisResult;

namespace ThreadWise.Cli.Tests.Html;

/// <summary>
/// Real analyzer output without MSBuild: compiles sample folders in-process (reference assemblies from
/// Basic.Reference.Assemblies, plus the runtime library), runs every ThreadWise analyzer, and turns the diagnostics
/// into the report model with <see cref="FindingFactory"/>.
/// </summary>
internal static class SampleAnalysis
{
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = typeof(ThreadWise.Analyzers.Rules.TW0004InconsistentLockOrderAnalyzer).Assembly
        .GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Analyzers.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Analyzers.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Analyzes each sample folder (under samples/) as one project.</summary>
    public static AnalysisResult Run(params string[] sampleFolders)
    {
        var samples = Path.Combine(RepositoryRoot, "samples");
        var load = Stopwatch.StartNew();
        var compilations = sampleFolders.Select(folder => Compile(folder, Path.Combine(samples, folder))).ToList();
        load.Stop();

        var analysis = Stopwatch.StartNew();
        var projects = new List<ProjectResult>();
        foreach (var (name, compilation) in compilations)
        {
            var diagnostics = compilation.WithAnalyzers(Analyzers).GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
            if (diagnostics.FirstOrDefault(d => d.Id == "AD0001") is { } crash)
            {
                throw new InvalidOperationException(crash.ToString());
            }

            var findings = diagnostics.Where(d => d.Id.StartsWith("TW", StringComparison.Ordinal))
                .Select(d => FindingFactory.FromDiagnostic(d, name)).ToList();
            projects.Add(new ProjectResult(name, Path.Combine(samples, name, name + ".csproj"), compilation.SyntaxTrees.Count(), findings));
        }

        analysis.Stop();
        var rules = Analyzers.SelectMany(a => a.SupportedDiagnostics).GroupBy(d => d.Id).Select(g => FindingFactory.RuleFrom(g.First()))
            .OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        return new AnalysisResult(Path.Combine(samples, "Samples.sln"), rules, projects, load.Elapsed, analysis.Elapsed);
    }

    /// <summary>Analyzes the C# files of <paramref name="folder"/> as one project named <paramref name="name"/>.</summary>
    public static AnalysisResult RunFolder(string name, string folder)
    {
        var (_, compilation) = Compile(name, folder);
        var diagnostics = compilation.WithAnalyzers(Analyzers).GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        var findings = diagnostics.Where(d => d.Id.StartsWith("TW", StringComparison.Ordinal)).Select(d => FindingFactory.FromDiagnostic(d, name)).ToList();
        var rules = Analyzers.SelectMany(a => a.SupportedDiagnostics).GroupBy(d => d.Id).Select(g => FindingFactory.RuleFrom(g.First())).ToList();
        return new AnalysisResult(folder, rules, new[] { new ProjectResult(name, Path.Combine(folder, name + ".csproj"), compilation.SyntaxTrees.Count(), findings) },
            TimeSpan.Zero, TimeSpan.Zero);
    }

    private static (string Name, Compilation Compilation) Compile(string name, string folder)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, f))
            .ToList();
        var references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(ThreadWise.ThreadWiseInfo).Assembly.Location));
        var compilation = CSharpCompilation.Create(name, trees, references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        return (name, compilation);
    }
}
