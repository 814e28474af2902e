using System;
using ThreadWise.Cli.Model;

namespace ThreadWise.Cli.Commands;

/// <summary>
/// Where <c>--html</c> meets the HTML report, built on another branch. At merge: <see cref="Available"/> returns true
/// and <see cref="Write"/> calls <c>Html.HtmlReport.Write(result, path)</c>.
/// </summary>
internal static class HtmlSeam
{
    public static bool Available => false;

    public static void Write(AnalysisResult result, string path) =>
        throw new NotSupportedException($"--html: not built in this branch ({result.Target} → {path})");
}
