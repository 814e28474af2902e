using System.Threading.Tasks;
using Xunit;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0005ReleaseNotInFinallyAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0005ReleaseNotInFinallyCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0005 fixes for the shapes that had none: a local declared between the acquisition and the release and read after
/// it (declared before, assigned inside), and a release at the end of a <c>try</c> instead of in its <c>finally</c>.
/// </summary>
public class TW0005ReleaseNotInFinallyHoistFixTests
{
    [Fact]
    public Task Fix_WaitAsync_ValueReadAfterTheRelease_IsDeclaredBefore_EnterAsyncScope()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Cache
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task<int> GetAsync()
                {
                    await {|TW0005:_gate.WaitAsync()|};
                    // load once
                    var value = await LoadAsync();
                    _gate.Release();
                    return value;
                }

                private static Task<int> LoadAsync() => Task.FromResult(1);
            }
            """;
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;
            using ThreadWise;

            class Cache
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task<int> GetAsync()
                {
                    int value;
                    using (await _gate.EnterAsync())
                    {
                        // load once
                        value = await LoadAsync();
                    }

                    return value;
                }

                private static Task<int> LoadAsync() => Task.FromResult(1);
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, null);
    }

    [Fact]
    public Task Fix_WaitAsync_ValueReadAfterTheRelease_TryFinally()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            class Cache
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task<List<string>> GetAsync()
                {

                    await {|TW0005:_gate.WaitAsync()|};
                    var names = await LoadAsync();
                    names.Add("x");
                    _gate.Release();
                    return names;
                }

                private static Task<List<string>> LoadAsync() => Task.FromResult(new List<string>());
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            class Cache
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task<List<string>> GetAsync()
                {

                    List<string> names;
                    await _gate.WaitAsync();
                    try
                    {
                        names = await LoadAsync();
                        names.Add("x");
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    return names;
                }

                private static Task<List<string>> LoadAsync() => Task.FromResult(new List<string>());
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, ThreadWise.CodeFixes.Rules.TW0005ReleaseNotInFinallyCodeFix.WrapInTryFinallyKey);
    }

    [Fact]
    public Task Fix_Monitor_ValueReadAfterTheRelease_LockStatement()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public string M()
                {
                    {|TW0005:Monitor.Enter(_sync)|};
                    var value = Environment.GetEnvironmentVariable("X");
                    Monitor.Exit(_sync);
                    return value;
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();

                public string M()
                {
                    string value;
                    lock (_sync)
                    {
                        value = Environment.GetEnvironmentVariable("X");
                    }

                    return value;
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, null);
    }

    [Fact]
    public Task Fix_ReleaseAtTheEndOfTheTry_MovesIntoTheFinally()
    {
        const string source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _sync = new object();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public void M()
                {
                    {|TW0005:Monitor.Enter(_sync)|};
                    try
                    {
                        Console.WriteLine("work");
                        Monitor.Exit(_sync);
                    }
                    catch (InvalidOperationException e)
                    {
                        Console.WriteLine(e.Message);
                    }
                }

                public async Task N()
                {
                    await {|TW0005:_gate.WaitAsync()|};
                    try
                    {
                        await Task.Delay(1);
                        _gate.Release();
                    }
                    catch (OperationCanceledException)
                    {
                        Console.WriteLine("cancelled");
                    }
                    finally
                    {
                        Console.WriteLine("done");
                    }
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _sync = new object();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public void M()
                {
                    Monitor.Enter(_sync);
                    try
                    {
                        Console.WriteLine("work");
                    }
                    catch (InvalidOperationException e)
                    {
                        Console.WriteLine(e.Message);
                    }
                    finally
                    {
                        Monitor.Exit(_sync);
                    }
                }

                public async Task N()
                {
                    await _gate.WaitAsync();
                    try
                    {
                        await Task.Delay(1);
                    }
                    catch (OperationCanceledException)
                    {
                        Console.WriteLine("cancelled");
                    }
                    finally
                    {
                        _gate.Release();
                        Console.WriteLine("done");
                    }
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, null);
    }

    [Fact]
    public Task NoFix_ReleaseInTheTry_AndInACatch()
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
                    try
                    {
                        Console.WriteLine("work");
                        Monitor.Exit(_sync);
                    }
                    catch (InvalidOperationException)
                    {
                        Monitor.Exit(_sync);
                        throw;
                    }
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task Fix_EarlyReturnThatReleasesFirst_LosesItsRelease()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private bool _closed;

                public int M()
                {
                    {|TW0005:Monitor.Enter(_sync)|};
                    if (_closed)
                    {
                        Monitor.Exit(_sync);
                        return -1;
                    }

                    Console.WriteLine("work");
                    Monitor.Exit(_sync);
                    return 0;
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private bool _closed;

                public int M()
                {
                    lock (_sync)
                    {
                        if (_closed)
                        {
                            return -1;
                        }

                        Console.WriteLine("work");
                    }

                    return 0;
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, fixedSource, null);
    }

    [Fact]
    public Task NoFix_EarlyReleaseFollowedByMoreWork()
    {
        const string source = """
            using System;
            using System.Threading;

            class C
            {
                private readonly object _sync = new object();
                private bool _closed;

                public void M()
                {
                    {|TW0005:Monitor.Enter(_sync)|};
                    if (_closed)
                    {
                        Monitor.Exit(_sync);
                        Console.WriteLine("closed");
                        return;
                    }

                    Console.WriteLine("work");
                    Monitor.Exit(_sync);
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }
}
