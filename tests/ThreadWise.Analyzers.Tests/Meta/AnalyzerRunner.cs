using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadWise.Analyzers.Tests.Verifiers;

namespace ThreadWise.Analyzers.Tests.Meta;

/// <summary>Runs every ThreadWise analyzer on a set of sources, recording analyzer exceptions instead of hiding them.</summary>
internal static class AnalyzerRunner
{
    public sealed record Result(ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<string> Exceptions, Compilation Compilation);

    public static Result Run(IEnumerable<(string Path, string Text)> sources, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, s.Path)).ToList();
        var compilation = CSharpCompilation.Create(
            "Checked",
            trees,
            TestReferences.For(TargetFramework.Net100),
            new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable));

        var exceptions = new ConcurrentBag<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, diagnostic) => exceptions.Add($"{analyzer.GetType().Name}: {exception}"),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var withAnalyzers = compilation.WithAnalyzers(RuleCatalog.Analyzers, options);
        var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();

        // AD0001 is how the driver reports an analyzer that threw.
        foreach (var d in diagnostics.Where(d => d.Id == "AD0001"))
        {
            exceptions.Add(d.ToString());
        }

        return new Result(diagnostics.Where(d => d.Id != "AD0001").ToImmutableArray(), exceptions.ToImmutableArray(), compilation);
    }
}
