using System.Threading;

namespace Samples.TW0016;

/// <summary>
/// The course's account: "if the balance covers it, pay out, then subtract". Two threads each withdraw 800 from 1,000;
/// both see 1,000, both pay out, and the account ends at -600: 1,600 withdrawn from an account holding 1,000.
/// </summary>
public sealed class Buggy
{
    private int _balance;

    private Buggy(int balance) => _balance = balance;

    public void Withdraw(int amount)
    {
        if (_balance >= amount) // expect: TW0016
        {
            Thread.Sleep(1); // the teller counts the notes
            _balance -= amount;
        }
    }

    /// <summary>The same withdrawal written with a guard clause, as most C# writes it: the same two steps, the same race.</summary>
    public bool TryWithdraw(int amount)
    {
        if (_balance < amount) // expect: TW0016
        {
            return false;
        }

        Thread.Sleep(1); // the teller counts the notes
        _balance -= amount;
        return true;
    }

    /// <summary>Two threads withdraw <paramref name="amount"/> each (through the guard clause when <paramref name="guarded"/>); returns the final balance.</summary>
    public static int Run(int balance, int amount, bool guarded)
    {
        var account = new Buggy(balance);
        var first = new Thread(() => { if (guarded) account.TryWithdraw(amount); else account.Withdraw(amount); });
        var second = new Thread(() => { if (guarded) account.TryWithdraw(amount); else account.Withdraw(amount); });
        first.Start();
        second.Start();
        first.Join();
        second.Join();
        return account._balance;
    }
}
