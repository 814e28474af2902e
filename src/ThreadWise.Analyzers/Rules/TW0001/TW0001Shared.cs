using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0001's per-compilation memo, shared by its live analyzer (<see cref="TW0001UnsynchronizedReadModifyWriteAnalyzer"/>)
/// and its build-only one (<see cref="TW0001CrossTypeAnalyzer"/>): the summaries of each member's bodies (a pure function
/// of the member's operation blocks, computed by whichever analyzer reaches the member first) and the races whose whole
/// story lies in one top-level type (computed once, by the same <see cref="TW0001Concurrency"/> walk both analyzers use).
/// The first result stored wins, so what the live analyzer reports and what the build-only analyzer leaves out are the
/// same set: a build reports each finding once.
/// </summary>
internal sealed class TW0001Shared
{
    private static readonly ConditionalWeakTable<Compilation, TW0001Shared> Cache = new();

    private readonly ConcurrentDictionary<ISymbol, ImmutableArray<BodySummary>> _summaries = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<INamedTypeSymbol, IReadOnlyList<Race>> _typeRaces = new(SymbolEqualityComparer.Default);

    private readonly object _crossTypeGate = new();
    private IReadOnlyList<Race>? _crossTypeRaces;

    private TW0001Shared(ThreadingModel model) => Collector = new TW0001Collector(model);

    public TW0001Collector Collector { get; }

    /// <summary>The memo for <paramref name="compilation"/>, or null when nothing in it can run code on another thread.</summary>
    public static TW0001Shared? Get(Compilation compilation)
    {
        var model = ThreadingModel.Get(compilation);
        if (model.Launches.Parallel is null && model.Threads.Thread is null && model.Tasks.Task is null && model.Launches.ThreadPool is null)
        {
            return null;
        }

        return Cache.GetValue(compilation, _ => new TW0001Shared(model));
    }

    /// <summary>The outermost type that contains <paramref name="symbol"/> (itself for a top-level type).</summary>
    public static INamedTypeSymbol? TopLevelType(ISymbol symbol)
    {
        var type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        while (type?.ContainingType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    /// <summary>The summaries of the member that owns <paramref name="context"/>'s blocks, memoized.</summary>
    public ImmutableArray<BodySummary> Summaries(OperationBlockAnalysisContext context)
    {
        var owner = context.OwningSymbol;
        if (_summaries.TryGetValue(owner, out var known))
        {
            return known;
        }

        var computed = Collector.Summarize(context);
        return _summaries.GetOrAdd(owner, computed);
    }

    /// <summary>The races whose story lies in <paramref name="type"/> (its bodies, nested types' included), memoized.</summary>
    public IReadOnlyList<Race> RacesInType(INamedTypeSymbol type, IEnumerable<BodySummary> bodies, CancellationToken cancellationToken)
    {
        if (_typeRaces.TryGetValue(type, out var known))
        {
            return known;
        }

        var computed = new TW0001Concurrency(bodies, cancellationToken).FindRaces();
        return _typeRaces.GetOrAdd(type, computed);
    }

    /// <summary>
    /// The races only the whole compilation shows (stories that span types), for both build-only analyzers (TW0001 and
    /// TW0016 report from one walk): computed by whichever reaches compilation end first.
    /// </summary>
    public IReadOnlyList<Race> CrossTypeRaces(System.Func<IReadOnlyList<Race>> compute)
    {
        if (Volatile.Read(ref _crossTypeRaces) is { } known)
        {
            return known;
        }

        lock (_crossTypeGate)
        {
            return _crossTypeRaces ??= compute();
        }
    }

    /// <summary>Identifies an access across analyzers (the summaries are shared, but a node is compared by place).</summary>
    public static (SyntaxTree Tree, TextSpan Span) Place(StorageAccess access) => (access.Syntax.SyntaxTree, access.Syntax.Span);

    public static Diagnostic Create(DiagnosticDescriptor descriptor, Race race) =>
        Diagnostic.Create(
            descriptor,
            race.Access.Syntax.GetLocation(),
            additionalLocations: race.Related,
            properties: ImmutableDictionary<string, string?>.Empty,
            race.Name,
            race.Verb,
            race.Reason);
}

/// <summary>One finding: the racing access, the launch it runs on, and the path a reviewer checks (in order).</summary>
internal sealed class Race
{
    public Race(StorageAccess access, LaunchSite launch, string name, string verb, string reason, IReadOnlyList<Location> related)
    {
        Access = access;
        Launch = launch;
        Name = name;
        Verb = verb;
        Reason = reason;
        Related = related;
    }

    public StorageAccess Access { get; }

    public LaunchSite Launch { get; }

    public string Name { get; }

    public string Verb { get; }

    public string Reason { get; }

    /// <summary>The launch site (the entry point), then the other racing write(s).</summary>
    public IReadOnlyList<Location> Related { get; }

    /// <summary>TW0016: the <c>if</c> whose check the access acts on (a check-then-act race); null for a TW0001 race.</summary>
    public SyntaxNode? Check { get; set; }
}
