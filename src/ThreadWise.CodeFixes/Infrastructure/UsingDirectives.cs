using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace ThreadWise.CodeFixes.Infrastructure;

/// <summary>Adding a <c>using</c> directive for a fix that needs a namespace (the runtime library's <c>ThreadWise</c>).</summary>
internal static class UsingDirectives
{
    /// <summary>True when the file already has <c>using <paramref name="name"/>;</c> (or is inside that namespace).</summary>
    public static bool Has(CompilationUnitSyntax unit, string name)
    {
        foreach (var directive in unit.Usings)
        {
            if (directive.Alias is null && directive.Name?.ToString() == name)
            {
                return true;
            }
        }

        foreach (var member in unit.Members)
        {
            if (member is BaseNamespaceDeclarationSyntax ns && (ns.Name.ToString() == name || ns.Name.ToString().StartsWith(name + ".", System.StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds <c>using <paramref name="name"/>;</c> after the <c>System</c> usings, in alphabetical order.</summary>
    public static CompilationUnitSyntax Add(CompilationUnitSyntax unit, string name)
    {
        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(name)).WithAdditionalAnnotations(Formatter.Annotation);
        var usings = unit.Usings;
        var index = 0;
        while (index < usings.Count && usings[index].Alias is null && usings[index].StaticKeyword.IsKind(SyntaxKind.None) &&
               usings[index].Name is { } existing &&
               (existing.ToString().StartsWith("System", System.StringComparison.Ordinal) ||
                string.CompareOrdinal(existing.ToString(), name) < 0))
        {
            index++;
        }

        if (usings.Count == 0)
        {
            directive = directive.WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed, SyntaxFactory.ElasticCarriageReturnLineFeed);
        }

        return unit.WithUsings(usings.Insert(index, directive));
    }
}
