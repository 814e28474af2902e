namespace ThreadWise.Analyzers;

/// <summary>Every ThreadWise diagnostic ID, in one place. IDs are sequential and never reused.</summary>
internal static class RuleIds
{
    public const string UnsynchronizedReadModifyWrite = "TW0001";
    public const string ThreadBodyCalledDirectly = "TW0002";
    public const string ThreadStartedTwice = "TW0003";
    public const string InconsistentLockOrder = "TW0004";
    public const string ReleaseNotInFinally = "TW0005";
    public const string ThreadConfiguredAfterStart = "TW0006";
    public const string WaitBeforeCompletion = "TW0007";
    public const string MonitorWaitNotInLoop = "TW0008";
    public const string MonitorCallWithoutLock = "TW0009";
    public const string AcquireInsideTry = "TW0010";
    public const string TryAcquireResultIgnored = "TW0011";
    public const string LoopVariableCapturedByThread = "TW0012";
    public const string ProcessOutputReadAfterWait = "TW0013";
    public const string LockExcludesNobody = "TW0014";
    public const string CheckThenActOnConcurrentCollection = "TW0015";
    public const string CheckThenActOnSharedState = "TW0016";
    public const string CollectionMutatedConcurrently = "TW0017";
    public const string ReadBeforeWait = "TW0018";
    public const string ThreadAffineLockHeldAtAwait = "TW0019";
}

/// <summary>The diagnostic categories ThreadWise uses.</summary>
internal static class RuleCategories
{
    /// <summary>Data races and lost updates.</summary>
    public const string Race = "ThreadWise.Race";

    /// <summary>Misuse of the lifecycle of a thread, task, process or pool.</summary>
    public const string Lifecycle = "ThreadWise.Lifecycle";

    /// <summary>Locks: ordering, release, scope.</summary>
    public const string Locking = "ThreadWise.Locking";
}
