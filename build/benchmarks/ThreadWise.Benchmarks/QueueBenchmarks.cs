using System.Collections.Concurrent;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace ThreadWise.Benchmarks;

/// <summary>One producer, one consumer, 10,000 items: <see cref="WorkQueue{T}"/> (Put/Take/TaskDone, then Join)
/// against <see cref="BlockingCollection{T}"/> plus a <see cref="System.Threading.CountdownEvent"/> for "all work done".</summary>
[MemoryDiagnoser]
public class QueueBenchmarks
{
    private const int Items = 10_000;

    [Benchmark(Baseline = true)]
    public void BlockingCollection_CountdownEvent()
    {
        using var queue = new BlockingCollection<int>();
        using var done = new System.Threading.CountdownEvent(Items);
        var consumer = Task.Run(() =>
        {
            foreach (var item in queue.GetConsumingEnumerable())
            {
                done.Signal();
            }
        });
        for (var i = 0; i < Items; i++)
        {
            queue.Add(i);
        }

        done.Wait();
        queue.CompleteAdding();
        consumer.Wait();
    }

    [Benchmark]
    public void WorkQueue_TaskDone_Join()
    {
        var queue = new WorkQueue<int>();
        var consumer = Task.Run(() =>
        {
            foreach (var item in queue.GetConsumingEnumerable())
            {
                queue.TaskDone();
            }
        });
        for (var i = 0; i < Items; i++)
        {
            queue.Put(i);
        }

        queue.Join();
        queue.Complete();
        consumer.Wait();
    }
}
