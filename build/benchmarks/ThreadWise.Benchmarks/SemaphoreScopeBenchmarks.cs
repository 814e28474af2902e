using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace ThreadWise.Benchmarks;

/// <summary><c>using (await gate.EnterAsync())</c> against <c>await gate.WaitAsync(); try { } finally { gate.Release(); }</c>,
/// uncontended (the common case), and the synchronous forms.</summary>
[MemoryDiagnoser]
public class SemaphoreScopeBenchmarks
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _counter;

    [Benchmark(Baseline = true)]
    public async Task<int> Raw_WaitAsync_Release()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return ++_counter;
        }
        finally
        {
            _gate.Release();
        }
    }

    [Benchmark]
    public async Task<int> Scope_EnterAsync()
    {
        using (await _gate.EnterAsync().ConfigureAwait(false))
        {
            return ++_counter;
        }
    }

    [Benchmark]
    public async Task<int> Raw_WaitAsync_Timeout_Release()
    {
        if (!await _gate.WaitAsync(1000).ConfigureAwait(false))
        {
            throw new System.TimeoutException();
        }

        try
        {
            return ++_counter;
        }
        finally
        {
            _gate.Release();
        }
    }

    [Benchmark]
    public async Task<int> Scope_EnterAsync_Timeout()
    {
        using (await _gate.EnterAsync(System.TimeSpan.FromSeconds(1)).ConfigureAwait(false))
        {
            return ++_counter;
        }
    }

    [Benchmark]
    public int Raw_Wait_Release()
    {
        _gate.Wait();
        try
        {
            return ++_counter;
        }
        finally
        {
            _gate.Release();
        }
    }

    [Benchmark]
    public int Scope_Enter()
    {
        using (_gate.Enter())
        {
            return ++_counter;
        }
    }
}
