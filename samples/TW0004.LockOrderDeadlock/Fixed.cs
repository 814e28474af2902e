using System.Collections.Generic;
using System.Threading;
using ThreadWise;

namespace Samples.TW0004;

/// <summary>The same work with one lock order everywhere: nothing to wait for in a circle.</summary>
internal static class Fixed
{
    public static void Run()
    {
        var a = new Account(1, 100m);
        var b = new Account(2, 100m);
        Scenario.Race("transfer ordered by id", () => TransferOrdered(a, b, 10m), () => TransferOrdered(b, a, 20m));
        Scenario.Race("transfer with LockSet", () => TransferWithLockSet(a, b, 10m), () => TransferWithLockSet(b, a, 20m));
        System.Console.WriteLine($"  balances: {a}, {b}");

        var bank = new FixedBank();
        Scenario.Race("post and reconcile", () => bank.Post("deposit"), bank.Reconcile);
    }

    /// <summary>Any two accounts are locked lower id first, whichever way the money goes.</summary>
    public static void TransferOrdered(Account from, Account to, decimal amount)
    {
        var (first, second) = from.Id < to.Id ? (from, to) : (to, from);
        lock (first.Sync)
        {
            Thread.Sleep(100);
            lock (second.Sync)
            {
                from.Withdraw(amount);
                to.Deposit(amount);
            }
        }
    }

    /// <summary>The runtime library takes both locks in one global order and releases both.</summary>
    public static void TransferWithLockSet(Account from, Account to, decimal amount)
    {
        using (LockSet.Enter(from.Sync, to.Sync))
        {
            Thread.Sleep(100);
            from.Withdraw(amount);
            to.Deposit(amount);
        }
    }
}

/// <summary>Reconcile now takes the ledger first, like Post.</summary>
internal sealed class FixedBank
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
            WriteAudit(entry);
        }
    }

    public void Reconcile()
    {
        lock (_ledger)
        {
            Thread.Sleep(100);
            lock (_audit)
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
