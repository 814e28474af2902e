using System;
using System.IO;
using System.Linq;
using ThreadWise.Cli.Analysis;
using ThreadWise.Cli.Model;

namespace ThreadWise.Cli.Reports;

/// <summary>The console report: findings grouped by rule in compiler format, then a summary table and the time split.</summary>
internal static class TextReport
{
    public static void Write(AnalysisResult result, RunDetails details, TextWriter output)
    {
        var findings = result.Projects.SelectMany(p => p.Findings).ToList();
        foreach (var rule in result.Rules)
        {
            var ofRule = findings.Where(f => f.RuleId == rule.Id).ToList();
            if (ofRule.Count == 0)
            {
                continue;
            }

            output.WriteLine($"{rule.Id} {rule.Title} ({ofRule.Count}): {rule.HelpUri}");
            foreach (var f in ofRule.OrderBy(f => f.Location.FilePath, StringComparer.Ordinal).ThenBy(f => f.Location.StartLine).ThenBy(f => f.Location.StartColumn))
            {
                output.WriteLine($"  {DisplayPath(f.Location.FilePath)}({f.Location.StartLine},{f.Location.StartColumn}): {f.Severity} {f.RuleId}: {f.Message}");
            }

            output.WriteLine();
        }

        var counted = result.Rules.Select(r => (Rule: r, Count: findings.Count(f => f.RuleId == r.Id))).Where(x => x.Count > 0).ToList();
        if (counted.Count > 0)
        {
            var titleWidth = Math.Min(60, counted.Max(x => x.Rule.Title.Length));
            output.WriteLine($"{"Rule",-7} {"Title".PadRight(titleWidth)} {"Count",6}");
            foreach (var (rule, count) in counted)
            {
                var title = rule.Title.Length > titleWidth ? rule.Title[..(titleWidth - 3)] + "..." : rule.Title;
                output.WriteLine($"{rule.Id,-7} {title.PadRight(titleWidth)} {count,6}");
            }
        }

        var files = findings.Select(f => f.Location.FilePath).Distinct(StringComparer.Ordinal).Count();
        var documents = result.Projects.Sum(p => p.DocumentCount);
        output.WriteLine($"{findings.Count} finding(s) in {files} file(s); {result.Projects.Count} project(s), {documents} document(s) analyzed.");
        output.WriteLine(
            $"Time: loading {Seconds(result.LoadTime)} (MSBuild {Seconds(details.MsBuildTime)}, compiling {Seconds(details.CompileTime)}), " +
            $"analysis {Seconds(result.AnalysisTime)}.");
    }

    /// <summary>A path relative to the current folder when it is below it, else the full path.</summary>
    public static string DisplayPath(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    private static string Seconds(TimeSpan time) => $"{time.TotalSeconds:0.0}s";
}
