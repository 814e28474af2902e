using System.Collections.Generic;
using System.Threading;

namespace Samples.TW0004;

/// <summary>The course's deadlocks, in C#: a transfer between two accounts, and two locks taken through a call.</summary>
internal static class Buggy
{
    public static void Run()
    {
        var a = new Account(1, 100m);
        var b = new Account(2, 100m);
        Scenario.Race("transfer a→b and b→a", () => Transfer(a, b, 10m), () => Transfer(b, a, 20m));

        var bank = new BuggyBank();
        Scenario.Race("post and reconcile", () => bank.Post("deposit"), bank.Reconcile);
    }

    /// <summary>Locks the source, then the target: Transfer(a, b) and Transfer(b, a) wait for each other.</summary>
    public static void Transfer(Account from, Account to, decimal amount)
    {
        lock (from.Sync)
        {
            Thread.Sleep(100); // anything slow here widens the window
            lock (to.Sync) // expect: TW0004
            {
                from.Withdraw(amount);
                to.Deposit(amount);
            }
        }
    }
}

/// <summary>Post takes the ledger, then (in WriteAudit) the audit log; Reconcile takes them the other way round.</summary>
internal sealed class BuggyBank
{
    private readonly object _ledger = new object();
    private readonly object _audit = new object();
    private readonly List<string> _entries = new List<string>();
    private readonly List<string> _log = new List<string>();

    public void Post(string entry)
    {
        lock (_ledger)
        {
            _entries.Add(entry);
            Thread.Sleep(100);
            WriteAudit(entry); // expect: TW0004 no-fix-here (a cycle through a call: fixed by reordering Reconcile)
        }
    }

    public void Reconcile()
    {
        lock (_audit)
        {
            Thread.Sleep(100);
            lock (_ledger) // expect: TW0004
            {
                _log.Add($"reconciled {_entries.Count} entries");
            }
        }
    }

    private void WriteAudit(string entry)
    {
        lock (_audit)
        {
            _log.Add(entry);
        }
    }
}
