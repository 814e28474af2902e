using System;
using System.Collections.Generic;
using System.Linq;

namespace Samples.TW0016;

/// <summary>
/// Runs the course's withdrawal 100 times: two threads each take 800 from an account holding 1,000. Sequentially one
/// withdrawal succeeds and the balance is 200; with the check and the act apart, both succeed and it is -600. The same
/// again with the check written as a guard clause (<c>if (_balance &lt; amount) return false;</c>).
/// </summary>
public static class Program
{
    private const int Runs = 100;
    private const int Balance = 1000;
    private const int Amount = 800;

    public static int Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        if (which is "bug" or "both")
        {
            Console.WriteLine("--- bug: if (_balance >= amount) { Thread.Sleep(1); _balance -= amount; } ---");
            Measure((b, a) => Buggy.Run(b, a, guarded: false));
            Console.WriteLine("--- bug, guard clause: if (_balance < amount) return false; Thread.Sleep(1); _balance -= amount; ---");
            Measure((b, a) => Buggy.Run(b, a, guarded: true));
        }

        if (which is "fixed" or "both")
        {
            Console.WriteLine("--- fixed: lock (_sync) { if (_balance >= amount) { ... } } ---");
            Measure((b, a) => Fixed.Run(b, a, guarded: false));
            Console.WriteLine("--- fixed, guard clause: lock (_sync) { if (_balance < amount) return false; ...; _balance -= amount; } ---");
            Measure((b, a) => Fixed.Run(b, a, guarded: true));
        }

        return 0;
    }

    private static void Measure(Func<int, int, int> run)
    {
        var results = new List<int>();
        for (var i = 0; i < Runs; i++)
        {
            results.Add(run(Balance, Amount));
        }

        var negative = results.Count(b => b < 0);
        var seen = string.Join(", ", results.Distinct().OrderBy(b => b).Select(b => $"{b} ({results.Count(r => r == b)}x)"));
        Console.WriteLine($"final balances over {Runs} runs: {seen}");
        Console.WriteLine($"account went negative in {negative} of {Runs} runs (two withdrawals of {Amount:N0} from {Balance:N0})");
    }
}
