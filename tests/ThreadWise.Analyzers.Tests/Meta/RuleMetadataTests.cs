using System;
using System.Collections.Generic;
using System.Composition;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;

namespace ThreadWise.Analyzers.Tests.Meta;

public class RuleMetadataTests
{
    private static readonly string[] RequiredSections =
    {
        "## What it finds", "## Why it is a bug", "## Noncompliant code", "## Compliant code",
        "## Code fixes", "## Options", "## How to suppress",
    };

    public static TheoryData<string> DescriptorIds()
    {
        var data = new TheoryData<string>();
        foreach (var d in RuleCatalog.Descriptors)
        {
            data.Add(d.Id);
        }

        return data;
    }

    [Fact]
    public void Catalog_IsNotEmpty_AndContainsTW0006()
    {
        Assert.NotEmpty(RuleCatalog.Analyzers);
        Assert.Contains(RuleCatalog.Descriptors, d => d.Id == RuleIds.ThreadConfiguredAfterStart);
    }

    [Fact]
    public void Ids_AreUnique_WellFormed_AndDeclaredInRuleIds()
    {
        var declared = typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Select(f => (string)f.GetValue(null)!)
            .ToList();
        Assert.Equal(declared.Count, declared.Distinct(StringComparer.Ordinal).Count());

        // An ID may have several descriptors (one message per shape; a live analyzer and a build-only one for stories
        // that span types), but they are one rule to the user: the same title, category, severity and help link, and a
        // compilation-end descriptor has a live twin with the same message and description.
        var byId = RuleCatalog.Analyzers.SelectMany(a => a.SupportedDiagnostics).GroupBy(d => d.Id);
        foreach (var group in byId)
        {
            Assert.Matches(new Regex("^TW[0-9]{4}$"), group.Key);
            Assert.Contains(group.Key, declared);
            Assert.Single(group.Select(d => (d.Title.ToString(), d.Category, d.DefaultSeverity, d.HelpLinkUri, d.IsEnabledByDefault)).Distinct());
            foreach (var build in group.Where(d => d.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd)))
            {
                Assert.Contains(group, live => !live.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd) &&
                    live.MessageFormat.ToString() == build.MessageFormat.ToString() &&
                    live.Description.ToString() == build.Description.ToString());
            }
        }
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void HelpLink_PointsAtExistingDocsPage_WithEverySection(string id)
    {
        // Every link is built from the base URL the build passed (ThreadWiseDocsBaseUrl), never from a literal.
        var configured = typeof(RuleMetadataTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ThreadWiseDocsBaseUrl").Value!.TrimEnd('/');
        Assert.Equal(configured, RuleDescriptors.HelpLinkBase);
        foreach (var supported in RuleCatalog.Analyzers.SelectMany(a => a.SupportedDiagnostics).Where(d => d.Id == id))
        {
            Assert.Equal($"{configured}/{id}.md", supported.HelpLinkUri);
        }

        var descriptor = RuleCatalog.Descriptors.Single(d => d.Id == id);
        Assert.True(descriptor.IsEnabledByDefault);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString()));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()));
        Assert.StartsWith("ThreadWise.", descriptor.Category, StringComparison.Ordinal);

        var page = RuleCatalog.PathInRepository("docs", "rules", id + ".md");
        Assert.True(File.Exists(page), $"missing docs page {page}");
        var text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}: ", text, StringComparison.Ordinal);
        foreach (var section in RequiredSections)
        {
            Assert.Contains(section, text, StringComparison.Ordinal);
        }

        Assert.Contains("```csharp", text, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryDocsPage_BelongsToARule()
    {
        var ids = RuleCatalog.Descriptors.Select(d => d.Id).ToHashSet();
        foreach (var file in Directory.GetFiles(RuleCatalog.PathInRepository("docs", "rules"), "TW*.md"))
        {
            Assert.Contains(Path.GetFileNameWithoutExtension(file), ids);
        }
    }

    [Fact]
    public void CompilationEndRules_AreTagged_AndSayItInTheirDocs()
    {
        var compilationEnd = RuleCatalog.Analyzers.SelectMany(a => a.SupportedDiagnostics)
            .Where(d => d.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd))
            .Select(d => d.Id)
            .Distinct();
        foreach (var descriptor in RuleCatalog.Descriptors.Where(d => compilationEnd.Contains(d.Id)))
        {
            var text = File.ReadAllText(RuleCatalog.PathInRepository("docs", "rules", descriptor.Id + ".md"));
            Assert.Contains("build", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Fixers_AreSealed_Exported_Shared_AndFixKnownIds()
    {
        Assert.NotEmpty(RuleCatalog.CodeFixTypes);
        var ids = RuleCatalog.Descriptors.Select(d => d.Id).ToHashSet();
        foreach (var type in RuleCatalog.CodeFixTypes)
        {
            Assert.True(type.IsSealed, $"{type.Name} must be sealed");
            var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
            Assert.NotNull(export);
            Assert.Equal(new[] { LanguageNames.CSharp }, export!.Languages);
            Assert.Equal(type.Name, export.Name);
            Assert.NotNull(type.GetCustomAttribute<SharedAttribute>());

            var fixer = (CodeFixProvider)Activator.CreateInstance(type)!;
            Assert.NotEmpty(fixer.FixableDiagnosticIds);
            Assert.All(fixer.FixableDiagnosticIds, id => Assert.Contains(id, ids));
            Assert.NotNull(fixer.GetFixAllProvider());
        }
    }

    [Fact]
    public void Fixers_DeclareStableEquivalenceKeys_PrefixedWithTheirRule()
    {
        foreach (var type in RuleCatalog.CodeFixTypes)
        {
            var fixer = (CodeFixProvider)Activator.CreateInstance(type)!;
            var keys = type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.Name.EndsWith("Key", StringComparison.Ordinal))
                .Select(f => (string)f.GetRawConstantValue()!)
                .ToList();
            Assert.NotEmpty(keys);
            Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
            foreach (var key in keys)
            {
                Assert.Matches(new Regex(@"^TW[0-9]{4}\.[A-Z][A-Za-z]+$"), key);
                Assert.Contains(key.Substring(0, 6), fixer.FixableDiagnosticIds);
            }
        }
    }
}
