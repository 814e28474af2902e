using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Dataflow;

namespace Samples.TW0007;

internal static class Buggy
{
    public static void Run()
    {
        ProducerConsumer();
        Pool();
        WorkerPool();
    }

    /// <summary>2 producers x 5 items, 2 consumers over a BlockingCollection (the course's queue with a sentinel, in .NET).</summary>
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

        Task.WaitAll(producers);

        // Like pool.join() before pool.close(): the consumers never hear that no more work comes.
        if (!Task.WaitAll(consumers, 2000)) // expect: TW0007
        {
            Console.WriteLine("  hung: consumers were never told that no more work comes (2 s timeout; a real program hangs forever)");
            queue.CompleteAdding(); // only so that this sample can exit
            Task.WaitAll(consumers);
        }

        queue.CompleteAdding(); // too late: this is where the course's close() would be
    }

    /// <summary>A pool of 3 workers for 10 jobs: an ActionBlock with MaxDegreeOfParallelism = 3.</summary>
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

        if (!pool.Completion.Wait(2000)) // expect: TW0007
        {
            Console.WriteLine($"  hung: the pool's Completion never finished after {watch.ElapsedMilliseconds} ms: Complete() was not called first");
        }

        pool.Complete();
        pool.Completion.Wait();
    }

    /// <summary>The runtime library's Python-shaped pool fails fast, like Python: Join before Close throws.</summary>
    private static void WorkerPool()
    {
        using var pool = new ThreadWise.WorkerPool(3);
        for (var job = 0; job < 10; job++)
        {
            var n = job;
            pool.Submit(() => Thread.Sleep(10 * n));
        }

        try
        {
            pool.Join(); // expect: TW0007
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine($"  WorkerPool: {e.Message}");
        }

        pool.Close();
        pool.Join();
    }
}
