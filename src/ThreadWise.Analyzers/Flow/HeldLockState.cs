using System.Collections.Immutable;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Flow;

/// <summary>
/// The locks held at one point of a body, as <see cref="HeldLocks"/> computes them: those held on every path that
/// reaches it (<see cref="Must"/>), those held on some path (<see cref="May"/>), and whether a lock whose object has
/// no stable location (<c>lock (GetLock())</c>) may be held. A point no path reaches is <see cref="Unreachable"/>.
/// </summary>
internal readonly struct HeldLockState
{
    public static readonly HeldLockState Unreachable = new(ImmutableArray<LockIdentity>.Empty, ImmutableArray<LockIdentity>.Empty, false, true);

    public static readonly HeldLockState Empty = new(ImmutableArray<LockIdentity>.Empty, ImmutableArray<LockIdentity>.Empty, false, false);

    private HeldLockState(ImmutableArray<LockIdentity> must, ImmutableArray<LockIdentity> may, bool mayHoldUnknown, bool isUnreachable)
    {
        Must = must;
        May = may;
        MayHoldUnknown = mayHoldUnknown;
        IsUnreachable = isUnreachable;
    }

    /// <summary>Locks held on every path to this point.</summary>
    public ImmutableArray<LockIdentity> Must { get; }

    /// <summary>Locks held on at least one path to this point (a superset of <see cref="Must"/>).</summary>
    public ImmutableArray<LockIdentity> May { get; }

    /// <summary>True when a lock with no identity (a computed lock object) may be held here.</summary>
    public bool MayHoldUnknown { get; }

    public bool IsUnreachable { get; }

    public HeldLockState Acquire(LockIdentity identity) =>
        IsUnreachable ? this : new(AddTo(Must, identity), AddTo(May, identity), MayHoldUnknown, false);

    /// <summary>Possibly acquired (a try-acquire whose result is not followed).</summary>
    public HeldLockState MaybeAcquire(LockIdentity identity) =>
        IsUnreachable ? this : new(Must, AddTo(May, identity), MayHoldUnknown, false);

    public HeldLockState AcquireUnknown() => IsUnreachable ? this : new(Must, May, true, false);

    public HeldLockState Release(LockIdentity identity) =>
        IsUnreachable ? this : new(Must.Remove(identity), May.Remove(identity), MayHoldUnknown, false);

    public HeldLockState WithUnknown(bool mayHoldUnknown) => IsUnreachable ? this : new(Must, May, mayHoldUnknown, false);

    /// <summary>The state where two paths meet.</summary>
    public static HeldLockState Join(HeldLockState left, HeldLockState right)
    {
        if (left.IsUnreachable)
        {
            return right;
        }

        if (right.IsUnreachable)
        {
            return left;
        }

        var must = left.Must;
        foreach (var identity in left.Must)
        {
            if (!right.Must.Contains(identity))
            {
                must = must.Remove(identity);
            }
        }

        var may = left.May;
        foreach (var identity in right.May)
        {
            may = AddTo(may, identity);
        }

        return new(must, may, left.MayHoldUnknown || right.MayHoldUnknown, false);
    }

    public bool SameAs(HeldLockState other) =>
        IsUnreachable == other.IsUnreachable && MayHoldUnknown == other.MayHoldUnknown &&
        SameSet(Must, other.Must) && SameSet(May, other.May);

    private static bool SameSet(ImmutableArray<LockIdentity> left, ImmutableArray<LockIdentity> right)
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        foreach (var identity in left)
        {
            if (!right.Contains(identity))
            {
                return false;
            }
        }

        return true;
    }

    private static ImmutableArray<LockIdentity> AddTo(ImmutableArray<LockIdentity> set, LockIdentity identity) =>
        set.Contains(identity) ? set : set.Add(identity);
}
