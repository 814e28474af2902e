using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;

namespace ThreadWise.Analyzers.Model;

/// <summary>What a type does with one of its private fields of class type, over all of its own code.</summary>
internal sealed class FieldUse
{
    public FieldUse(bool onlyNewObjects, bool escapes, ImmutableHashSet<IMethodSymbol> invoked)
    {
        OnlyNewObjects = onlyNewObjects;
        Escapes = escapes;
        Invoked = invoked;
    }

    /// <summary>Every value stored in the field is a new object (<c>new Worker()</c>), and there is at least one.</summary>
    public bool OnlyNewObjects { get; }

    /// <summary>The field's value is handed to other code (an argument, a return value, another variable).</summary>
    public bool Escapes { get; }

    /// <summary>The methods called on the field's value (original definitions).</summary>
    public ImmutableHashSet<IMethodSymbol> Invoked { get; }
}

/// <summary>
/// The uses of the private fields of a type, resolved once per type and cached per compilation by symbol: which
/// values are stored in them, which methods are called on them, and whether they are handed to other code.
/// </summary>
internal sealed class FieldInstances
{
    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<INamedTypeSymbol, ImmutableDictionary<IFieldSymbol, FieldUse>> _cache = new(SymbolEqualityComparer.Default);

    public FieldInstances(Compilation compilation) => _compilation = compilation;

    /// <summary>The use of a private instance or static field of a class declared in source; null otherwise.</summary>
    public FieldUse? Get(IFieldSymbol field, SemanticModel? current, CancellationToken cancellationToken)
    {
        field = field.OriginalDefinition;
        if (field.DeclaredAccessibility != Accessibility.Private || field.ContainingType is not { TypeKind: TypeKind.Class } type)
        {
            return null;
        }

        type = type.OriginalDefinition;
        if (!_cache.TryGetValue(type, out var uses))
        {
            uses = _cache.GetOrAdd(type, Compute(type, current, cancellationToken));
        }

        return uses.TryGetValue(field, out var use) ? use : null;
    }

    private ImmutableDictionary<IFieldSymbol, FieldUse> Compute(INamedTypeSymbol type, SemanticModel? current, CancellationToken cancellationToken)
    {
        var created = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        var other = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        var escapes = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        var invoked = new Dictionary<IFieldSymbol, HashSet<IMethodSymbol>>(SymbolEqualityComparer.Default);

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
            {
                continue;
            }

            if (!_compilation.ContainsSyntaxTree(declaration.SyntaxTree))
            {
                // Declared in a project this one references as a compilation: seen like a type from metadata.
                continue;
            }

            var model = current is not null && current.SyntaxTree == declaration.SyntaxTree
                ? current
#pragma warning disable RS1030 // Computed once per type and cached for the compilation; the type is declared in another file.
                : _compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
            foreach (var member in declaration.Members)
            {
                if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)
                {
                    // A nested type may use the fields too; it is not scanned, so nothing is known.
                    return ImmutableDictionary<IFieldSymbol, FieldUse>.Empty;
                }

                foreach (var (body, _) in ThreadBodies.Bodies(member, model, cancellationToken))
                {
                    if (model.GetOperation(body, cancellationToken) is { } root)
                    {
                        Scan(root);
                    }
                }
            }
        }

        var builder = ImmutableDictionary.CreateBuilder<IFieldSymbol, FieldUse>(SymbolEqualityComparer.Default);
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol { DeclaredAccessibility: Accessibility.Private } field)
            {
                builder[field] = new FieldUse(
                    created.Contains(field) && !other.Contains(field),
                    escapes.Contains(field),
                    invoked.TryGetValue(field, out var methods)
                        ? methods.ToImmutableHashSet<IMethodSymbol>(SymbolEqualityComparer.Default)
                        : ImmutableHashSet<IMethodSymbol>.Empty);
            }
        }

        return builder.ToImmutable();

        void Scan(IOperation root)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IFieldInitializerOperation initializer:
                        foreach (var initialized in initializer.InitializedFields)
                        {
                            (StartApi.Unwrap(initializer.Value) is IObjectCreationOperation ? created : other).Add(initialized.OriginalDefinition);
                        }

                        break;
                    case IFieldReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Field.ContainingType.OriginalDefinition, type):
                        var used = reference.Field.OriginalDefinition;
                        var (child, user) = OperationTree.User(reference);
                        switch (user)
                        {
                            case ISimpleAssignmentOperation assignment when assignment.Target == child:
                                (StartApi.Unwrap(assignment.Value) is IObjectCreationOperation ? created : other).Add(used);
                                break;
                            case IInvocationOperation invocation when invocation.Instance == child:
                                if (!invoked.TryGetValue(used, out var methods))
                                {
                                    invoked[used] = methods = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                                }

                                methods.Add(invocation.TargetMethod.OriginalDefinition);
                                break;
                            case IMemberReferenceOperation member when member.Instance == child:
                                break;
                            default:
                                escapes.Add(used);
                                break;
                        }

                        break;
                }
            }
        }
    }
}
