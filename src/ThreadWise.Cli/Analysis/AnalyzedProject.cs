using System;
using System.Collections.Generic;
using System.Linq;
using ThreadWise.Cli.Model;

namespace ThreadWise.Cli.Analysis;

/// <summary>
/// One project file's findings over every target framework it was analyzed for. A multi-targeted project compiles its
/// files once per framework (other <c>#if</c> branches, other references), so each framework is analyzed as the build
/// would; a finding reported for several frameworks at the same place with the same message is one finding, as in the
/// IDE's error list.
/// </summary>
internal sealed class AnalyzedProject
{
    public AnalyzedProject(string name, IReadOnlyList<ProjectDiagnostics> variants)
    {
        Name = name;
        Variants = variants;

        // Each variant's findings that no earlier variant (the primary first) reported at the same place.
        var seen = new HashSet<(string, string, int, int, int, int, string)>();
        var added = variants
            .Select(v => v.Diagnostics.Select(d => ProjectAnalyzer.ToFinding(d, name)).Where(f => seen.Add(Key(f))).ToList())
            .ToList();
        Findings = added
            .SelectMany(f => f)
            .OrderBy(f => f.Location.FilePath, StringComparer.Ordinal)
            .ThenBy(f => f.Location.StartLine)
            .ThenBy(f => f.Location.StartColumn)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ToList();
        OnlyInOtherFrameworks = variants.Zip(added, (variant, findings) => (variant, (IReadOnlyList<Finding>)findings))
            .Skip(1)
            .Where(v => v.Item2.Count > 0)
            .ToList();
    }

    public string Name { get; }

    /// <summary>One entry per target framework analyzed; the first is the one <c>--fix</c> edits.</summary>
    public IReadOnlyList<ProjectDiagnostics> Variants { get; }

    public ProjectDiagnostics Primary => Variants[0];

    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>Per target framework after the first, the findings only it (of those before it) reports: code under its <c>#if</c>.</summary>
    public IReadOnlyList<(ProjectDiagnostics Variant, IReadOnlyList<Finding> Findings)> OnlyInOtherFrameworks { get; }

    public TimeSpan CompileTime => TimeSpan.FromTicks(Variants.Sum(v => v.CompileTime.Ticks));

    public TimeSpan AnalysisTime => TimeSpan.FromTicks(Variants.Sum(v => v.AnalysisTime.Ticks));

    /// <summary>The same finding whatever framework reported it: rule, place and message.</summary>
    private static (string, string, int, int, int, int, string) Key(Finding f) =>
        (f.RuleId, f.Location.FilePath, f.Location.StartLine, f.Location.StartColumn, f.Location.EndLine, f.Location.EndColumn, f.Message);
}
