using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using ThreadWise.Analyzers.Tests.Verifiers;
using ThreadWise.CodeFixes.Rules;
using Xunit;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0019ThreadAffineLockHeldAtAwaitAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0019ThreadAffineLockHeldAtAwaitCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0019 fixes: the lock field becomes a SemaphoreSlim (WaitAsync/Release, or the runtime library's EnterAsync scope).</summary>
public class TW0019ThreadAffineLockHeldAtAwaitFixTests
{
    private const string Store = """
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        class Store
        {
            // guards the stream
            private readonly object _gate = new object();
            private int _writes;

            public async Task SaveAsync(Stream stream, byte[] item)
            {
                // one writer at a time
                Monitor.Enter(_gate);
                try
                {
                    {|TW0019:await stream.WriteAsync(item, 0, item.Length)|}; // the slow part
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }

            public void Count()
            {
                Monitor.Enter(this._gate);
                _writes++;
                Monitor.Exit(this._gate);
            }
        }
        """;

    [Fact]
    public Task Fix_UseSemaphoreSlim_WaitAsyncRelease_KeepsComments()
    {
        const string fixedSource = """
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            class Store
            {
                // guards the stream
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private int _writes;

                public async Task SaveAsync(Stream stream, byte[] item)
                {
                    // one writer at a time
                    await _gate.WaitAsync();
                    try
                    {
                        await stream.WriteAsync(item, 0, item.Length); // the slow part
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                public void Count()
                {
                    this._gate.Wait();
                    _writes++;
                    this._gate.Release();
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(Store, fixedSource, TW0019ThreadAffineLockHeldAtAwaitCodeFix.UseSemaphoreSlimKey);
    }

    private const string StoreWithScope = """
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;
        using ThreadWise;

        class Store
        {
            // guards the stream
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private int _writes;

            public async Task SaveAsync(Stream stream, byte[] item)
            {
                // one writer at a time
                using (await _gate.EnterAsync())
                {
                    await stream.WriteAsync(item, 0, item.Length); // the slow part
                }
            }

            public void Count()
            {
                this._gate.Wait();
                _writes++;
                this._gate.Release();
            }
        }
        """;

    [Fact]
    public Task Fix_UseEnterAsyncScope_AddsUsingThreadWise()
    {
        return VerifyFix.VerifyCodeFixAsync(Store, StoreWithScope, TW0019ThreadAffineLockHeldAtAwaitCodeFix.UseEnterAsyncScopeKey);
    }

    [Fact]
    public async Task FixAll_WithNullKey_ConvertsEachFieldOnce_PreferringTheScope()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Twice
            {
                private static readonly object s_gate = new();

                public async Task FirstAsync()
                {
                    Monitor.Enter(s_gate);
                    try { await Task.Delay(1); await Task.Yield(); }
                    finally { Monitor.Exit(s_gate); }
                }

                public async Task SecondAsync()
                {
                    Monitor.Enter(s_gate);
                    await Task.Delay(1).ConfigureAwait(false);
                    Monitor.Exit(s_gate);
                }
            }
            """;
        var fixedText = await FixAllAsync(source, equivalenceKey: null);
        Assert.Equal("""
            using System.Threading;
            using System.Threading.Tasks;
            using ThreadWise;

            class Twice
            {
                private static readonly SemaphoreSlim s_gate = new SemaphoreSlim(1, 1);

                public async Task FirstAsync()
                {
                    using (await s_gate.EnterAsync())
                    { await Task.Delay(1); await Task.Yield(); }
                }

                public async Task SecondAsync()
                {
                    await s_gate.WaitAsync();
                    await Task.Delay(1).ConfigureAwait(false);
                    s_gate.Release();
                }
            }
            """.ReplaceLineEndings(), fixedText.ReplaceLineEndings());
    }

    [Fact]
    public Task Fix_WithoutRuntimeLibrary_OffersOnlyWaitAsync()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _gate = new object();

                public async Task RunAsync()
                {
                    Monitor.Enter(_gate);
                    try { {|TW0019:await Task.Delay(1)|}; }
                    finally { Monitor.Exit(_gate); }
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task RunAsync()
                {
                    await _gate.WaitAsync();
                    try { await Task.Delay(1); }
                    finally { _gate.Release(); }
                }
            }
            """;
        var test = new VerifyFix.Test(TargetFramework.Net100, withRuntimeLibrary: false)
        {
            TestCode = source,
            FixedCode = fixedSource,
        };
        return test.RunAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("lock (_gate) { _n++; }")]
    [InlineData("Monitor.Enter(_gate); Monitor.Pulse(_gate); Monitor.Exit(_gate);")]
    [InlineData("Monitor.Enter(_gate); Helper(); Monitor.Exit(_gate);")]
    [InlineData("Monitor.Enter(_gate); Monitor.Enter(_gate); Monitor.Exit(_gate); Monitor.Exit(_gate);")]
    [InlineData("bool taken = false; Monitor.Enter(_gate, ref taken); if (taken) Monitor.Exit(_gate);")]
    [InlineData("Use(_gate);")]
    public Task NoFix_WhenTheFieldIsUsedAnotherWay(string otherUse)
    {
        var source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _gate = new object();
                private int _n;

                public async Task RunAsync()
                {
                    Monitor.Enter(_gate);
                    try { {|TW0019:await Task.Delay(1)|}; }
                    finally { Monitor.Exit(_gate); }
                }

                public void Other()
                {
                    OTHER
                }

                private void Helper() => Caller();
                private void Caller() { Monitor.Enter(_gate); _n++; Monitor.Exit(_gate); }
                private static void Use(object o) { }
            }
            """.Replace("OTHER", otherUse);
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task NoFix_PublicField_ReaderWriterLock_LocalLock_Mutex()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                public readonly object Gate = new object();
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private readonly Mutex _mutex = new Mutex();

                public async Task RunAsync()
                {
                    Monitor.Enter(Gate);
                    try { {|TW0019:await Task.Delay(1)|}; }
                    finally { Monitor.Exit(Gate); }

                    _rw.EnterWriteLock();
                    try { {|TW0019:await Task.Delay(1)|}; }
                    finally { _rw.ExitWriteLock(); }

                    var local = new object();
                    Monitor.Enter(local);
                    try { {|TW0019:await Task.Delay(1)|}; }
                    finally { Monitor.Exit(local); }

                    _mutex.WaitOne();
                    try { {|TW0019:await Task.Delay(1)|}; }
                    finally { _mutex.ReleaseMutex(); }
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }

    /// <summary>Runs the fixer's Fix All over the document with the given equivalence key (null, as dotnet format may).</summary>
    private static async Task<string> FixAllAsync(string source, string? equivalenceKey)
    {
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        var diagnostics = live.Diagnostics.Where(d => d.Id == RuleIds.ThreadAffineLockHeldAtAwait).ToImmutableArray();
        Assert.NotEmpty(diagnostics);
        var fixer = new TW0019ThreadAffineLockHeldAtAwaitCodeFix();
        var context = new FixAllContext(
            live.Document, fixer, FixAllScope.Document, equivalenceKey, new[] { RuleIds.ThreadAffineLockHeldAtAwait },
            new FixedDiagnostics(diagnostics), CancellationToken.None);
        var action = await fixer.GetFixAllProvider().GetFixAsync(context);
        Assert.NotNull(action);
        return await EditorHost.ApplyAsync(live.Document, action!);
    }

    private sealed class FixedDiagnostics : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> _diagnostics;

        public FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) => _diagnostics = diagnostics;

        public override Task<System.Collections.Generic.IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<System.Collections.Generic.IEnumerable<Diagnostic>>(_diagnostics);

        public override Task<System.Collections.Generic.IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<System.Collections.Generic.IEnumerable<Diagnostic>>(_diagnostics);

        public override Task<System.Collections.Generic.IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<System.Collections.Generic.IEnumerable<Diagnostic>>(ImmutableArray<Diagnostic>.Empty);
    }
}
