using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadWise.Analyzers.Tests.Verifiers;
using Xunit;

namespace ThreadWise.Analyzers.Tests.Meta;

/// <summary>
/// The light bulb and Fix All on code as typed: every fixer, on every report in token-deleted versions of the
/// threading corpus, computes its actions and its Fix All (null key) without throwing.
/// </summary>
public class IncompleteCodeFixTests
{
    public static IEnumerable<object[]> Corpus() =>
        IncompleteCodeTests.Corpus().Where(c => (string)c[0] is "threading" or "broken" || ((string)c[0]).EndsWith("Buggy.cs", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Fixers_NeverThrow_WhenATokenIsMissing(string name, string source)
    {
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source);
        var tokens = tree.GetRoot().DescendantTokens().Where(t => t.Text is ";" or ")" or "(" or "}" or "{" or "=").ToList();
        var step = Math.Max(1, tokens.Count / 12);
        var failures = new List<string>();
        var variants = new List<string> { source };
        for (var i = 0; i < tokens.Count; i += step)
        {
            variants.Add(source.Remove(tokens[i].Span.Start, tokens[i].Span.Length));
        }

        foreach (var text in variants)
        {
            try
            {
                var fixedReports = await FixEverythingAsync(text);
                Assert.True(text != source || name == "broken" || fixedReports > 0, $"{name}: no report to fix in the whole file");
            }
            catch (Exception e)
            {
                failures.Add($"{name} ({text.Length} chars): {e}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(3)));
    }

    /// <returns>How many reports the fixers were asked about.</returns>
    private static async Task<int> FixEverythingAsync(string text)
    {
        var solution = FixAllHost.CreateSolution(new[] { new FixAllHost.Source("P", "Test0.cs", text) }, OutputKind.ConsoleApplication);
        var document = solution.Projects.Single().Documents.Single();
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostics = (await compilation.WithAnalyzers(RuleCatalog.Analyzers).GetAnalyzerDiagnosticsAsync(CancellationToken.None))
            .Where(d => d.Id.StartsWith("TW", StringComparison.Ordinal))
            .ToImmutableArray();
        foreach (var diagnostic in diagnostics)
        {
            foreach (var fixer in RuleCatalog.CodeFixes.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var actions = new List<CodeAction>();
                await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
                foreach (var action in actions)
                {
                    await action.GetOperationsAsync(CancellationToken.None);
                }
            }
        }

        foreach (var id in diagnostics.Select(d => d.Id).Distinct())
        {
            await FixAllHost.FixAllAsync(solution, id, FixAllScope.Document, null);
        }

        return diagnostics.Length;
    }
}
