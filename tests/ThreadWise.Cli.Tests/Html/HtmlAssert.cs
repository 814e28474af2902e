using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace ThreadWise.Cli.Tests.Html;

/// <summary>Checks every report must pass: balanced structure, nothing loaded from outside, well-formed SVG.</summary>
internal static class HtmlAssert
{
    private static readonly string[] Balanced = { "html", "head", "body", "section", "article", "table", "tr", "td", "pre", "details", "svg", "g", "a", "script", "style", "ol", "li", "p" };

    public static void WellFormedAndSelfContained(string html, IEnumerable<string> allowedLinks)
    {
        Assert.StartsWith("<!DOCTYPE html>", html);
        foreach (var tag in Balanced)
        {
            var open = Regex.Matches(html, $"<{tag}[\\s>]").Count;
            var close = Regex.Matches(html, $"</{tag}>").Count;
            Assert.True(open == close, $"<{tag}>: {open} opened, {close} closed");
        }

        // Nothing is fetched: no src at all, no stylesheet or script links; the only outside links are the help pages.
        Assert.DoesNotMatch(new Regex(@"<[^>]*\ssrc\s*=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"<link\b|@import|url\(\s*['""]?http", RegexOptions.IgnoreCase), html);
        var allowed = new HashSet<string>(allowedLinks);
        foreach (Match link in Regex.Matches(html, "href=\"(https?:[^\"]*)\""))
        {
            Assert.Contains(System.Net.WebUtility.HtmlDecode(link.Groups[1].Value), allowed);
        }

        // Every in-page link lands on an element of the page.
        var ids = new HashSet<string>(Regex.Matches(html, "\\sid=\"([^\"]+)\"").Select(m => m.Groups[1].Value));
        foreach (Match link in Regex.Matches(html, "href=\"#([^\"]+)\""))
        {
            Assert.Contains(link.Groups[1].Value, ids);
        }

        foreach (var svg in Svgs(html))
        {
            Assert.Equal("svg", svg.Root!.Name.LocalName);
        }
    }

    /// <summary>Each SVG of the page, parsed as XML (it must be well-formed).</summary>
    public static List<XDocument> Svgs(string html) =>
        Regex.Matches(html, "<svg[\\s\\S]*?</svg>").Select(m => XDocument.Parse(m.Value)).ToList();

    public static IEnumerable<XElement> ByClass(XDocument svg, string element, string cssClass) =>
        svg.Descendants().Where(e => e.Name.LocalName == element && ((string?)e.Attribute("class") ?? string.Empty).Split(' ').Contains(cssClass));
}
