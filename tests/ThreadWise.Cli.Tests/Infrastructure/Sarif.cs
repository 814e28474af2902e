using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ThreadWise.Cli.Tests.Infrastructure;

/// <summary>One SARIF result, flattened for assertions.</summary>
internal sealed record SarifResult(string RuleId, int RuleIndex, string Level, string Uri, string? UriBaseId, int Line, int Column, string Message, int RelatedCount, string Fingerprint);

internal static class Sarif
{
    public static IReadOnlyList<SarifResult> Results(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var run = document.RootElement.GetProperty("runs")[0];
        return run.GetProperty("results").EnumerateArray().Select(r =>
        {
            var physical = r.GetProperty("locations")[0].GetProperty("physicalLocation");
            var artifact = physical.GetProperty("artifactLocation");
            var region = physical.GetProperty("region");
            return new SarifResult(
                r.GetProperty("ruleId").GetString()!,
                r.GetProperty("ruleIndex").GetInt32(),
                r.GetProperty("level").GetString()!,
                artifact.GetProperty("uri").GetString()!,
                artifact.TryGetProperty("uriBaseId", out var baseId) ? baseId.GetString() : null,
                region.GetProperty("startLine").GetInt32(),
                region.GetProperty("startColumn").GetInt32(),
                r.GetProperty("message").GetProperty("text").GetString()!,
                r.TryGetProperty("relatedLocations", out var related) ? related.GetArrayLength() : 0,
                r.GetProperty("partialFingerprints").GetProperty("threadwise/v1").GetString()!);
        }).ToList();
    }
}
