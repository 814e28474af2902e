using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ThreadWise.Cli.Analysis;
using ThreadWise.Cli.Model;

namespace ThreadWise.Cli.Reports;

/// <summary>
/// SARIF 2.1.0, written with System.Text.Json, in the subset GitHub code scanning reads: rule metadata in
/// <c>tool.driver.rules</c>, paths relative to the repository root under the <c>SRCROOT</c> base id, regions with
/// 1-based UTF-16 columns, related locations, and a <c>partialFingerprints</c> entry of our own
/// (<c>threadwise/v1</c>: rule, path and the reported line's text, not its number, so an alert survives lines moving
/// above it; GitHub reserves and computes <c>primaryLocationLineHash</c> itself).
/// </summary>
internal static class SarifReport
{
    public const string RootBaseId = "SRCROOT";
    public const string FingerprintKey = "threadwise/v1";

    public static void Write(AnalysisResult result, RunDetails details, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var root = details.Target.Root;
        var ruleIndex = result.Rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var lines = new LineCache();

        json.WriteStartObject();
        json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        json.WriteStartObject();

        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", "ThreadWise");
        json.WriteString("informationUri", "https://github.com/threadwise/threadwise");
        var version = typeof(SarifReport).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        json.WriteString("version", version);
        json.WriteString("semanticVersion", version);
        json.WriteStartArray("rules");
        foreach (var rule in result.Rules)
        {
            WriteRule(json, rule);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", details.Failures.Count == 0);
        json.WriteStartArray("toolExecutionNotifications");
        foreach (var failure in details.Failures)
        {
            WriteNotification(json, "error", $"{failure.Project}: {failure.Reason}. {failure.Detail}");
        }

        foreach (var crash in details.AnalyzerExceptions)
        {
            WriteNotification(json, "warning", crash);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();

        json.WriteStartObject("originalUriBaseIds");
        json.WriteStartObject(RootBaseId);
        json.WriteString("uri", new Uri(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar).AbsoluteUri);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteString("columnKind", "utf16CodeUnits");

        json.WriteStartArray("results");
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var finding in result.Projects.SelectMany(p => p.Findings))
        {
            json.WriteStartObject();
            json.WriteString("ruleId", finding.RuleId);
            json.WriteNumber("ruleIndex", ruleIndex[finding.RuleId]);
            json.WriteString("level", Level(finding.Severity));
            json.WriteStartObject("message");
            json.WriteString("text", finding.Message);
            json.WriteEndObject();
            json.WriteStartArray("locations");
            WriteLocation(json, finding.Location, root, id: null);
            json.WriteEndArray();
            if (finding.Related.Count > 0)
            {
                json.WriteStartArray("relatedLocations");
                for (var i = 0; i < finding.Related.Count; i++)
                {
                    WriteLocation(json, finding.Related[i], root, id: i + 1);
                }

                json.WriteEndArray();
            }

            var key = $"{finding.RuleId}|{RelativeUri(finding.Location.FilePath, root).Uri}|{lines.Get(finding.Location.FilePath, finding.Location.StartLine).Trim()}";
            occurrences[key] = occurrences.TryGetValue(key, out var seen) ? seen + 1 : 1;
            json.WriteStartObject("partialFingerprints");
            json.WriteString(FingerprintKey, Hash($"{key}|{occurrences[key]}"));
            json.WriteEndObject();
            json.WriteStartObject("properties");
            json.WriteString("project", finding.Project);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteRule(Utf8JsonWriter json, RuleInfo rule)
    {
        json.WriteStartObject();
        json.WriteString("id", rule.Id);
        json.WriteString("name", PascalCase(rule.Title));
        json.WriteStartObject("shortDescription");
        json.WriteString("text", rule.Title);
        json.WriteEndObject();
        json.WriteStartObject("fullDescription");
        json.WriteString("text", rule.Description);
        json.WriteEndObject();
        json.WriteString("helpUri", rule.HelpUri);
        json.WriteStartObject("help");
        json.WriteString("text", $"{rule.Description} See {rule.HelpUri}");
        json.WriteEndObject();
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", Level(rule.DefaultSeverity));
        json.WriteEndObject();
        json.WriteStartObject("properties");
        json.WriteString("category", rule.Category);
        json.WriteStartArray("tags");
        json.WriteStringValue("concurrency");
        json.WriteStringValue(rule.Category);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteLocation(Utf8JsonWriter json, SourceSpot spot, string root, int? id)
    {
        json.WriteStartObject();
        if (id is { } value)
        {
            json.WriteNumber("id", value);
        }

        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        var (uri, baseId) = RelativeUri(spot.FilePath, root);
        json.WriteString("uri", uri);
        if (baseId is not null)
        {
            json.WriteString("uriBaseId", baseId);
        }

        json.WriteEndObject();
        json.WriteStartObject("region");
        json.WriteNumber("startLine", spot.StartLine);
        json.WriteNumber("startColumn", spot.StartColumn);
        json.WriteNumber("endLine", spot.EndLine);
        json.WriteNumber("endColumn", Math.Max(spot.EndColumn, spot.EndLine == spot.StartLine ? spot.StartColumn : 1));
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteNotification(Utf8JsonWriter json, string level, string text)
    {
        json.WriteStartObject();
        json.WriteString("level", level);
        json.WriteStartObject("message");
        json.WriteString("text", text);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>A path below the root as a relative URI under <see cref="RootBaseId"/>; any other as an absolute file URI.</summary>
    internal static (string Uri, string? BaseId) RelativeUri(string path, string root)
    {
        var relative = Path.GetRelativePath(root, path);
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            return (new Uri(path).AbsoluteUri, null);
        }

        var segments = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Select(Uri.EscapeDataString);
        return (string.Join('/', segments), RootBaseId);
    }

    private static string Level(string severity) => severity switch
    {
        "error" => "error",
        "warning" => "warning",
        "info" => "note",
        _ => "none",
    };

    private static string PascalCase(string title)
    {
        var builder = new StringBuilder();
        foreach (var word in title.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var letters = new string(word.Where(char.IsLetterOrDigit).ToArray());
            if (letters.Length > 0)
            {
                builder.Append(char.ToUpperInvariant(letters[0])).Append(letters.AsSpan(1));
            }
        }

        return builder.ToString();
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    /// <summary>Source lines read once per file, for fingerprints.</summary>
    private sealed class LineCache
    {
        private readonly Dictionary<string, string[]> files = new(StringComparer.Ordinal);

        public string Get(string path, int line)
        {
            if (!files.TryGetValue(path, out var lines))
            {
                lines = File.Exists(path) ? File.ReadAllLines(path) : Array.Empty<string>();
                files[path] = lines;
            }

            return line >= 1 && line <= lines.Length ? lines[line - 1] : "";
        }
    }
}
