using System;
using System.Collections.Generic;

namespace ThreadWise.Cli.Model;

/// <summary>A place in a source file; lines and columns are 1-based, as editors and SARIF show them.</summary>
internal sealed record SourceSpot(string FilePath, int StartLine, int StartColumn, int EndLine, int EndColumn);

/// <summary>One reported diagnostic, detached from Roslyn so every report writer (text, SARIF, HTML) reads the same thing.</summary>
/// <param name="Severity">"error", "warning" or "info" (the effective severity after the project's settings).</param>
/// <param name="Related">The diagnostic's additional locations, in order (TW0001: launch then the other write; TW0004: every hop of both orders).</param>
/// <param name="Properties">The diagnostic's properties as the analyzer set them.</param>
internal sealed record Finding(
    string RuleId,
    string Severity,
    string Message,
    string Project,
    SourceSpot Location,
    IReadOnlyList<SourceSpot> Related,
    IReadOnlyDictionary<string, string?> Properties);

/// <summary>A rule as its descriptor describes it.</summary>
internal sealed record RuleInfo(string Id, string Title, string Description, string Category, string DefaultSeverity, string HelpUri);

/// <summary>One analyzed project.</summary>
internal sealed record ProjectResult(string Name, string ProjectPath, int DocumentCount, IReadOnlyList<Finding> Findings);

/// <summary>Everything one <c>threadwise analyze</c> run found, and where its time went.</summary>
internal sealed record AnalysisResult(
    string Target,
    IReadOnlyList<RuleInfo> Rules,
    IReadOnlyList<ProjectResult> Projects,
    TimeSpan LoadTime,
    TimeSpan AnalysisTime);
