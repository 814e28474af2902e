using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Rules.TW0004Verify;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// The shapes that made TW0004 cry wolf on real code, each with its true-positive twin: a cycle is a deadlock only
/// if two threads can hold its two orders at once (C: one dedicated thread takes both), a constant argument switches
/// off the callee's locking branch (D), an async callee holds its caller's lock only up to its first await (E).
/// And the recall the rule gained: a lock taken by a delegate invoked while another lock is held.
/// </summary>
public class TW0004RealCodeShapesTests
{
    // ---- C: both orders on the one thread the constructor starts -----------------------------------------------

    private const string Peer = """
        using System.Threading;

        public class Peer
        {
            private readonly object _sendLock = new object();
            private readonly object _connectionLock = new object();
            private readonly Thread _network;

            public Peer()
            {
                _network = new Thread(NetworkLoop) { IsBackground = true };
                _network.Start();
            }

            private void NetworkLoop()
            {
                while (true)
                {
                    Heartbeat();
                    ReadPackets();
                }
            }

            private void Heartbeat()
            {
                lock (_sendLock)
                {
                    lock (_connectionLock) { }
                }
            }

            private void ReadPackets()
            {
                lock (_connectionLock)
                {
                    Flush();
                }
            }

            private void Flush()
            {
                lock (_sendLock) { }
            }
        /*extra*/}
        """;

    [Fact]
    public Task NoDiagnostic_BothOrdersOnlyOnTheThreadTheConstructorStarts() => Verify.VerifyAnalyzerAsync(Peer);

    [Fact]
    public Task NoDiagnostic_BothOrdersOnlyOnTheThread_StartedWithALambdaOrATask()
    {
        var withLambda = Peer.Replace("new Thread(NetworkLoop)", "new Thread(() => NetworkLoop())");
        Assert.NotEqual(Peer, withLambda);
        var withTask = Peer.Replace("_network = new Thread(NetworkLoop) { IsBackground = true };\n        _network.Start();",
            "System.Threading.Tasks.Task.Factory.StartNew(NetworkLoop, System.Threading.Tasks.TaskCreationOptions.LongRunning);\n        _network = Thread.CurrentThread;");
        Assert.NotEqual(Peer, withTask);
        return Task.WhenAll(Verify.VerifyAnalyzerAsync(withLambda), Verify.VerifyAnalyzerAsync(withTask));
    }

    [Fact]
    public Task Reports_OneOrderAlsoFromAPublicMethod_AnyThreadMayCallIt()
    {
        var source = Peer
            .Replace("lock (_connectionLock) { }", "lock ({|TW0004:_connectionLock|}) { }")
            .Replace("/*extra*/}", """
                    public void Send()
                    {
                        lock (_connectionLock)
                        {
                            {|TW0004:Flush()|};
                        }
                    }
                }
                """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_StaticLocks_EveryInstanceStartsItsOwnThread()
    {
        var source = Peer
            .Replace("private readonly object _sendLock", "private static readonly object _sendLock")
            .Replace("private readonly object _connectionLock", "private static readonly object _connectionLock")
            .Replace("lock (_connectionLock) { }", "lock ({|TW0004:_connectionLock|}) { }")
            .Replace("            Flush();", "            {|TW0004:Flush()|};");
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ThreadStartedByAStartThatGuardsItselfAgainstASecondRun()
    {
        // Lidgren's NetPeer.Start: returns when the status says it ran, sets it, then starts the network thread.
        var source = Peer
            .Replace("private readonly Thread _network;", "private Thread? _network;\n    private int _status;")
            .Replace("public Peer()\n    {", "public void Start()\n    {\n        if (_status != 0)\n        {\n            return;\n        }\n\n        _status = 1;");
        Assert.Contains("_status = 1;", source);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_OneThreadPerInstance_ButTheLockIsAnotherInstances()
    {
        // The network thread of one peer calls into another peer's methods: that peer's own thread takes its locks too.
        var source = Peer
            .Replace("private readonly object _sendLock", "internal Peer? Other;\n    private readonly object _sendLock")
            .Replace("            Flush();", "            {|TW0004:Flush()|};")
            .Replace("            ReadPackets();", "            ReadPackets();\n            Other?.Heartbeat();")
            .Replace("lock (_connectionLock) { }", "lock ({|TW0004:_connectionLock|}) { }");
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_TwoDedicatedThreads_EachTakesOneOrder()
    {
        const string source = """
            using System.Threading;

            public class Pump
            {
                private readonly object _in = new object();
                private readonly object _out = new object();

                public Pump()
                {
                    new Thread(Reader).Start();
                    new Thread(Writer).Start();
                }

                private void Reader() { lock (_in) { lock ({|TW0004:_out|}) { } } }

                private void Writer() { lock (_out) { lock ({|TW0004:_in|}) { } } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_OneBodyStartedOnTwoThreads()
    {
        const string source = """
            using System.Threading;

            public class Pump
            {
                private readonly object _in = new object();
                private readonly object _out = new object();

                public Pump()
                {
                    new Thread(Loop).Start();
                    new Thread(Loop).Start();
                }

                private void Loop()
                {
                    lock (_in) { lock ({|TW0004:_out|}) { } }
                    lock (_out) { lock ({|TW0004:_in|}) { } }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ThreadStartedInAPublicMethod_ItMayRunTwice()
    {
        var source = Peer
            .Replace("public Peer()", "public void Start()")
            .Replace("private readonly Thread _network", "private Thread? _network")
            .Replace("lock (_connectionLock) { }", "lock ({|TW0004:_connectionLock|}) { }")
            .Replace("            Flush();", "            {|TW0004:Flush()|};");
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- D: a constant argument switches the callee's lock off -------------------------------------------------

    private const string Registry = """
        using System.Collections.Generic;

        public class Registry
        {
            private readonly object _map = new object();
            private readonly object _create = new object();
            private readonly Dictionary<string, object> _entries = new Dictionary<string, object>();

            public object? Get(string key)
            {
                lock (_map)
                {
                    return Find(key, create: false);
                }
            }

            public void Rebuild()
            {
                lock (_create)
                {
                    lock (_map)
                    {
                        _entries.Clear();
                    }
                }
            }

            private object? Find(string key, bool create)
            {
                if (_entries.TryGetValue(key, out var found) || !create)
                {
                    return found;
                }

                if (!create)
                {
                    return null;
                }

                lock (_create)
                {
                    return _entries[key] = new object();
                }
            }
        /*extra*/}
        """;

    [Fact]
    public Task NoDiagnostic_ConstantArgumentSkipsTheCalleesLock() => Verify.VerifyAnalyzerAsync(Registry);

    [Fact]
    public Task Reports_TheCallThatPassesTrue()
    {
        var source = Registry
            .Replace("lock (_map)\n            {\n                _entries.Clear();", "lock ({|TW0004:_map|})\n            {\n                _entries.Clear();")
            .Replace("/*extra*/}", """
                    public object? GetOrAdd(string key)
                    {
                        lock (_map)
                        {
                            return {|TW0004:Find(key, create: true)|};
                        }
                    }
                }
                """);
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LockOnlyInTheBranchTheConstantSwitchesOff()
    {
        const string source = """
            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();

                public void M() { lock (_a) { Touch(false); } }

                public void N() { lock (_b) { lock (_a) { } } }

                private void Touch(bool exclusive)
                {
                    if (exclusive)
                    {
                        lock (_b) { }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_LockInTheBranchTheConstantSwitchesOn()
    {
        const string source = """
            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();

                public void M() { lock (_a) { {|TW0004:Touch(true)|}; } }

                public void N() { lock (_b) { lock ({|TW0004:_a|}) { } } }

                private void Touch(bool exclusive)
                {
                    if (exclusive)
                    {
                        lock (_b) { }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- E: an async callee started inside a lock, locking after its first await ------------------------------

    private const string Client = """
        using System.Threading.Tasks;

        public class Client
        {
            private readonly object _state = new object();
            private readonly object _stats = new object();

            public void OnMessage()
            {
                lock (_state)
                {
                    _ = FlushAsync();
                }
            }

            public void Report()
            {
                lock (_stats)
                {
                    lock (_state) { }
                }
            }

            private async Task FlushAsync()
            {
                await Task.Yield();
                lock (_stats) { }
            }
        }
        """;

    [Fact]
    public Task NoDiagnostic_AsyncCalleeLocksOnlyAfterItsFirstAwait() => Verify.VerifyAnalyzerAsync(Client);

    [Fact]
    public Task Reports_AsyncCalleeLocksBeforeItsFirstAwait()
    {
        var source = Client
            .Replace("_ = FlushAsync();", "_ = {|TW0004:FlushAsync()|};")
            .Replace("lock (_state) { }", "lock ({|TW0004:_state|}) { }")
            .Replace("await Task.Yield();\n        lock (_stats) { }", "lock (_stats) { }\n        await Task.Yield();");
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_AsyncCalleeAwaitedWhileASemaphoreIsHeld_ItsWholeBodyRunsUnderIt()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            public class Client
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private readonly object _stats = new object();

                public async Task SendAsync()
                {
                    await _gate.WaitAsync();
                    try
                    {
                        await {|TW0004:FlushAsync()|};
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                public void Report()
                {
                    lock (_stats)
                    {
                        {|TW0004:_gate.Wait()|};
                        _gate.Release();
                    }
                }

                private async Task FlushAsync()
                {
                    await Task.Yield();
                    lock (_stats) { }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- new recall: a delegate invoked while a lock is held ---------------------------------------------------

    [Fact]
    public Task Reports_DelegateFieldAssignedALambda_InvokedUnderALock()
    {
        const string source = """
            using System;

            public class Model
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private readonly Action _onChange;

                public Model()
                {
                    _onChange = () => { lock (_b) { } };
                }

                public void Set()
                {
                    lock (_a)
                    {
                        {|#0:_onChange()|};
                    }
                }

                public void Sync()
                {
                    lock (_b)
                    {
                        lock ({|#1:_a|}) { }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1)
                .WithArguments("'Set'", "_b", "_a", " (via '_onChange' → a lambda in 'Model' constructor)", "'Sync' takes them in the opposite order at line 26"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0)
                .WithArguments("'Sync'", "_a", "_b", "", "'Set' takes them in the opposite order at line 18 (via '_onChange' → a lambda in 'Model' constructor)"));
    }

    [Fact]
    public Task Reports_MethodGroupInALocal_EventHandler_AndConditionalInvoke()
    {
        const string source = """
            using System;

            public class Model
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private Action? _callback;

                public event EventHandler? Changed;

                public Model()
                {
                    _callback = Refresh;
                    Changed += OnChanged;
                }

                public void Local()
                {
                    Action notify = Refresh;
                    lock (_a) { {|TW0004:notify()|}; }
                }

                public void Field() { lock (_a) { _callback?{|TW0004:.Invoke()|}; } }

                public void Event() { lock (_a) { Changed?{|TW0004:.Invoke(this, EventArgs.Empty)|}; } }

                public void Sync() { lock (_b) { lock ({|TW0004:_a|}) { } } }

                private void Refresh() { lock (_b) { } }

                private void OnChanged(object? sender, EventArgs e) { lock (_b) { } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_DelegateFieldInitializers_LambdaAndMethodGroup()
    {
        const string source = """
            using System;

            public class Model
            {
                private static readonly object s_a = new object();
                private static readonly object s_b = new object();
                private readonly Action _viaLambda = () => { lock (s_b) { } };
                private readonly Action _viaMethod = Refresh;

                public void Lambda() { lock (s_a) { {|TW0004:_viaLambda()|}; } }

                public void Method() { lock (s_a) { {|TW0004:_viaMethod()|}; } }

                public void Sync() { lock (s_b) { lock ({|TW0004:s_a|}) { } } }

                private static void Refresh() { lock (s_b) { } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_DelegateTakesNoOtherLock_OrIsInvokedAfterTheLock()
    {
        const string source = """
            using System;

            public class Model
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private readonly Action _onChange;
                private readonly Action _log;

                public Model()
                {
                    _onChange = () => { lock (_b) { } };
                    _log = () => Console.WriteLine("changed");
                }

                public void Set()
                {
                    lock (_a)
                    {
                        _log();
                    }

                    _onChange();
                }

                public void Sync()
                {
                    lock (_b)
                    {
                        lock (_a) { }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
    [Fact]
    public Task NoDiagnostic_CallOnAnObjectJustCreated_ItsLocksAreNotOurs()
    {
        // npgsql's cancellation: under CancelLock, a new connector sends the cancel request; that connector's own
        // CleanupLock is another object than this one's, and no other thread has it yet.
        const string source = """
            public class Connector
            {
                private readonly object _cancelLock = new object();
                private readonly object _cleanupLock = new object();

                public Connector() { }

                private Connector(Connector parent) { }

                public void Cancel()
                {
                    lock (_cancelLock)
                    {
                        var sender = new Connector(this);
                        sender.SendCancel();
                    }
                }

                private void SendCancel()
                {
                    lock (_cleanupLock) { }
                }

                public void Break()
                {
                    lock (_cleanupLock)
                    {
                        lock (_cancelLock) { }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_SameCallOnAnInstanceThatIsShared()
    {
        // The twin: the same call on this instance (or a field-held one others can reach) takes its locks in the
        // opposite order to Break.
        const string source = """
            public class Connector
            {
                private readonly object _cancelLock = new object();
                private readonly object _cleanupLock = new object();

                public void Cancel()
                {
                    lock (_cancelLock)
                    {
                        {|TW0004:SendCancel()|};
                    }
                }

                private void SendCancel()
                {
                    lock (_cleanupLock) { }
                }

                public void Break()
                {
                    lock (_cleanupLock)
                    {
                        lock ({|TW0004:_cancelLock|}) { }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
