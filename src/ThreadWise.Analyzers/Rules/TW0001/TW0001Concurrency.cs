using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0001, compilation end: from each launched body, walks the summaries of the source methods it calls (once per body
/// and receiver, memoized, with a budget), then decides which unlocked read-modify-writes race:
/// <list type="bullet">
/// <item>the launched code runs on several threads at once (a <c>Parallel.*</c>/PLINQ body, a timer callback, a thread or
/// task launched in a loop or from two places) and the location is shared by those threads;</item>
/// <item>another launched body that may run at the same time writes the location;</item>
/// <item>the code that launched it writes the location while it may still run (between Start and Join/Wait/await).</item>
/// </list>
/// </summary>
internal sealed partial class TW0001Concurrency
{
    private const int WalkBudget = 4000;
    private const int MaxReceiverDepth = 4;

    private readonly Dictionary<IMethodSymbol, BodySummary> _methods = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<SyntaxNode, BodySummary> _lambdas = new();
    private readonly List<LaunchSite> _launches = new();
    private readonly Dictionary<ISymbol, List<(TimerChange Change, BodySummary Body)>> _timerChanges = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<(BodySummary, SymbolPath), Reach> _reachCache = new();
    private readonly CancellationToken _cancellationToken;

    public TW0001Concurrency(IEnumerable<BodySummary> bodies, CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
        foreach (var body in bodies)
        {
            _launches.AddRange(body.Launches);
            foreach (var change in body.TimerChanges)
            {
                if (!_timerChanges.TryGetValue(change.Timer, out var list))
                {
                    _timerChanges[change.Timer] = list = new List<(TimerChange, BodySummary)>();
                }

                list.Add((change, body));
            }

            switch (body.Key)
            {
                case IMethodSymbol method when _methods.TryGetValue(method, out var existing):
                    // Two blocks of one member (a constructor initializer and its body): one summary, without
                    // touching the shared ones.
                    var merged = new BodySummary(method, existing.Syntax, existing.IsConstructor);
                    merged.Accesses.AddRange(existing.Accesses);
                    merged.Accesses.AddRange(body.Accesses);
                    merged.Calls.AddRange(existing.Calls);
                    merged.Calls.AddRange(body.Calls);
                    foreach (var update in existing.RefParameterUpdates.Concat(body.RefParameterUpdates))
                    {
                        merged.RefParameterUpdates[update.Key] = update.Value;
                    }

                    merged.RefForwards.AddRange(existing.RefForwards);
                    merged.RefForwards.AddRange(body.RefForwards);

                    _methods[method] = merged;
                    break;
                case IMethodSymbol method:
                    _methods[method] = body;
                    break;
                case SyntaxNode lambda:
                    _lambdas[lambda] = body;
                    break;
            }
        }
    }

    public IReadOnlyList<Race> FindRaces()
    {
        var entries = new List<Entry>();
        foreach (var site in _launches.OrderBy(s => s.Site.SyntaxTree.FilePath, StringComparer.Ordinal).ThenBy(s => s.Site.SpanStart))
        {
            var target = site.Target is IMethodSymbol m ? Get(_methods, m) : Get(_lambdas, (SyntaxNode)site.Target);

            // On a scheduler the caller chose (a UI context, an exclusive scheduler, a poller's own thread), the
            // scheduler decides what runs together: many run one task at a time.
            if (target is not null && !site.CustomScheduler)
            {
                entries.Add(new Entry(site, target));
            }
        }

        if (entries.Count == 0)
        {
            return Array.Empty<Race>();
        }

        var sitesByTarget = entries.GroupBy(e => e.Target).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var entry in entries)
        {
            entry.Reach = Walk(entry.Target, Limit(entry.Site.Receiver.Resolve(SymbolPath.Empty)));
        }

        foreach (var entry in entries)
        {
            // The other launches of the same body on the same object (the walk is memoized per body and 'this', so
            // the same reach): Task.Factory.StartNew(poller.Run) in two methods, each on its own local, are not.
            entry.Siblings = sitesByTarget[entry.Target].Where(s => s.Reach == entry.Reach).ToList();
            entry.KindConcurrent = entry.Site.Kind == LaunchKind.ConcurrentWithItself && !RunsOneAtATime(entry);
            entry.SelfConcurrent = entry.KindConcurrent || AnyTwoConcurrent(entry.Siblings);
            entry.Multi = entry.SelfConcurrent || entry.Site.Repeated;
            entry.OwnMulti = entry.Multi;
            if (entry.Site.TargetSyntax is { } lambda)
            {
                entry.Scopes.Add(lambda);
            }

            if (!entry.SelfConcurrent)
            {
                entry.Scopes.AddRange(entry.Site.RepeatScopes);
            }
        }

        // A launch made by code that itself runs on several threads at once is repeated too; but each run of the
        // starter has its own locals, and its own 'this' when every such run calls it on an object it just created.
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var entry in entries)
            {
                if (entry.OwnMulti)
                {
                    continue;
                }

                foreach (var other in entries)
                {
                    if (other != entry && other.Multi && other.Reach.Bodies.Contains(entry.Site.Starter) && entry.RepeatedBy.Add(other))
                    {
                        entry.Multi = true;
                        entry.StarterShared |= other.Reach.SharedBodies.Contains(entry.Site.Starter);
                        entry.Scopes.AddRange(other.Scopes);
                        changed = true;
                    }
                }
            }
        }

        var writers = new Dictionary<SymbolPath, List<Entry>>();
        var elementWriters = new Dictionary<SymbolPath, List<Entry>>();
        foreach (var entry in entries)
        {
            Index(writers, entry.Reach.Writes, entry);
            Index(elementWriters, entry.Reach.ElementWrites, entry);
        }

        var reported = new HashSet<StorageAccess>();
        var results = new List<Race>();

        // TW0016 first: a read-modify-write that is the act of a reported check-then-act is part of that story (one
        // report, one fix: the lock around the whole if), so TW0001 leaves it out.
        FindCheckThenActs(entries, writers, reported, results);
        foreach (var entry in entries)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            foreach (var (access, key, body) in entry.Reach.ReadModifyWrites)
            {
                if (reported.Contains(access))
                {
                    continue;
                }

                var (reason, racing) = entry.Multi && IsSharedAcross(entry, access, key, body)
                    ? (MultiReason(entry), entry.OwnMulti ? null : FirstRepeater(entry).Site.Site)
                    : access.IsElement && !access.IndexIsConstant ? (null, null) : PairReason(entry, access, key, access.IsElement ? elementWriters : writers);
                if (reason is not null)
                {
                    reported.Add(access);
                    results.Add(NewRace(access, entry, reason, racing));
                }
            }

            // The starter's own read-modify-writes while this launch may run.
            foreach (var access in entry.Site.Starter.Accesses)
            {
                if (KindOf(access) == ReadModifyWriteKind.None || access.Locked || (access.LiveLaunches & entry.Site.Bit) == 0 ||
                    (access.IsElement && !access.IndexIsConstant) || reported.Contains(access))
                {
                    continue;
                }

                if ((access.IsElement ? entry.Reach.ElementWrites : entry.Reach.Writes).TryGetValue(access.Path, out var racing))
                {
                    reported.Add(access);
                    results.Add(NewRace(access, entry, $"while {Describe(entry, plural: false)} also writes it", racing));
                }
            }
        }

        return results;
    }

    /// <summary>The access's own kind, or for <c>Inc(ref x)</c> what the callee does to that parameter.</summary>
    private ReadModifyWriteKind KindOf(StorageAccess access) =>
        access.Kind != ReadModifyWriteKind.None ? access.Kind
        : access.RefCallee is { } callee ? RefUpdate(callee, access.RefOrdinal, depth: 0)
        : ReadModifyWriteKind.None;

    /// <summary>What <paramref name="method"/> does to its ref parameter, following it through up to four ref hand-offs.</summary>
    private ReadModifyWriteKind RefUpdate(IMethodSymbol method, int ordinal, int depth)
    {
        if (depth > 4 || !_methods.TryGetValue(method, out var body))
        {
            return ReadModifyWriteKind.None;
        }

        if (body.RefParameterUpdates.TryGetValue(ordinal, out var kind))
        {
            return kind;
        }

        foreach (var (own, callee, calleeOrdinal) in body.RefForwards)
        {
            if (own == ordinal && RefUpdate(callee, calleeOrdinal, depth + 1) is var forwarded and not ReadModifyWriteKind.None)
            {
                return forwarded;
            }
        }

        return ReadModifyWriteKind.None;
    }

    /// <summary>Related locations, in order: the launch (the entry point), then the other racing write, if any.</summary>
    private Race NewRace(StorageAccess access, Entry entry, string reason, SyntaxNode? racing)
    {
        var related = racing is null || racing == access.Syntax
            ? new[] { entry.Site.Site.GetLocation() }
            : new[] { entry.Site.Site.GetLocation(), racing.GetLocation() };
        var verb = Verb(KindOf(access));
        if (access.Kind == ReadModifyWriteKind.None && access.RefCallee is { } callee)
        {
            verb += $" by '{callee.Name}'";
        }

        return new(access, entry.Site, Display(access), verb, reason, related);
    }

    private (string? Reason, SyntaxNode? Racing) PairReason(Entry entry, StorageAccess access, SymbolPath key, Dictionary<SymbolPath, List<Entry>> writers)
    {
        if (writers.TryGetValue(key, out var others))
        {
            foreach (var other in others)
            {
                if (other.Target != entry.Target && Concurrent(entry, other))
                {
                    var racing = (access.IsElement ? other.Reach.ElementWrites : other.Reach.Writes)[key];
                    return other.Site.Site == entry.Site.Site
                        ? ($"in {Describe(entry, plural: false)} while another action of the same call also writes it", racing)
                        : ($"on {Describe(entry, plural: false)} while {Describe(other, plural: false)} also writes it", racing);
                }
            }
        }

        foreach (var write in entry.Site.Starter.Accesses)
        {
            if ((write.LiveLaunches & entry.Site.Bit) != 0 && write.IsElement == access.IsElement && write.Path.Equals(key))
            {
                var line = write.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                return ($"on {Describe(entry, plural: false)} while the code that started it also writes it at line {line}", write.Syntax);
            }
        }

        return (null, null);
    }

    private static bool AnyTwoConcurrent(List<Entry> sites)
    {
        for (var i = 0; i < sites.Count; i++)
        {
            for (var j = i + 1; j < sites.Count; j++)
            {
                if (Concurrent(sites[i], sites[j]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Concurrent(Entry a, Entry b)
    {
        if (a.Site.Starter == b.Site.Starter)
        {
            return (a.Site.InvokeGroup is not null && a.Site.InvokeGroup == b.Site.InvokeGroup) ||
                   (a.Site.LiveBefore & b.Site.Bit) != 0 || (b.Site.LiveBefore & a.Site.Bit) != 0;
        }

        // Launched from different code: they overlap only if one of them is not waited for where it is launched.
        return a.Site.LiveAtExit || b.Site.LiveAtExit;
    }

    /// <summary>Whether the several concurrent runs of <paramref name="entry"/> all touch the same location.</summary>
    private static bool IsSharedAcross(Entry entry, StorageAccess access, SymbolPath key, BodySummary body)
    {
        if (access.IsElement && access.IndexSymbol is { } index && (body.Declares(index) || DeclaredIn(entry.Scopes, index)))
        {
            return false; // each run uses its own index (results[i] in Parallel.For)
        }

        if (!entry.OwnMulti)
        {
            // Repeated only because its starter runs many times: a field of the starter's 'this' is per run when every
            // run is on a new object; a local of the starter is per run, and so is a field of a new object it holds.
            var starter = entry.Site.Starter;
            switch (key.Root)
            {
                case IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false } when key.Symbols.Length == 1 && !entry.StarterShared:
                    return false;
                case ILocalSymbol local when starter.Declares(local) && (key.Symbols.Length == 1 || starter.FreshLocals.Contains(local)):
                    return false;
            }
        }

        return key.Root is not (ILocalSymbol or IParameterSymbol) || !DeclaredIn(entry.Scopes, key.Root);
    }

    /// <summary>A one-shot timer (infinite period) re-armed only by a one-shot <c>Change</c> at the end of its own callback.</summary>
    private bool RunsOneAtATime(Entry entry)
    {
        var site = entry.Site;
        if (!site.OneShotTimer || site.TimerSymbol is not { } timer)
        {
            return false;
        }

        if (!_timerChanges.TryGetValue(timer, out var changes))
        {
            return true;
        }

        foreach (var (change, body) in changes)
        {
            var allowed = change.Disarms ||
                          (change.OneShot && (body.IsConstructor || (change.AtEnd && SameBody(body, entry.Target))));
            if (!allowed)
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameBody(BodySummary a, BodySummary b) => a == b || a.Key switch
    {
        ISymbol x => b.Key is ISymbol y && SymbolEqualityComparer.Default.Equals(x, y),
        SyntaxNode x => b.Key is SyntaxNode y && x == y,
        _ => false,
    };

    private static bool DeclaredIn(List<SyntaxNode> scopes, ISymbol symbol)
    {
        foreach (var location in symbol.Locations)
        {
            foreach (var scope in scopes)
            {
                if (location.SourceTree == scope.SyntaxTree && scope.Span.Contains(location.SourceSpan))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private Reach Walk(BodySummary start, SymbolPath thisPath)
    {
        if (_reachCache.TryGetValue((start, thisPath), out var cached))
        {
            return cached;
        }

        var reach = new Reach();
        var visited = new HashSet<(BodySummary, SymbolPath, bool)>();
        var stack = new Stack<(BodySummary Body, SymbolPath This, bool Fresh)>();
        stack.Push((start, thisPath, false));
        var steps = 0;
        while (stack.Count > 0 && steps++ < WalkBudget)
        {
            var (body, self, fresh) = stack.Pop();
            if (!visited.Add((body, self, fresh)))
            {
                continue;
            }

            if (!fresh)
            {
                reach.SharedBodies.Add(body);
            }

            if ((steps & 63) == 0)
            {
                _cancellationToken.ThrowIfCancellationRequested();
            }

            reach.Bodies.Add(body);
            foreach (var access in body.Accesses)
            {
                if (access.Root == StorageRoot.OwnLocal)
                {
                    continue;
                }

                var key = access.Root == StorageRoot.This ? self.Concat(access.Path) : access.Path;
                if (key.IsUnknown)
                {
                    continue;
                }

                var writes = access.IsElement ? reach.ElementWrites : reach.Writes;
                if (!writes.ContainsKey(key))
                {
                    writes[key] = access.Syntax;
                }

                if (KindOf(access) != ReadModifyWriteKind.None && !access.Locked)
                {
                    reach.ReadModifyWrites.Add((access, key, body));
                }

                if (access.Check is not null)
                {
                    reach.CheckThenActs.Add((access, key, body));
                }
            }

            foreach (var call in body.Calls)
            {
                if (_methods.TryGetValue(call.Callee, out var callee))
                {
                    stack.Push((callee, Limit(call.Receiver.Resolve(self)), call.Receiver.IsFresh || (fresh && call.Receiver.IsThis)));
                }
            }
        }

        _reachCache[(start, thisPath)] = reach;
        return reach;
    }

    private static SymbolPath Limit(SymbolPath path) =>
        !path.IsUnknown && path.Symbols.Length > MaxReceiverDepth ? default : path;

    private static BodySummary? Get<TKey>(Dictionary<TKey, BodySummary> map, TKey key)
        where TKey : notnull =>
        map.TryGetValue(key, out var body) ? body : null;

    private static void Index(Dictionary<SymbolPath, List<Entry>> index, Dictionary<SymbolPath, SyntaxNode> keys, Entry entry)
    {
        foreach (var key in keys.Keys)
        {
            if (!index.TryGetValue(key, out var list))
            {
                index[key] = list = new List<Entry>();
            }

            list.Add(entry);
        }
    }

    private sealed class Entry
    {
        public Entry(LaunchSite site, BodySummary target)
        {
            Site = site;
            Target = target;
        }

        public LaunchSite Site { get; }

        public BodySummary Target { get; }

        public Reach Reach { get; set; } = null!;

        public List<Entry> Siblings { get; set; } = null!;

        public bool SelfConcurrent { get; set; }

        /// <summary>The launching API runs it on several threads at once (a Parallel body, a periodic timer).</summary>
        public bool KindConcurrent { get; set; }

        public bool Multi { get; set; }

        /// <summary>Runs on several threads at once by itself (not only because its starter does).</summary>
        public bool OwnMulti { get; set; }

        /// <summary>The entries whose runs reach this one's starter (making it repeated).</summary>
        public HashSet<Entry> RepeatedBy { get; } = new();

        /// <summary>Some run of <see cref="RepeatedBy"/> calls the starter on an object it did not just create.</summary>
        public bool StarterShared { get; set; }

        /// <summary>Locals declared in these scopes are private to one run.</summary>
        public List<SyntaxNode> Scopes { get; } = new();
    }

    private sealed class Reach
    {
        public List<(StorageAccess Access, SymbolPath Key, BodySummary Body)> ReadModifyWrites { get; } = new();

        /// <summary>TW0016: writes whose <see cref="StorageAccess.Check"/> reads the same location outside a lock.</summary>
        public List<(StorageAccess Access, SymbolPath Key, BodySummary Body)> CheckThenActs { get; } = new();

        /// <summary>Every location written, with its first write site.</summary>
        public Dictionary<SymbolPath, SyntaxNode> Writes { get; } = new();

        public Dictionary<SymbolPath, SyntaxNode> ElementWrites { get; } = new();

        public HashSet<BodySummary> Bodies { get; } = new();

        /// <summary>The bodies reached other than through a call on an object created on the way.</summary>
        public HashSet<BodySummary> SharedBodies { get; } = new();
    }
}
