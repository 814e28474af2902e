using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary>Small helpers to resolve members of a known type once and compare them by symbol afterwards.</summary>
internal static class SymbolSets
{
    /// <summary>The methods (or constructors, with <c>".ctor"</c>) of <paramref name="type"/> with one of the given names.</summary>
    public static ImmutableHashSet<IMethodSymbol> Methods(INamedTypeSymbol? type, params string[] names)
    {
        if (type is null)
        {
            return ImmutableHashSet<IMethodSymbol>.Empty;
        }

        var builder = ImmutableHashSet.CreateBuilder<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var name in names)
        {
            foreach (var member in type.GetMembers(name))
            {
                if (member is IMethodSymbol method)
                {
                    builder.Add(method);
                }
            }
        }

        return builder.ToImmutable();
    }

    public static IPropertySymbol? Property(INamedTypeSymbol? type, string name)
    {
        if (type is null)
        {
            return null;
        }

        foreach (var member in type.GetMembers(name))
        {
            if (member is IPropertySymbol property)
            {
                return property;
            }
        }

        return null;
    }

    public static IEventSymbol? Event(INamedTypeSymbol? type, string name)
    {
        if (type is null)
        {
            return null;
        }

        foreach (var member in type.GetMembers(name))
        {
            if (member is IEventSymbol e)
            {
                return e;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="method"/> (or the definition it was constructed or reduced from) is in <paramref name="set"/>.</summary>
    public static bool ContainsMethod(this ImmutableHashSet<IMethodSymbol> set, IMethodSymbol? method)
    {
        if (method is null || set.IsEmpty)
        {
            return false;
        }

        var definition = (method.ReducedFrom ?? method).OriginalDefinition;
        return set.Contains(definition) || set.Contains(method);
    }

    /// <summary>True when <paramref name="type"/> is <paramref name="candidate"/> or derives from it (generic definitions compared).</summary>
    public static bool InheritsFromOrEquals(this ITypeSymbol? type, INamedTypeSymbol? candidate)
    {
        if (candidate is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, candidate.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    public static bool Is(this ITypeSymbol? type, INamedTypeSymbol? candidate) =>
        type is not null && candidate is not null &&
        SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, candidate.OriginalDefinition);

    public static ImmutableHashSet<IMethodSymbol> Union(params ImmutableHashSet<IMethodSymbol>[] sets)
    {
        var builder = ImmutableHashSet.CreateBuilder<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var set in sets)
        {
            builder.UnionWith(set);
        }

        return builder.ToImmutable();
    }

    public static IEnumerable<IMethodSymbol> Constructors(INamedTypeSymbol? type) =>
        type is null ? ImmutableArray<IMethodSymbol>.Empty : type.InstanceConstructors;
}
