using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers;

/// <summary>The one factory for ThreadWise descriptors: the help link is derived from the ID.</summary>
internal static class RuleDescriptors
{
    /// <summary>Where the rule pages live; each rule's page is <c>{HelpLinkBase}/{id}.md</c>.</summary>
    public const string HelpLinkBase = "https://github.com/threadwise/threadwise/blob/main/docs/rules";

    public static string HelpLink(string id) => $"{HelpLinkBase}/{id}.md";

    public static DiagnosticDescriptor Create(
        string id,
        string title,
        string messageFormat,
        string category,
        DiagnosticSeverity severity,
        string description,
        bool compilationEnd = false)
    {
        var tags = compilationEnd
            ? new[] { WellKnownDiagnosticTags.CompilationEnd }
            : System.Array.Empty<string>();
        return new DiagnosticDescriptor(
            id,
            title,
            messageFormat,
            category,
            severity,
            isEnabledByDefault: true,
            description: description,
            helpLinkUri: HelpLink(id),
            customTags: tags);
    }
}
