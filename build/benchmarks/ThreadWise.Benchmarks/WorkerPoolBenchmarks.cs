using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace ThreadWise.Benchmarks;

/// <summary>1,000 small CPU-bound items with 4 workers: <see cref="WorkerPool"/> against
/// <c>Parallel.ForEachAsync</c> and hand-written <c>Channel</c> workers.</summary>
[MemoryDiagnoser]
public class WorkerPoolBenchmarks
{
    private const int Degree = 4;
    private int[] _items = [];
    private long _sink;

    [Params(1000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup() => _items = Enumerable.Range(0, Items).ToArray();

    [Benchmark(Baseline = true)]
    public async Task Parallel_ForEachAsync()
    {
        await Parallel.ForEachAsync(_items, new ParallelOptions { MaxDegreeOfParallelism = Degree }, (item, _) =>
        {
            Interlocked.Add(ref _sink, Work(item));
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);
    }

    [Benchmark]
    public async Task Channel_Workers()
    {
        var channel = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleWriter = true });
        var workers = Enumerable.Range(0, Degree).Select(_ => Task.Run(async () =>
        {
            await foreach (var item in channel.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                Interlocked.Add(ref _sink, Work(item));
            }
        })).ToArray();
        foreach (var item in _items)
        {
            channel.Writer.TryWrite(item);
        }

        channel.Writer.Complete();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    [Benchmark]
    public async Task WorkerPool_Submit_Close_JoinAsync()
    {
        var pool = new WorkerPool(Degree);
        foreach (var item in _items)
        {
            var captured = item;
            _ = pool.Submit(() => { Interlocked.Add(ref _sink, Work(captured)); });
        }

        pool.Close();
        await pool.JoinAsync().ConfigureAwait(false);
    }

    [Benchmark]
    public async Task WorkerPool_Post_Close_JoinAsync()
    {
        var pool = new WorkerPool(Degree);
        foreach (var item in _items)
        {
            pool.Post(static s => Interlocked.Add(ref s.Self._sink, Work(s.Item)), (Self: this, Item: item));
        }

        pool.Close();
        await pool.JoinAsync().ConfigureAwait(false);
    }

    [Benchmark]
    public async Task<int> WorkerPool_Map()
    {
        await using var pool = new WorkerPool(Degree);
        var results = await pool.Map(_items, Work).ConfigureAwait(false);
        return results.Count;
    }

    private static int Work(int item)
    {
        var x = item;
        for (var i = 0; i < 200; i++)
        {
            x = (x * 31) ^ i;
        }

        return x & 1;
    }
}
