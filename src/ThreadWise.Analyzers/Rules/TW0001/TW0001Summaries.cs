using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>Where the storage an access touches is rooted, seen from the body that contains the access.</summary>
internal enum StorageRoot
{
    /// <summary>A static field or auto-property (or a chain from one).</summary>
    Static,

    /// <summary>A field or auto-property of <c>this</c> (or a chain from one).</summary>
    This,

    /// <summary>A local or parameter declared outside the body (captured by a lambda or local function).</summary>
    Captured,

    /// <summary>A local or parameter of the body itself: private to one execution of it.</summary>
    OwnLocal,
}

internal enum ReadModifyWriteKind
{
    None,
    Increment,
    Decrement,
    Update,
}

/// <summary>One write (plain or read-modify-write) of a storage location, as found in one body.</summary>
internal sealed class StorageAccess
{
    public StorageAccess(StorageRoot root, SymbolPath path, bool isElement, ReadModifyWriteKind kind, bool locked, SyntaxNode syntax)
    {
        Root = root;
        Path = path;
        IsElement = isElement;
        Kind = kind;
        Locked = locked;
        Syntax = syntax;
    }

    public StorageRoot Root { get; }

    /// <summary>For <see cref="StorageRoot.This"/>, the members from <c>this</c>; otherwise the root symbol first.</summary>
    public SymbolPath Path { get; }

    /// <summary>An element of the array <see cref="Path"/> denotes.</summary>
    public bool IsElement { get; }

    /// <summary>
    /// TW0016: the <c>if</c> statement whose condition, evaluated outside any lock, reads this location, and whose branch
    /// holds this write (check-then-act); null when there is none or when the shape is benign (lazy init, idempotent).
    /// </summary>
    public SyntaxNode? Check { get; set; }

    /// <summary>The index, when it is a plain local or parameter (per-thread indices make elements private).</summary>
    public ISymbol? IndexSymbol { get; set; }

    public bool IndexIsConstant { get; set; }

    public ReadModifyWriteKind Kind { get; }

    public bool IsReadModifyWrite => Kind != ReadModifyWriteKind.None;

    /// <summary>Inside a <c>lock</c>, <c>Monitor</c>/<c>Lock</c>/semaphore region, or a synchronized method.</summary>
    public bool Locked { get; }

    /// <summary>The whole write (<c>x++</c>, <c>x += n</c>, <c>x = x + 1</c>, <c>x = 0</c>).</summary>
    public SyntaxNode Syntax { get; }

    /// <summary>The launches of the same body that may be running when this access executes (set by the flow pass).</summary>
    public ulong LiveLaunches { get; set; }

    /// <summary>For a <c>ref</c> argument to a source method: the callee, which may read-modify-write it.</summary>
    public IMethodSymbol? RefCallee { get; set; }

    /// <summary>The parameter ordinal of <see cref="RefCallee"/> the location is passed to.</summary>
    public int RefOrdinal { get; set; }
}

/// <summary>A <c>System.Threading.Timer.Change</c> call on a timer held in a field or local.</summary>
internal sealed class TimerChange
{
    public TimerChange(ISymbol timer, bool disarms, bool oneShot, bool atEnd)
    {
        Timer = timer;
        Disarms = disarms;
        OneShot = oneShot;
        AtEnd = atEnd;
    }

    /// <summary>The field, property or local holding the timer.</summary>
    public ISymbol Timer { get; }

    /// <summary>The due time is infinite: the timer stops.</summary>
    public bool Disarms { get; }

    /// <summary>The period is infinite: the timer fires once more at most.</summary>
    public bool OneShot { get; }

    /// <summary>Nothing of its body runs after it (it is the body's last statement, possibly under if/try/lock).</summary>
    public bool AtEnd { get; }
}

/// <summary>How the receiver of a call (or of a method-group launch) relates to the caller's <c>this</c>.</summary>
internal readonly struct Receiver
{
    private Receiver(bool isThis, SymbolPath path, bool rootIsThisMember, bool isFresh = false)
    {
        IsThis = isThis;
        Path = path;
        RootIsThisMember = rootIsThisMember;
        IsFresh = isFresh;
    }

    public static Receiver This { get; } = new(true, SymbolPath.Empty, false);

    public static Receiver Unknown { get; } = default;

    /// <summary>An object the caller has just created (<c>new C().M()</c>, or a local only ever assigned <c>new C(…)</c>).</summary>
    public static Receiver Fresh { get; } = new(false, default, false, isFresh: true);

    public bool IsThis { get; }

    /// <summary>The callee runs on an instance created by this execution of the caller (its path is unknown).</summary>
    public bool IsFresh { get; }

    /// <summary>The receiver's path (unknown for fresh objects, calls, own locals and static methods).</summary>
    public SymbolPath Path { get; }

    public bool RootIsThisMember { get; }

    public static Receiver Of(SymbolPath path, bool rootIsThisMember) => new(false, path, rootIsThisMember);

    /// <summary>The callee's <c>this</c>, given the caller's.</summary>
    public SymbolPath Resolve(SymbolPath callerThis) =>
        IsThis ? callerThis
        : Path.IsUnknown ? default
        : RootIsThisMember ? callerThis.Concat(Path)
        : Path;
}

internal sealed class CallEdge
{
    public CallEdge(IMethodSymbol callee, Receiver receiver)
    {
        Callee = callee;
        Receiver = receiver;
    }

    public IMethodSymbol Callee { get; }

    public Receiver Receiver { get; }
}

/// <summary>A delegate handed to a launching call (or a <c>System.Timers.Timer.Elapsed</c> subscription).</summary>
internal sealed class LaunchSite
{
    public LaunchSite(BodySummary starter, int index, LaunchKind kind, IMethodSymbol? method, SyntaxNode site, object target, SyntaxNode? targetSyntax, Receiver receiver)
    {
        Starter = starter;
        Index = index;
        Kind = kind;
        Method = method;
        Site = site;
        Target = target;
        TargetSyntax = targetSyntax;
        Receiver = receiver;
    }

    public BodySummary Starter { get; }

    /// <summary>The index among the starter's launches (its bit in <see cref="StorageAccess.LiveLaunches"/>).</summary>
    public int Index { get; }

    public ulong Bit => 1UL << (Index < 63 ? Index : 63);

    public LaunchKind Kind { get; set; }

    /// <summary>The launching method (null for a Timers.Timer.Elapsed subscription).</summary>
    public IMethodSymbol? Method { get; }

    public SyntaxNode Site { get; }

    /// <summary>The lambda syntax or the method symbol that runs.</summary>
    public object Target { get; }

    /// <summary>The lambda's syntax (null for a method group).</summary>
    public SyntaxNode? TargetSyntax { get; }

    public Receiver Receiver { get; }

    /// <summary>For a <c>System.Threading.Timer</c>: the field, property or local the new timer is stored in.</summary>
    public ISymbol? TimerSymbol { get; set; }

    /// <summary>For a <c>System.Threading.Timer</c>: created with an infinite period (it fires once unless re-armed).</summary>
    public bool OneShotTimer { get; set; }

    /// <summary>Runs on a <c>TaskScheduler</c> the caller passes (<c>task.Start(scheduler)</c>, <c>StartNew(…, scheduler)</c>), not the default one.</summary>
    public bool CustomScheduler { get; set; }

    /// <summary>Launched inside a loop of its starter.</summary>
    public bool InLoop { get; set; }

    /// <summary>Launched from a lambda that may run many times (a LINQ selector, an event handler).</summary>
    public bool InRepeatedLambda { get; set; }

    /// <summary>The starter's control flow was analyzed (<see cref="LiveBefore"/> and <see cref="LiveAtExit"/> are known).</summary>
    public bool FlowComputed { get; set; }

    /// <summary>
    /// Several runs may overlap: launched from a lambda that runs many times, or in a loop whose next iteration may
    /// launch it again before the previous run was waited for.
    /// </summary>
    public bool Repeated => InRepeatedLambda || (InLoop && (!FlowComputed || (LiveBefore & Bit) != 0));

    /// <summary>The scopes whose locals are private to one launch when <see cref="Repeated"/> (loop bodies, lambdas).</summary>
    public List<SyntaxNode> RepeatScopes { get; } = new();

    /// <summary>The <c>Parallel.Invoke</c> call whose actions run together, if any.</summary>
    public SyntaxNode? InvokeGroup { get; set; }

    /// <summary>The starter's launches that may be running where this one starts.</summary>
    public ulong LiveBefore { get; set; }

    /// <summary>May still be running when the starter returns (not joined).</summary>
    public bool LiveAtExit { get; set; } = true;

    public int Line => Site.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
}

/// <summary>What one executable body (method, local function, launched lambda) writes, calls and launches.</summary>
internal sealed class BodySummary
{
    public BodySummary(object key, SyntaxNode syntax, bool isConstructor)
    {
        Key = key;
        Syntax = syntax;
        IsConstructor = isConstructor;
    }

    /// <summary>The method symbol, or the lambda syntax.</summary>
    public object Key { get; }

    public SyntaxNode Syntax { get; }

    public bool IsConstructor { get; }

    public List<StorageAccess> Accesses { get; } = new();

    public List<CallEdge> Calls { get; } = new();

    public List<LaunchSite> Launches { get; } = new();

    public List<TimerChange> TimerChanges { get; } = new();

    /// <summary>Locals of this body only ever assigned a new object (<c>var c = new C(…)</c>): one object per execution.</summary>
    public HashSet<ILocalSymbol> FreshLocals { get; set; } = NoLocals;

    /// <summary>The empty set of locals (shared: these sets are only read once built).</summary>
    internal static readonly HashSet<ILocalSymbol> NoLocals = new(SymbolEqualityComparer.Default);

    /// <summary>The <c>ref</c> parameters (by ordinal) this body read-modify-writes outside a lock.</summary>
    public Dictionary<int, ReadModifyWriteKind> RefParameterUpdates { get; } = new();

    /// <summary>Own <c>ref</c> parameters passed on by <c>ref</c> to a source method (outside a lock).</summary>
    public List<(int Ordinal, IMethodSymbol Callee, int CalleeOrdinal)> RefForwards { get; } = new();

    public bool Contains(Location location) =>
        location.SourceTree == Syntax.SyntaxTree && Syntax.Span.Contains(location.SourceSpan);

    public bool Declares(ISymbol symbol)
    {
        foreach (var location in symbol.Locations)
        {
            if (Contains(location))
            {
                return true;
            }
        }

        return false;
    }
}
