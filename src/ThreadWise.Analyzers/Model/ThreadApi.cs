using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary><c>System.Threading.Thread</c>: creation, start, configuration and join.</summary>
internal sealed class ThreadApi
{
    public ThreadApi(Compilation compilation)
    {
        Thread = WellKnownTypes.Get(compilation, "System.Threading.Thread");
        StartMethods = SymbolSets.Methods(Thread, "Start", "UnsafeStart");
        JoinMethods = SymbolSets.Methods(Thread, "Join");
        IsBackground = SymbolSets.Property(Thread, "IsBackground");
        ApartmentState = SymbolSets.Property(Thread, "ApartmentState");
        SetApartmentStateMethods = SymbolSets.Methods(Thread, "SetApartmentState", "TrySetApartmentState");
        CurrentThread = SymbolSets.Property(Thread, "CurrentThread");
        ThreadStaticAttribute = WellKnownTypes.Get(compilation, "System.ThreadStaticAttribute");
        ThreadLocal = WellKnownTypes.Get(compilation, "System.Threading.ThreadLocal`1");
    }

    /// <summary>Null when the compilation has no <c>System.Threading.Thread</c>: thread rules then do nothing.</summary>
    public INamedTypeSymbol? Thread { get; }

    /// <summary><c>Start()</c>, <c>Start(object)</c>, <c>UnsafeStart()</c>, <c>UnsafeStart(object)</c>.</summary>
    public ImmutableHashSet<IMethodSymbol> StartMethods { get; }

    public ImmutableHashSet<IMethodSymbol> JoinMethods { get; }

    public IPropertySymbol? IsBackground { get; }

    /// <summary>The obsolete settable <c>ApartmentState</c> property.</summary>
    public IPropertySymbol? ApartmentState { get; }

    /// <summary><c>SetApartmentState</c> and <c>TrySetApartmentState</c>.</summary>
    public ImmutableHashSet<IMethodSymbol> SetApartmentStateMethods { get; }

    public IPropertySymbol? CurrentThread { get; }

    public INamedTypeSymbol? ThreadStaticAttribute { get; }

    public INamedTypeSymbol? ThreadLocal { get; }

    public bool IsThread(ITypeSymbol? type) => type.Is(Thread);
}
