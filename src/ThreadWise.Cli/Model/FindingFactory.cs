using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Cli.Model;

/// <summary>Detaches Roslyn's diagnostics and descriptors into the report model.</summary>
internal static class FindingFactory
{
    /// <summary>A finding as every report writer reads it; <paramref name="diagnostic"/>'s severity is taken as reported (after the project's settings).</summary>
    public static Finding FromDiagnostic(Diagnostic diagnostic, string project) => new(
        diagnostic.Id,
        Severity(diagnostic.Severity),
        diagnostic.GetMessage(CultureInfo.InvariantCulture),
        project,
        Spot(diagnostic.Location),
        diagnostic.AdditionalLocations.Where(l => l.IsInSource).Select(Spot).ToList(),
        diagnostic.Properties.ToDictionary(p => p.Key, p => p.Value));

    public static RuleInfo RuleFrom(DiagnosticDescriptor descriptor) => new(
        descriptor.Id,
        descriptor.Title.ToString(CultureInfo.InvariantCulture),
        descriptor.Description.ToString(CultureInfo.InvariantCulture),
        descriptor.Category,
        Severity(descriptor.DefaultSeverity),
        descriptor.HelpLinkUri);

    public static string Severity(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Info => "info",
        _ => "hidden",
    };

    /// <summary>Where the compiler would show it (honouring <c>#line</c>); 1-based. A location outside source has an empty path.</summary>
    public static SourceSpot Spot(Location location)
    {
        if (!location.IsInSource)
        {
            return new SourceSpot(string.Empty, 0, 0, 0, 0);
        }

        var span = location.GetMappedLineSpan();
        return new SourceSpot(
            span.Path,
            span.StartLinePosition.Line + 1,
            span.StartLinePosition.Character + 1,
            span.EndLinePosition.Line + 1,
            span.EndLinePosition.Character + 1);
    }
}
