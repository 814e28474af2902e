using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// Which lock one lock call acts on: the primitive, the mode (for a reader/writer lock) and the storage location of
/// the lock object (an <see cref="AccessPath"/>, or <c>this</c>). Two calls act on the same lock when their identities
/// are equal; a lock object without a stable location (<c>GetLock().Wait()</c>) has no identity.
/// </summary>
internal readonly struct LockIdentity : IEquatable<LockIdentity>
{
    private LockIdentity(LockPrimitive primitive, LockMode mode, AccessPath path, bool isThis)
    {
        Primitive = primitive;
        Mode = mode;
        Path = path;
        IsThis = isThis;
    }

    public LockPrimitive Primitive { get; }

    public LockMode Mode { get; }

    /// <summary>The lock object's location; default when the lock object is <c>this</c>.</summary>
    public AccessPath Path { get; }

    public bool IsThis { get; }

    /// <summary>The lock object as written in code, for messages (<c>_gate</c>, <c>from._sync</c>, <c>this</c>).</summary>
    public string Display => IsThis ? "this" : Path.Display;

    public static bool TryCreate(LockAction action, out LockIdentity identity)
    {
        var lockObject = Unwrap(action.LockObject);
        if (lockObject is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
        {
            identity = new LockIdentity(action.Primitive, action.Mode, default, isThis: true);
            return true;
        }

        if (lockObject is IVariableDeclaratorOperation { Symbol: var local })
        {
            // var m = new Mutex(true): the declared local.
            identity = new LockIdentity(action.Primitive, action.Mode, AccessPath.FromSymbols(System.Collections.Immutable.ImmutableArray.Create<ISymbol>(local)), isThis: false);
            return true;
        }

        if (AccessPath.TryCreate(lockObject, out var path))
        {
            identity = new LockIdentity(action.Primitive, action.Mode, path, isThis: false);
            return true;
        }

        identity = default;
        return false;
    }

    /// <summary>True when <paramref name="invocation"/> releases this lock (same primitive, mode and lock object).</summary>
    public bool IsReleasedBy(IInvocationOperation invocation, LockApi locks) =>
        locks.TryGetAction(invocation, out var action) && action.Kind == LockActionKind.Release &&
        TryCreate(action, out var released) && Equals(released);

    public bool Equals(LockIdentity other) =>
        Primitive == other.Primitive && Mode == other.Mode && IsThis == other.IsThis && (IsThis || Path.Equals(other.Path));

    public override bool Equals(object? obj) => obj is LockIdentity other && Equals(other);

    public override int GetHashCode() => ((((int)Primitive * 31) + (int)Mode) * 31) + (IsThis ? 1 : Path.GetHashCode());

    private static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }
}
