using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0014LockExcludesNobodyAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0014LockExcludesNobodyCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>TW0014 fix: lock on a dedicated readonly field (one per type and staticness under Fix All).</summary>
public class TW0014LockExcludesNobodyFixTests
{
    private const string Key = ThreadWise.CodeFixes.Rules.TW0014LockExcludesNobodyCodeFix.UseLockFieldKey;

    [Fact]
    public Task Fix_FreshObject_InstanceState_AddsInstanceField()
    {
        const string source = """
            class Counter
            {
                private int _total;

                public void Add(int n)
                {
                    // keep the total consistent
                    lock ([|new object()|]) // guard
                    {
                        _total += n;
                    }
                }
            }
            """;
        const string expected = """
            class Counter
            {
                private int _total;
                private readonly object _sync = new object();

                public void Add(int n)
                {
                    // keep the total consistent
                    lock (_sync) // guard
                    {
                        _total += n;
                    }
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, expected, Key);
    }

    [Fact]
    public Task FixAll_WithNullKey_OneStaticFieldForTheType_LocalDeclarationRemoved()
    {
        const string source = """
            using System.Collections.Generic;

            class Counter
            {
                private static readonly Dictionary<string, int> s_hits = new();
                private static int s_total;
                private readonly object _gate = new object();

                public void AddShared(int n)
                {
                    lock ([|_gate|])
                    {
                        s_total += n;
                    }
                }

                public void Record(string key)
                {
                    // one gate per call (wrong)
                    var gate = new object();
                    lock ([|gate|])
                    {
                        s_hits[key] = s_hits.TryGetValue(key, out var n) ? n + 1 : 1;
                    }

                    lock ([|gate|])
                    {
                        s_total++;
                    }
                }

                public static void Reset()
                {
                    lock ([|new object()|])
                    {
                        s_total = 0;
                    }
                }
            }
            """;
        const string expected = """
            using System.Collections.Generic;

            class Counter
            {
                private static readonly Dictionary<string, int> s_hits = new();
                private static int s_total;
                private readonly object _gate = new object();
                private static readonly object s_sync = new object();

                public void AddShared(int n)
                {
                    lock (s_sync)
                    {
                        s_total += n;
                    }
                }

                public void Record(string key)
                {
                    // one gate per call (wrong)
                    lock (s_sync)
                    {
                        s_hits[key] = s_hits.TryGetValue(key, out var n) ? n + 1 : 1;
                    }

                    lock (s_sync)
                    {
                        s_total++;
                    }
                }

                public static void Reset()
                {
                    lock (s_sync)
                    {
                        s_total = 0;
                    }
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, expected, equivalenceKey: null);
    }

    [Fact]
    public Task Fix_ReusesAnExistingLockField()
    {
        const string source = """
            class Counter
            {
                private static readonly object s_sync = new object();
                private static int s_total;

                public static void Add()
                {
                    lock ([|new object()|]) { s_total++; }
                }
            }
            """;
        const string expected = """
            class Counter
            {
                private static readonly object s_sync = new object();
                private static int s_total;

                public static void Add()
                {
                    lock (s_sync) { s_total++; }
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, expected, Key);
    }

    [Fact]
    public Task NoFix_InstanceLockInAStruct()
    {
        const string source = """
            struct Tally
            {
                private int _n;

                public void Add()
                {
                    lock ([|new object()|]) { _n++; }
                }
            }
            """;
        return Verify.VerifyNoCodeFixAsync(source);
    }

    [Fact]
    public Task FixAll_PartialTypeInTwoFiles_AddsTheFieldOnce()
    {
        var test = new Verify.Test { CodeActionEquivalenceKey = null };
        test.TestState.Sources.Add(("A.cs", """
            partial class Meter
            {
                private static long s_a;

                public void A()
                {
                    lock ([|new object()|]) { s_a++; }
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", """
            partial class Meter
            {
                private static long s_b;

                public void B()
                {
                    lock ([|new object()|]) { s_b++; }
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", """
            partial class Meter
            {
                private static long s_a;
                private static readonly object s_sync = new object();

                public void A()
                {
                    lock (s_sync) { s_a++; }
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", """
            partial class Meter
            {
                private static long s_b;

                public void B()
                {
                    lock (s_sync) { s_b++; }
                }
            }
            """));
        test.NumberOfIncrementalIterations = 2;
        test.NumberOfFixAllIterations = 2;
        test.NumberOfFixAllInDocumentIterations = 2;
        return test.RunAsync();
    }
}
