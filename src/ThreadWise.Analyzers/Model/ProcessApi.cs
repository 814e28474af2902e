using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary><c>System.Diagnostics.Process</c>: the instance <c>Start()</c> and what ends or releases a started process.</summary>
internal sealed class ProcessApi
{
    public ProcessApi(Compilation compilation)
    {
        Process = WellKnownTypes.Get(compilation, "System.Diagnostics.Process");
        var builder = ImmutableHashSet.CreateBuilder<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var method in SymbolSets.Methods(Process, "Start"))
        {
            if (!method.IsStatic && method.Parameters.IsEmpty)
            {
                builder.Add(method);
            }
        }

        StartMethods = builder.ToImmutable();
        EndMethods = SymbolSets.Methods(Process, "WaitForExit", "WaitForExitAsync", "Kill", "Close", "Dispose");
        HasExited = SymbolSets.Property(Process, "HasExited");
    }

    /// <summary>Null when the compilation has no <c>System.Diagnostics.Process</c>.</summary>
    public INamedTypeSymbol? Process { get; }

    /// <summary>The instance <c>Process.Start()</c> (the static <c>Process.Start(...)</c> overloads create a new instance each time).</summary>
    public ImmutableHashSet<IMethodSymbol> StartMethods { get; }

    /// <summary><c>WaitForExit</c>, <c>WaitForExitAsync</c>, <c>Kill</c>, <c>Close</c>, <c>Dispose</c>: after these a new <c>Start()</c> is a deliberate re-run.</summary>
    public ImmutableHashSet<IMethodSymbol> EndMethods { get; }

    public IPropertySymbol? HasExited { get; }
}
