using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0014LockExcludesNobodyAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0014 analyzer: locks that exclude nobody (positives) and locks that do (negatives).</summary>
public class TW0014LockExcludesNobodyTests
{
    private const string Fresh = "every execution locks a new object, so no two threads ever wait for each other";

    private static string Local(string name) => $"'{name}' is created in this call and shared with nothing, so each call (each thread) locks its own object";

    private static string Static(string field) =>
        $"it is an instance field, but the lock protects static field '{field}': each instance has its own lock, so two instances update '{field}' at the same time";

    // ---- docs examples and other positives -------------------------------------------------------------------

    [Fact]
    public Task Reports_DocsExamples()
    {
        const string source = """
            using System.Collections.Generic;

            class Counter
            {
                private static readonly Dictionary<string, int> s_hits = new();
                private static int s_total;
                private readonly object _gate = new object();
                private int _total;

                public void Add(int n)
                {
                    lock ({|#0:new object()|})
                    {
                        _total += n;
                    }
                }

                public void AddShared(int n)
                {
                    lock ({|#1:_gate|})
                    {
                        s_total += n;
                    }
                }

                public void Record(string key)
                {
                    var gate = new object();
                    lock ({|#2:gate|})
                    {
                        s_hits[key] = s_hits.TryGetValue(key, out var n) ? n + 1 : 1;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithArguments("new object()", Fresh),
            Verify.Diagnostic().WithLocation(1).WithArguments("_gate", Static("s_total")),
            Verify.Diagnostic().WithLocation(2).WithArguments("gate", Local("gate")));
    }

    [Fact]
    public Task Reports_FreshLockType_InLambda_AndTopLevel()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            var total = 0;
            Parallel.For(0, 100, i =>
            {
                lock ({|#0:new Lock()|})
                {
                    total += i;
                }
            });
            """;
        return Verify.VerifyProgramAsync(source, Verify.Diagnostic().WithLocation(0).WithArguments("new Lock()", Fresh));
    }

    [Fact]
    public Task Reports_StaticStateShapes_ElementMemberIncrement()
    {
        const string source = """
            using System.Collections.Generic;

            class Stats { public int Count; }

            class Cache
            {
                private static readonly Dictionary<string, string> s_map = new();
                private static readonly int[] s_slots = new int[8];
                private static readonly Stats s_stats = new Stats();
                private static int s_version;
                private readonly object _sync;

                public Cache() => _sync = new object();

                public void Put(string key, string value)
                {
                    lock ({|#0:_sync|}) { s_map[key] = value; }
                }

                public void Slot(int i)
                {
                    lock ({|#1:this._sync|}) { s_slots[i]++; }
                }

                public void Count()
                {
                    lock ({|#2:_sync|}) { s_stats.Count++; }
                }

                public void Bump()
                {
                    lock ({|#3:_sync|}) { ++s_version; }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithArguments("_sync", Static("s_map")),
            Verify.Diagnostic().WithLocation(1).WithArguments("this._sync", Static("s_slots")),
            Verify.Diagnostic().WithLocation(2).WithArguments("_sync", Static("s_stats")),
            Verify.Diagnostic().WithLocation(3).WithArguments("_sync", Static("s_version")));
    }

    [Fact]
    public Task Reports_LocalUsedByTwoLocksOfOneMethod_InLoop()
    {
        const string source = """
            class C
            {
                private int _n;

                public void M(int[] items)
                {
                    foreach (var item in items)
                    {
                        var gate = new object();
                        lock ({|#0:gate|}) { _n += item; }
                        lock ({|#1:gate|}) { _n -= 1; }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithArguments("gate", Local("gate")),
            Verify.Diagnostic().WithLocation(1).WithArguments("gate", Local("gate")));
    }

    [Fact]
    public Task Reports_PartialType_LockFieldCreatedInTheOtherPart()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", """
            partial class Meter
            {
                private readonly object _gate = new object();
            }
            """));
        test.TestState.Sources.Add(("B.cs", """
            partial class Meter
            {
                private static long s_ticks;

                public void Tick()
                {
                    lock ({|#0:_gate|}) { s_ticks++; }
                }
            }
            """));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments("_gate", Static("s_ticks")));
        return test.RunAsync();
    }

    // ---- negatives -----------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_DocsExamples()
    {
        const string source = """
            using System.Threading.Tasks;

            class Counter
            {
                private static readonly object s_sync = new object();
                private static int s_total;
                private readonly object _gate = new object();
                private int _total;

                public static void AddStatic(int n)
                {
                    lock (s_sync)
                    {
                        s_total += n;
                    }
                }

                public void Add(int n)
                {
                    lock (_gate)
                    {
                        _total += n;
                    }
                }

                public int CountInParallel(int[] items)
                {
                    var gate = new object();
                    var count = 0;
                    Parallel.ForEach(items, item =>
                    {
                        lock (gate)
                        {
                            count += item;
                        }
                    });
                    return count;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LockPassedIn_OrAssignedFromElsewhere()
    {
        const string source = """
            class Shared
            {
                private static int s_total;
                private readonly object _gate;
                private readonly object _other = new object();
                private object _lazy = new object();

                public Shared(object gate)
                {
                    _gate = gate;
                }

                public Shared(Shared parent)
                {
                    _gate = parent._gate;
                    _other = parent._other;
                }

                public object Gate { init => _init = value; }

                private readonly object _init = new object();

                public void Add(object sync, int n)
                {
                    lock (sync) { s_total += n; }
                    lock (_gate) { s_total += n; }
                    lock (_other) { s_total += n; }
                    lock (_lazy) { s_total += n; }
                    lock (_init) { s_total += n; }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LocalSharedOrEscaping()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            class Worker
            {
                public Worker(object gate) { }
            }

            class C
            {
                private readonly List<object> _gates = new();
                private int _n;

                public object M1()
                {
                    var gate = new object();
                    lock (gate) { _n++; }
                    return gate;
                }

                public void M2()
                {
                    var gate = new object();
                    _ = new Worker(gate);
                    lock (gate) { _n++; }
                }

                public void M3()
                {
                    var gate = new object();
                    var t = new Thread(() => { lock (gate) { _n++; } });
                    t.Start();
                    lock (gate) { _n--; }
                    t.Join();
                }

                public void M4()
                {
                    var gate = new object();
                    _gates.Add(gate);
                    lock (gate) { _n++; }
                }

                public void M5(object shared)
                {
                    var gate = shared;
                    lock (gate) { _n++; }
                    var other = new object();
                    other = shared;
                    lock (other) { _n++; }
                }

                public async Task M6()
                {
                    var gate = new object();
                    await Task.WhenAll(Task.Run(Work), Task.Run(Work));

                    void Work()
                    {
                        lock (gate) { _n++; }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_Singletons()
    {
        const string source = """
            using System;

            sealed class Registry
            {
                public static readonly Registry Instance = new Registry();
                private static int s_count;
                private readonly object _gate = new object();

                public void Add() { lock (_gate) { s_count++; } }
            }

            sealed class LazyRegistry
            {
                private static readonly Lazy<LazyRegistry> s_instance = new(() => new LazyRegistry());
                private static int s_count;
                private readonly object _gate = new object();

                public static LazyRegistry Current => s_instance.Value;

                public void Add() { lock (_gate) { s_count++; } }
            }

            sealed class PrivateOnly
            {
                private static int s_count;
                private readonly object _gate = new object();

                private PrivateOnly() { }

                public void Add() { lock (_gate) { s_count++; } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_InstanceState_ThreadStatic_OuterStaticLock_LambdaBody_PlainAssignment()
    {
        const string source = """
            using System;
            using System.Collections.Generic;

            class C
            {
                private static readonly object s_sync = new object();
                [ThreadStatic] private static int t_depth;
                private static int s_total;
                private static Action? s_callback;
                private readonly object _gate = new object();
                private readonly List<int> _items = new();
                private int _n;

                public void M(int x)
                {
                    lock (_gate) { _items.Add(x); _n += s_total; }
                    lock (_gate) { t_depth++; }
                    lock (s_sync) { lock (_gate) { s_total++; _n++; } }
                    lock (_gate) { s_callback = () => s_total++; }
                }

                public static void S()
                {
                    lock (typeof(C)) { s_total++; }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_OtherLockExpressions()
    {
        const string source = """
            class C
            {
                private static int s_total;
                private readonly C? _parent;

                public C(C? parent) => _parent = parent;

                public void M(string key)
                {
                    lock (this) { s_total++; }
                    lock (typeof(C)) { s_total++; }
                    lock (string.Intern(key)) { s_total++; }
                    lock (_parent!) { s_total++; }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_CheckThenActOnStaticField_NotAPlainLastWriterWinsAssignment()
    {
        const string source = """
            using System;

            class Service
            {
                private static object? s_cache;
                private static DateTime s_lastCall;
                private static int s_total;
                private readonly object _gate = new object();
                private int _calls;

                public object Get()
                {
                    lock ({|#0:_gate|})
                    {
                        if (s_cache == null)
                        {
                            s_cache = new object();
                        }

                        return s_cache;
                    }
                }

                public void Touch()
                {
                    lock (_gate)
                    {
                        _calls++;
                        s_lastCall = DateTime.UtcNow;
                    }
                }

                public void Add(int n)
                {
                    lock ({|#1:_gate|})
                    {
                        s_total = s_total + n;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithArguments("_gate", Static("s_cache")),
            Verify.Diagnostic().WithLocation(1).WithArguments("_gate", Static("s_total")));
    }
}
