using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using ThreadWise.Analyzers.Tests.Verifiers;
using ThreadWise.CodeFixes.Infrastructure;
using Xunit;

namespace ThreadWise.Analyzers.Tests.Meta;

/// <summary>
/// Fix All as <c>dotnet format analyzers</c> runs it: for every fixer, a document with reports of each fix kind, fixed in
/// document, project and solution scope with a null equivalence key, with each of the fixer's keys (so another fix's
/// key too), with a key no fix has, and with the key of the first diagnostic's first action. Every report with a fix is fixed (its requested
/// fix if it offers it, else its first), the result compiles, and nothing fixable is left.
/// </summary>
public class FixAllTests
{
    private const string Null = "(null)";
    private const string FirstAction = "(first action)";

    /// <summary>A key no ThreadWise fix has (another tool's, or a stale one): every report gets its first fix.</summary>
    private const string Foreign = "XX0000.SomethingElse";

    [Fact]
    public void EveryShippedFixer_DerivesFromTheSharedBase()
    {
        Assert.NotEmpty(RuleCatalog.CodeFixTypes);
        foreach (var type in RuleCatalog.CodeFixTypes)
        {
            Assert.True(typeof(ThreadWiseCodeFixProvider).IsAssignableFrom(type), $"{type.Name} does not derive from ThreadWiseCodeFixProvider");
        }
    }

    [Fact]
    public void EveryFixableRule_HasAFixAllCase()
    {
        var covered = FixAllCases.All.Values.Select(c => c.Id).ToHashSet();
        var missing = RuleCatalog.FixableIds.Where(id => !covered.Contains(id)).OrderBy(id => id, StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "no Fix All case for " + string.Join(", ", missing));
    }

    public static TheoryData<string, FixAllScope, string> Runs()
    {
        var data = new TheoryData<string, FixAllScope, string>();
        foreach (var (name, @case) in FixAllCases.All)
        {
            var keys = new[] { Null, FirstAction, Foreign }.Concat(KeysOf(@case.Id));
            foreach (var key in keys)
            {
                foreach (var scope in new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution })
                {
                    if (!(scope == FixAllScope.Project && @case.TopLevel))
                    {
                        data.Add(name, scope, key);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task FixAll_FixesEveryReport_WithAnyKey(string name, FixAllScope scope, string keyMode)
    {
        var @case = FixAllCases.All[name];
        var outputKind = @case.TopLevel ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary;

        // Document and project scope: a second document in the first project (a namespaced copy) tells the scopes apart.
        var sources = new List<FixAllHost.Source> { new("P1", "A.cs", @case.Source) };
        if (!@case.TopLevel)
        {
            sources.Add(new("P1", "B.cs", Namespaced(@case.Source)));
        }

        sources.Add(new("P2", "A.cs", @case.Source));
        var solution = FixAllHost.CreateSolution(sources, outputKind);
        var before = (await FixAllHost.AnalyzeAsync(solution, @case.Id)).Values.Sum(d => d.Length);
        Assert.True(before >= 2, $"expected reports of {@case.Id} in every copy, got {before}");

        var key = keyMode switch
        {
            Null => null,
            FirstAction => await FixAllHost.FirstActionKeyAsync(solution, @case.Id),
            _ => keyMode,
        };
        var result = await FixAllHost.FixAllAsync(solution, @case.Id, scope, key);
        var expected = @case.Expected(key);
        Dump(name, key, result.Texts["P1/A.cs"]);

        Assert.Equal(Normalize(expected), Normalize(result.Texts["P1/A.cs"]));
        if (!@case.TopLevel)
        {
            Assert.Equal(Normalize(scope == FixAllScope.Document ? Namespaced(@case.Source) : Namespaced(expected)), Normalize(result.Texts["P1/B.cs"]));
        }

        Assert.Equal(Normalize(scope == FixAllScope.Solution ? expected : @case.Source), Normalize(result.Texts["P2/A.cs"]));
        Assert.Empty(result.Errors.Select(e => e.ToString()));
        if (scope == FixAllScope.Solution)
        {
            // What is left has no fix: the case's expected text shows it (still a report, no change there).
            var fixer = RuleCatalog.CodeFixes.Single(f => f.FixableDiagnosticIds.Contains(@case.Id));
            var left = FixAllHost.CreateSolution(new[] { new FixAllHost.Source("P1", "A.cs", expected) }, outputKind);
            var again = await FixAllHost.FixAllAsync(left, @case.Id, FixAllScope.Solution, null);
            Assert.Equal(Normalize(expected), Normalize(again.Texts["P1/A.cs"]));
        }
    }

    private static IEnumerable<string> KeysOf(string id)
    {
        var fixer = RuleCatalog.CodeFixes.Single(f => f.FixableDiagnosticIds.Contains(id));
        return fixer.GetType().GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name.EndsWith("Key", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .OrderBy(k => k, StringComparer.Ordinal);
    }

    /// <summary>The source in <c>namespace Copy;</c> (after its usings), so it can sit beside the original in one project.</summary>
    private static string Namespaced(string source)
    {
        var lines = Normalize(source).Split('\n').ToList();
        var index = 0;
        while (index < lines.Count && (lines[index].StartsWith("using ", StringComparison.Ordinal) || lines[index].Length == 0))
        {
            index++;
        }

        lines.Insert(index, "namespace Copy;");
        lines.Insert(index + 1, string.Empty);
        return string.Join("\n", lines);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static void Dump(string name, string? key, string text)
    {
        var dir = Environment.GetEnvironmentVariable("THREADWISE_FIXALL_DUMP");
        if (!string.IsNullOrEmpty(dir))
        {
            File.WriteAllText(Path.Combine(dir, $"{name}.{key ?? "null"}.cs"), text);
        }
    }
}
