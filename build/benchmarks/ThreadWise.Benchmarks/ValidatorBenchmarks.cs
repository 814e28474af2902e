using System.Threading;
using BenchmarkDotNet.Attributes;

namespace ThreadWise.Benchmarks;

/// <summary>
/// The cost of <see cref="LockOrderValidator"/> on an uncontended acquire/release: a plain <c>lock</c> (no validator),
/// <c>LockOrderValidator.Enter</c> with validation off, and with validation on. "Nested" takes a second lock while
/// holding the first, so validation looks up a known held → taken edge (the steady state of a test suite).
/// </summary>
[MemoryDiagnoser]
public class ValidatorBenchmarks
{
    private readonly object _a = new();
    private readonly object _b = new();
    private int _counter;

    [Params(false, true)]
    public bool Validation { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        LockOrderValidator.Reset();
        if (Validation)
        {
            LockOrderValidator.Enable();
        }
        else
        {
            LockOrderValidator.Disable();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => LockOrderValidator.Disable();

    [Benchmark(Baseline = true)]
    public int NoValidator_One()
    {
        lock (_a)
        {
            return ++_counter;
        }
    }

    [Benchmark]
    public int Validator_One()
    {
        using (LockOrderValidator.Enter(_a))
        {
            return ++_counter;
        }
    }

    [Benchmark]
    public int NoValidator_Nested()
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
    public int Validator_Nested()
    {
        using (LockOrderValidator.Enter(_a))
        using (LockOrderValidator.Enter(_b))
        {
            return ++_counter;
        }
    }
}

/// <summary>8 threads, each taking its own pair of locks (nested) in a loop: does validation add a shared point of
/// contention? Compare the ratio to <see cref="ValidatorBenchmarks"/>' single-thread ratio.</summary>
[MemoryDiagnoser]
public class ValidatorScalingBenchmarks
{
    private const int Threads = 8;
    private const int PerThread = 20_000;
    private object[] _locks = [];

    [Params(false, true)]
    public bool Validation { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _locks = new object[Threads * 2];
        for (var i = 0; i < _locks.Length; i++)
        {
            _locks[i] = new object();
        }

        LockOrderValidator.Reset();
        if (Validation)
        {
            LockOrderValidator.Enable();
        }
        else
        {
            LockOrderValidator.Disable();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => LockOrderValidator.Disable();

    [Benchmark(Baseline = true, OperationsPerInvoke = Threads * PerThread)]
    public void NoValidator_8Threads() => RunThreads(static (a, b) =>
    {
        for (var i = 0; i < PerThread; i++)
        {
            lock (a)
            {
                lock (b)
                {
                }
            }
        }
    });

    [Benchmark(OperationsPerInvoke = Threads * PerThread)]
    public void Validator_8Threads() => RunThreads(static (a, b) =>
    {
        for (var i = 0; i < PerThread; i++)
        {
            using (LockOrderValidator.Enter(a))
            using (LockOrderValidator.Enter(b))
            {
            }
        }
    });

    private void RunThreads(System.Action<object, object> body)
    {
        var threads = new Thread[Threads];
        for (var t = 0; t < Threads; t++)
        {
            object a = _locks[2 * t], b = _locks[(2 * t) + 1];
            threads[t] = new Thread(() => body(a, b));
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
