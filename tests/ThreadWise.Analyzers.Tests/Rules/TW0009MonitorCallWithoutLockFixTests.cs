using System.Threading.Tasks;
using ThreadWise.CodeFixes.Rules;
using Xunit;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0009MonitorCallWithoutLockAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0009MonitorCallWithoutLockCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0009 fix: Pulse/PulseAll wrapped in lock (x); no fix for Wait.</summary>
public class TW0009MonitorCallWithoutLockFixTests
{
    [Fact]
    public Task Fix_WrapsPulseInLock_KeepsComments()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                public void Put(int item)
                {
                    lock (_gate)
                    {
                        _items.Enqueue(item);
                    }

                    // wake a consumer
                    {|TW0009:Monitor.Pulse(_gate)|}; // one is enough
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Threading;

            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                public void Put(int item)
                {
                    lock (_gate)
                    {
                        _items.Enqueue(item);
                    }

                    // wake a consumer
                    lock (_gate)
                    {
                        Monitor.Pulse(_gate); // one is enough
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0009MonitorCallWithoutLockCodeFix.WrapInLockKey);
    }

    [Fact]
    public Task FixAll_NullKey_WrapsEveryPulse_EmbeddedStatementToo()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private static readonly object s_gate = new object();
                private bool _ready;

                public void Stop()
                {
                    {|TW0009:Monitor.PulseAll(s_gate)|};
                    if (_ready)
                        {|TW0009:Monitor.Pulse(s_gate)|};
                }

                private void Wake() => Monitor.Pulse(this);

                public void Run()
                {
                    lock (this) { Wake(); }
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;

            class C
            {
                private static readonly object s_gate = new object();
                private bool _ready;

                public void Stop()
                {
                    lock (s_gate)
                    {
                        Monitor.PulseAll(s_gate);
                    }
                    if (_ready)
                        lock (s_gate)
                        {
                            Monitor.Pulse(s_gate);
                        }
                }

                private void Wake() => Monitor.Pulse(this);

                public void Run()
                {
                    lock (this) { Wake(); }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, equivalenceKey: null);
    }

    [Fact]
    public Task NoFix_ForWait_OrAPulseUsedAsAnExpression()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _gate = new object();

                public void Take()
                {
                    {|TW0009:Monitor.Wait(_gate)|};
                }

                public bool TimedTake() => {|TW0009:Monitor.Wait(_gate, 10)|};
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task Fix_ExpressionBodiedMethod_AndLaunchedLambda()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _gate = new object();

                public void Wake() => {|TW0009:Monitor.Pulse(_gate)|}; // wakes one

                public void Start()
                {
                    Task.Run(() => {|TW0009:Monitor.PulseAll(_gate)|});
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _gate = new object();

                public void Wake()
                {
                    lock (_gate)
                    {
                        Monitor.Pulse(_gate); // wakes one
                    }
                }

                public void Start()
                {
                    Task.Run(() => { lock (_gate) { Monitor.PulseAll(_gate); } });
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, equivalenceKey: null);
    }
}
