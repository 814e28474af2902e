using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// A chain of symbols compared by symbol (<c>s_counter._n</c>, <c>total</c>, <c>_stats.Hits</c>), used as a key for a
/// storage location across methods. <see cref="IsUnknown"/> (the default value) stands for "no known path"; the empty
/// path stands for <c>this</c> of the code that started a concurrent body.
/// </summary>
internal readonly struct SymbolPath : IEquatable<SymbolPath>
{
    public static readonly SymbolPath Empty = new(ImmutableArray<ISymbol>.Empty);

    public SymbolPath(ImmutableArray<ISymbol> symbols) => Symbols = symbols;

    public ImmutableArray<ISymbol> Symbols { get; }

    public bool IsUnknown => Symbols.IsDefault;

    public ISymbol? Root => Symbols.IsDefaultOrEmpty ? null : Symbols[0];

    public static SymbolPath From(AccessPath path) => new(path.Symbols);

    /// <summary>This path followed by <paramref name="tail"/>; unknown when either is.</summary>
    public SymbolPath Concat(SymbolPath tail)
    {
        if (IsUnknown || tail.IsUnknown)
        {
            return default;
        }

        return Symbols.Length == 0 ? tail : new SymbolPath(Symbols.AddRange(tail.Symbols));
    }

    public bool Equals(SymbolPath other)
    {
        if (IsUnknown || other.IsUnknown)
        {
            return IsUnknown && other.IsUnknown;
        }

        if (Symbols.Length != other.Symbols.Length)
        {
            return false;
        }

        for (var i = 0; i < Symbols.Length; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(Symbols[i], other.Symbols[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is SymbolPath other && Equals(other);

    public override int GetHashCode()
    {
        if (IsUnknown)
        {
            return 0;
        }

        var hash = 17;
        foreach (var symbol in Symbols)
        {
            hash = (hash * 31) + SymbolEqualityComparer.Default.GetHashCode(symbol);
        }

        return hash;
    }
}
