using System.Collections.Immutable;
using System.Linq;
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
        // The public Dispose() is declared on Component (Process only overrides Dispose(bool)).
        EndMethods = SymbolSets.Methods(Process, "WaitForExit", "WaitForExitAsync", "Kill", "Close", "Dispose");
        ComponentDispose = SymbolSets.Methods(WellKnownTypes.Get(compilation, "System.ComponentModel.Component"), "Dispose")
            .Where(m => m.Parameters.IsEmpty).ToImmutableHashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        HasExited = SymbolSets.Property(Process, "HasExited");
        WaitMethods = SymbolSets.Methods(Process, "WaitForExit", "WaitForExitAsync");
        TimedWaitMethods = SymbolSets.Methods(Process, "WaitForExit").Where(m => m.Parameters.Length > 0).ToImmutableHashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        StandardOutput = SymbolSets.Property(Process, "StandardOutput");
        StandardError = SymbolSets.Property(Process, "StandardError");
        BeginOutputReadLine = SymbolSets.Methods(Process, "BeginOutputReadLine");
        BeginErrorReadLine = SymbolSets.Methods(Process, "BeginErrorReadLine");
        var textReader = WellKnownTypes.Get(compilation, "System.IO.TextReader");
        var streamReader = WellKnownTypes.Get(compilation, "System.IO.StreamReader");
        SynchronousReads = SymbolSets.Union(
            SymbolSets.Methods(textReader, "ReadToEnd", "ReadLine", "Read", "ReadBlock"),
            SymbolSets.Methods(streamReader, "ReadToEnd", "ReadLine", "Read", "ReadBlock"));
        ReadToEndMethods = SymbolSets.Union(SymbolSets.Methods(textReader, "ReadToEnd"), SymbolSets.Methods(streamReader, "ReadToEnd"));
        ReadToEndAsyncMethods = SymbolSets.Union(SymbolSets.Methods(textReader, "ReadToEndAsync"), SymbolSets.Methods(streamReader, "ReadToEndAsync"));
        ReaderCloseMethods = SymbolSets.Union(SymbolSets.Methods(textReader, "Close", "Dispose"), SymbolSets.Methods(streamReader, "Close", "Dispose"));
    }

    /// <summary>Null when the compilation has no <c>System.Diagnostics.Process</c>.</summary>
    public INamedTypeSymbol? Process { get; }

    /// <summary>The instance <c>Process.Start()</c> (the static <c>Process.Start(...)</c> overloads create a new instance each time).</summary>
    public ImmutableHashSet<IMethodSymbol> StartMethods { get; }

    /// <summary><c>WaitForExit</c>, <c>WaitForExitAsync</c>, <c>Kill</c>, <c>Close</c>, <c>Dispose</c>: after these a new <c>Start()</c> is a deliberate re-run.</summary>
    public ImmutableHashSet<IMethodSymbol> EndMethods { get; }

    /// <summary><c>Component.Dispose()</c>: what <c>p.Dispose()</c> binds to on a <c>Process</c>.</summary>
    public ImmutableHashSet<IMethodSymbol> ComponentDispose { get; }

    /// <summary>True for a call that ends or releases the process it is called on (see <see cref="EndMethods"/>).</summary>
    public bool IsEnd(IMethodSymbol method, ITypeSymbol? receiverType) =>
        EndMethods.ContainsMethod(method) || (ComponentDispose.ContainsMethod(method) && receiverType.InheritsFromOrEquals(Process));

    public IPropertySymbol? HasExited { get; }

    /// <summary><c>WaitForExit()</c>, <c>WaitForExit(timeout)</c>, <c>WaitForExitAsync(…)</c>.</summary>
    public ImmutableHashSet<IMethodSymbol> WaitMethods { get; }

    /// <summary><c>WaitForExit(milliseconds)</c> and <c>WaitForExit(TimeSpan)</c>: they give up after a while.</summary>
    public ImmutableHashSet<IMethodSymbol> TimedWaitMethods { get; }

    /// <summary>The redirected streams a parent reads: <c>Process.StandardOutput</c> and <c>Process.StandardError</c>.</summary>
    public IPropertySymbol? StandardOutput { get; }

    public IPropertySymbol? StandardError { get; }

    /// <summary>Event-based reading of a stream, which drains its pipe on the pool.</summary>
    public ImmutableHashSet<IMethodSymbol> BeginOutputReadLine { get; }

    public ImmutableHashSet<IMethodSymbol> BeginErrorReadLine { get; }

    /// <summary>Reads of a <c>TextReader</c>/<c>StreamReader</c> that block the caller until data (or the end) arrives.</summary>
    public ImmutableHashSet<IMethodSymbol> SynchronousReads { get; }

    public ImmutableHashSet<IMethodSymbol> ReadToEndMethods { get; }

    public ImmutableHashSet<IMethodSymbol> ReadToEndAsyncMethods { get; }

    /// <summary><c>Close</c>/<c>Dispose</c> of a reader: not a read.</summary>
    public ImmutableHashSet<IMethodSymbol> ReaderCloseMethods { get; }
}
