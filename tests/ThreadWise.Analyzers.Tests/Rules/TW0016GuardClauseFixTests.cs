using System.Threading.Tasks;
using ThreadWise.CodeFixes.Rules;
using Xunit;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0016CheckThenActOnSharedStateAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0016CheckThenActOnSharedStateCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0016's lock fix on a guard clause: one lock from the guard through the last write of what it checks (widened to the
/// end of the block when a local declared in between is used after); no Atomic form; not offered across an await.
/// </summary>
public class TW0016GuardClauseFixTests
{
    [Fact]
    public Task Fix_LocksTheGuardThroughTheWrite_KeepsCommentsAndBlankLines_NullKeyFixAll()
    {
        const string source = """
            using System.Threading.Tasks;

            class Account
            {
                private int _balance = 1000;

                public bool TryWithdraw(int amount)
                {
                    // refuse what is not there
                    {|TW0016:if (_balance < amount)|} return false; // too little

                    _balance -= amount; // pay out
                    return true;
                }

                public void Run() => Parallel.Invoke(() => TryWithdraw(800), () => TryWithdraw(800));
            }
            """;
        const string fixedSource = """
            using System.Threading.Tasks;

            class Account
            {
                private int _balance = 1000;
                private readonly object _sync = new object();

                public bool TryWithdraw(int amount)
                {
                    // refuse what is not there
                    lock (_sync)
                    {
                        if (_balance < amount) return false; // too little

                        _balance -= amount; // pay out
                    }
                    return true;
                }

                public void Run() => Parallel.Invoke(() => TryWithdraw(800), () => TryWithdraw(800));
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_OnceFlag_TheWorkAfterTheFlagStaysOutsideTheLock()
    {
        const string source = """
            using System;
            using System.Threading;

            class Connector
            {
                private bool _started;
                private readonly Timer _timer;

                public Connector() => _timer = new Timer(_ => Start(), null, 0, 100);

                private void Start()
                {
                    {|TW0016:if (_started)|}
                    {
                        return;
                    }

                    _started = true;
                    Console.WriteLine("connecting");
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            class Connector
            {
                private bool _started;
                private readonly Timer _timer;
                private readonly object _sync = new object();

                public Connector() => _timer = new Timer(_ => Start(), null, 0, 100);

                private void Start()
                {
                    lock (_sync)
                    {
                        if (_started)
                        {
                            return;
                        }

                        _started = true;
                    }
                    Console.WriteLine("connecting");
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_LocalDeclaredInTheSpan_UsedAfter_WidensToTheEndOfTheBlock_StaticLock()
    {
        const string source = """
            using System;
            using System.Threading.Tasks;

            static class Seats
            {
                private static int s_free = 100;

                public static int Book()
                {
                    {|TW0016:if (s_free <= 0)|} throw new InvalidOperationException("full");
                    var seat = s_free--;
                    Console.WriteLine(seat);
                    return seat;
                }

                public static void Run() => Parallel.For(0, 10, _ => Book());
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading.Tasks;

            static class Seats
            {
                private static int s_free = 100;
                private static readonly object s_sync = new object();

                public static int Book()
                {
                    lock (s_sync)
                    {
                        if (s_free <= 0) throw new InvalidOperationException("full");
                        var seat = s_free--;
                        Console.WriteLine(seat);
                        return seat;
                    }
                }

                public static void Run() => Parallel.For(0, 10, _ => Book());
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_UsesTheLockTheOtherWritesTake_AndAtomicKeyFallsBackToTheLock()
    {
        const string source = """
            using System.Threading.Tasks;

            class Account
            {
                private readonly object _gate = new();
                private int _balance;

                public void Deposit(int amount)
                {
                    lock (_gate)
                    {
                        _balance += amount;
                    }
                }

                public bool TryWithdraw(int amount)
                {
                    {|TW0016:if (_balance < amount)|} return false;
                    _balance -= amount;
                    return true;
                }

                public void Run() => Parallel.Invoke(() => TryWithdraw(800), () => Deposit(800));
            }
            """;
        const string fixedSource = """
            using System.Threading.Tasks;

            class Account
            {
                private readonly object _gate = new();
                private int _balance;

                public void Deposit(int amount)
                {
                    lock (_gate)
                    {
                        _balance += amount;
                    }
                }

                public bool TryWithdraw(int amount)
                {
                    lock (_gate)
                    {
                        if (_balance < amount) return false;
                        _balance -= amount;
                    }
                    return true;
                }

                public void Run() => Parallel.Invoke(() => TryWithdraw(800), () => Deposit(800));
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0016CheckThenActOnSharedStateCodeFix.WrapInLockKey);
    }

    [Fact]
    public Task Fix_TwoGuardsWithOverlappingSpans_ShareOneLock_InALoop()
    {
        const string source = """
            using System;
            using System.Threading.Tasks;

            class Batcher
            {
                private bool _flushing;
                private int _pending;

                public void Flush(int[] items)
                {
                    foreach (var item in items)
                    {
                        {|TW0016:if (_flushing)|} continue;
                        {|TW0016:if (_pending > 100)|} break;
                        _flushing = true;
                        _pending++;
                        Console.WriteLine(item);
                    }
                }

                public void Run(int[] items) => Parallel.For(0, 4, _ => Flush(items));
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading.Tasks;

            class Batcher
            {
                private bool _flushing;
                private int _pending;
                private readonly object _sync = new object();

                public void Flush(int[] items)
                {
                    foreach (var item in items)
                    {
                        lock (_sync)
                        {
                            if (_flushing) continue;
                            if (_pending > 100) break;
                            _flushing = true;
                            _pending++;
                        }
                        Console.WriteLine(item);
                    }
                }

                public void Run(int[] items) => Parallel.For(0, 4, _ => Flush(items));
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_ABranchThatActsAndLeaves_IsTheIfShape_TheLockHoldsTheIfAlone()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Gate
            {
                private int _active;

                public bool Enter(int max)
                {
                    {|TW0016:if (Volatile.Read(ref _active) < max)|}
                    {
                        Interlocked.Increment(ref _active);
                        return true;
                    }

                    return false;
                }

                public void Run() => Parallel.For(0, 10, _ => Enter(4));
            }
            """;
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;

            class Gate
            {
                private int _active;
                private readonly object _sync = new object();

                public bool Enter(int max)
                {
                    lock (_sync)
                    {
                        if (Volatile.Read(ref _active) < max)
                        {
                            Interlocked.Increment(ref _active);
                            return true;
                        }
                    }

                    return false;
                }

                public void Run() => Parallel.For(0, 10, _ => Enter(4));
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task NoFix_WhenTheSpanAwaits()
    {
        const string source = """
            using System.Threading.Tasks;

            class Loader
            {
                private bool _loading;

                public async Task LoadAsync()
                {
                    {|TW0016:if (_loading)|} return;
                    await Task.Yield();
                    _loading = true;
                    System.Console.WriteLine("loading");
                }

                public void Run() => Parallel.For(0, 4, _ => LoadAsync().Wait());
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }
}
