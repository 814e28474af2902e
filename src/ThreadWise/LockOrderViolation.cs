using System;
using System.Collections.Generic;
using System.Text;

namespace ThreadWise;

/// <summary>
/// An acquisition that inverts a lock order recorded earlier by <see cref="LockOrderValidator"/>: the current
/// thread holds <see cref="HeldLock"/> and takes <see cref="RequestedLock"/>, while earlier an acquisition took
/// (possibly through intermediate locks) <see cref="HeldLock"/> while holding <see cref="RequestedLock"/>. Two threads
/// doing both at once deadlock.
/// </summary>
public sealed class LockOrderViolation
{
    internal LockOrderViolation(string heldLock, string requestedLock, string heldStack, string requestedStack, List<LockOrderValidator.Edge> priorPath)
    {
        HeldLock = heldLock;
        RequestedLock = requestedLock;
        HeldLockAcquiredAt = heldStack;
        RequestedLockAcquiredAt = requestedStack;
        var names = new List<string> { priorPath[0].From.Name };
        foreach (var edge in priorPath)
        {
            names.Add(edge.To.Name);
        }

        PriorOrder = names;
        PriorHeldAt = priorPath[0].HeldAt?.ToString() ?? LockOrderValidator.NotCapturedNote + priorPath[0].TakenAt;
        PriorTakenAt = priorPath[0].TakenAt.ToString();
    }

    /// <summary>The name of the lock the current thread holds.</summary>
    public string HeldLock { get; }

    /// <summary>The name of the lock the current thread is taking.</summary>
    public string RequestedLock { get; }

    /// <summary>Where the current thread acquired <see cref="HeldLock"/>.</summary>
    public string HeldLockAcquiredAt { get; }

    /// <summary>Where the current thread is acquiring <see cref="RequestedLock"/>.</summary>
    public string RequestedLockAcquiredAt { get; }

    /// <summary>The earlier order this acquisition inverts, from <see cref="RequestedLock"/> to <see cref="HeldLock"/>
    /// (two names for a direct inversion, more when it closes a longer cycle).</summary>
    public IReadOnlyList<string> PriorOrder { get; }

    /// <summary>Where, earlier, the first lock of <see cref="PriorOrder"/> was held.</summary>
    public string PriorHeldAt { get; }

    /// <summary>Where, earlier, the second lock of <see cref="PriorOrder"/> was taken while the first was held.</summary>
    public string PriorTakenAt { get; }

    /// <summary>A readable report with both orders and all four acquisition stacks.</summary>
    /// <returns>The report.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("Lock-order inversion: taking '").Append(RequestedLock).Append("' while holding '").Append(HeldLock)
            .Append("', but the order ").Append(string.Join(" -> ", PriorOrder)).AppendLine(" was recorded earlier; two threads doing both can deadlock.");
        text.Append("'").Append(HeldLock).AppendLine("' held since:").Append(HeldLockAcquiredAt);
        text.Append("'").Append(RequestedLock).AppendLine("' requested at:").Append(RequestedLockAcquiredAt);
        text.Append("Earlier, '").Append(PriorOrder[0]).AppendLine("' held since:").Append(PriorHeldAt);
        text.Append("Earlier, '").Append(PriorOrder[1]).AppendLine("' taken at:").Append(PriorTakenAt);
        return text.ToString();
    }
}

/// <summary>Thrown by <see cref="LockOrderValidator"/> when an acquisition inverts a recorded lock order; the lock
/// was not taken.</summary>
public sealed class LockOrderViolationException : Exception
{
    /// <summary>Creates the exception for <paramref name="violation"/>.</summary>
    /// <param name="violation">The inversion found.</param>
    public LockOrderViolationException(LockOrderViolation violation)
        : base(violation?.ToString())
    {
        Violation = violation ?? throw new ArgumentNullException(nameof(violation));
    }

    /// <summary>The inversion, with both acquisition stacks.</summary>
    public LockOrderViolation Violation { get; }
}
