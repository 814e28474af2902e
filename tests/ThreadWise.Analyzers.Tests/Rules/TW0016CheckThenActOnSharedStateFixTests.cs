using System.Threading.Tasks;
using ThreadWise.CodeFixes.Rules;
using Xunit;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0016CheckThenActOnSharedStateAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0016CheckThenActOnSharedStateCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0016's fixes: the lock around the whole if (TW0001's lock object, or the lock the other writes take), and Atomic.TryUpdate.</summary>
public class TW0016CheckThenActOnSharedStateFixTests
{
    private const string Account = """
        using System.Threading;
        using System.Threading.Tasks;

        class Account
        {
            private int _balance = 1000;

            public void Withdraw(int amount)
            {
                // only when the money is there
                {|TW0016:if (_balance >= amount)|}
                {
                    Thread.Sleep(1);
                    _balance -= amount; // the act
                }
            }

            public void Run() => Parallel.Invoke(() => Withdraw(800), () => Withdraw(800));
        }
        """;

    [Fact]
    public Task Fix_WrapsTheWholeIfInLock_KeepsComments_NullKeyFixAll()
    {
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;

            class Account
            {
                private int _balance = 1000;
                private readonly object _sync = new object();

                public void Withdraw(int amount)
                {
                    // only when the money is there
                    lock (_sync)
                    {
                        if (_balance >= amount)
                        {
                            Thread.Sleep(1);
                            _balance -= amount; // the act
                        }
                    }
                }

                public void Run() => Parallel.Invoke(() => Withdraw(800), () => Withdraw(800));
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(Account, fixedSource);
    }

    [Fact]
    public Task Fix_UsesTheLockTheOtherWritesTake()
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

                public void Withdraw(int amount)
                {
                    {|TW0016:if (_balance >= amount)|} _balance -= amount;
                }

                public void Run() => Parallel.Invoke(() => Withdraw(800), () => Deposit(800));
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

                public void Withdraw(int amount)
                {
                    lock (_gate)
                    {
                        if (_balance >= amount) _balance -= amount;
                    }
                }

                public void Run() => Parallel.Invoke(() => Withdraw(800), () => Deposit(800));
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_StaticState_InALambda_GetsTheStaticLock()
    {
        const string source = """
            using System.Threading.Tasks;

            static class Gauge
            {
                private static int s_max;

                public static void Track(int[] samples) =>
                    Parallel.ForEach(samples, s => { {|TW0016:if (s > s_max)|} s_max = s; });
            }
            """;
        const string fixedSource = """
            using System.Threading.Tasks;

            static class Gauge
            {
                private static int s_max;
                private static readonly object s_sync = new object();

                public static void Track(int[] samples) =>
                    Parallel.ForEach(samples, s => {
                        lock (s_sync)
                        {
                            if (s > s_max) s_max = s;
                        }
                    });
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_Atomic_MaxTracking_AddsTheUsing()
    {
        const string source = """
            using System.Threading.Tasks;

            class Gauge
            {
                private int _max;

                public void Track(int[] samples) => Parallel.ForEach(samples, s =>
                {
                    {|TW0016:if (s > _max)|} _max = s;
                });
            }
            """;
        const string fixedSource = """
            using System.Threading.Tasks;
            using ThreadWise;

            class Gauge
            {
                private int _max;

                public void Track(int[] samples) => Parallel.ForEach(samples, s =>
                {
                    Atomic.TryUpdate(ref _max, max => s > max ? s : null);
                });
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0016CheckThenActOnSharedStateCodeFix.UseAtomicKey);
    }

    [Fact]
    public Task Fix_Atomic_ElseBranch_AndRestOfTheBranch()
    {
        const string source = """
            using System;
            using System.Threading.Tasks;
            using ThreadWise;

            class Tickets
            {
                private long _left = 100;

                public bool Sell(int n)
                {
                    {|TW0016:if (_left >= n)|}
                    {
                        _left -= n;
                        return true;
                    }

                    return false;
                }

                public void Refuse(int n)
                {
                    {|TW0016:if (this._left > 0)|}
                        _left--;
                    else
                        Console.WriteLine("sold out");
                }

                public void Run() => Parallel.For(0, 10, i => { Sell(i); Refuse(i); });
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading.Tasks;
            using ThreadWise;

            class Tickets
            {
                private long _left = 100;

                public bool Sell(int n)
                {
                    if (Atomic.TryUpdate(ref _left, left => left >= n ? left - n : null))
                    {
                        return true;
                    }

                    return false;
                }

                public void Refuse(int n)
                {
                    if (!Atomic.TryUpdate(ref _left, left => left > 0 ? left - 1 : null))
                        Console.WriteLine("sold out");
                }

                public void Run() => Parallel.For(0, 10, i => { Sell(i); Refuse(i); });
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, TW0016CheckThenActOnSharedStateCodeFix.UseAtomicKey);
    }

    [Fact]
    public Task Fix_OnlyTheLock_WhenNoAtomicFormKeepsTheMeaning()
    {
        // A bool flag, a property in the condition and a call in the new value: no Atomic form keeps the meaning.
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                private bool _started;
                private int _n;
                private int Limit { get; } = 5;
                private static int Next(int v) => v - 1;

                void Start()
                {
                    {|TW0016:if (!_started)|}
                    {
                        _started = true;
                        System.Console.WriteLine();
                    }

                    {|TW0016:if (_n < Limit)|} _n++;
                    {|TW0016:if (_n > 0)|} _n = Next(_n);
                }

                void Run() => Parallel.For(0, 4, _ => Start());
            }
            """;
        const string fixedSource = """
            using System.Threading.Tasks;

            class C
            {
                private bool _started;
                private int _n;
                private readonly object _sync = new object();

                private int Limit { get; } = 5;
                private static int Next(int v) => v - 1;

                void Start()
                {
                    lock (_sync)
                    {
                        if (!_started)
                        {
                            _started = true;
                            System.Console.WriteLine();
                        }
                    }

                    lock (_sync)
                    {
                        if (_n < Limit) _n++;
                        if (_n > 0) _n = Next(_n);
                    }
                }

                void Run() => Parallel.For(0, 4, _ => Start());
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public Task NoFix_IfWithAwait()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                private int _n = 5;

                async Task Take()
                {
                    {|TW0016:if (_n > 0)|}
                    {
                        await Task.Yield();
                        _n--;
                    }
                }

                void Run() => Parallel.For(0, 4, _ => Take().Wait());
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task Fix_TopLevelProgram_LocalLock()
    {
        const string source = """
            using System.Threading.Tasks;

            var balance = 1000;
            Parallel.For(0, 2, _ =>
            {
                {|TW0016:if (balance >= 800)|}
                {
                    balance -= 800;
                }
            });
            System.Console.WriteLine(balance);
            """;
        const string fixedSource = """
            using System.Threading.Tasks;

            var balance = 1000;
            var sync = new object();
            Parallel.For(0, 2, _ =>
            {
                lock (sync)
                {
                    if (balance >= 800)
                    {
                        balance -= 800;
                    }
                }
            });
            System.Console.WriteLine(balance);
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, outputKind: Microsoft.CodeAnalysis.OutputKind.ConsoleApplication);
    }
}
