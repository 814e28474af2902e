using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// A storage location named the same way on two code paths: a local, a parameter, a static field, a field of
/// <c>this</c>, or a chain of fields/auto-properties from one of those (<c>from._sync</c>, <c>this.worker.thread</c>).
/// Compared by symbol. Expressions with calls, indexers or other computed parts have no access path.
/// </summary>
internal readonly struct AccessPath : IEquatable<AccessPath>
{
    private AccessPath(ImmutableArray<ISymbol> symbols) => Symbols = symbols;

    /// <summary>Root first: a local, parameter, static field or a field of <c>this</c>; then member accesses.</summary>
    public ImmutableArray<ISymbol> Symbols { get; }

    public bool IsDefault => Symbols.IsDefaultOrEmpty;

    public ISymbol Root => Symbols[0];

    public ISymbol Last => Symbols[Symbols.Length - 1];

    /// <summary>The path as written in code, for messages (<c>_worker</c>, <c>from._sync</c>).</summary>
    public string Display => string.Join(".", Symbols.Select(s => s.Name));

    public static bool TryCreate(IOperation? operation, out AccessPath path)
    {
        // Called on every kind of operation, most of which name no storage: decide (and count) before allocating.
        var length = 0;
        if (!Measure(operation, ref length))
        {
            path = default;
            return false;
        }

        if (length == 1)
        {
            path = new AccessPath(ImmutableArray.Create(Append(operation!, null)));
            return true;
        }

        var builder = ImmutableArray.CreateBuilder<ISymbol>(length);
        Append(operation!, builder);
        path = new AccessPath(builder.MoveToImmutable());
        return true;
    }

    public static AccessPath? Create(IOperation? operation) => TryCreate(operation, out var path) ? path : null;

    /// <summary>A path from its symbols, root first (for a path rebuilt by substitution, e.g. a parameter replaced by the argument).</summary>
    public static AccessPath FromSymbols(ImmutableArray<ISymbol> symbols) => new(symbols);

    /// <summary>True when this path is <paramref name="prefix"/> or lies inside it (<c>a.b</c> starts with <c>a</c>).</summary>
    public bool StartsWith(AccessPath prefix)
    {
        if (prefix.IsDefault || IsDefault || prefix.Symbols.Length > Symbols.Length)
        {
            return false;
        }

        for (var i = 0; i < prefix.Symbols.Length; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(prefix.Symbols[i], Symbols[i]))
            {
                return false;
            }
        }

        return true;
    }

    public bool Equals(AccessPath other) =>
        Symbols.Length == other.Symbols.Length && StartsWith(other);

    public override bool Equals(object? obj) => obj is AccessPath other && Equals(other);

    public override int GetHashCode()
    {
        var hash = 17;
        if (!IsDefault)
        {
            foreach (var symbol in Symbols)
            {
                hash = (hash * 31) + SymbolEqualityComparer.Default.GetHashCode(symbol);
            }
        }

        return hash;
    }

    public override string ToString() => IsDefault ? "<none>" : Display;

    /// <summary>Whether <paramref name="operation"/> names a storage location, and how many symbols its path has.</summary>
    private static bool Measure(IOperation? operation, ref int length)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation { IsImplicit: true } conversion:
                    operation = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    continue;
                case ILocalReferenceOperation or IParameterReferenceOperation:
                    length++;
                    return true;
                case IFieldReferenceOperation field:
                    length++;
                    if (field.Field.IsStatic || field.Instance is null or IInstanceReferenceOperation)
                    {
                        return true;
                    }

                    operation = field.Instance;
                    continue;
                case IPropertyReferenceOperation property when property.Arguments.IsEmpty && IsAutoProperty(property.Property):
                    length++;
                    if (property.Property.IsStatic || property.Instance is null or IInstanceReferenceOperation)
                    {
                        return true;
                    }

                    operation = property.Instance;
                    continue;
                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// Adds the path's symbols, root first, to <paramref name="builder"/> (for an operation <see cref="Measure"/>
    /// accepted, so every shape below is one it accepted); with no builder, returns the one symbol of a one-symbol path.
    /// </summary>
    private static ISymbol Append(IOperation operation, ImmutableArray<ISymbol>.Builder? builder)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    continue;
                case ILocalReferenceOperation local:
                    builder?.Add(local.Local);
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    builder?.Add(parameter.Parameter);
                    return parameter.Parameter;
                case IFieldReferenceOperation field:
                    if (!(field.Field.IsStatic || field.Instance is null or IInstanceReferenceOperation))
                    {
                        Append(field.Instance, builder);
                    }

                    builder?.Add(field.Field);
                    return field.Field;
                default:
                    var property = (IPropertyReferenceOperation)operation;
                    if (!(property.Property.IsStatic || property.Instance is null or IInstanceReferenceOperation))
                    {
                        Append(property.Instance, builder);
                    }

                    builder?.Add(property.Property);
                    return property.Property;
            }
        }
    }

    /// <summary>An auto-property in source behaves like a field; a computed property may return something new each time.</summary>
    private static bool IsAutoProperty(IPropertySymbol property)
    {
        if (property.IsIndexer || property.DeclaringSyntaxReferences.IsEmpty)
        {
            return false;
        }

        foreach (var member in property.ContainingType.GetMembers())
        {
            if (member is IFieldSymbol { IsImplicitlyDeclared: true } field &&
                SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
            {
                return true;
            }
        }

        return false;
    }
}
