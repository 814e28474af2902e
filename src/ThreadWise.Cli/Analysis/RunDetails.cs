using System;
using System.Collections.Generic;
using ThreadWise.Cli.Loading;

namespace ThreadWise.Cli.Analysis;

/// <summary>
/// What the text and SARIF reports say beside the findings (not part of the shared <see cref="Model.AnalysisResult"/>):
/// what was picked, what failed to load, analyzer crashes, and the loading time split into MSBuild and compiling.
/// </summary>
internal sealed record RunDetails(
    LoadTarget Target,
    IReadOnlyList<LoadFailure> Failures,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> AnalyzerExceptions,
    TimeSpan MsBuildTime,
    TimeSpan CompileTime);
