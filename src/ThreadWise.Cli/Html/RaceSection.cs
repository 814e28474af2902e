using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ThreadWise.Cli.Model;
using static System.Net.WebUtility;

namespace ThreadWise.Cli.Html;

/// <summary>
/// TW0001 in the report: the entry points that run concurrently (each finding's first related location, the launch)
/// and the locations they race on (the reported write and the other racing write, the second related location, or the
/// same write again when the launched code races with itself).
/// </summary>
internal static class RaceSection
{
    public static string Render(IReadOnlyList<Finding> races, CodeExcerpt code, Func<Finding, string?> anchor, Func<SourceSpot, string> place)
    {
        var html = new StringBuilder("<table class=\"races\"><thead><tr><th>Entry point (launch)</th><th>Racing write</th><th>Races with</th></tr></thead><tbody>");
        var byLaunch = races
            .GroupBy(f => f.Related.Count > 0 ? f.Related[0] : null)
            .OrderBy(g => g.Key?.FilePath ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(g => g.Key?.StartLine ?? 0);
        foreach (var launch in byLaunch)
        {
            var findings = launch.OrderBy(f => f.Location.FilePath, StringComparer.Ordinal).ThenBy(f => f.Location.StartLine).ToList();
            for (var i = 0; i < findings.Count; i++)
            {
                var finding = findings[i];
                html.Append("<tr>");
                if (i == 0)
                {
                    html.Append($"<td rowspan=\"{findings.Count}\" class=\"launch\">")
                        .Append(launch.Key is { } spot ? Spot(spot, code, place) : "(not recorded)")
                        .Append("</td>");
                }

                html.Append("<td>").Append(Spot(finding.Location, code, place, anchor(finding))).Append("</td><td>");
                html.Append(finding.Related.Count > 1
                    ? Spot(finding.Related[1], code, place)
                    : "<span class=\"self\">itself, on several threads at once</span>");
                html.Append("</td></tr>");
            }
        }

        return html.Append("</tbody></table>").ToString();
    }

    private static string Spot(SourceSpot spot, CodeExcerpt code, Func<SourceSpot, string> place, string? href = null)
    {
        var where = HtmlEncode(place(spot));
        var link = href is null ? $"<span class=\"where\">{where}</span>" : $"<a class=\"where\" href=\"#{href}\">{where}</a>";
        return $"{link}<code>{code.LineText(spot)}</code>";
    }
}
