using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0001UnsynchronizedReadModifyWriteAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0001UnsynchronizedReadModifyWriteCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0001 fixes in every statement and expression context: the fixed code compiles (the verifier compiles it), a value
/// nobody reads keeps the bare <c>Interlocked</c> call, a value that is read keeps its meaning, and a lock goes where a
/// statement can stand. Run with a null equivalence key: each report gets its preferred fix.
/// </summary>
public class TW0001UnsynchronizedReadModifyWriteFixContextTests
{
    private static Task VerifyAsync(string source, string fixedSource, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
    {
        var test = new VerifyFix.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = null,
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        };
        test.TestState.OutputKind = outputKind;
        test.FixedState.OutputKind = outputKind;
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_ExpressionBodiedVoidMember_AndVoidLambda_KeepTheBareCall()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class Histogram
            {
                private readonly int[] _buckets = new int[16];
                private long _total;

                public void Run(int[] values)
                {
                    Parallel.For(0, values.Length, i => Record(values[i]));
                    Parallel.For(0, values.Length, i => {|TW0001:_total--|});
                }

                private void Record(int v) => {|TW0001:_buckets[v % _buckets.Length]++|};
            }
            """;
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;

            class Histogram
            {
                private readonly int[] _buckets = new int[16];
                private long _total;

                public void Run(int[] values)
                {
                    Parallel.For(0, values.Length, i => Record(values[i]));
                    Parallel.For(0, values.Length, i => Interlocked.Decrement(ref _total));
                }

                private void Record(int v) => Interlocked.Increment(ref _buckets[v % _buckets.Length]);
            }
            """;
        return VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_ValueReturningLambdas_KeepTheirValue_AndLockReturnsIt()
    {
        const string source = """
            using System.Linq;

            class Ids
            {
                private static int s_next;
                private static double s_sum;

                public static int[] Take(int n) => Enumerable.Range(0, n).AsParallel().Select(i => {|TW0001:s_next++|}).ToArray();

                public static double[] Sums(int n) => Enumerable.Range(0, n).AsParallel().Select(i => {|TW0001:s_sum += i|}).ToArray();
            }
            """;
        const string fixedSource = """
            using System.Linq;
            using System.Threading;

            class Ids
            {
                private static int s_next;
                private static double s_sum;
                private static readonly object s_sync = new object();

                public static int[] Take(int n) => Enumerable.Range(0, n).AsParallel().Select(i => (Interlocked.Increment(ref s_next) - 1)).ToArray();

                public static double[] Sums(int n) => Enumerable.Range(0, n).AsParallel().Select(i =>
                {
                    lock (s_sync)
                    {
                        return s_sum += i;
                    }
                }).ToArray();
            }
            """;
        return VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_SwitchExpressionArms_AndSwitchSections()
    {
        const string source = """
            using System.Threading.Tasks;

            class Tally
            {
                private static int s_even;
                private static int s_odd;
                private static double s_weight;

                public static void Run()
                {
                    Parallel.For(0, 100, i =>
                    {
                        var before = (i % 2) switch { 0 => {|TW0001:s_even++|}, _ => {|TW0001:s_odd++|} };
                        switch (i % 3)
                        {
                            case 0:
                                {|TW0001:s_weight += before|};
                                break;
                            default:
                                // heavier
                                {|TW0001:s_weight += 2.5|};
                                break;
                        }
                    });
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;

            class Tally
            {
                private static int s_even;
                private static int s_odd;
                private static double s_weight;
                private static readonly object s_sync = new object();

                public static void Run()
                {
                    Parallel.For(0, 100, i =>
                    {
                        var before = (i % 2) switch { 0 => (Interlocked.Increment(ref s_even) - 1), _ => (Interlocked.Increment(ref s_odd) - 1) };
                        switch (i % 3)
                        {
                            case 0:
                                lock (s_sync)
                                {
                                    s_weight += before;
                                }
                                break;
                            default:
                                // heavier
                                lock (s_sync)
                                {
                                    s_weight += 2.5;
                                }
                                break;
                        }
                    });
                }
            }
            """;
        return VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_TopLevelStatements_InterlockedOnACapturedInt()
    {
        const string source = """
            using System.Threading.Tasks;

            int count = 0;
            Parallel.For(0, 10, i => {|TW0001:count++|});
            System.Console.WriteLine(count);
            """;
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;

            int count = 0;
            Parallel.For(0, 10, i => Interlocked.Increment(ref count));
            System.Console.WriteLine(count);
            """;
        return VerifyAsync(source, fixedSource, OutputKind.ConsoleApplication);
    }

    [Fact]
    public Task Fix_CheckedExpression_InAValueLambda_LocksAndReturns()
    {
        const string source = """
            using System.Linq;

            class Ids
            {
                private static int s_next;

                public static int[] Take(int n) => Enumerable.Range(0, n).AsParallel().Select(i => checked({|TW0001:s_next++|})).ToArray();
            }
            """;
        const string fixedSource = """
            using System.Linq;

            class Ids
            {
                private static int s_next;
                private static readonly object s_sync = new object();

                public static int[] Take(int n) => Enumerable.Range(0, n).AsParallel().Select(i =>
                {
                    lock (s_sync)
                    {
                        return checked(s_next++);
                    }
                }).ToArray();
            }
            """;
        return VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_EmbeddedStatement_AndConsecutiveStatements_ShareOneLock_UpToABlankLine_KeepingComments()
    {
        const string source = """
            using System.Threading.Tasks;

            class Account
            {
                private double _balance;
                private double _fees;
                private decimal _audit;

                public void Run()
                {
                    Parallel.For(0, 100, i =>
                    {
                        if (i % 10 == 0)
                            {|TW0001:_fees += 0.1|};

                        // move the money
                        {|TW0001:_balance -= i|}; // debit
                        // and record it
                        {|TW0001:_audit += i|};

                        {|TW0001:_balance += 1|};
                    });
                }
            }
            """;
        const string fixedSource = """
            using System.Threading.Tasks;

            class Account
            {
                private double _balance;
                private double _fees;
                private decimal _audit;
                private readonly object _sync = new object();

                public void Run()
                {
                    Parallel.For(0, 100, i =>
                    {
                        if (i % 10 == 0)
                            lock (_sync)
                            {
                                _fees += 0.1;
                            }

                        // move the money
                        lock (_sync)
                        {
                            _balance -= i; // debit
                            // and record it
                            _audit += i;
                        }

                        lock (_sync)
                        {
                            _balance += 1;
                        }
                    });
                }
            }
            """;
        return VerifyAsync(source, fixedSource);
    }
}
