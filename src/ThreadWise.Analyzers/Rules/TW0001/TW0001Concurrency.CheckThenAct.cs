using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0016 on TW0001's walk: a check-then-act (<see cref="StorageAccess.Check"/>) races exactly when its act would race
/// as a read-modify-write — the code runs on several threads at once and shares the location, another body that may
/// run at the same time writes it, or the starter writes it while the launch may run — with the check and act as one
/// unlocked step. Each <c>if</c> is reported once; every act of a reported <c>if</c> is marked reported for TW0001.
/// </summary>
internal sealed partial class TW0001Concurrency
{
    private void FindCheckThenActs(List<Entry> entries, Dictionary<SymbolPath, List<Entry>> writers, HashSet<StorageAccess> acts, List<Race> results)
    {
        var checks = new Dictionary<SyntaxNode, Race>();
        foreach (var entry in entries)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            // In source order, so an if with several acts is worded by its first one.
            foreach (var (access, key, body) in entry.Reach.CheckThenActs.OrderBy(a => a.Access.Syntax.SpanStart))
            {
                if (checks.ContainsKey(access.Check!))
                {
                    acts.Add(access);
                    continue;
                }

                var (reason, racing) = entry.Multi && IsSharedAcross(entry, access, key, body)
                    ? (MultiReason(entry), entry.OwnMulti ? null : FirstRepeater(entry).Site.Site)
                    : PairReason(entry, access, key, writers);
                if (reason is not null)
                {
                    Add(NewRace(access, entry, reason, racing));
                }
            }

            foreach (var access in entry.Site.Starter.Accesses)
            {
                if (access.Check is null || (access.LiveLaunches & entry.Site.Bit) == 0 || checks.ContainsKey(access.Check))
                {
                    continue;
                }

                if (entry.Reach.Writes.TryGetValue(access.Path, out var racing))
                {
                    Add(NewRace(access, entry, $"while {Describe(entry, plural: false)} also writes it", racing));
                }
            }
        }

        // Every act of a reported check, wherever it was reached from.
        foreach (var entry in entries)
        {
            foreach (var (access, _, _) in entry.Reach.CheckThenActs)
            {
                if (checks.ContainsKey(access.Check!))
                {
                    acts.Add(access);
                }
            }
        }

        void Add(Race race)
        {
            var check = race.Access.Check!;
            race = new Race(race.Access, race.Launch, race.Name, CheckedVerb(race.Access), race.Reason, race.Related) { Check = check };
            checks[check] = race;
            acts.Add(race.Access);
            results.Add(race);
        }
    }

    private string CheckedVerb(StorageAccess access) => access.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.ArgumentSyntax ? "updated" : KindOf(access) switch
    {
        ReadModifyWriteKind.Increment => "incremented",
        ReadModifyWriteKind.Decrement => "decremented",
        ReadModifyWriteKind.Update => "updated",
        _ => "set",
    };
}
