using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0008MonitorWaitNotInLoopAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>Claims of docs/rules/TW0008.md that the other test files did not pin down.</summary>
public class TW0008PageClaimsTests
{
    // "a return of a bool that reads it (if (!_ready) Monitor.Wait(_gate, 100); return _ready;)", and a later test
    // of the same property on the same object.
    [Fact]
    public Task NoDiagnostic_ConditionTestedAgain_ByReturnOrLaterWhile()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            class C
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();
                private bool _ready;

                public bool WaitReady()
                {
                    lock (_gate)
                    {
                        if (!_ready) Monitor.Wait(_gate, 100);
                        return _ready;
                    }
                }

                public void Drain()
                {
                    lock (_gate)
                    {
                        if (_items.Count == 0) Monitor.Wait(_gate);
                        while (_items.Count > 0) _items.Dequeue();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "the same field, property or call on the same object (_items.Count, not another list's Count)".
    [Fact]
    public Task Reports_WhenOnlyAnotherObjectsPropertyIsTestedAgain_AndInLocalFunctionsAndAsyncMethods()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();
                private readonly Queue<int> _other = new Queue<int>();
                private bool _ready;

                public void Other()
                {
                    lock (_gate)
                    {
                        if (_items.Count == 0) {|TW0008:Monitor.Wait(_gate)|};
                        if (_other.Count > 0) _other.Dequeue();
                        _items.Dequeue();
                    }
                }

                public void Local()
                {
                    void Take()
                    {
                        lock (_gate)
                        {
                            if (!_ready) {|TW0008:Monitor.Wait(_gate)|};
                            _items.Dequeue();
                        }
                    }

                    Take();
                }

                public async Task TakeAsync()
                {
                    await Task.Yield();
                    Monitor.Enter(_gate);
                    try
                    {
                        if (!_ready) {|TW0008:Monitor.Wait(_gate)|};
                        _items.Dequeue();
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
