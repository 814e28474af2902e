using System.Linq;
using System.Reflection;
using System.Threading;
using Xunit;

namespace ThreadWise.Build.Tests;

/// <summary>The rewrite matches TrackedMonitor to Monitor by signature: both sides must keep matching.</summary>
public sealed class MirroredSignaturesTests
{
    [Fact]
    public void EveryTrackedMonitorMethod_HasMonitorsSignature_AndCoversWhatALockCalls()
    {
        var monitor = Signatures(typeof(Monitor));
        var tracked = Signatures(typeof(TrackedMonitor));

        Assert.Empty(tracked.Except(monitor));
        Assert.Contains("Void Enter(System.Object, Boolean ByRef)", tracked);
        Assert.Contains("Void Exit(System.Object)", tracked);
        // What stays untracked on purpose (README "Limits"): the exitContext waits and the contention counter.
        Assert.Equal(
            new[] { "Boolean Wait(System.Object, Int32, Boolean)", "Boolean Wait(System.Object, System.TimeSpan, Boolean)", "Int64 get_LockContentionCount()" }.OrderBy(x => x),
            monitor.Except(tracked).OrderBy(x => x));
    }

    private static string[] Signatures(System.Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.ToString()!)
            .ToArray();
}
