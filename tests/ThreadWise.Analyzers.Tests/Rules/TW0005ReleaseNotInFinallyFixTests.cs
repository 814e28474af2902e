using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ThreadWise.Analyzers.Tests.Verifiers;
using ThreadWise.CodeFixes.Rules;
using Xunit;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0005ReleaseNotInFinallyAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0005ReleaseNotInFinallyCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0005 code fixes: try/finally, lock statement, the runtime library's awaited scope; Fix All; when not offered.</summary>
public class TW0005ReleaseNotInFinallyFixTests
{
    private const string Wrap = TW0005ReleaseNotInFinallyCodeFix.WrapInTryFinallyKey;
    private const string UseLock = TW0005ReleaseNotInFinallyCodeFix.UseLockStatementKey;
    private const string UseEnterAsync = TW0005ReleaseNotInFinallyCodeFix.UseEnterAsyncScopeKey;

    [Fact]
    public Task Fix_WrapInTryFinally_KeepsComments()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M()
                {
                    {|TW0005:Monitor.Enter(_sync)|};

                    // the work
                    Console.WriteLine("work"); // trailing
                    Console.WriteLine("more");
                    // let others in
                    Monitor.Exit(_sync);
                    Console.WriteLine("after");
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M()
                {
                    Monitor.Enter(_sync);

                    try
                    {
                        // the work
                        Console.WriteLine("work"); // trailing
                        Console.WriteLine("more");
                    }
                    finally
                    {
                        // let others in
                        Monitor.Exit(_sync);
                    }

                    Console.WriteLine("after");
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, Wrap);
    }

    [Fact]
    public Task Fix_UseLockStatement_Monitor()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private int _count;

                public void M()
                {
                    // count under the lock
                    {|TW0005:Monitor.Enter(_sync)|};
                    _count += Compute();
                    Console.WriteLine(_count);
                    Monitor.Exit(_sync);
                }

                private static int Compute() => 1;
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private int _count;

                public void M()
                {
                    // count under the lock
                    lock (_sync)
                    {
                        _count += Compute();
                        Console.WriteLine(_count);
                    }
                }

                private static int Compute() => 1;
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, UseLock);
    }

    [Fact]
    public Task Fix_UseLockStatement_LockType()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly Lock _lock = new Lock();

                public void M()
                {
                    {|TW0005:_lock.Enter()|};
                    Console.WriteLine("work");
                    _lock.Exit();
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            class C
            {
                private readonly Lock _lock = new Lock();

                public void M()
                {
                    lock (_lock)
                    {
                        Console.WriteLine("work");
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, UseLock);
    }

    [Fact]
    public Task Fix_WrapInTryFinally_AsyncSemaphore()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task M()
                {
                    await {|TW0005:_gate.WaitAsync()|};
                    await Task.Delay(10);
                    _gate.Release();
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task M()
                {
                    await _gate.WaitAsync();
                    try
                    {
                        await Task.Delay(10);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, Wrap);
    }

    [Fact]
    public Task NoLockFix_WhenTheRegionAwaits()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _sync = new object();

                public async Task M()
                {
                    {|TW0005:Monitor.Enter(_sync)|};
                    await Task.Delay(10);
                    Monitor.Exit(_sync);
                }
            }
            """;
        var test = new CSharpCodeFixVerifier<Analyzers.Rules.TW0005ReleaseNotInFinallyAnalyzer, TW0005ReleaseNotInFinallyCodeFix>.Test
        {
            TestCode = source,
            FixedCode = source,
            CodeActionEquivalenceKey = UseLock,
        };
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Fix_UseEnterAsyncScope_AddsTheImport_KeepsTokenAndConfigureAwait()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task M(CancellationToken ct)
                {
                    await {|TW0005:_gate.WaitAsync(ct)|}.ConfigureAwait(false);
                    await Task.Delay(10, ct).ConfigureAwait(false);
                    _gate.Release();
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;
            using ThreadWise;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task M(CancellationToken ct)
                {
                    using (await _gate.EnterAsync(ct).ConfigureAwait(false))
                    {
                        await Task.Delay(10, ct).ConfigureAwait(false);
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, UseEnterAsync);
    }

    [Fact]
    public Task Fix_UseEnterAsyncScope_ImportAlreadyThere()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;
            using ThreadWise;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task M()
                {
                    await {|TW0005:_gate.WaitAsync()|};
                    await Task.Delay(10);
                    _gate.Release();
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;
            using ThreadWise;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task M()
                {
                    using (await _gate.EnterAsync())
                    {
                        await Task.Delay(10);
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, UseEnterAsync);
    }

    [Fact]
    public Task NoEnterAsyncFix_WithoutTheRuntimeLibrary()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task M()
                {
                    await {|TW0005:_gate.WaitAsync()|};
                    await Task.Delay(10);
                    _gate.Release();
                }
            }
            """;
        var test = new CSharpCodeFixVerifier<Analyzers.Rules.TW0005ReleaseNotInFinallyAnalyzer, TW0005ReleaseNotInFinallyCodeFix>.Test(
            TargetFramework.Net100, withRuntimeLibrary: false)
        {
            TestCode = source,
            FixedCode = source,
            CodeActionEquivalenceKey = UseEnterAsync,
        };
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Fix_WrapInTryFinally_CheckedTryEnter()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M()
                {
                    if ({|TW0005:Monitor.TryEnter(_sync, 100)|})
                    {
                        Console.WriteLine("work");
                        Monitor.Exit(_sync);
                    }
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M()
                {
                    if (Monitor.TryEnter(_sync, 100))
                    {
                        try
                        {
                            Console.WriteLine("work");
                        }
                        finally
                        {
                            Monitor.Exit(_sync);
                        }
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, Wrap);
    }

    [Fact]
    public Task Fix_WrapInTryFinally_TakenFlag()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private SpinLock _spin = new SpinLock(false);

                public void M()
                {
                    bool taken = false;
                    {|TW0005:_spin.Enter(ref taken)|};
                    Console.WriteLine("work");
                    if (taken) _spin.Exit();
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            class C
            {
                private SpinLock _spin = new SpinLock(false);

                public void M()
                {
                    bool taken = false;
                    _spin.Enter(ref taken);
                    try
                    {
                        Console.WriteLine("work");
                    }
                    finally
                    {
                        if (taken) _spin.Exit();
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, Wrap);
    }

    [Fact]
    public Task Fix_WrapInTryFinally_EarlyReturnMovesInside()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private int _value;

                public bool Set(int value)
                {
                    {|TW0005:_rw.EnterWriteLock()|};
                    if (_value == value)
                    {
                        return false;
                    }

                    _value = value;
                    _rw.ExitWriteLock();
                    return true;
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;

            class C
            {
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private int _value;

                public bool Set(int value)
                {
                    _rw.EnterWriteLock();
                    try
                    {
                        if (_value == value)
                        {
                            return false;
                        }

                        _value = value;
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }

                    return true;
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, Wrap);
    }

    [Fact]
    public Task FixAll_NestedLocks_WrapInTryFinally()
    {
        const string source = """
            using System;
            using System.Threading;

            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Transfer()
                {
                    {|TW0005:Monitor.Enter(_ledger)|};
                    {|TW0005:Monitor.Enter(_audit)|};
                    Console.WriteLine("transfer");
                    Monitor.Exit(_audit);
                    Console.WriteLine("ledger only");
                    Monitor.Exit(_ledger);
                }

                public void Audit()
                {
                    {|TW0005:Monitor.Enter(_audit)|};
                    Console.WriteLine("audit");
                    Monitor.Exit(_audit);
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Transfer()
                {
                    Monitor.Enter(_ledger);
                    try
                    {
                        Monitor.Enter(_audit);
                        try
                        {
                            Console.WriteLine("transfer");
                        }
                        finally
                        {
                            Monitor.Exit(_audit);
                        }

                        Console.WriteLine("ledger only");
                    }
                    finally
                    {
                        Monitor.Exit(_ledger);
                    }
                }

                public void Audit()
                {
                    Monitor.Enter(_audit);
                    try
                    {
                        Console.WriteLine("audit");
                    }
                    finally
                    {
                        Monitor.Exit(_audit);
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, Wrap);
    }

    [Fact]
    public Task FixAll_NestedLocks_UseLockStatement()
    {
        const string source = """
            using System;
            using System.Threading;

            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Transfer()
                {
                    {|TW0005:Monitor.Enter(_ledger)|};
                    {|TW0005:Monitor.Enter(_audit)|};
                    Console.WriteLine("transfer");
                    Monitor.Exit(_audit);
                    Monitor.Exit(_ledger);
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Transfer()
                {
                    lock (_ledger)
                    {
                        lock (_audit)
                        {
                            Console.WriteLine("transfer");
                        }
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, UseLock);
    }

    [Fact]
    public Task Fix_TopLevelProgram()
    {
        const string source = """
            using System;
            using System.Threading;

            var gate = new SemaphoreSlim(1, 1);
            {|TW0005:gate.Wait()|};
            Console.WriteLine("work");
            Console.WriteLine("more");
            gate.Release();
            Console.WriteLine("done");
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            var gate = new SemaphoreSlim(1, 1);
            gate.Wait();
            try
            {
                Console.WriteLine("work");
                Console.WriteLine("more");
            }
            finally
            {
                gate.Release();
            }

            Console.WriteLine("done");
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, Wrap, OutputKind.ConsoleApplication);
    }

    [Fact]
    public Task NoFix_OutVariableDeclaredInTheRegionIsUsedAfterTheRelease()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public int M()
                {
                    {|TW0005:Monitor.Enter(_sync)|};
                    int.TryParse(Environment.GetEnvironmentVariable("X"), out var value);
                    Monitor.Exit(_sync);
                    return value;
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task NoFix_ReleaseNotInTheSameStatementList()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M(bool fast)
                {
                    {|TW0005:Monitor.Enter(_sync)|};
                    Console.WriteLine("work");
                    if (fast)
                    {
                        Monitor.Exit(_sync);
                    }
                    else
                    {
                        Console.WriteLine("slow");
                        Monitor.Exit(_sync);
                    }
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task Fix_InSwitchSection()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M(int kind)
                {
                    switch (kind)
                    {
                        case 1:
                            {|TW0005:Monitor.Enter(_sync)|};
                            Console.WriteLine("one");
                            Monitor.Exit(_sync);
                            break;
                    }
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M(int kind)
                {
                    switch (kind)
                    {
                        case 1:
                            lock (_sync)
                            {
                                Console.WriteLine("one");
                            }

                            break;
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, UseLock);
    }

    [Fact]
    public Task Fix_AssignedBeforeUsedAfter_StillCompiles()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private readonly int[] _values = new int[4];

                public int Read(int i)
                {
                    int result;
                    {|TW0005:_rw.EnterReadLock()|};
                    result = _values[i];
                    _rw.ExitReadLock();
                    return result;
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            class C
            {
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private readonly int[] _values = new int[4];

                public int Read(int i)
                {
                    int result;
                    _rw.EnterReadLock();
                    try
                    {
                        result = _values[i];
                    }
                    finally
                    {
                        _rw.ExitReadLock();
                    }

                    return result;
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, Wrap);
    }

    [Fact]
    public Task NoLockFix_WhenACommentOnTheReleaseWouldBeLost()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public void M()
                {
                    {|TW0005:Monitor.Enter(_sync)|};
                    Console.WriteLine("work");
                    // keep this comment
                    Monitor.Exit(_sync);
                }
            }
            """;
        var test = new CSharpCodeFixVerifier<Analyzers.Rules.TW0005ReleaseNotInFinallyAnalyzer, TW0005ReleaseNotInFinallyCodeFix>.Test
        {
            TestCode = source,
            FixedCode = source,
            CodeActionEquivalenceKey = UseLock,
        };
        return test.RunAsync(CancellationToken.None);
    }
}
