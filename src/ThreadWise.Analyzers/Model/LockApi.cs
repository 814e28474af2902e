using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Model;

/// <summary>The lock primitives ThreadWise understands.</summary>
internal enum LockPrimitive
{
    /// <summary>The C# <c>lock</c> statement and <c>Monitor.Enter</c>/<c>Exit</c>.</summary>
    Monitor,

    /// <summary><c>System.Threading.Lock</c> (.NET 9).</summary>
    Lock,
    SemaphoreSlim,
    Semaphore,
    Mutex,
    ReaderWriterLockSlim,
    SpinLock,
}

/// <summary>What a call does to a lock.</summary>
internal enum LockActionKind
{
    /// <summary>Blocks until the lock is held (<c>Monitor.Enter(o)</c>, <c>sem.Wait()</c>, <c>await sem.WaitAsync()</c>).</summary>
    Acquire,

    /// <summary>May or may not take the lock; the result says which (<c>TryEnter</c>, <c>Wait(timeout)</c>, <c>Enter(o, ref taken)</c>).</summary>
    TryAcquire,

    /// <summary>Returns a scope whose <c>Dispose</c> releases (<c>Lock.EnterScope()</c>).</summary>
    ScopedAcquire,

    Release,
}

/// <summary>Shared, read and upgradeable modes of a reader/writer lock; <see cref="Exclusive"/> for everything else.</summary>
internal enum LockMode
{
    Exclusive,
    Read,
    Write,
    UpgradeableRead,
}

/// <summary>One lock-related call: which primitive, what it does, in which mode, and where the lock object is.</summary>
internal readonly struct LockAction
{
    public LockAction(LockPrimitive primitive, LockActionKind kind, LockMode mode, IOperation? lockObject)
    {
        Primitive = primitive;
        Kind = kind;
        Mode = mode;
        LockObject = lockObject;
    }

    public LockPrimitive Primitive { get; }

    public LockActionKind Kind { get; }

    public LockMode Mode { get; }

    /// <summary>The expression that denotes the lock (the receiver, or <c>Monitor</c>'s first argument).</summary>
    public IOperation? LockObject { get; }

    public bool IsAcquire => Kind != LockActionKind.Release;
}

/// <summary>Acquire/release pairs of <c>Monitor</c>, <c>Lock</c>, <c>SemaphoreSlim</c>, <c>Semaphore</c>, <c>Mutex</c>,
/// <c>ReaderWriterLockSlim</c> and <c>SpinLock</c>, keyed by method symbol.</summary>
internal sealed class LockApi
{
    private readonly Dictionary<IMethodSymbol, (LockPrimitive Primitive, LockActionKind Kind, LockMode Mode)> _byMethod =
        new(SymbolEqualityComparer.Default);

    private readonly ImmutableHashSet<IMethodSymbol> _waitOne;
    private readonly ImmutableHashSet<IMethodSymbol> _monitorIsEntered;
    private readonly Dictionary<IPropertySymbol, (LockPrimitive Primitive, LockMode Mode)> _heldProperties =
        new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _blockingWithFlag = new(SymbolEqualityComparer.Default);
    private readonly IFieldSymbol? _infiniteTimeSpan;
    private readonly INamedTypeSymbol? _timeSpan;

    public LockApi(Compilation compilation)
    {
        Monitor = WellKnownTypes.Get(compilation, "System.Threading.Monitor");
        Lock = WellKnownTypes.Get(compilation, "System.Threading.Lock");
        SemaphoreSlim = WellKnownTypes.Get(compilation, "System.Threading.SemaphoreSlim");
        Semaphore = WellKnownTypes.Get(compilation, "System.Threading.Semaphore");
        Mutex = WellKnownTypes.Get(compilation, "System.Threading.Mutex");
        WaitHandle = WellKnownTypes.Get(compilation, "System.Threading.WaitHandle");
        ReaderWriterLockSlim = WellKnownTypes.Get(compilation, "System.Threading.ReaderWriterLockSlim");
        SpinLock = WellKnownTypes.Get(compilation, "System.Threading.SpinLock");
        Interlocked = WellKnownTypes.Get(compilation, "System.Threading.Interlocked");
        Volatile = WellKnownTypes.Get(compilation, "System.Threading.Volatile");
        LockEnterScope = SymbolSets.Methods(Lock, "EnterScope");
        _infiniteTimeSpan = WellKnownTypes.Get(compilation, "System.Threading.Timeout")?.GetMembers("InfiniteTimeSpan").OfType<IFieldSymbol>().FirstOrDefault();
        _timeSpan = WellKnownTypes.Get(compilation, "System.TimeSpan");

        foreach (var m in SymbolSets.Methods(Monitor, "Enter"))
        {
            if (m.Parameters.Length == 2)
            {
                _blockingWithFlag.Add(m.OriginalDefinition);
            }

            // Monitor.Enter(o, ref bool taken) reports through its flag.
            Add(m, LockPrimitive.Monitor, m.Parameters.Length == 2 ? LockActionKind.TryAcquire : LockActionKind.Acquire);
        }

        Add(SymbolSets.Methods(Monitor, "TryEnter"), LockPrimitive.Monitor, LockActionKind.TryAcquire);
        Add(SymbolSets.Methods(Monitor, "Exit"), LockPrimitive.Monitor, LockActionKind.Release);

        Add(SymbolSets.Methods(Lock, "Enter"), LockPrimitive.Lock, LockActionKind.Acquire);
        Add(SymbolSets.Methods(Lock, "TryEnter"), LockPrimitive.Lock, LockActionKind.TryAcquire);
        Add(LockEnterScope, LockPrimitive.Lock, LockActionKind.ScopedAcquire);
        Add(SymbolSets.Methods(Lock, "Exit"), LockPrimitive.Lock, LockActionKind.Release);

        foreach (var m in SymbolSets.Methods(SemaphoreSlim, "Wait", "WaitAsync"))
        {
            // Wait() / Wait(ct) / WaitAsync() / WaitAsync(ct) block until acquired; the overloads that return bool may time out.
            var returnsBool = m.ReturnType.SpecialType == SpecialType.System_Boolean ||
                              (m.ReturnType is INamedTypeSymbol { IsGenericType: true } g && g.TypeArguments.Length == 1 &&
                               g.TypeArguments[0].SpecialType == SpecialType.System_Boolean);
            Add(m, LockPrimitive.SemaphoreSlim, returnsBool ? LockActionKind.TryAcquire : LockActionKind.Acquire);
        }

        Add(SymbolSets.Methods(SemaphoreSlim, "Release"), LockPrimitive.SemaphoreSlim, LockActionKind.Release);
        Add(SymbolSets.Methods(Semaphore, "Release"), LockPrimitive.Semaphore, LockActionKind.Release);
        Add(SymbolSets.Methods(Mutex, "ReleaseMutex"), LockPrimitive.Mutex, LockActionKind.Release);
        _waitOne = SymbolSets.Methods(WaitHandle, "WaitOne");

        Add(SymbolSets.Methods(ReaderWriterLockSlim, "EnterReadLock"), LockPrimitive.ReaderWriterLockSlim, LockActionKind.Acquire, LockMode.Read);
        Add(SymbolSets.Methods(ReaderWriterLockSlim, "TryEnterReadLock"), LockPrimitive.ReaderWriterLockSlim, LockActionKind.TryAcquire, LockMode.Read);
        Add(SymbolSets.Methods(ReaderWriterLockSlim, "ExitReadLock"), LockPrimitive.ReaderWriterLockSlim, LockActionKind.Release, LockMode.Read);
        Add(SymbolSets.Methods(ReaderWriterLockSlim, "EnterWriteLock"), LockPrimitive.ReaderWriterLockSlim, LockActionKind.Acquire, LockMode.Write);
        Add(SymbolSets.Methods(ReaderWriterLockSlim, "TryEnterWriteLock"), LockPrimitive.ReaderWriterLockSlim, LockActionKind.TryAcquire, LockMode.Write);
        Add(SymbolSets.Methods(ReaderWriterLockSlim, "ExitWriteLock"), LockPrimitive.ReaderWriterLockSlim, LockActionKind.Release, LockMode.Write);
        Add(SymbolSets.Methods(ReaderWriterLockSlim, "EnterUpgradeableReadLock"), LockPrimitive.ReaderWriterLockSlim, LockActionKind.Acquire, LockMode.UpgradeableRead);
        Add(SymbolSets.Methods(ReaderWriterLockSlim, "TryEnterUpgradeableReadLock"), LockPrimitive.ReaderWriterLockSlim, LockActionKind.TryAcquire, LockMode.UpgradeableRead);
        Add(SymbolSets.Methods(ReaderWriterLockSlim, "ExitUpgradeableReadLock"), LockPrimitive.ReaderWriterLockSlim, LockActionKind.Release, LockMode.UpgradeableRead);

        Add(SymbolSets.Methods(SpinLock, "Enter", "TryEnter"), LockPrimitive.SpinLock, LockActionKind.TryAcquire);
        foreach (var m in SymbolSets.Methods(SpinLock, "Enter"))
        {
            _blockingWithFlag.Add(m.OriginalDefinition);
        }

        Add(SymbolSets.Methods(SpinLock, "Exit"), LockPrimitive.SpinLock, LockActionKind.Release);

        _monitorIsEntered = SymbolSets.Methods(Monitor, "IsEntered");
        AddHeldTest(SymbolSets.Property(ReaderWriterLockSlim, "IsReadLockHeld"), LockPrimitive.ReaderWriterLockSlim, LockMode.Read);
        AddHeldTest(SymbolSets.Property(ReaderWriterLockSlim, "IsWriteLockHeld"), LockPrimitive.ReaderWriterLockSlim, LockMode.Write);
        AddHeldTest(SymbolSets.Property(ReaderWriterLockSlim, "IsUpgradeableReadLockHeld"), LockPrimitive.ReaderWriterLockSlim, LockMode.UpgradeableRead);
        AddHeldTest(SymbolSets.Property(Lock, "IsHeldByCurrentThread"), LockPrimitive.Lock, LockMode.Exclusive);
        AddHeldTest(SymbolSets.Property(SpinLock, "IsHeldByCurrentThread"), LockPrimitive.SpinLock, LockMode.Exclusive);
    }

    public INamedTypeSymbol? Monitor { get; }

    public INamedTypeSymbol? Lock { get; }

    public INamedTypeSymbol? SemaphoreSlim { get; }

    public INamedTypeSymbol? Semaphore { get; }

    public INamedTypeSymbol? Mutex { get; }

    public INamedTypeSymbol? WaitHandle { get; }

    public INamedTypeSymbol? ReaderWriterLockSlim { get; }

    public INamedTypeSymbol? SpinLock { get; }

    public INamedTypeSymbol? Interlocked { get; }

    public INamedTypeSymbol? Volatile { get; }

    /// <summary><c>Lock.EnterScope()</c>: <c>using (x.EnterScope())</c> holds the lock for the using's body.</summary>
    public ImmutableHashSet<IMethodSymbol> LockEnterScope { get; }

    /// <summary>Classifies <paramref name="invocation"/> as a lock action, or returns false.</summary>
    public bool TryGetAction(IInvocationOperation invocation, out LockAction action)
    {
        var method = invocation.TargetMethod.OriginalDefinition;
        if (_byMethod.TryGetValue(method, out var entry))
        {
            var lockObject = entry.Primitive == LockPrimitive.Monitor ? FirstParameterArgument(invocation) : invocation.Instance;
            action = new LockAction(entry.Primitive, entry.Kind, entry.Mode, lockObject);
            return true;
        }

        // WaitOne is declared on WaitHandle: it is a lock acquire only on a Mutex or a Semaphore.
        if (_waitOne.ContainsMethod(method) && invocation.Instance?.Type is { } receiverType)
        {
            var primitive = receiverType.InheritsFromOrEquals(Mutex) ? LockPrimitive.Mutex
                : receiverType.InheritsFromOrEquals(Semaphore) ? LockPrimitive.Semaphore
                : (LockPrimitive?)null;
            if (primitive is { } p)
            {
                var kind = invocation.TargetMethod.Parameters.Length == 0 ? LockActionKind.Acquire : LockActionKind.TryAcquire;
                action = new LockAction(p, kind, LockMode.Exclusive, invocation.Instance);
                return true;
            }
        }

        action = default;
        return false;
    }

    /// <summary>
    /// Classifies a test of whether the current thread holds a lock (<c>rw.IsReadLockHeld</c>, <c>Monitor.IsEntered(o)</c>,
    /// <c>lk.IsHeldByCurrentThread</c>): none of them throws, and each is true exactly while the lock is held.
    /// </summary>
    public bool TryGetHeldTest(IOperation? operation, out LockAction test)
    {
        switch (operation)
        {
            case IPropertyReferenceOperation property when _heldProperties.TryGetValue(property.Property.OriginalDefinition, out var entry):
                test = new LockAction(entry.Primitive, LockActionKind.Acquire, entry.Mode, property.Instance);
                return true;
            case IInvocationOperation invocation when _monitorIsEntered.ContainsMethod(invocation.TargetMethod.OriginalDefinition) &&
                                                      invocation.Arguments.Length == 1:
                test = new LockAction(LockPrimitive.Monitor, LockActionKind.Acquire, LockMode.Exclusive, invocation.Arguments[0].Value);
                return true;
            default:
                test = default;
                return false;
        }
    }

    /// <summary>The argument of the first parameter, wherever it is written (<c>Monitor.Enter(lockTaken: ref t, obj: o)</c>).</summary>
    private static IOperation? FirstParameterArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>
    /// <c>new Mutex(true)</c> / <c>new Mutex(initiallyOwned: true, name)</c>: the constructor acquires the mutex it creates
    /// (for a named mutex with <c>out createdNew</c>, only when it was created: a try-acquire whose flag is that local).
    /// The lock object is where the new mutex is stored (<paramref name="target"/>).
    /// </summary>
    public bool TryGetCreationAcquire(IObjectCreationOperation creation, out LockActionKind kind, out IOperation? target)
    {
        kind = LockActionKind.Acquire;
        target = null;
        if (!creation.Type.Is(Mutex) || creation.Constructor is null)
        {
            return false;
        }

        var owned = false;
        foreach (var argument in creation.Arguments)
        {
            if (argument.Parameter is { Name: "initiallyOwned" })
            {
                owned = argument.Value.ConstantValue is { HasValue: true, Value: true };
            }
            else if (argument.Parameter is { RefKind: RefKind.Out })
            {
                kind = LockActionKind.TryAcquire;
            }
        }

        if (!owned)
        {
            return false;
        }

        IOperation current = creation;
        while (current.Parent is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
        {
            current = current.Parent;
        }

        target = current.Parent switch
        {
            ISimpleAssignmentOperation assignment when assignment.Value == current => assignment.Target,
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator,
            _ => null,
        };
        return target is not null;
    }

    /// <summary>
    /// True for a try-acquire that cannot return without the lock: a blocking enter that reports through a
    /// <c>ref bool</c> flag (<c>Monitor.Enter(o, ref taken)</c>, <c>SpinLock.Enter(ref taken)</c>: it throws rather than
    /// fail), or a timed wait given an infinite timeout (<c>-1</c>, <c>Timeout.Infinite</c>, <c>Timeout.InfiniteTimeSpan</c>).
    /// </summary>
    public bool CannotFail(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod.OriginalDefinition;
        if (_blockingWithFlag.Contains(method))
        {
            return true;
        }

        foreach (var argument in invocation.Arguments)
        {
            var type = argument.Parameter?.Type;
            if (type?.SpecialType == SpecialType.System_Int32 && argument.Parameter!.RefKind == RefKind.None)
            {
                // The timeout is the only int parameter of every try-acquire (millisecondsTimeout).
                return argument.Value.ConstantValue is { HasValue: true, Value: -1 };
            }

            if (type.Is(_timeSpan))
            {
                var value = argument.Value;
                while (value is IConversionOperation { IsImplicit: true } conversion)
                {
                    value = conversion.Operand;
                }

                return value is IFieldReferenceOperation field && SymbolEqualityComparer.Default.Equals(field.Field, _infiniteTimeSpan);
            }
        }

        return false;
    }

    /// <summary>
    /// The lock object of a "does this thread hold it" query (<c>Monitor.IsEntered(o)</c>, <c>rw.IsWriteLockHeld</c>,
    /// <c>IsReadLockHeld</c>, <c>IsUpgradeableReadLockHeld</c>, <c>IsHeldByCurrentThread</c>), or null.
    /// </summary>
    public IOperation? HeldQueryLockObject(IOperation? operation) =>
        TryGetHeldTest(operation, out var test) ? test.LockObject : null;

    /// <summary>True for the blocking enters that report through a <c>ref bool</c> flag (<c>Monitor.Enter(o, ref taken)</c>, <c>SpinLock.Enter(ref taken)</c>).</summary>
    public bool IsBlockingEnterWithFlag(IMethodSymbol method) => _blockingWithFlag.Contains(method.OriginalDefinition);

    /// <summary>True for the types whose instances are locks (used to tell a lock field from a data field).</summary>
    public bool IsLockType(ITypeSymbol? type) =>
        type.Is(Lock) || type.InheritsFromOrEquals(SemaphoreSlim) || type.InheritsFromOrEquals(Semaphore) ||
        type.InheritsFromOrEquals(Mutex) || type.InheritsFromOrEquals(ReaderWriterLockSlim) || type.Is(SpinLock);

    private void Add(ImmutableHashSet<IMethodSymbol> methods, LockPrimitive primitive, LockActionKind kind, LockMode mode = LockMode.Exclusive)
    {
        foreach (var m in methods)
        {
            Add(m, primitive, kind, mode);
        }
    }

    private void AddHeldTest(IPropertySymbol? property, LockPrimitive primitive, LockMode mode)
    {
        if (property is not null)
        {
            _heldProperties[property.OriginalDefinition] = (primitive, mode);
        }
    }

    private void Add(IMethodSymbol method, LockPrimitive primitive, LockActionKind kind, LockMode mode = LockMode.Exclusive) =>
        _byMethod[method.OriginalDefinition] = (primitive, kind, mode);
}
