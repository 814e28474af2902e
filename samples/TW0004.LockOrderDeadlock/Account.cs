using System;

namespace Samples.TW0004;

/// <summary>A bank account guarded by its own lock.</summary>
internal sealed class Account
{
    public readonly object Sync = new object();

    public Account(int id, decimal balance)
    {
        Id = id;
        Balance = balance;
    }

    public int Id { get; }

    public decimal Balance { get; private set; }

    // Callers hold Sync.
    public void Withdraw(decimal amount) => Balance -= amount;

    public void Deposit(decimal amount) => Balance += amount;

    public override string ToString() => FormattableString.Invariant($"#{Id}: {Balance}");
}
