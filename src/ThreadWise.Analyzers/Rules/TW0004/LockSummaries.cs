using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules.TW0004;

/// <summary>
/// The per-compilation memo both TW0004 analyzers share: each body's lock summaries (a pure function of the body, so
/// whichever analyzer summarizes it first serves the other) and each top-level type's own findings (computed once,
/// by the live analyzer's SymbolEnd or by the build-only analyzer, whichever asks first).
/// </summary>
internal sealed class LockSummaries
{
    private static readonly ConditionalWeakTable<Compilation, StrongBox<LockSummaries?>> Table = new();

    private readonly ConcurrentDictionary<ISymbol, ImmutableArray<MethodLockSummary>> _bodies = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<INamedTypeSymbol, ImmutableArray<LockOrderReport>> _typeFindings = new(SymbolEqualityComparer.Default);
    private readonly LockApi _locks;
    private readonly LaunchApi _launches;
    private readonly ImmutableHashSet<IMethodSymbol> _lockSetEnter;
    private readonly IAssemblySymbol _assembly;

    private LockSummaries(LockApi locks, LaunchApi launches, ImmutableHashSet<IMethodSymbol> lockSetEnter, IAssemblySymbol assembly)
    {
        _locks = locks;
        _launches = launches;
        _lockSetEnter = lockSetEnter;
        _assembly = assembly;
    }

    /// <summary>The memo of <paramref name="compilation"/>, or null when it has no <c>Monitor</c> (nothing to find).</summary>
    public static LockSummaries? Get(Compilation compilation) => Table.GetValue(compilation, static c =>
    {
        var model = ThreadingModel.Get(c);
        return new StrongBox<LockSummaries?>(model.Locks.Monitor is null
            ? null
            : new LockSummaries(model.Locks, model.Launches, SymbolSets.Methods(WellKnownTypes.Get(c, "ThreadWise.LockSet"), "Enter"), c.Assembly));
    }).Value;

    /// <summary>The symbol calls bind to: the original definition, and the declaring part of a partial method.</summary>
    public static IMethodSymbol Key(IMethodSymbol method) => (method.PartialDefinitionPart ?? method).OriginalDefinition;

    /// <summary>The top-level type that holds <paramref name="symbol"/> (itself for a top-level type).</summary>
    public static INamedTypeSymbol? TopLevelType(ISymbol symbol)
    {
        var type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        while (type?.ContainingType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    /// <summary>The summaries of one method's body and of every lambda and local function in it (memoized).</summary>
    public ImmutableArray<MethodLockSummary> Of(OperationBlockAnalysisContext block)
    {
        if (block.OwningSymbol is IFieldSymbol or IPropertySymbol)
        {
            return Initializer(block);
        }

        if (block.OwningSymbol is not IMethodSymbol method)
        {
            return ImmutableArray<MethodLockSummary>.Empty;
        }

        if (_bodies.TryGetValue(method, out var known))
        {
            return known;
        }

        var output = new List<MethodLockSummary>();
        foreach (var operation in block.OperationBlocks)
        {
            if (operation is IMethodBodyBaseOperation or IBlockOperation)
            {
                LockSummaryWalker.Summarize(_locks, _launches, _lockSetEnter, _assembly, Key(method), operation, output, block.CancellationToken);
            }
        }

        return _bodies.GetOrAdd(method, output.ToImmutableArray());
    }

    /// <summary>A delegate field or property initialized with a lambda or a method group: its known target.</summary>
    private ImmutableArray<MethodLockSummary> Initializer(OperationBlockAnalysisContext block)
    {
        if (_bodies.TryGetValue(block.OwningSymbol, out var known))
        {
            return known;
        }

        var output = new List<MethodLockSummary>();
        if (block.OwningSymbol is IFieldSymbol { Type.TypeKind: TypeKind.Delegate } or IPropertySymbol { Type.TypeKind: TypeKind.Delegate })
        {
            foreach (var operation in block.OperationBlocks)
            {
                if (operation is ISymbolInitializerOperation initializer)
                {
                    LockSummaryWalker.SummarizeInitializer(_locks, _launches, _lockSetEnter, _assembly, block.OwningSymbol, initializer.Value,
                        output, block.CancellationToken);
                }
            }
        }

        return _bodies.GetOrAdd(block.OwningSymbol, output.ToImmutableArray());
    }

    /// <summary>The findings whose whole story lies in <paramref name="type"/>, from the summaries of its bodies.</summary>
    public ImmutableArray<LockOrderReport> FindingsOf(INamedTypeSymbol type, IEnumerable<MethodLockSummary> summaries, CancellationToken cancellationToken)
    {
        if (_typeFindings.TryGetValue(type, out var known))
        {
            return known;
        }

        var found = LockOrderFinder.Find(summaries, cancellationToken).ToImmutableArray();
        return _typeFindings.GetOrAdd(type, found);
    }
}
