using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0010AcquireInsideTryAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0010AcquireInsideTryCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0010 fix: the acquisition moves to just before the try.</summary>
public class TW0010AcquireInsideTryFixTests
{
    private const string Key = ThreadWise.CodeFixes.Rules.TW0010AcquireInsideTryCodeFix.MoveAcquireBeforeTryKey;

    [Fact]
    public Task Fix_MovesAwaitedWaitBeforeTry_KeepsComments()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Store
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task SaveAsync(CancellationToken ct)
                {
                    // one save at a time
                    try
                    {
                        // wait for our turn
                        await [|_gate.WaitAsync(ct)|].ConfigureAwait(false); // may be cancelled
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
                    // one save at a time
                    // wait for our turn
                    await _gate.WaitAsync(ct).ConfigureAwait(false); // may be cancelled
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
    public Task FixAll_WithNullKey_MovesEveryAcquisition_NestedTries()
    {
        const string source = """
            using System.Threading;

            class Account
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private int _n;

                public void M()
                {
                    try
                    {
                        [|Monitor.Enter(_a)|];
                        try
                        {
                            _n = 1;
                            [|Monitor.Enter(_b)|];
                            _n++;
                        }
                        finally
                        {
                            Monitor.Exit(_b);
                        }
                    }
                    finally
                    {
                        Monitor.Exit(_a);
                    }
                }
            }
            """;
        const string expected = """
            using System.Threading;

            class Account
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private int _n;

                public void M()
                {
                    Monitor.Enter(_a);
                    try
                    {
                        Monitor.Enter(_b);
                        try
                        {
                            _n = 1;
                            _n++;
                        }
                        finally
                        {
                            Monitor.Exit(_b);
                        }
                    }
                    finally
                    {
                        Monitor.Exit(_a);
                    }
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, expected, equivalenceKey: null);
    }

    [Fact]
    public Task Fix_TopLevelStatement()
    {
        const string source = """
            using System.Threading;

            var gate = new SemaphoreSlim(1);
            try
            {
                [|gate.Wait()|];
                System.Console.WriteLine("inside");
            }
            finally
            {
                gate.Release();
            }

            """;
        const string expected = """
            using System.Threading;

            var gate = new SemaphoreSlim(1);
            gate.Wait();
            try
            {
                System.Console.WriteLine("inside");
            }
            finally
            {
                gate.Release();
            }

            """;
        return Verify.VerifyCodeFixAsync(source, expected, Key, Microsoft.CodeAnalysis.OutputKind.ConsoleApplication);
    }

    [Fact]
    public Task NoFix_WhenSomethingBeforeCanThrow_OrTheTryHasACatch()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public void M(CancellationToken ct)
                {
                    try
                    {
                        Console.WriteLine("before");
                        [|_gate.Wait(ct)|];
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    try
                    {
                        [|_gate.Wait(ct)|];
                    }
                    catch (OperationCanceledException)
                    {
                        Console.WriteLine("cancelled");
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            """;
        return Verify.VerifyNoCodeFixAsync(source);
    }
}
