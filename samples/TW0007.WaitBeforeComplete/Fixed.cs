using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Dataflow;

namespace Samples.TW0007;

internal static class Fixed
{
    public static void Run()
    {
        ProducerConsumer();
        Pool();
        WorkerPool();
    }

    private static void ProducerConsumer()
    {
        var queue = new BlockingCollection<string>();
        var producers = Enumerable.Range(1, 2).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < 5; i++)
            {
                Thread.Sleep(Random.Shared.Next(20, 60));
                queue.Add($"p{p}-item{i}");
            }
        })).ToArray();
        var consumers = Enumerable.Range(1, 2).Select(c => Task.Run(() =>
        {
            foreach (var item in queue.GetConsumingEnumerable())
            {
                Console.WriteLine($"  consumer {c} got {item}");
            }
        })).ToArray();

        Task.WaitAll(producers);  // every item is in the queue
        queue.CompleteAdding();   // close(): no more work comes
        Task.WaitAll(consumers);  // join(): the consumers drain the queue and end
        Console.WriteLine("  all consumers finished");
    }

    private static void Pool()
    {
        var watch = Stopwatch.StartNew();
        var pool = new ActionBlock<int>(
            job => Thread.Sleep(100),
            new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 3 });
        for (var job = 0; job < 10; job++)
        {
            pool.Post(job);
        }

        pool.Complete();
        pool.Completion.Wait();
        Console.WriteLine($"  10 jobs on 3 workers finished in {watch.ElapsedMilliseconds} ms (4 waves of 100 ms)");
    }

    private static void WorkerPool()
    {
        using var pool = new ThreadWise.WorkerPool(3);
        for (var job = 0; job < 10; job++)
        {
            var n = job;
            pool.Submit(() => Thread.Sleep(10 * n));
        }

        pool.Close(); // "after closing, the pool accepts no new requests"
        pool.Join();  // "must come after close"
        Console.WriteLine("  WorkerPool: closed, then joined");
    }
}
