namespace ThreadWise.Build;

/// <summary>What <see cref="MonitorCallRewriter.Rewrite"/> did with one assembly.</summary>
internal enum RewriteOutcome
{
    /// <summary>Calls were swapped and the assembly (and its symbols) written to the output path.</summary>
    Rewritten,

    /// <summary>No call to swap (no <c>lock</c>, no Monitor call, or already rewritten): nothing was written.</summary>
    Unchanged,

    /// <summary>The assembly has locks but cannot be rewritten (see the message, which says why): nothing was written.</summary>
    Skipped,

    /// <summary>Never rewritten: ThreadWise itself, a framework assembly, a reference assembly. Nothing was written.</summary>
    NotApplicable,
}

/// <summary>The result of rewriting one assembly.</summary>
internal sealed class RewriteResult
{
    public RewriteResult(RewriteOutcome outcome, int swaps, string message)
    {
        Outcome = outcome;
        Swaps = swaps;
        Message = message;
    }

    public RewriteOutcome Outcome { get; }

    /// <summary>How many call sites now target <c>ThreadWise.TrackedMonitor</c>.</summary>
    public int Swaps { get; }

    public string Message { get; }
}
