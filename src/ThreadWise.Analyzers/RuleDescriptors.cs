using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers;

/// <summary>The one factory for ThreadWise descriptors: the help link is derived from the ID.</summary>
internal static class RuleDescriptors
{
    /// <summary>
    /// Where the rule pages live; each rule's page is <c>{HelpLinkBase}/{id}.md</c>. Set at build/pack time by the
    /// MSBuild property <c>ThreadWiseDocsBaseUrl</c>, which reaches this assembly as an <see cref="System.Reflection.AssemblyMetadataAttribute"/>.
    /// </summary>
    public static readonly string HelpLinkBase = ReadDocsBaseUrl();

    public static string HelpLink(string id) => $"{HelpLinkBase}/{id}.md";

    private static string ReadDocsBaseUrl()
    {
        foreach (var attribute in typeof(RuleDescriptors).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), inherit: false))
        {
            if (attribute is System.Reflection.AssemblyMetadataAttribute { Key: "ThreadWiseDocsBaseUrl", Value: { Length: > 0 } value })
            {
                return value.TrimEnd('/');
            }
        }

        throw new System.InvalidOperationException("ThreadWise.Analyzers was built without ThreadWiseDocsBaseUrl.");
    }

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
