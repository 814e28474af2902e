using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0005ReleaseNotInFinallyAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0005 on shapes reduced from real thread-heavy code it had not seen (Hangfire, FASTER): what the code guarantees
/// that the rule has to model, and the twins that must still be reported.
/// </summary>
public class TW0005ReleaseNotInFinallyRealCodeTests
{
    [Fact]
    public Task NoDiagnostic_DebugAssertBetweenEnterAndExit()
    {
        // FASTER's LightConcurrentStack: Debug.Assert is not in a release build, and a failed one ends the process
        // without running finally blocks; the twin calls a method that can throw.
        const string source = """
            using System.Diagnostics;
            using System.Threading;

            class LightStack
            {
                private readonly string[] _stack = new string[128];
                private int _tail;
                private SpinLock _latch;

                public bool TryCount(out int count)
                {
                    var lockTaken = false;
                    _latch.Enter(ref lockTaken);
                    Debug.Assert(lockTaken);
                    if (_tail == 0)
                    {
                        _latch.Exit();
                        count = 0;
                        return false;
                    }

                    count = _tail;
                    _latch.Exit();
                    return true;
                }

                public bool TryCountTraced(out int count)
                {
                    var lockTaken = false;
                    {|#0:_latch.Enter(ref lockTaken)|};
                    {|#1:Trace.WriteLine(_tail.ToString())|};
                    count = _tail;
                    _latch.Exit();
                    return true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(
            source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_latch", "an exception from 'Trace.WriteLine(_tail.ToString())' at line 31 leaves it held"));
    }
}
