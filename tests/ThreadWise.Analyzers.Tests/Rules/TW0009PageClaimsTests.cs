using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0009MonitorCallWithoutLockAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>Claims of docs/rules/TW0009.md that the other test files did not pin down.</summary>
public class TW0009PageClaimsTests
{
    // "a method group of it handed to new Thread, Task.Run, ThreadPool.QueueUserWorkItem, a timer ... runs with nothing held".
    [Fact]
    public Task Reports_PrivateHelper_HandedToATimer_AndLambdaHandedToThePool()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly object _gate = new object();
                private Timer _timer;

                private void Tick(object state) => {|TW0009:Monitor.PulseAll(_gate)|};

                public void Start()
                {
                    _timer = new Timer(Tick, null, 0, 100);
                    ThreadPool.QueueUserWorkItem(_ => {|TW0009:Monitor.Pulse(_gate)|});
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LockedInsideTheLaunchedBody_OrAFieldChainHeld()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class State
            {
                public readonly object Gate = new object();
            }

            class C
            {
                private readonly State _state = new State();

                public void Start()
                {
                    Task.Run(() => { lock (_state.Gate) Monitor.Pulse(_state.Gate); });
                }

                public async Task SignalAsync()
                {
                    await Task.Yield();
                    lock (_state.Gate)
                    {
                        Monitor.PulseAll(_state.Gate);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_AfterTheRegionEnds()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly object _gate = new object();

                public void M()
                {
                    Monitor.Enter(_gate);
                    Monitor.Pulse(_gate);
                    Monitor.Exit(_gate);
                    {|TW0009:Monitor.Pulse(_gate)|};
                }

                public void N()
                {
                    lock (_gate)
                    {
                    }

                    {|TW0009:Monitor.Wait(_gate, 100)|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
