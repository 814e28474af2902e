using BenchmarkDotNet.Attributes;

namespace ThreadWise.Benchmarks;

/// <summary>Ordered two-lock acquire (<c>LockSet.Enter</c>) against two nested <c>lock</c> statements, uncontended.</summary>
[MemoryDiagnoser]
public class LockSetBenchmarks
{
    private readonly object _a = new();
    private readonly object _b = new();
    private readonly object _c = new();
    private int _counter;

    [Benchmark(Baseline = true)]
    public int NestedLocks_Two()
    {
        lock (_a)
        {
            lock (_b)
            {
                return ++_counter;
            }
        }
    }

    [Benchmark]
    public int LockSet_Two()
    {
        using (LockSet.Enter(_a, _b))
        {
            return ++_counter;
        }
    }

    [Benchmark]
    public int NestedLocks_Three()
    {
        lock (_a)
        {
            lock (_b)
            {
                lock (_c)
                {
                    return ++_counter;
                }
            }
        }
    }

    [Benchmark]
    public int LockSet_Three()
    {
        using (LockSet.Enter(_a, _b, _c))
        {
            return ++_counter;
        }
    }
}
