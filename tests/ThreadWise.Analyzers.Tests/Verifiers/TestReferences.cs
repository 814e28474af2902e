using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace ThreadWise.Analyzers.Tests.Verifiers;

/// <summary>The target frameworks the tests compile against, hermetically (no package download at test time).</summary>
public enum TargetFramework
{
    Net80,
    Net100,
}

/// <summary>Reference assemblies from Basic.Reference.Assemblies plus the ThreadWise runtime library.</summary>
internal static class TestReferences
{
    private static readonly MetadataReference RuntimeLibrary =
        MetadataReference.CreateFromFile(typeof(ThreadWise.ThreadWiseInfo).Assembly.Location);

    public static ImmutableArray<MetadataReference> For(TargetFramework framework, bool withRuntimeLibrary = true)
    {
        var framworkReferences = framework == TargetFramework.Net80
            ? Basic.Reference.Assemblies.Net80.References.All.Cast<MetadataReference>()
            : Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>();
        var all = framworkReferences.ToImmutableArray();
        return withRuntimeLibrary ? all.Add(RuntimeLibrary) : all;
    }

    /// <summary>Configures a Microsoft.CodeAnalysis.Testing test: no downloaded reference packs, latest C#.</summary>
    public static void Configure<TVerifier>(AnalyzerTest<TVerifier> test, TargetFramework framework, bool withRuntimeLibrary)
        where TVerifier : IVerifier, new()
    {
        test.ReferenceAssemblies = new ReferenceAssemblies(framework == TargetFramework.Net80 ? "net8.0" : "net10.0");
        test.TestState.AdditionalReferences.AddRange(For(framework, withRuntimeLibrary));
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            var parseOptions = ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Latest);
            return solution.WithProjectParseOptions(projectId, parseOptions);
        });
    }
}
