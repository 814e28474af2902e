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

    /// <summary>The body's bool parameters (by ordinal) that must have these values for the acquisition to run.</summary>
    public ImmutableArray<ParameterGuard> Guards { get; set; } = ImmutableArray<ParameterGuard>.Empty;

    /// <summary>True when an <c>await</c> certainly ran before it in an async body (it is not part of the synchronous start).</summary>
    public bool AfterAwait { get; set; }
}

/// <summary>"The parameter at <see cref="Ordinal"/> is <see cref="Value"/>": what a branch requires to run.</summary>
internal readonly struct ParameterGuard : System.IEquatable<ParameterGuard>
{
    public ParameterGuard(int ordinal, bool value)
    {
        Ordinal = ordinal;
        Value = value;
    }

    public int Ordinal { get; }

    public bool Value { get; }

    /// <summary>False when a call passes the opposite constant for the guarded parameter.</summary>
    public static bool Allows(ImmutableArray<ParameterGuard> guards, ImmutableArray<ParameterGuard> constants)
    {
        foreach (var guard in guards)
        {
            foreach (var constant in constants)
            {
                if (constant.Ordinal == guard.Ordinal && constant.Value != guard.Value)
                {
                    return false;
                }
            }
        }

        return true;
    }

    public bool Equals(ParameterGuard other) => Ordinal == other.Ordinal && Value == other.Value;

    public override bool Equals(object? obj) => obj is ParameterGuard other && Equals(other);

    public override int GetHashCode() => (Ordinal * 2) + (Value ? 1 : 0);
}

/// <summary>A delegate the body hands to a thread, task, timer or parallel loop (<see cref="LaunchApi"/>).</summary>
internal sealed class LockLaunch
{
    public LockLaunch(IMethodSymbol target, bool once, bool fromStaticConstructor, SyntaxNode syntax)
    {
        Target = target;
        Once = once;
        FromStaticConstructor = fromStaticConstructor;
        Syntax = syntax;
    }

    /// <summary>The launched method or lambda.</summary>
    public IMethodSymbol Target { get; }

    /// <summary>
    /// One thread per run of the launching code, and that code runs once per instance outside any loop: a constructor,
    /// or a method that returns when a state field says it ran and then sets it. One dedicated thread per instance
    /// (per program for a static constructor). Parallel loops, timers and pool callbacks are not.
    /// </summary>
    public bool Once { get; }

    public bool FromStaticConstructor { get; }

    public SyntaxNode Syntax { get; }
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

    /// <summary>The caller's guards at the call (see <see cref="LockAcquisition.Guards"/>).</summary>
    public ImmutableArray<ParameterGuard> Guards { get; set; } = ImmutableArray<ParameterGuard>.Empty;

    /// <summary>True when an <c>await</c> certainly ran before the call in an async caller.</summary>
    public bool AfterAwait { get; set; }

    /// <summary>
    /// True when the call's task is dropped (<c>F();</c>, <c>_ = F();</c>): an async callee runs in the caller's context
    /// only up to its first <c>await</c>. A task that is awaited or waited for later may hold the caller's locks longer.
    /// </summary>
    public bool FireAndForget { get; set; }

    /// <summary>The bool constants the call passes, by the callee's parameter ordinal (<c>Find(key, create: false)</c>).</summary>
    public ImmutableArray<ParameterGuard> Constants { get; set; } = ImmutableArray<ParameterGuard>.Empty;

    /// <summary>Set when the call invokes a delegate: the field, property or local that holds it (<c>_onChange()</c>).</summary>
    public ISymbol? DelegateSlot { get; set; }
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

    /// <summary>The delegates the body launches on other threads.</summary>
    public List<LockLaunch> Launches { get; } = new();

    /// <summary>Methods and lambdas the body turns into delegates other than launches: they may run from anywhere.</summary>
    public List<IMethodSymbol> Escapes { get; } = new();

    /// <summary>Lambdas and method groups the body stores into a delegate field, property or local (the slot's known targets).</summary>
    public List<(ISymbol Slot, IMethodSymbol Target, SyntaxNode Syntax)> DelegateTargets { get; } = new();

    /// <summary>The parameters, locals and <c>this</c> (as the containing type) read by each comparison (<c>a.Id &lt; b.Id</c>, <c>CompareTo</c>).</summary>
    public List<HashSet<ISymbol>> Comparisons { get; } = new();

    /// <summary>For each local: the parameters, locals and <c>this</c> its assigned values read.</summary>
    public Dictionary<ISymbol, HashSet<ISymbol>> LocalSources { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>Locals assigned by deconstructing a call's result (<c>var (first, second) = Order(a, b)</c>).</summary>
    public HashSet<ISymbol> OrderedLocals { get; } = new(SymbolEqualityComparer.Default);

    public bool IsEmpty => Acquisitions.Count == 0 && Calls.Count == 0 && Launches.Count == 0 && Escapes.Count == 0 && DelegateTargets.Count == 0;

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
