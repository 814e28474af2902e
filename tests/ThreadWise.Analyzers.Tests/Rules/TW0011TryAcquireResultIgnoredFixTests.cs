using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0011TryAcquireResultIgnoredAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0011TryAcquireResultIgnoredCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0011 fix: a thrown-away try-acquire result becomes <c>if (!…) throw new TimeoutException(…)</c>.</summary>
public class TW0011TryAcquireResultIgnoredFixTests
{
    private const string Key = ThreadWise.CodeFixes.Rules.TW0011TryAcquireResultIgnoredCodeFix.ThrowWhenNotAcquiredKey;

    [Fact]
    public Task Fix_DiscardedTryEnter_ThrowsWhenNotAcquired_KeepsComments()
    {
        const string source = """
            using System;
            using System.Threading;

            class Account
            {
                private readonly object _sync = new object();
                private int _balance;

                public void Withdraw(int amount)
                {
                    // take the lock, but do not wait forever
                    [|Monitor.TryEnter(_sync, 100)|]; // 100 ms
                    try
                    {
                        _balance -= amount;
                    }
                    finally
                    {
                        Monitor.Exit(_sync);
                    }
                }
            }
            """;
        const string expected = """
            using System;
            using System.Threading;

            class Account
            {
                private readonly object _sync = new object();
                private int _balance;

                public void Withdraw(int amount)
                {
                    // take the lock, but do not wait forever
                    if (!Monitor.TryEnter(_sync, 100)) // 100 ms
                    {
                        throw new TimeoutException("'_sync' was not acquired");
                    }

                    try
                    {
                        _balance -= amount;
                    }
                    finally
                    {
                        Monitor.Exit(_sync);
                    }
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, expected, Key);
    }

    [Fact]
    public Task Fix_AwaitedWaitAsync_KeepsConfigureAwait_QualifiesTheException()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Store
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task SaveAsync(CancellationToken ct)
                {
                    await [|_gate.WaitAsync(500, ct)|].ConfigureAwait(false);
                    try
                    {
                        await Task.Delay(1, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            """;
        const string expected = """
            using System.Threading;
            using System.Threading.Tasks;

            class Store
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task SaveAsync(CancellationToken ct)
                {
                    if (!await _gate.WaitAsync(500, ct).ConfigureAwait(false))
                    {
                        throw new System.TimeoutException("'_gate' was not acquired");
                    }

                    try
                    {
                        await Task.Delay(1, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, expected, Key);
    }

    [Fact]
    public Task FixAll_WithNullKey_FixesEveryDiscardedResult()
    {
        const string source = """
            using System;
            using System.Threading;

            class Worker
            {
                private readonly Mutex _mutex = new Mutex();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                public void A()
                {
                    _ = [|_mutex.WaitOne(200)|];
                    Console.WriteLine("a");
                    _mutex.ReleaseMutex();
                }

                public void B()
                {
                    [|_gate.Wait(TimeSpan.FromSeconds(1))|];
                    Console.WriteLine("b");
                    _gate.Release();
                }
            }
            """;
        const string expected = """
            using System;
            using System.Threading;

            class Worker
            {
                private readonly Mutex _mutex = new Mutex();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                public void A()
                {
                    if (!_mutex.WaitOne(200))
                    {
                        throw new TimeoutException("'_mutex' was not acquired");
                    }

                    Console.WriteLine("a");
                    _mutex.ReleaseMutex();
                }

                public void B()
                {
                    if (!_gate.Wait(TimeSpan.FromSeconds(1)))
                    {
                        throw new TimeoutException("'_gate' was not acquired");
                    }

                    Console.WriteLine("b");
                    _gate.Release();
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, expected, equivalenceKey: null);
    }

    [Fact]
    public Task NoFix_InsideTryWhoseFinallyReleases()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M()
                {
                    try
                    {
                        [|Monitor.TryEnter(_sync, 10)|];
                        System.Console.WriteLine();
                    }
                    finally
                    {
                        Monitor.Exit(_sync);
                    }
                }
            }
            """;
        return Verify.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task NoFix_ResultKept()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public void M()
                {
                    if ([|_gate.Wait(10)|])
                    {
                        System.Console.WriteLine();
                    }

                    _gate.Release();
                }
            }
            """;
        return Verify.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task NoFix_EmbeddedStatement()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public void M(bool wait)
                {
                    if (wait) [|_gate.Wait(10)|]; else System.Console.WriteLine();
                    _gate.Release();
                }
            }
            """;
        return Verify.VerifyNoCodeFixAsync(source);
    }
}
