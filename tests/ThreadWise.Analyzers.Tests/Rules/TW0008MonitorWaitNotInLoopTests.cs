using System.Threading.Tasks;
using ThreadWise.CodeFixes.Rules;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0008MonitorWaitNotInLoopAnalyzer>;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0008MonitorWaitNotInLoopAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0008MonitorWaitNotInLoopCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0008: Monitor.Wait under an if that nothing re-tests; negatives for loops, exits and re-tests; the while fix.</summary>
public class TW0008MonitorWaitNotInLoopTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;

        """;

    // ---- positives -------------------------------------------------------------------------------------------

    [Fact]
    public Task Reports_IfCountZero_ThenDequeue()
    {
        const string source = Usings + """
            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                public int Take()
                {
                    lock (_gate)
                    {
                        if (_items.Count == 0)
                        {
                            {|#0:Monitor.Wait(_gate)|};
                        }

                        return _items.Dequeue();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments("_items.Count == 0"));
    }

    [Fact]
    public Task Reports_HasMoneyFlag_EmbeddedStatement_AndTimedWait()
    {
        const string source = Usings + """
            class Account
            {
                private readonly object _sync = new object();
                private bool _hasMoney;
                private int _balance;

                public void Withdraw(int amount)
                {
                    lock (_sync)
                    {
                        if (!_hasMoney) {|TW0008:Monitor.Wait(_sync)|};
                        _balance -= amount;
                    }
                }

                public void WithdrawSoon(int amount)
                {
                    lock (_sync)
                    {
                        if (!_hasMoney)
                            {|TW0008:Monitor.Wait(_sync, TimeSpan.FromSeconds(1))|};
                        _balance -= amount;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_MethodCallCondition_InLambda_AndWithOtherStatementsInTheIf()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();
                private readonly Stack<int> _stack = new Stack<int>();

                private bool IsEmpty() => _stack.Count == 0;

                public Action Consumer() => () =>
                {
                    lock (_gate)
                    {
                        if (IsEmpty())
                        {
                            Console.WriteLine("waiting");
                            {|TW0008:Monitor.Wait(_gate)|};
                        }

                        Console.WriteLine(_stack.Pop());
                    }
                };
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_LaterTestOfAnotherCount_IsNotARetest()
    {
        const string source = Usings + """
            class PriorityQueue
            {
                private readonly SortedDictionary<int, List<string>> _queue = new SortedDictionary<int, List<string>>();
                private readonly object _queueLock = new object();

                public string Dequeue()
                {
                    lock (_queueLock)
                    {
                        if (_queue.Count == 0) {|TW0008:Monitor.Wait(_queueLock)|};

                        var key = 0;
                        foreach (var k in _queue.Keys) key = k;
                        var element = _queue[key][0];
                        _queue[key].RemoveAt(0);
                        if (_queue[key].Count == 0)
                        {
                            _queue.Remove(key);
                        }

                        return element;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- negatives ---------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_WhileAndDoWhile()
    {
        const string source = Usings + """
            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                public int Take()
                {
                    lock (_gate)
                    {
                        while (_items.Count == 0)
                        {
                            Monitor.Wait(_gate);
                        }

                        do
                        {
                            Monitor.Wait(_gate, 10);
                        }
                        while (_items.Count == 0);

                        return _items.Dequeue();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_IfInsideRetestingLoops()
    {
        const string source = Usings + """
            class Worker
            {
                private readonly object _gate = new object();
                private readonly Queue<Action> _work = new Queue<Action>();
                private bool _stopping;

                public void Run()
                {
                    while (true)
                    {
                        Action next;
                        lock (_gate)
                        {
                            if (_work.Count == 0)
                            {
                                Monitor.Wait(_gate);
                                continue;
                            }

                            next = _work.Dequeue();
                        }

                        next();
                    }
                }

                public void Poll()
                {
                    for (;;)
                    {
                        lock (_gate)
                        {
                            if (_work.Count == 0) Monitor.Wait(_gate, 1000);
                            if (_stopping) return;
                        }
                    }
                }

                public void Sleepy()
                {
                    while (!_stopping)
                    {
                        lock (_gate)
                        {
                            if (_work.Count == 0) Monitor.Wait(_gate, 100);
                        }
                    }
                }

                public void Each(IEnumerable<int> items)
                {
                    foreach (var item in items)
                    {
                        lock (_gate)
                        {
                            if (_stopping) Monitor.Wait(_gate);
                        }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReturnsFalseToARetryingCaller_OrThrows()
    {
        const string source = Usings + """
            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();
                private bool _closed;

                public bool TryTake(out int item)
                {
                    lock (_gate)
                    {
                        if (_items.Count == 0)
                        {
                            Monitor.Wait(_gate, 100);
                            item = 0;
                            return false;
                        }

                        item = _items.Dequeue();
                        return true;
                    }
                }

                public int Take()
                {
                    lock (_gate)
                    {
                        if (_closed)
                        {
                            Monitor.PulseAll(_gate);
                            Monitor.Wait(_gate, 10);
                            throw new InvalidOperationException("closed");
                        }

                        return _items.Dequeue();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ConditionTestedAgainAfterTheIf()
    {
        const string source = Usings + """
            class Gate
            {
                private readonly object _sync = new object();
                private bool _open;
                private readonly Queue<int> _items = new Queue<int>();

                public bool WaitOpen()
                {
                    lock (_sync)
                    {
                        if (!_open) Monitor.Wait(_sync, 100);
                        return _open;
                    }
                }

                public int? TryTake()
                {
                    lock (_sync)
                    {
                        if (_items.Count == 0) Monitor.Wait(_sync, 100);
                        if (_items.Count == 0) return null;
                        return _items.Dequeue();
                    }
                }

                public int Peek()
                {
                    lock (_sync)
                    {
                        if (_items.Count == 0) Monitor.Wait(_sync, 100);
                        return _items.Count > 0 ? _items.Peek() : -1;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TestedStateReturnedToTheCaller()
    {
        // Shape from confluent-kafka-dotnet (Producer.Poll): wait up to the timeout for events, then hand the count
        // (possibly 0) to the caller and reset it. The twins act on the state as if the condition held.
        const string source = Usings + """
            class Producer
            {
                private readonly object _pollSync = new object();
                private int _served;

                public int Poll(TimeSpan timeout)
                {
                    lock (_pollSync)
                    {
                        if (_served == 0)
                        {
                            Monitor.Wait(_pollSync, timeout);
                        }

                        var result = _served;
                        _served = 0;
                        return result;
                    }
                }

                public int Peek(int timeout)
                {
                    lock (_pollSync)
                    {
                        if (_served == 0) Monitor.Wait(_pollSync, timeout);
                        return _served;
                    }
                }

                public int Take()
                {
                    lock (_pollSync)
                    {
                        if (_served == 0) {|TW0008:Monitor.Wait(_pollSync)|};
                        _served--;
                        return 1;
                    }
                }

                public int TakeCopy()
                {
                    lock (_pollSync)
                    {
                        if (_served == 0) {|TW0008:Monitor.Wait(_pollSync)|};
                        var result = _served;
                        result = result - 1;
                        _served = result;
                        return result;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LocalOrParameterCondition_ResultUsed_Else_Goto()
    {
        const string source = Usings + """
            class C
            {
                private readonly object _gate = new object();
                private bool _ready;

                public bool Pause(int timeout)
                {
                    lock (_gate)
                    {
                        if (timeout > 0) Monitor.Wait(_gate, timeout);

                        var signaled = false;
                        if (!_ready) signaled = Monitor.Wait(_gate, timeout);

                        if (!_ready) Monitor.Wait(_gate); else Console.WriteLine("ready");
                        return signaled;
                    }
                }

                public void Retry()
                {
                    lock (_gate)
                    {
                    again:
                        if (!_ready)
                        {
                            Monitor.Wait(_gate);
                        }

                        if (DateTime.Now.Ticks < 0) goto again;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_WaiterRegistersItselfFirst_BatonPassingSemaphore()
    {
        const string source = Usings + """
            class CountingSemaphore
            {
                private int _count;

                public void Wait()
                {
                    lock (this)
                    {
                        _count--;
                        if (_count < 0)
                            Monitor.Wait(this, Timeout.Infinite);
                    }
                }

                public void Signal()
                {
                    lock (this)
                    {
                        _count++;
                        if (_count <= 0)
                            Monitor.Pulse(this);
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- fixes -------------------------------------------------------------------------------------------------

    [Fact]
    public Task Fix_IfBecomesWhile_KeepsBracesAndComments()
    {
        const string source = Usings + """
            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                public int Take()
                {
                    lock (_gate)
                    {
                        // nothing to take yet
                        if (_items.Count == 0) // empty
                        {
                            {|TW0008:Monitor.Wait(_gate)|}; // released while waiting
                        }

                        return _items.Dequeue();
                    }
                }
            }
            """;
        const string fixedSource = Usings + """
            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                public int Take()
                {
                    lock (_gate)
                    {
                        // nothing to take yet
                        while (_items.Count == 0) // empty
                        {
                            Monitor.Wait(_gate); // released while waiting
                        }

                        return _items.Dequeue();
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0008MonitorWaitNotInLoopCodeFix.UseWhileLoopKey);
    }

    [Fact]
    public Task FixAll_NullKey_EveryUntimedIf()
    {
        const string source = Usings + """
            class Account
            {
                private readonly object _sync = new object();
                private bool _hasMoney;
                private int _balance;

                public void A()
                {
                    lock (_sync)
                    {
                        if (!_hasMoney) {|TW0008:Monitor.Wait(_sync)|};
                        _balance--;
                    }
                }

                public void B()
                {
                    lock (_sync)
                    {
                        if (_balance <= 0)
                            {|TW0008:Monitor.Wait(_sync)|};
                        _balance--;
                    }
                }
            }
            """;
        const string fixedSource = Usings + """
            class Account
            {
                private readonly object _sync = new object();
                private bool _hasMoney;
                private int _balance;

                public void A()
                {
                    lock (_sync)
                    {
                        while (!_hasMoney) Monitor.Wait(_sync);
                        _balance--;
                    }
                }

                public void B()
                {
                    lock (_sync)
                    {
                        while (_balance <= 0)
                            Monitor.Wait(_sync);
                        _balance--;
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, equivalenceKey: null);
    }

    [Fact]
    public Task NoFix_TimedWait_OrMoreThanTheWaitInTheIf()
    {
        const string source = Usings + """
            class Account
            {
                private readonly object _sync = new object();
                private bool _hasMoney;
                private int _balance;

                public void A()
                {
                    lock (_sync)
                    {
                        if (!_hasMoney) {|TW0008:Monitor.Wait(_sync, 100)|};
                        _balance--;
                    }
                }

                public void B()
                {
                    lock (_sync)
                    {
                        if (!_hasMoney)
                        {
                            Console.WriteLine("waiting");
                            {|TW0008:Monitor.Wait(_sync)|};
                        }

                        _balance--;
                    }
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }
}
