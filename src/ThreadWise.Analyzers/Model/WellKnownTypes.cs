using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary>Resolves framework types by metadata name, robust to a type being defined twice (for example by a polyfill).</summary>
internal static class WellKnownTypes
{
    /// <summary>
    /// Returns the type with the given metadata name. When several assemblies define it, the one from the core library
    /// (the assembly that defines <see cref="object"/>) wins, then the first one that is accessible from the compilation.
    /// </summary>
    public static INamedTypeSymbol? Get(Compilation compilation, string metadataName)
    {
        var single = compilation.GetTypeByMetadataName(metadataName);
        if (single is not null)
        {
            return single;
        }

        var candidates = compilation.GetTypesByMetadataName(metadataName);
        if (candidates.IsDefaultOrEmpty)
        {
            return null;
        }

        var core = compilation.GetSpecialType(SpecialType.System_Object).ContainingAssembly;
        INamedTypeSymbol? accessible = null;
        foreach (var candidate in candidates)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.ContainingAssembly, core))
            {
                return candidate;
            }

            if (accessible is null && compilation.IsSymbolAccessibleWithin(candidate, compilation.Assembly))
            {
                accessible = candidate;
            }
        }

        return accessible;
    }
}
