using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0014LockExcludesNobodyAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0014: each claim of docs/rules/TW0014.md that the other test files did not prove, in the page's own words.</summary>
public class TW0014DocClaimsTests
{
    // "a local created in the same call and shared with nothing", as a `Lock`, in an async method and inside a lambda
    // that creates its own lock each run.
    [Fact]
    public Task Reports_LocalLock_InAsyncMethod_AndInsideALambda()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private int _n;

                public async Task M()
                {
                    await Task.Yield();
                    var gate = new Lock();
                    lock ({|TW0014:gate|}) { _n++; }
                }

                public void N(int[] items)
                {
                    Parallel.ForEach(items, item =>
                    {
                        var gate = new object();
                        lock ({|TW0014:gate|}) { _n += item; }
                    });
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "an instance lock guarding static state" on a `Lock` field, from a `-=` and a postfix decrement.
    [Fact]
    public Task Reports_InstanceLockTypeField_StaticDecrements()
    {
        const string source = """
            using System.Threading;

            class Pool
            {
                private static int s_free = 10;
                private static long s_bytes;
                private readonly Lock _gate = new Lock();

                public void Take(long size)
                {
                    lock ({|TW0014:_gate|}) { s_free--; }
                    lock ({|TW0014:_gate|}) { s_bytes -= size; }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // Silent: `lock ("text")`; "a static collection changed only through method calls (s_list.Add(x): not followed yet)";
    // a singleton through a static property of its own type.
    [Fact]
    public Task NoDiagnostic_StringLiteral_StaticListAdd_SingletonProperty()
    {
        const string source = """
            using System.Collections.Generic;

            class C
            {
                private static readonly List<int> s_list = new();
                private static int s_total;
                private readonly object _gate = new object();

                public void M(int x)
                {
                    lock ("text") { s_total++; }
                    lock (_gate) { s_list.Add(x); }
                }
            }

            sealed class Registry
            {
                public static Registry Instance { get; } = new Registry();
                private static int s_count;
                private readonly object _gate = new object();

                public void Add() { lock (_gate) { s_count++; } }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // Silent: "a local lock shared with ... threads the method starts" through `new Thread` and `Task.Run`, and a local
    // lock handed out through an `out` argument (passed to a call).
    [Fact]
    public Task NoDiagnostic_LocalSharedWithAThreadAndTaskRun()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private int _n;

                public void M()
                {
                    var gate = new object();
                    var worker = new Thread(() => { lock (gate) { _n++; } });
                    worker.Start();
                    lock (gate) { _n--; }
                    worker.Join();
                }

                public Task N()
                {
                    var gate = new object();
                    var task = Task.Run(() => { lock (gate) { _n++; } });
                    lock (gate) { _n--; }
                    return task;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The seed's own example (A10): a target-typed `new()` lock field and a braceless lock body.
    [Fact]
    public Task Reports_SeedExample_TargetTypedNew_BracelessBody()
    {
        const string source = """
            class C
            {
                static int _n;
                readonly object _g = new();

                void Inc() { lock ({|TW0014:_g|}) _n++; }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "an assignment in a body that also reads it": the modern lazy initialisation `s_cache ??= Load()`.
    [Fact]
    public Task Reports_CoalesceAssignmentOfAStaticField()
    {
        const string source = """
            class C
            {
                private static object? s_cache;
                private readonly object _gate = new object();

                public object Get()
                {
                    lock ({|TW0014:_gate|})
                    {
                        return s_cache ??= new object();
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "a fresh object" in a static method, and "a local created in the same call" inside a loop body of a static method.
    [Fact]
    public Task Reports_FreshLockInAStaticMethod_AndALocalLockInALoopBody()
    {
        const string source = """
            class C
            {
                private static int s_n;
                static void M()
                {
                    lock ({|TW0014:new object()|}) { s_n++; }
                    for (var i = 0; i < 3; i++)
                    {
                        var gate = new object();
                        lock ({|TW0014:gate|}) { s_n++; }
                    }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
