using System.Threading;

namespace Samples.TW0016;

/// <summary>The same account with one lock around the check and the act (the course's fix: one RLock around both).</summary>
public sealed class Fixed
{
    private readonly object _sync = new object();
    private int _balance;

    private Fixed(int balance) => _balance = balance;

    public void Withdraw(int amount)
    {
        lock (_sync)
        {
            if (_balance >= amount)
            {
                Thread.Sleep(1); // the teller counts the notes
                _balance -= amount;
            }
        }
    }

    /// <summary>The guard-clause withdrawal with one lock from the guard through the write (what the code fix writes).</summary>
    public bool TryWithdraw(int amount)
    {
        lock (_sync)
        {
            if (_balance < amount)
            {
                return false;
            }

            Thread.Sleep(1); // the teller counts the notes
            _balance -= amount;
        }
        return true;
    }

    /// <summary>Two threads withdraw <paramref name="amount"/> each (through the guard clause when <paramref name="guarded"/>); returns the final balance.</summary>
    public static int Run(int balance, int amount, bool guarded)
    {
        var account = new Fixed(balance);
        var first = new Thread(() => { if (guarded) account.TryWithdraw(amount); else account.Withdraw(amount); });
        var second = new Thread(() => { if (guarded) account.TryWithdraw(amount); else account.Withdraw(amount); });
        first.Start();
        second.Start();
        first.Join();
        second.Join();
        lock (account._sync)
        {
            return account._balance;
        }
    }
}
