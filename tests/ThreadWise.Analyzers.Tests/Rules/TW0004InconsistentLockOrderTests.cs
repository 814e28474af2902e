using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using ThreadWise.Analyzers.Tests.Meta;
using ThreadWise.Analyzers.Tests.Verifiers;
using Xunit;
using ThreadWise.CodeFixes.Rules;
using Verify = ThreadWise.Analyzers.Tests.Rules.TW0004Verify;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0004InconsistentLockOrderAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0004InconsistentLockOrderCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

public class TW0004InconsistentLockOrderTests
{
    // The diagnostics within one type are live (local), so the fix tests check locality like every other rule.
    private const CodeFixTestBehaviors LiveFix = CodeFixTestBehaviors.None;

    private static Task VerifyFixAsync(string source, string fixedSource, string? key)
    {
        var test = new VerifyFix.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = key,
            CodeFixTestBehaviors = LiveFix,
        };
        return test.RunAsync();
    }
    // ---- positives -------------------------------------------------------------------------------------------

    [Fact]
    public Task Reports_NestedLocksInOppositeOrder_BothSites()
    {
        const string source = """
            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Post()
                {
                    lock (_ledger)
                    {
                        lock ({|#0:_audit|})
                        {
                        }
                    }
                }

                public void Reconcile()
                {
                    lock (_audit)
                    {
                        lock ({|#1:_ledger|})
                        {
                        }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1)
                .WithArguments("'Post'", "_audit", "_ledger", "", "'Reconcile' takes them in the opposite order at line 20"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0)
                .WithArguments("'Reconcile'", "_ledger", "_audit", "", "'Post' takes them in the opposite order at line 10"));
    }

    [Fact]
    public Task Reports_ThroughACall_WithTheCallPath()
    {
        const string source = """
            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Post()
                {
                    lock (_ledger)
                    {
                        {|#0:WriteAudit()|};
                    }
                }

                private void WriteAudit()
                {
                    lock (_audit)
                    {
                    }
                }

                public void Reconcile()
                {
                    lock (_audit)
                    {
                        lock ({|#1:_ledger|})
                        {
                        }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1)
                .WithArguments("'Post'", "_audit", "_ledger", " (via 'WriteAudit')", "'Reconcile' takes them in the opposite order at line 25"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0)
                .WithArguments("'Reconcile'", "_ledger", "_audit", "", "'Post' takes them in the opposite order at line 10 (via 'WriteAudit')"));
    }

    [Fact]
    public Task Reports_CourseExample_FooCallsLastOfTheOtherObject()
    {
        // The course's A.foo(b) holds a's lock and calls b.last(); B.bar(a) holds b's lock and calls a.last().
        const string source = """
            using System.Threading;

            class A
            {
                private readonly object _lock = new object();

                public void Foo(B b)
                {
                    lock (_lock)
                    {
                        Thread.Sleep(200);
                        {|#0:b.Last()|};
                    }
                }

                public void Last()
                {
                    lock (_lock) { }
                }
            }

            class B
            {
                private readonly object _lock = new object();

                public void Bar(A a)
                {
                    lock (_lock)
                    {
                        Thread.Sleep(200);
                        {|#1:a.Last()|};
                    }
                }

                public void Last()
                {
                    lock (_lock) { }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1)
                .WithArguments("'Foo'", "_lock", "_lock", " (via 'Last')", "'Bar' takes them in the opposite order at line 31 (via 'Last')"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0)
                .WithArguments("'Bar'", "_lock", "_lock", " (via 'Last')", "'Foo' takes them in the opposite order at line 12 (via 'Last')"));
    }

    [Fact]
    public Task Reports_TransitiveCallChain()
    {
        const string source = """
            class C
            {
                private static readonly object s_a = new object();
                private static readonly object s_b = new object();

                public void First()
                {
                    lock (s_a)
                    {
                        {|#0:Step1()|};
                    }
                }

                private void Step1() => Step2();

                private void Step2()
                {
                    lock (s_b) { }
                }

                public void Second()
                {
                    lock (s_b)
                    {
                        lock ({|#1:s_a|}) { }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1)
                .WithArguments("'First'", "s_b", "s_a", " (via 'Step1' → 'Step2')", "'Second' takes them in the opposite order at line 25"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0)
                .WithArguments("'Second'", "s_a", "s_b", "", "'First' takes them in the opposite order at line 10 (via 'Step1' → 'Step2')"));
    }

    [Fact]
    public Task Reports_ThreeLockCycle_OnEverySite()
    {
        const string source = """
            class Dining
            {
                private static readonly object s_one = new object();
                private static readonly object s_two = new object();
                private static readonly object s_three = new object();

                public void A() { lock (s_one) { lock ({|#0:s_two|}) { } } }

                public void B() { lock (s_two) { lock ({|#1:s_three|}) { } } }

                public void C() { lock (s_three) { lock ({|#2:s_one|}) { } } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("'A'", "s_two", "s_one", "",
                "'B' takes 's_three' while holding 's_two' at line 9, and 'C' takes 's_one' while holding 's_three' at line 11"),
            Verify.Diagnostic().WithLocation(1).WithLocation(2).WithArguments("'B'", "s_three", "s_two", "",
                "'C' takes 's_one' while holding 's_three' at line 11, and 'A' takes 's_two' while holding 's_one' at line 7"),
            Verify.Diagnostic().WithLocation(2).WithLocation(0).WithArguments("'C'", "s_one", "s_three", "",
                "'A' takes 's_two' while holding 's_one' at line 7, and 'B' takes 's_three' while holding 's_two' at line 9"));
    }

    [Fact]
    public Task Reports_MixedPrimitives_MonitorAndSemaphoreSlim()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Store
            {
                private readonly object _index = new object();
                private readonly SemaphoreSlim _file = new SemaphoreSlim(1, 1);

                public async Task SaveAsync()
                {
                    await _file.WaitAsync();
                    try
                    {
                        {|#0:Monitor.Enter(_index)|};
                        try { } finally { Monitor.Exit(_index); }
                    }
                    finally
                    {
                        _file.Release();
                    }
                }

                public void Rebuild()
                {
                    lock (_index)
                    {
                        {|#1:_file.Wait()|};
                        try { } finally { _file.Release(); }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1)
                .WithArguments("'SaveAsync'", "_index", "_file", "", "'Rebuild' takes them in the opposite order at line 27"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0)
                .WithArguments("'Rebuild'", "_file", "_index", "", "'SaveAsync' takes them in the opposite order at line 14"));
    }

    [Fact]
    public Task Reports_MixedPrimitives_LockMutexAndReaderWriterLock()
    {
        const string source = """
            using System.Threading;

            class Cache
            {
                private readonly Lock _gate = new Lock();
                private readonly Mutex _file = new Mutex();
                private readonly ReaderWriterLockSlim _table = new ReaderWriterLockSlim();

                public void Load()
                {
                    using (_gate.EnterScope())
                    {
                        {|#0:_file.WaitOne()|};
                        try { } finally { _file.ReleaseMutex(); }
                    }
                }

                public void Save()
                {
                    _file.WaitOne();
                    try
                    {
                        {|#1:_table.EnterWriteLock()|};
                        try { } finally { _table.ExitWriteLock(); }
                    }
                    finally
                    {
                        _file.ReleaseMutex();
                    }
                }

                public void Flush()
                {
                    _table.EnterReadLock();
                    try
                    {
                        lock ({|#2:_gate|}) { }
                    }
                    finally
                    {
                        _table.ExitReadLock();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("'Load'", "_file", "_gate", "",
                "'Save' takes '_table' while holding '_file' at line 23, and 'Flush' takes '_gate' while holding '_table' at line 37"),
            Verify.Diagnostic().WithLocation(1).WithLocation(2).WithArguments("'Save'", "_table", "_file", "",
                "'Flush' takes '_gate' while holding '_table' at line 37, and 'Load' takes '_file' while holding '_gate' at line 13"),
            Verify.Diagnostic().WithLocation(2).WithLocation(0).WithArguments("'Flush'", "_gate", "_table", "",
                "'Load' takes '_file' while holding '_gate' at line 13, and 'Save' takes '_table' while holding '_file' at line 23"));
    }

    [Fact]
    public Task Reports_Transfer_SameFieldOfTwoParameters()
    {
        const string source = """
            class Account
            {
                private readonly object _sync = new object();
                private decimal _balance;

                public static void Transfer(Account from, Account to, decimal amount)
                {
                    if (amount > from._balance)
                    {
                        return;
                    }

                    lock (from._sync)
                    {
                        lock ({|#0:to._sync|})
                        {
                            from._balance -= amount;
                            to._balance += amount;
                        }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithArguments("'Transfer'", "to._sync", "from._sync", "",
                "a concurrent call with the two 'Account' instances swapped takes them in the opposite order"));
    }

    [Fact]
    public Task Reports_Transfer_ThisAndParameter_NestedAndThroughACall()
    {
        const string source = """
            class Account
            {
                private readonly object _sync = new object();
                private decimal _balance;

                public void TransferTo(Account other, decimal amount)
                {
                    lock (_sync)
                    {
                        lock ({|#0:other._sync|})
                        {
                            _balance -= amount;
                            other._balance += amount;
                        }
                    }
                }

                public void Send(Account other, decimal amount)
                {
                    lock (_sync)
                    {
                        _balance -= amount;
                        {|#1:other.Deposit(amount)|};
                    }
                }

                private void Deposit(decimal amount)
                {
                    lock (_sync)
                    {
                        _balance += amount;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithArguments("'TransferTo'", "other._sync", "_sync", "",
                "a concurrent call with the two 'Account' instances swapped takes them in the opposite order"),
            Verify.Diagnostic().WithLocation(1).WithArguments("'Send'", "other._sync", "_sync", " (via 'Deposit')",
                "a concurrent call with the two 'Account' instances swapped takes them in the opposite order"));
    }

    [Fact]
    public Task Reports_Transfer_LocalsFromParameters()
    {
        const string source = """
            class Account { public readonly object Sync = new object(); }

            class Bank
            {
                private readonly Account[] _accounts = new Account[10];

                public void Transfer(int fromIndex, int toIndex)
                {
                    var from = _accounts[fromIndex];
                    var to = _accounts[toIndex];
                    lock (from.Sync)
                    {
                        lock ({|#0:to.Sync|}) { }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithArguments("'Transfer'", "to.Sync", "from.Sync", "",
                "a concurrent call with the two 'Account' instances swapped takes them in the opposite order"));
    }

    [Fact]
    public Task Reports_InLambdas_StaticLocks()
    {
        const string source = """
            using System.Threading.Tasks;

            static class Program
            {
                private static readonly object s_left = new object();
                private static readonly object s_right = new object();

                public static void Run()
                {
                    var t1 = Task.Run(() => { lock (s_left) { lock ({|#0:s_right|}) { } } });
                    var t2 = Task.Run(() => { lock (s_right) { lock ({|#1:s_left|}) { } } });
                    Task.WaitAll(t1, t2);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("a lambda in 'Run'", "s_right", "s_left", "",
                "a lambda in 'Run' takes them in the opposite order at line 11"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0).WithArguments("a lambda in 'Run'", "s_left", "s_right", "",
                "a lambda in 'Run' takes them in the opposite order at line 10"));
    }

    [Fact]
    public Task Reports_FixedInstancesThroughFields_BothOrders()
    {
        const string source = """
            class Node { public readonly object Sync = new object(); }

            class Pair
            {
                private readonly Node _left = new Node();
                private readonly Node _right = new Node();

                public void A() { lock (_left.Sync) { lock ({|#0:_right.Sync|}) { } } }

                public void B() { lock (_right.Sync) { lock ({|#1:_left.Sync|}) { } } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("'A'", "_right.Sync", "_left.Sync", "",
                "they are taken in the opposite order at line 10"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0).WithArguments("'B'", "_left.Sync", "_right.Sync", "",
                "they are taken in the opposite order at line 8"));
    }

    [Fact]
    public Task Reports_AcrossFiles_NamesTheOtherFile()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("/Post.cs", """
            partial class Bank
            {
                private static readonly object s_ledger = new object();
                private static readonly object s_audit = new object();

                public void Post() { lock (s_ledger) { lock ({|#0:s_audit|}) { } } }
            }
            """));
        test.TestState.Sources.Add(("/Reconcile.cs", """
            partial class Bank
            {
                public void Reconcile()
                {
                    lock (s_audit)
                    {
                        lock ({|#1:s_ledger|}) { }
                    }
                }
            }
            """));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("'Post'", "s_audit", "s_ledger", "",
            "'Reconcile' takes them in the opposite order at line 7 of Reconcile.cs"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(1).WithLocation(0).WithArguments("'Reconcile'", "s_ledger", "s_audit", "",
            "'Post' takes them in the opposite order at line 6 of Post.cs"));
        return test.RunAsync();
    }

    [Fact]
    public Task Reports_OnNet80()
    {
        const string source = """
            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                void M() { lock (_a) { lock ({|#0:_b|}) { } } }
                void N() { lock (_b) { lock ({|#1:_a|}) { } } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, TargetFramework.Net80,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("'M'", "_b", "_a", "", "'N' takes them in the opposite order at line 6"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0).WithArguments("'N'", "_a", "_b", "", "'M' takes them in the opposite order at line 5"));
    }

    [Fact]
    public Task Reports_DocsExample_TwoDinersOneChopstickEach()
    {
        const string source = """
            using System;
            using System.Threading;

            var left = new object();
            var right = new object();

            var alice = new Thread(() =>
            {
                lock (left)
                {
                    Thread.Sleep(100);
                    lock ({|#0:right|}) { Console.WriteLine("Alice eats"); }
                }
            });
            var bob = new Thread(() =>
            {
                lock (right)
                {
                    Thread.Sleep(100);
                    lock ({|#1:left|}) { Console.WriteLine("Bob eats"); }
                }
            });
            alice.Start();
            bob.Start();
            """;
        return Verify.VerifyProgramAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("a lambda in the top-level statements", "right", "left", "",
                "a lambda in the top-level statements takes them in the opposite order at line 20"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0).WithArguments("a lambda in the top-level statements", "left", "right", "",
                "a lambda in the top-level statements takes them in the opposite order at line 12"));
    }

    [Fact]
    public Task Reports_DocsExample_LedgerAndAudit()
    {
        const string source = """
            using System.Collections.Generic;

            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();
                private readonly List<string> _entries = new List<string>();
                private readonly List<string> _log = new List<string>();

                public void Post(string e)
                {
                    lock (_ledger)
                    {
                        _entries.Add(e);
                        {|#0:WriteAudit(e)|};
                    }
                }

                private void WriteAudit(string e)
                {
                    lock (_audit) { _log.Add(e); }
                }

                public void Reconcile()
                {
                    lock (_audit)
                    {
                        lock ({|#1:_ledger|})
                        {
                            _log.AddRange(_entries);
                        }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1)
                .WithArguments("'Post'", "_audit", "_ledger", " (via 'WriteAudit')", "'Reconcile' takes them in the opposite order at line 28"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0)
                .WithArguments("'Reconcile'", "_ledger", "_audit", "", "'Post' takes them in the opposite order at line 15 (via 'WriteAudit')"));
    }

    [Fact]
    public Task NoDiagnostic_DocsExample_CompliantTransfers()
    {
        const string source = """
            using ThreadWise;

            class Account
            {
                public int Id { get; }
                private readonly object _sync = new object();
                private decimal _balance;

                public static void Transfer(Account from, Account to, decimal amount)
                {
                    var (first, second) = from.Id < to.Id ? (from, to) : (to, from);
                    lock (first._sync)
                    {
                        lock (second._sync)
                        {
                            from._balance -= amount;
                            to._balance += amount;
                        }
                    }
                }

                public static void TransferWithLockSet(Account from, Account to, decimal amount)
                {
                    using (LockSet.Enter(from._sync, to._sync))
                    {
                        from._balance -= amount;
                        to._balance += amount;
                    }
                }

                public void Give(Account other, decimal amount)
                {
                    using (LockSet.Enter(new object[] { _sync, other._sync }))
                    {
                        _balance -= amount;
                        other._balance += amount;
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_LockSetScope_ThenAnotherLockInTheOppositeOrder()
    {
        const string source = """
            using ThreadWise;

            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private readonly object _c = new object();

                void M() { using (LockSet.Enter(_a, _b)) { lock ({|#0:_c|}) { } } }

                void N() { lock (_c) { lock ({|#1:_a|}) { } } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("'M'", "_c", "_a", "", "'N' takes them in the opposite order at line 11"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0).WithArguments("'N'", "_a", "_c", "", "'M' takes them in the opposite order at line 9"));
    }

    [Fact]
    public async Task Reports_LargeCompilation_ChainOf3000MethodsWithOneInversion()
    {
        // Method i holds lock i and calls method i+1 (so lock i is held while every later lock is taken); a last method
        // takes the last lock, then the first: one cycle through all 3,000 locks, reported at each of its 3,000 sites.
        const int count = 3000;
        var source = new StringBuilder("class Chain\n{\n");
        for (var i = 0; i < count; i++)
        {
            source.Append($"    private readonly object _l{i} = new object();\n");
        }

        for (var i = 0; i < count; i++)
        {
            var call = i + 1 < count ? $"M{i + 1}();" : string.Empty;
            source.Append($"    public void M{i}() {{ lock (_l{i}) {{ {call} }} }}\n");
        }

        source.Append($"    public void Back() {{ lock (_l{count - 1}) {{ lock (_l0) {{ }} }} }}\n");
        source.Append("    public void Fine() { lock (_l0) { lock (_l1) { } } }\n}\n");

        var result = AnalyzerRunner.Run(new[] { ("Chain.cs", source.ToString()) });
        Assert.Empty(result.Exceptions);
        var lines = result.Diagnostics.Where(d => d.Id == "TW0004")
            .Select(d => d.Location.GetLineSpan().StartLinePosition.Line + 1)
            .OrderBy(l => l)
            .ToList();

        // Calls M1..M2999 (lines count+3 .. 2*count+1), the inner lock of Back, and Fine (its l0→l1 is in the cycle too).
        var expected = Enumerable.Range(count + 3, count - 1).Append((2 * count) + 3).Append((2 * count) + 4).ToList();
        Assert.Equal(expected, lines);
        await Task.CompletedTask;
    }

    // ---- negatives -------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_ConsistentOrderEverywhere()
    {
        const string source = """
            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Post() { lock (_ledger) { lock (_audit) { } } }

                public void Reconcile() { lock (_ledger) { WriteAudit(); } }

                private void WriteAudit() { lock (_audit) { } }

                public void Audit() { lock (_audit) { } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReenteringTheSameLock()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private readonly Lock _gate = new Lock();

                public void A() { lock (_sync) { lock (_sync) { B(); } } }

                public void B() { lock (_sync) { A(); } }

                public void D() { using (_gate.EnterScope()) { lock (_gate) { } } }

                public void E(C other) { lock (other._sync) { other.B(); } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReenteringAnOuterLockWhileHoldingAnInnerOne()
    {
        // _a is already held when it is taken again under _b: re-entering never blocks, so there is no _b → _a order.
        const string source = """
            using System.Threading;

            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();

                public void Direct() { lock (_a) { lock (_b) { lock (_a) { } } } }

                public void Through() { lock (_a) { lock (_b) { Inner(); } } }

                private void Inner() { lock (_a) { } }

                public void Monitors()
                {
                    Monitor.Enter(_a);
                    try
                    {
                        lock (_b) { Recursive(); }
                    }
                    finally { Monitor.Exit(_a); }
                }

                private void Recursive() { lock (_a) { } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ARealInversion_BesideAReentry()
    {
        // Direct re-enters _a (silent there), but Other really takes _a while holding _b.
        const string source = """
            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();

                public void Direct() { lock (_a) { lock ({|#0:_b|}) { lock (_a) { } } } }

                public void Other() { lock (_b) { {|#1:Inner()|}; } }

                private void Inner() { lock (_a) { } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1)
                .WithArguments("'Direct'", "_b", "_a", "", "'Other' takes them in the opposite order at line 8 (via 'Inner')"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0)
                .WithArguments("'Other'", "_a", "_b", " (via 'Inner')", "'Direct' takes them in the opposite order at line 6"));
    }

    [Fact]
    public Task NoDiagnostic_LocksTakenOneAfterAnother()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();

                public void M()
                {
                    lock (_a) { }
                    lock (_b) { }
                }

                public void N()
                {
                    lock (_b) { }
                    Monitor.Enter(_a);
                    try { } finally { Monitor.Exit(_a); }
                    lock (_b) { }
                }

                public void P()
                {
                    Monitor.Enter(_b);
                    Monitor.Exit(_b);
                    lock (_a) { }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TransferOrderedById()
    {
        const string source = """
            class Account
            {
                public int Id { get; }
                private readonly object _sync = new object();

                public static void Transfer(Account from, Account to)
                {
                    if (from.Id < to.Id)
                    {
                        lock (from._sync) { lock (to._sync) { } }
                    }
                    else
                    {
                        lock (to._sync) { lock (from._sync) { } }
                    }
                }

                public static void Move(Account from, Account to)
                {
                    var first = from.Id < to.Id ? from : to;
                    var second = first == from ? to : from;
                    lock (first._sync)
                    {
                        lock (second._sync) { }
                    }
                }

                public void Give(Account other)
                {
                    var (a, b) = Order(this, other);
                    lock (a._sync) { lock (b._sync) { } }
                }

                private static (Account, Account) Order(Account x, Account y) => x.Id.CompareTo(y.Id) < 0 ? (x, y) : (y, x);
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_InnerTryEnterWithTimeout_CannotWaitForever()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();

                public void M() { lock (_a) { lock (_b) { } } }

                public void N()
                {
                    lock (_b)
                    {
                        if (Monitor.TryEnter(_a, TimeSpan.FromMilliseconds(100)))
                        {
                            try { } finally { Monitor.Exit(_a); }
                        }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_SemaphoreUsedAsASignal()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly object _a = new object();
                private readonly SemaphoreSlim _ready = new SemaphoreSlim(0);

                public void Consumer()
                {
                    _ready.Wait();
                    lock (_a) { }
                }

                public void Producer()
                {
                    lock (_a)
                    {
                        _ready.Release();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LambdaRunsLater_NotUnderTheLock()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();

                public Task M()
                {
                    lock (_a)
                    {
                        return Task.Run(() => { lock (_b) { } });
                    }
                }

                public void N() { lock (_b) { lock (_a) { } } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ReleasedOnEveryPathBeforeTheOtherLock()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();

                public void M(bool quick)
                {
                    bool taken = false;
                    try
                    {
                        Monitor.Enter(_a, ref taken);
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(_a);
                    }

                    lock (_b) { }

                    if (!Monitor.TryEnter(_b))
                    {
                        lock (_a) { }
                        return;
                    }

                    Monitor.Exit(_b);
                }

                public void N() { lock (_b) { lock (_a) { } } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_TreeParentThenChild()
    {
        const string source = """
            using System.Collections.Generic;

            class Node
            {
                private readonly object _sync = new object();
                private readonly List<Node> _children = new List<Node>();

                private Node _parent;

                public void Visit()
                {
                    lock (_sync)
                    {
                        foreach (var child in _children)
                        {
                            lock (child._sync) { }
                            child.Visit();
                        }

                        var first = _children[0];
                        lock (first._sync) { }
                    }
                }

                public static void Attach(Node node)
                {
                    var parent = node._parent;
                    lock (node._sync)
                    {
                        lock (parent._sync) { }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_FixedInstancesInOneOrder()
    {
        const string source = """
            class Node { public readonly object Sync = new object(); }

            class Pair
            {
                private readonly Node _left = new Node();
                private readonly Node _right = new Node();

                public void A() { lock (_left.Sync) { lock (_right.Sync) { } } }

                public void B() { lock (_left.Sync) { lock (_right.Sync) { } } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_LocksWithoutAFieldIdentity()
    {
        const string source = """
            class C
            {
                public void M(object a, object b) { lock (a) { lock (b) { } } }

                public void N(object a, object b) { lock (b) { lock (a) { } } }

                public void P() { lock (this) { lock (typeof(C)) { } } }

                public void Q() { lock (typeof(C)) { lock (this) { } } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_MutualRecursion_EachEntryTakesTheOtherOrder()
    {
        const string source = """
            class C
            {
                private static readonly object s_a = new object();
                private static readonly object s_b = new object();

                public void M(int n) { lock (s_a) { {|#0:N(n)|}; } }

                public void N(int n)
                {
                    lock (s_b)
                    {
                        if (n > 0) {|#1:M(n - 1)|};
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1)
                .WithArguments("'M'", "s_b", "s_a", " (via 'N')", "'N' takes them in the opposite order at line 12 (via 'M')"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0)
                .WithArguments("'N'", "s_a", "s_b", " (via 'M')", "'M' takes them in the opposite order at line 6 (via 'N')"));
    }

    [Fact]
    public Task NoDiagnostic_ReaderWriterReadThenOtherLock_Consistent()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private readonly object _a = new object();

                public async Task M()
                {
                    await _gate.WaitAsync();
                    try
                    {
                        _rw.EnterReadLock();
                        try { lock (_a) { } } finally { _rw.ExitReadLock(); }
                    }
                    finally { _gate.Release(); }
                }

                public void N()
                {
                    _gate.Wait();
                    try { lock (_a) { } } finally { _gate.Release(); }
                    _rw.EnterWriteLock();
                    _rw.ExitWriteLock();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_ThrottleSemaphore_IsNotAMutex()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _throttle = new SemaphoreSlim(8);
                private readonly object _a = new object();

                public async Task M()
                {
                    await _throttle.WaitAsync();
                    try { lock (_a) { } } finally { _throttle.Release(); }
                }

                public void N()
                {
                    lock (_a)
                    {
                        _throttle.Wait();
                        _throttle.Release();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_SameInstanceThroughThis_AndOtherInstanceNotNested()
    {
        const string source = """
            class Account
            {
                private readonly object _sync = new object();
                private decimal _balance;

                public void Add(decimal amount)
                {
                    lock (_sync)
                    {
                        Deposit(amount);
                        this.Deposit(amount);
                    }
                }

                public void Move(Account other, decimal amount)
                {
                    lock (_sync) { _balance -= amount; }
                    other.Deposit(amount);
                    lock (other._sync) { }
                }

                private void Deposit(decimal amount)
                {
                    lock (_sync) { _balance += amount; }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_CallsThroughInterfacesAndDelegates_AreNotFollowed()
    {
        const string source = """
            using System;

            interface ISink { void Write(); }

            class C : ISink
            {
                private static readonly object s_a = new object();
                private static readonly object s_b = new object();
                public event Action Changed;

                public void Write() { lock (s_b) { } }

                public void M(ISink sink, Action callback)
                {
                    lock (s_a)
                    {
                        sink.Write();
                        callback();
                        Changed?.Invoke();
                    }
                }

                public void N() { lock (s_b) { lock (s_a) { } } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_ThroughAPropertyGetter()
    {
        const string source = """
            class Cache
            {
                private static readonly object s_index = new object();
                private static readonly object s_stats = new object();
                private static int s_hits;

                public static int Hits
                {
                    get { lock (s_stats) { return s_hits; } }
                }

                public void Lookup()
                {
                    lock (s_index)
                    {
                        var hits = {|#0:Hits|};
                    }
                }

                public void Report()
                {
                    lock (s_stats)
                    {
                        lock ({|#1:s_index|}) { }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("'Lookup'", "s_stats", "s_index", " (via 'Hits')", "'Report' takes them in the opposite order at line 24"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0).WithArguments("'Report'", "s_index", "s_stats", "", "'Lookup' takes them in the opposite order at line 16 (via 'Hits')"));
    }

    [Fact]
    public Task Reports_PartialMethodAndLocalFunction()
    {
        const string source = """
            partial class C
            {
                private static readonly object s_a = new object();
                private static readonly object s_b = new object();

                partial void TakeB();

                public void M() { lock (s_a) { {|#0:TakeB()|}; } }

                public void N()
                {
                    lock (s_b) { {|#1:TakeA()|}; }

                    void TakeA() { lock (s_a) { } }
                }
            }

            partial class C
            {
                partial void TakeB() { lock (s_b) { } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("'M'", "s_b", "s_a", " (via 'TakeB')", "'N' takes them in the opposite order at line 12 (via 'TakeA')"),
            Verify.Diagnostic().WithLocation(1).WithLocation(0).WithArguments("'N'", "s_a", "s_b", " (via 'TakeA')", "'M' takes them in the opposite order at line 8 (via 'TakeB')"));
    }

    [Fact]
    public Task NoDiagnostic_RealCodeShapes()
    {
        const string source = """
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            sealed class BoundedBuffer<T>
            {
                private readonly object _sync = new object();
                private readonly Queue<T> _items = new Queue<T>();

                public void Put(T item)
                {
                    lock (_sync)
                    {
                        while (_items.Count >= 10) Monitor.Wait(_sync);
                        _items.Enqueue(item);
                        Monitor.PulseAll(_sync);
                    }
                }

                public T Take()
                {
                    lock (_sync)
                    {
                        while (_items.Count == 0) Monitor.Wait(_sync);
                        Monitor.PulseAll(_sync);
                        return _items.Dequeue();
                    }
                }
            }

            sealed class Registry
            {
                private static readonly object s_create = new object();
                private static Registry s_instance;
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private readonly Dictionary<string, string> _map = new Dictionary<string, string>();
                private readonly SemaphoreSlim _io = new SemaphoreSlim(1, 1);

                public static Registry Instance
                {
                    get
                    {
                        if (s_instance is null)
                        {
                            lock (s_create)
                            {
                                s_instance ??= new Registry();
                            }
                        }

                        return s_instance;
                    }
                }

                public string GetOrAdd(string key, Func<string> create)
                {
                    _rw.EnterUpgradeableReadLock();
                    try
                    {
                        if (_map.TryGetValue(key, out var value)) return value;
                        _rw.EnterWriteLock();
                        try { return _map[key] = create(); }
                        finally { _rw.ExitWriteLock(); }
                    }
                    finally
                    {
                        _rw.ExitUpgradeableReadLock();
                    }
                }

                public async Task SaveAsync()
                {
                    await _io.WaitAsync();
                    try
                    {
                        _rw.EnterReadLock();
                        try { await Task.Yield(); } finally { _rw.ExitReadLock(); }
                    }
                    finally { _io.Release(); }
                }

                public async Task LoadAsync()
                {
                    await _io.WaitAsync().ConfigureAwait(false);
                    try
                    {
                        var registry = Instance;
                        _rw.EnterWriteLock();
                        try { _map.Clear(); } finally { _rw.ExitWriteLock(); }
                    }
                    finally { _io.Release(); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // ---- code fixes ------------------------------------------------------------------------------------------

    [Fact]
    public Task Fix_ReorderLocks_ToTheOrderUsedFirst()
    {
        const string source = """
            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Post()
                {
                    lock (_ledger)
                    {
                        lock ({|TW0004:_audit|})
                        {
                            Work();
                        }
                    }
                }

                public void Reconcile()
                {
                    // audit first (wrong)
                    lock (_audit) // outer
                    {
                        lock ({|TW0004:_ledger|}) // inner
                        {
                            Work(); // keep me
                        }
                    }
                }

                private static void Work() { }
            }
            """;
        const string fixedSource = """
            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Post()
                {
                    lock (_ledger)
                    {
                        lock (_audit)
                        {
                            Work();
                        }
                    }
                }

                public void Reconcile()
                {
                    // audit first (wrong)
                    lock (_ledger) // outer
                    {
                        lock (_audit) // inner
                        {
                            Work(); // keep me
                        }
                    }
                }

                private static void Work() { }
            }
            """;
        return VerifyFixAsync(source, fixedSource, TW0004InconsistentLockOrderCodeFix.ReorderLocksKey);
    }

    [Fact]
    public Task Fix_ReorderLocks_MajorityOrderWins_NoBraces()
    {
        const string source = """
            class C
            {
                private static readonly object s_a = new object();
                private static readonly object s_b = new object();

                void M2() { lock (s_a) { lock ({|TW0004:s_b|}) { } } }
                void M3() { lock (s_a) { lock ({|TW0004:s_b|}) { } } }
                void M4() { lock (s_b) lock ({|TW0004:s_a|}) { } }
                void M5() { lock (s_a) { Take(); } }
                void Take() { lock (s_b) { } }
            }
            """;
        const string fixedSource = """
            class C
            {
                private static readonly object s_a = new object();
                private static readonly object s_b = new object();

                void M2() { lock (s_a) { lock (s_b) { } } }
                void M3() { lock (s_a) { lock (s_b) { } } }
                void M4() { lock (s_a) lock (s_b) { } }
                void M5() { lock (s_a) { Take(); } }
                void Take() { lock (s_b) { } }
            }
            """;
        var test = new VerifyFix.Test
        {
            TestCode = source.Replace("{ Take(); }", "{ {|TW0004:Take()|}; }"),
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = TW0004InconsistentLockOrderCodeFix.ReorderLocksKey,
            CodeFixTestBehaviors = LiveFix,
        };
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_UseLockSet_TransferOfTwoInstances()
    {
        const string source = """
            class Account
            {
                private readonly object _sync = new object();
                private decimal _balance;

                public static void Transfer(Account from, Account to, decimal amount)
                {
                    // both accounts
                    lock (from._sync) // source
                    {
                        lock ({|TW0004:to._sync|}) // target
                        {
                            from._balance -= amount;
                            to._balance += amount;
                        }
                    }
                }
            }
            """;
        const string fixedSource = """
            using ThreadWise;

            class Account
            {
                private readonly object _sync = new object();
                private decimal _balance;

                public static void Transfer(Account from, Account to, decimal amount)
                {
                    // both accounts
                    using (LockSet.Enter(from._sync, to._sync)) // source
                    {
                        // target
                        from._balance -= amount;
                        to._balance += amount;
                    }
                }
            }
            """;
        return VerifyFixAsync(source, fixedSource, TW0004InconsistentLockOrderCodeFix.UseLockSetKey);
    }

    [Fact]
    public Task Fix_UseLockSet_InnerLockAmongOtherStatements_KeepsItsBlockAndComments()
    {
        const string source = """
            using ThreadWise;

            class Account
            {
                private readonly object _sync = new object();
                private decimal _balance;

                public void Give(Account other, decimal amount)
                {
                    lock (_sync)
                    {
                        _balance -= amount;
                        lock ({|TW0004:other._sync|}) // the receiver
                        {
                            other._balance += amount;
                        }
                    }
                }
            }
            """;
        const string fixedSource = """
            using ThreadWise;

            class Account
            {
                private readonly object _sync = new object();
                private decimal _balance;

                public void Give(Account other, decimal amount)
                {
                    using (LockSet.Enter(_sync, other._sync))
                    {
                        _balance -= amount;
                        {
                            // the receiver
                            other._balance += amount;
                        }
                    }
                }
            }
            """;
        return VerifyFixAsync(source, fixedSource, TW0004InconsistentLockOrderCodeFix.UseLockSetKey);
    }

    [Fact]
    public Task Fix_HoistsTheWantedOuterLock_OverStatementsThatTakeNoLock()
    {
        // The losing site takes '_ledger' first, over the whole body: Console.WriteLine takes none of our locks.
        const string source = """
            using System;

            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Post()
                {
                    lock (_ledger)
                    {
                        lock ({|TW0004:_audit|})
                        {
                            Console.WriteLine("post");
                        }
                    }
                }

                public void Reconcile()
                {
                    lock (_audit)
                    {
                        Console.WriteLine("check");
                        lock ({|TW0004:_ledger|})
                        {
                            Console.WriteLine("reconcile");
                        }
                    }
                }
            }
            """;
        const string fixedSource = """
            using System;

            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Post()
                {
                    lock (_ledger)
                    {
                        lock (_audit)
                        {
                            Console.WriteLine("post");
                        }
                    }
                }

                public void Reconcile()
                {
                    lock (_ledger)
                    {
                        lock (_audit)
                        {
                            Console.WriteLine("check");
                            Console.WriteLine("reconcile");
                        }
                    }
                }
            }
            """;
        return VerifyFixAsync(source, fixedSource, null);
    }

    [Fact]
    public Task NoFix_UseLockSet_WithoutTheRuntimeLibrary()
    {
        const string source = """
            class Account
            {
                private readonly object _sync = new object();

                public static void Transfer(Account from, Account to)
                {
                    lock (from._sync)
                    {
                        lock ({|TW0004:to._sync|}) { }
                    }
                }
            }
            """;
        var test = new VerifyFix.Test(withRuntimeLibrary: false) { TestCode = source, FixedCode = source, CodeFixTestBehaviors = LiveFix };
        return test.RunAsync();
    }

    [Fact]
    public Task NoFix_ThroughACall_OrSystemThreadingLock()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly Lock _a = new Lock();
                private readonly Lock _b = new Lock();

                void M() { lock (_a) { {|TW0004:Take()|}; } }
                void Take() { lock (_b) { } }
                void N() { lock (_b) { Nothing(); lock ({|TW0004:_a|}) { } } }

                void P(C other) { lock (_a) { lock ({|TW0004:other._a|}) { } } }
                static void Nothing() { }
            }
            """;
        return VerifyFixAsync(source, source, null);
    }

    // ---- incomplete code -------------------------------------------------------------------------------------

    [Fact]
    public void NoException_OnVeryDeepCode()
    {
        var concat = string.Join(" + ", Enumerable.Range(0, 3000).Select(i => $"x{i % 10}"));
        var chain = string.Concat(Enumerable.Range(0, 400).Select(i => $"if (n == {i}) lock (_b) {{ }} else "));
        var source = $$"""
            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();

                string M(int n, string x0, string x1, string x2, string x3, string x4, string x5, string x6, string x7, string x8, string x9)
                {
                    lock (_a)
                    {
                        {{chain}} { }
                        return {{concat}};
                    }
                }

                void N() { lock (_b) { lock (_a) { } } }
            }
            """;
        var result = AnalyzerRunner.Run(new[] { ("Deep.cs", source) });
        Assert.Empty(result.Exceptions);
    }

    [Theory]
    [InlineData("class C { object _a = new object(); object _b; void M() { lock (_a) { lock (_b")]
    [InlineData("class C { object _a; object _b; void M() { lock (_a) { N( } } void N() { lock (_b) { lock (_a) } } }")]
    [InlineData("class C { object _a; void M(C other) { lock (_a) { lock (other. ) { } } } }")]
    [InlineData("using System.Threading; class C { SemaphoreSlim _s; object _a; void M() { _s.Wait(); lock (_a) { Monitor.Enter(; } _s.Release(")]
    [InlineData("class C { static object s_a, s_b; void M() => lock (s_a) { } void N() { lock (s_b) { M( } } }")]
    public void NoException_OnIncompleteCode(string source)
    {
        var result = AnalyzerRunner.Run(new[] { ("Broken.cs", source) });
        Assert.Empty(result.Exceptions);
    }
}
