using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary>How the instance that owns a lock field is named at an acquisition or a call.</summary>
internal enum LockRootKind
{
    /// <summary>A static field or auto-property: one lock for the whole program.</summary>
    Static,

    /// <summary>A field of <c>this</c> (<c>_sync</c>, <c>this._sync</c>).</summary>
    This,

    /// <summary>A field of a parameter or a local (<c>to._sync</c>): an instance the caller chooses.</summary>
    Peer,

    /// <summary>A field reached through a chain of fields (<c>_left._sync</c>): a fixed instance.</summary>
    Chain,
}

/// <summary>One acquisition of a lock whose identity is a field or auto-property, with the locks held at that point.</summary>
internal sealed class LockAcquisition
{
    public LockAcquisition(ISymbol @lock, AccessPath path, LockRootKind rootKind, ISymbol? root, bool blocking,
        LockPrimitive primitive, bool isLockStatement, bool scoped, SyntaxNode syntax, ImmutableArray<LockAcquisition> held)
    {
        Scoped = scoped;
        Lock = @lock;
        Path = path;
        RootKind = rootKind;
        Root = root;
        Blocking = blocking;
        Primitive = primitive;
        IsLockStatement = isLockStatement;
        Syntax = syntax;
        Held = held;
    }

    /// <summary>The lock's identity: the field or auto-property symbol (its original definition).</summary>
    public ISymbol Lock { get; }

    public AccessPath Path { get; }

    public LockRootKind RootKind { get; }

    /// <summary>The parameter or local of a <see cref="LockRootKind.Peer"/> lock; the containing type for <see cref="LockRootKind.This"/>.</summary>
    public ISymbol? Root { get; }

    /// <summary>False for a try-acquire that gives up (<c>TryEnter</c>, <c>Wait(timeout)</c>): it cannot wait forever.</summary>
    public bool Blocking { get; }

    public LockPrimitive Primitive { get; }

    /// <summary>True for the C# <c>lock</c> statement (the syntax is its locked expression).</summary>
    public bool IsLockStatement { get; }

    /// <summary>True for <c>EnterScope()</c> and <c>LockSet.Enter</c>: held until the end of the <c>using</c> (or of the block).</summary>
    public bool Scoped { get; }

    /// <summary>Where it is reported: the locked expression of a <c>lock</c> statement, or the acquiring call.</summary>
    public SyntaxNode Syntax { get; }

    /// <summary>The locks held when this one is taken, outermost first.</summary>
    public ImmutableArray<LockAcquisition> Held { get; }
}

/// <summary>A call to a method of the compilation, with the locks held during it.</summary>
internal sealed class LockCallSite
{
    public LockCallSite(IMethodSymbol callee, SyntaxNode syntax, ImmutableArray<LockAcquisition> held, LockRootKind receiverKind, ISymbol? receiverRoot, string? receiverDisplay)
    {
        Callee = callee;
        Syntax = syntax;
        Held = held;
        ReceiverKind = receiverKind;
        ReceiverRoot = receiverRoot;
        ReceiverDisplay = receiverDisplay;
    }

    /// <summary>The called method's original definition.</summary>
    public IMethodSymbol Callee { get; }

    public SyntaxNode Syntax { get; }

    public ImmutableArray<LockAcquisition> Held { get; }

    /// <summary><see cref="LockRootKind.This"/> for <c>M()</c>/<c>this.M()</c>, <see cref="LockRootKind.Peer"/> for <c>to.M()</c>.</summary>
    public LockRootKind ReceiverKind { get; }

    public ISymbol? ReceiverRoot { get; }

    public string? ReceiverDisplay { get; }
}

/// <summary>
/// What one executable body (method, accessor, local function or lambda) does with locks: what it acquires (and
/// what it holds then), what it calls while holding what, and the facts that show it orders two instances itself.
/// </summary>
internal sealed class MethodLockSummary
{
    public MethodLockSummary(IMethodSymbol method, SyntaxNode syntax)
    {
        Method = method;
        Syntax = syntax;
    }

    public IMethodSymbol Method { get; }

    /// <summary>The body's syntax (sorting key: file, then position).</summary>
    public SyntaxNode Syntax { get; }

    public List<LockAcquisition> Acquisitions { get; } = new();

    public List<LockCallSite> Calls { get; } = new();

    /// <summary>The parameters, locals and <c>this</c> (as the containing type) read by each comparison (<c>a.Id &lt; b.Id</c>, <c>CompareTo</c>).</summary>
    public List<HashSet<ISymbol>> Comparisons { get; } = new();

    /// <summary>For each local: the parameters, locals and <c>this</c> its assigned values read.</summary>
    public Dictionary<ISymbol, HashSet<ISymbol>> LocalSources { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>Locals assigned by deconstructing a call's result (<c>var (first, second) = Order(a, b)</c>).</summary>
    public HashSet<ISymbol> OrderedLocals { get; } = new(SymbolEqualityComparer.Default);

    public bool IsEmpty => Acquisitions.Count == 0 && Calls.Count == 0;

    /// <summary>A parameter, or a local assigned from a value that reads a parameter (<c>accounts[from]</c>).</summary>
    public bool IsCallerChosen(ISymbol root) => root switch
    {
        IParameterSymbol => true,
        ILocalSymbol => LocalSources.TryGetValue(root, out var sources) && sources.Any(s => s is IParameterSymbol),
        _ => root is ITypeSymbol,
    };

    /// <summary>True when <paramref name="local"/> was assigned from a value that reads <paramref name="root"/>.</summary>
    public bool IsDerivedFrom(ISymbol local, ISymbol root) =>
        LocalSources.TryGetValue(local, out var sources) && sources.Contains(root);

    /// <summary>
    /// True when the body chooses which of the two instances to lock first: a comparison reads both (or the values
    /// the locals were assigned from), or a local comes from a helper that returns them ordered.
    /// </summary>
    public bool OrdersInstances(ISymbol first, ISymbol second)
    {
        if (OrderedLocals.Contains(first) || OrderedLocals.Contains(second))
        {
            return true;
        }

        var a = SourcesOf(first);
        var b = SourcesOf(second);
        foreach (var comparison in Comparisons)
        {
            var hitsA = a.Where(comparison.Contains).ToList();
            var hitsB = b.Where(comparison.Contains).ToList();
            if (hitsA.Count > 0 && hitsB.Count > 0 && hitsA.Union(hitsB, SymbolEqualityComparer.Default).Count() >= 2)
            {
                return true;
            }
        }

        return false;
    }

    private HashSet<ISymbol> SourcesOf(ISymbol root)
    {
        var result = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { root };
        if (LocalSources.TryGetValue(root, out var sources))
        {
            result.UnionWith(sources);
        }

        return result;
    }
}
