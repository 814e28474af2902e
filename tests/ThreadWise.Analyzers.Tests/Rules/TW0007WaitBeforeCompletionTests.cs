using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ThreadWise.Analyzers.Tests.Verifiers;
using Xunit;
using ThreadWise.CodeFixes.Rules;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0007WaitBeforeCompletionAnalyzer>;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0007WaitBeforeCompletionAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0007WaitBeforeCompletionCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

public class TW0007WaitBeforeCompletionTests
{
    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        """;

    /// <summary>A stand-in for the runtime library's pool (same metadata name and shape), for the compilation without the library.</summary>
    private const string PoolStub = """

        namespace ThreadWise
        {
            public sealed class WorkerPool : IDisposable
            {
                public WorkerPool(int maxDegreeOfParallelism) { }
                public Task Submit(Action work) => Task.CompletedTask;
                public void Close() { }
                public void Terminate() { }
                public void Join() { }
                public bool Join(TimeSpan timeout) => true;
                public Task JoinAsync(CancellationToken ct = default) => Task.CompletedTask;
                public void Dispose() { }
            }
        }
        """;

    internal static string Consumers(string key, string completion, int line) =>
        $"This waits for the consumers of '{key}' before '{completion}' (line {line}) tells them that no more work comes: they never finish and the wait hangs; complete it first";

    internal static string CompletionOf(string key, string completion, int line) =>
        $"This waits for '{key}' to complete before '{completion}' (line {line}) is called: the wait never ends; complete it first";

    internal static string Joined(string key, string completion, int line) =>
        $"'{key}' is joined before '{completion}' (line {line}): Join before Close throws InvalidOperationException (\"Pool is still running\"); close the pool first";

    internal static string Added(string method, string key, string completion, int line, string consequence) =>
        $"'{method}' on '{key}' runs after '{completion}' (line {line}) on every path: {consequence}";

    private static Task Reports(string source, params string[] messages)
    {
        var expected = new DiagnosticResult[messages.Length];
        for (var i = 0; i < messages.Length; i++)
        {
            expected[i] = Verify.Diagnostic().WithLocation(i).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(messages[i]);
        }

        return Verify.VerifyAnalyzerAsync(Usings + source, expected);
    }

    private static Task Silent(string source) => Verify.VerifyAnalyzerAsync(Usings + source);

    private static Task WithPool(string source, params string[] messages)
    {
        var test = new Verify.Test(TargetFramework.Net100, withRuntimeLibrary: false) { TestCode = Usings + source + PoolStub };
        for (var i = 0; i < messages.Length; i++)
        {
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(i).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(messages[i]));
        }

        return test.RunAsync(CancellationToken.None);
    }

    // ---- positives: BlockingCollection ----------------------------------------------------------------------------

    [Fact]
    public Task Reports_WaitAllOnConsumerArray_BeforeCompleteAdding()
    {
        const string source = """
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumers = new Task[3];
                    for (var i = 0; i < consumers.Length; i++)
                    {
                        consumers[i] = Task.Run(() =>
                        {
                            foreach (var item in queue.GetConsumingEnumerable())
                            {
                                Console.WriteLine(item);
                            }
                        });
                    }

                    for (var n = 0; n < 10; n++)
                    {
                        queue.Add(n);
                    }

                    {|#0:Task.WaitAll(consumers)|};
                    queue.CompleteAdding();
                }
            }
            """;
        return Reports(source, Consumers("queue", "queue.CompleteAdding()", 32));
    }

    [Fact]
    public Task Reports_AwaitWhenAllOnTaskList_ConsumerMethodWithParameter()
    {
        const string source = """
            class C
            {
                async Task M()
                {
                    var queue = new BlockingCollection<string>(boundedCapacity: 10);
                    var workers = new List<Task>();
                    for (var i = 0; i < 2; i++)
                    {
                        workers.Add(Task.Run(() => Consume(queue)));
                    }

                    queue.Add("a");
                    {|#0:await Task.WhenAll(workers)|};
                    queue.CompleteAdding();
                }

                static void Consume(BlockingCollection<string> items)
                {
                    foreach (var item in items.GetConsumingEnumerable())
                    {
                        Console.WriteLine(item);
                    }
                }
            }
            """;
        return Reports(source, Consumers("queue", "queue.CompleteAdding()", 22));
    }

    [Fact]
    public Task Reports_SingleConsumerWait_TakeInWhileTrue()
    {
        const string source = """
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Factory.StartNew(() =>
                    {
                        while (true)
                        {
                            var item = queue.Take();
                            Console.WriteLine(item);
                        }
                    }, TaskCreationOptions.LongRunning);
                    queue.Add(1);
                    {|#0:consumer.Wait()|};
                    queue.CompleteAdding();
                }
            }
            """;
        return Reports(source, Consumers("queue", "queue.CompleteAdding()", 24));
    }

    [Fact]
    public Task Reports_ThreadJoin_InForeachOverThreads_MethodGroupOnField()
    {
        const string source = """
            class C
            {
                private readonly BlockingCollection<int> _queue = new BlockingCollection<int>();

                void M()
                {
                    var threads = new List<Thread>();
                    for (var i = 0; i < 3; i++)
                    {
                        var t = new Thread(Consume);
                        t.Start();
                        threads.Add(t);
                    }

                    foreach (var t in threads)
                    {
                        {|#0:t.Join()|};
                    }

                    _queue.CompleteAdding();
                }

                private void Consume()
                {
                    while (!_queue.IsCompleted)
                    {
                        if (_queue.TryTake(out var item, 100))
                        {
                            Console.WriteLine(item);
                        }
                    }
                }
            }
            """;
        return Reports(source, Consumers("_queue", "_queue.CompleteAdding()", 28));
    }

    [Fact]
    public Task Reports_WaitWithTimeout_InCondition_AndLinqBuiltConsumers()
    {
        const string source = """
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumers = Enumerable.Range(0, 3)
                        .Select(_ => Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } }))
                        .ToArray();
                    if (!{|#0:Task.WaitAll(consumers, 2000)|})
                    {
                        Console.WriteLine("hung");
                        queue.CompleteAdding();
                        Task.WaitAll(consumers);
                    }
                }
            }
            """;
        return Reports(source, Consumers("queue", "queue.CompleteAdding()", 20));
    }

    [Fact]
    public Task Reports_WaitOnOnePath_CompletionAfterTheIf()
    {
        const string source = """
            class C
            {
                void M(bool drain)
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } });
                    if (drain)
                    {
                        {|#0:consumer.Wait()|};
                    }

                    queue.CompleteAdding();
                }
            }
            """;
        return Reports(source, Consumers("queue", "queue.CompleteAdding()", 20));
    }

    [Fact]
    public Task Reports_CompletionInFinallyAfterTheWait()
    {
        const string source = """
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } });
                    try
                    {
                        queue.Add(1);
                        {|#0:consumer.Wait()|};
                    }
                    finally
                    {
                        queue.CompleteAdding();
                    }
                }
            }
            """;
        return Reports(source, Consumers("queue", "queue.CompleteAdding()", 22));
    }

    [Fact]
    public Task Reports_ResultOfAConsumerThatCounts()
    {
        const string source = """
            class C
            {
                int M()
                {
                    var queue = new BlockingCollection<int>();
                    var counter = Task.Run(() =>
                    {
                        var n = 0;
                        foreach (var x in queue.GetConsumingEnumerable()) { n++; }
                        return n;
                    });
                    queue.Add(1);
                    var count = {|#0:counter.Result|};
                    queue.CompleteAdding();
                    return count;
                }
            }
            """;
        return Reports(source, Consumers("queue", "queue.CompleteAdding()", 22));
    }

    [Fact]
    public Task Reports_TopLevelProgram()
    {
        const string source = Usings + """
            var queue = new BlockingCollection<int>();
            var consumer = new Thread(() => { foreach (var x in queue.GetConsumingEnumerable()) Console.WriteLine(x); });
            consumer.Start();
            queue.Add(42);
            {|#0:consumer.Join()|};
            queue.CompleteAdding();
            """;
        return Verify.VerifyProgramAsync(source,
            Verify.Diagnostic().WithLocation(0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(Consumers("queue", "queue.CompleteAdding()", 14)));
    }

    [Fact]
    public Task Reports_StartStopClass_ConsumerFieldSetInAnotherMethod()
    {
        const string source = """
            sealed class Logger : IDisposable
            {
                private readonly BlockingCollection<string> _lines = new BlockingCollection<string>();
                private Task _writer = Task.CompletedTask;

                public void Start() => _writer = Task.Run(WriteLoop);

                public void Log(string line) => _lines.Add(line);

                public void Dispose()
                {
                    {|#0:_writer.Wait()|};
                    _lines.CompleteAdding();
                }

                private void WriteLoop()
                {
                    foreach (var line in _lines.GetConsumingEnumerable())
                    {
                        Console.WriteLine(line);
                    }
                }
            }
            """;
        return Reports(source, Consumers("_lines", "_lines.CompleteAdding()", 21));
    }

    [Fact]
    public Task NoDiagnostic_StartStopClass_CompletesFirst_OrConsumerStopsByToken()
    {
        const string source = """
            sealed class Logger : IDisposable
            {
                private readonly BlockingCollection<string> _lines = new BlockingCollection<string>();
                private readonly CancellationTokenSource _stop = new CancellationTokenSource();
                private Task _writer = Task.CompletedTask;
                private Task _other = Task.CompletedTask;

                public void Start()
                {
                    _writer = Task.Run(WriteLoop);
                    _other = Task.Run(() => { foreach (var line in _lines.GetConsumingEnumerable(_stop.Token)) { } });
                }

                public void Dispose()
                {
                    _stop.Cancel();
                    _other.Wait();
                    _lines.CompleteAdding();
                    _writer.Wait();
                }

                private void WriteLoop()
                {
                    foreach (var line in _lines.GetConsumingEnumerable())
                    {
                        Console.WriteLine(line);
                    }
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task Reports_ParallelForEachConsumer_WaitedWithGetAwaiterGetResult()
    {
        const string source = """
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => Parallel.ForEach(queue.GetConsumingEnumerable(), x => Console.WriteLine(x)));
                    queue.Add(1);
                    {|#0:consumer.GetAwaiter().GetResult()|};
                    queue.CompleteAdding();
                }
            }
            """;
        return Reports(source, Consumers("queue", "queue.CompleteAdding()", 17));
    }

    [Fact]
    public Task NoDiagnostic_ParallelForEachWithOptions()
    {
        const string source = """
            class C
            {
                void M(CancellationToken token)
                {
                    var queue = new BlockingCollection<int>();
                    var options = new ParallelOptions { CancellationToken = token };
                    var consumer = Task.Run(() => Parallel.ForEach(queue.GetConsumingEnumerable(), options, x => Console.WriteLine(x)));
                    consumer.GetAwaiter().GetResult();
                    queue.CompleteAdding();
                }
            }
            """;
        return Silent(source);
    }

    // ---- positives: channels -------------------------------------------------------------------------------------

    [Fact]
    public Task Reports_ChannelReaders_AwaitedBeforeWriterComplete()
    {
        const string source = """
            class C
            {
                async Task M()
                {
                    var channel = Channel.CreateUnbounded<int>();
                    var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
                    {
                        await foreach (var item in channel.Reader.ReadAllAsync())
                        {
                            Console.WriteLine(item);
                        }
                    })).ToList();
                    await channel.Writer.WriteAsync(1);
                    {|#0:await Task.WhenAll(readers)|};
                    channel.Writer.Complete();
                }
            }
            """;
        return Reports(source, Consumers("channel", "channel.Writer.Complete()", 23));
    }

    [Fact]
    public Task Reports_WaitToReadAsyncLoop_InMethodTakingTheReader()
    {
        const string source = """
            class C
            {
                private readonly Channel<string> _lines = Channel.CreateBounded<string>(8);

                async Task RunAsync()
                {
                    var reader = Task.Run(() => DrainAsync(_lines.Reader));
                    await _lines.Writer.WriteAsync("x");
                    {|#0:await reader|};
                    _lines.Writer.TryComplete();
                }

                static async Task DrainAsync(ChannelReader<string> source)
                {
                    while (await source.WaitToReadAsync())
                    {
                        while (source.TryRead(out var line))
                        {
                            Console.WriteLine(line);
                        }
                    }
                }
            }
            """;
        return Reports(source, Consumers("_lines", "_lines.Writer.TryComplete()", 18));
    }

    [Fact]
    public Task Reports_ReaderCompletion_AwaitedBeforeComplete()
    {
        const string source = """
            class C
            {
                async Task M(Channel<int> channel)
                {
                    await channel.Writer.WriteAsync(1);
                    {|#0:await channel.Reader.Completion|};
                    channel.Writer.Complete();
                }
            }
            """;
        return Reports(source, CompletionOf("channel", "channel.Writer.Complete()", 15));
    }

    // ---- positives: dataflow -------------------------------------------------------------------------------------

    [Fact]
    public Task Reports_BlockCompletion_AwaitedAndWaited_BeforeComplete()
    {
        const string source = """
            class C
            {
                async Task M()
                {
                    var block = new ActionBlock<int>(i => Console.WriteLine(i), new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 3 });
                    for (var i = 0; i < 10; i++)
                    {
                        block.Post(i);
                    }

                    {|#0:await block.Completion|};
                    block.Complete();
                }

                void N(ITargetBlock<int> target)
                {
                    target.Post(1);
                    {|#1:target.Completion.Wait()|};
                    target.Complete();
                }
            }
            """;
        return Reports(source,
            CompletionOf("block", "block.Complete()", 20),
            CompletionOf("target", "target.Complete()", 27));
    }

    // ---- positives: the runtime library's pool ---------------------------------------------------------------------

    [Fact]
    public Task Reports_PoolJoinAndJoinAsync_BeforeClose()
    {
        const string source = """
            class C
            {
                void M()
                {
                    var pool = new ThreadWise.WorkerPool(3);
                    pool.Submit(() => Console.WriteLine("work"));
                    {|#0:pool.Join()|};
                    pool.Close();
                }

                async Task N(ThreadWise.WorkerPool pool)
                {
                    await {|#1:pool.JoinAsync()|};
                    pool.Terminate();
                }
            }
            """;
        return WithPool(source,
            Joined("pool", "pool.Close()", 16),
            Joined("pool", "pool.Terminate()", 22));
    }

    [Fact]
    public Task Reports_RuntimeLibraryWorkerPool_AndFixClosesFirst()
    {
        const string source = """
            class C
            {
                void M()
                {
                    using var pool = new ThreadWise.WorkerPool(3);
                    pool.Submit(() => Console.WriteLine("work"));
                    [|pool.Join()|];
                    pool.Close();
                }
            }
            """;
        const string fixedSource = """
            class C
            {
                void M()
                {
                    using var pool = new ThreadWise.WorkerPool(3);
                    pool.Submit(() => Console.WriteLine("work"));
                    pool.Close();
                    pool.Join();
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(Usings + source, Usings + fixedSource, TW0007WaitBeforeCompletionCodeFix.CompleteBeforeWaitKey);
    }

    // ---- positives: adding after completion ------------------------------------------------------------------------

    [Fact]
    public Task Reports_AddAfterCompletion_EachKind()
    {
        const string source = """
            class C
            {
                async Task M(BlockingCollection<int> queue, Channel<int> channel, BufferBlock<int> block)
                {
                    queue.CompleteAdding();
                    {|#0:queue.Add(1)|};
                    channel.Writer.Complete();
                    await {|#1:channel.Writer.WriteAsync(1)|};
                    {|#2:channel.Writer.TryWrite(2)|};
                    block.Complete();
                    {|#3:block.Post(3)|};
                }
            }
            """;
        return Reports(source,
            Added("Add", "queue", "queue.CompleteAdding()", 13, "it throws InvalidOperationException"),
            Added("WriteAsync", "channel", "channel.Writer.Complete()", 15, "it throws ChannelClosedException"),
            Added("TryWrite", "channel", "channel.Writer.Complete()", 15, "it returns false and the item is dropped"),
            Added("Post", "block", "block.Complete()", 18, "the block declines it and the item is silently dropped"));
    }

    [Fact]
    public Task Reports_SubmitAfterClose()
    {
        const string source = """
            class C
            {
                void M(ThreadWise.WorkerPool pool)
                {
                    pool.Close();
                    {|#0:pool.Submit(() => { })|};
                    pool.Join();
                }
            }
            """;
        return WithPool(source, Added("Submit", "pool", "pool.Close()", 13, "it throws InvalidOperationException (\"Pool not running\")"));
    }

    // ---- negatives -------------------------------------------------------------------------------------------------

    [Fact]
    public Task NoDiagnostic_CompleteThenWait()
    {
        const string source = """
            class C
            {
                async Task M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumers = Enumerable.Range(0, 3).Select(_ => Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } })).ToArray();
                    queue.Add(1);
                    queue.CompleteAdding();
                    Task.WaitAll(consumers);

                    var channel = Channel.CreateUnbounded<int>();
                    var reader = Task.Run(async () => { await foreach (var x in channel.Reader.ReadAllAsync()) { } });
                    channel.Writer.Complete();
                    await reader;
                    await channel.Reader.Completion;

                    var block = new ActionBlock<int>(i => { });
                    block.Post(1);
                    block.Complete();
                    await block.Completion;
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task NoDiagnostic_WaitForProducersFirst_ThenCompleteThenConsumers()
    {
        const string source = """
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var producers = Enumerable.Range(0, 2).Select(p => Task.Run(() => { for (var i = 0; i < 5; i++) queue.Add(i); })).ToArray();
                    var consumers = Enumerable.Range(0, 2).Select(_ => Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } })).ToArray();
                    Task.WaitAll(producers);
                    queue.CompleteAdding();
                    Task.WaitAll(consumers);
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task NoDiagnostic_ConsumersThatStopByCount_Sentinel_Return_OrToken()
    {
        const string source = """
            class C
            {
                void M(CancellationToken token)
                {
                    var queue = new BlockingCollection<int>();
                    var byCount = Task.Run(() => { for (var i = 0; i < 10; i++) Console.WriteLine(queue.Take()); });
                    var bySentinel = Task.Run(() =>
                    {
                        foreach (var x in queue.GetConsumingEnumerable())
                        {
                            if (x < 0) break;
                        }
                    });
                    var byReturn = Task.Run(() =>
                    {
                        while (true)
                        {
                            var x = queue.Take();
                            if (x < 0) return;
                        }
                    });
                    var byToken = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable(token)) { } });
                    var byTakeToken = new Thread(() => { while (true) queue.Take(token); });
                    byTakeToken.Start();
                    Task.WaitAll(byCount, bySentinel, byReturn, byToken);
                    byTakeToken.Join();
                    queue.CompleteAdding();
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task NoDiagnostic_ChannelConsumersWithToken()
    {
        const string source = """
            class C
            {
                async Task M(CancellationToken ct)
                {
                    var channel = Channel.CreateUnbounded<int>();
                    var a = Task.Run(async () => { await foreach (var x in channel.Reader.ReadAllAsync(ct)) { } });
                    var b = Task.Run(async () => { while (await channel.Reader.WaitToReadAsync(ct)) { channel.Reader.TryRead(out _); } });
                    await Task.WhenAll(a, b);
                    channel.Writer.Complete();
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task NoDiagnostic_ProducerTaskCompletes()
    {
        const string source = """
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var producer = Task.Run(() =>
                    {
                        for (var i = 0; i < 10; i++) queue.Add(i);
                        queue.CompleteAdding();
                    });
                    var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } });
                    consumer.Wait();
                    producer.Wait();
                    queue.CompleteAdding();
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task NoDiagnostic_CompletionByAMethodThatRunsBefore()
    {
        const string source = """
            class C
            {
                void M(Action<BlockingCollection<int>> finish)
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } });
                    Finish(queue);
                    consumer.Wait();
                    queue.CompleteAdding();

                    var other = new BlockingCollection<int>();
                    var second = Task.Run(() => { foreach (var x in other.GetConsumingEnumerable()) { } });
                    finish(other);
                    second.Wait();
                    other.CompleteAdding();
                }

                static void Finish(BlockingCollection<int> q)
                {
                    q.Add(0);
                    q.CompleteAdding();
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task Reports_NoCompletionInTheMethod_WhenAnotherCollectionIsCompleted()
    {
        // Issue 13: a local collection that nothing completes hangs its consumers (was silent before); a field's
        // consumers, started in another method, are not judged here.
        const string source = """
            class C
            {
                private readonly BlockingCollection<int> _queue = new BlockingCollection<int>();

                void Start(out Task consumer)
                {
                    consumer = Task.Run(() => { foreach (var x in _queue.GetConsumingEnumerable()) { } });
                }

                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var other = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } });
                    {|#0:consumer.Wait()|};
                    other.CompleteAdding();
                }
            }
            """;
        return Reports(source, TW0007WaitBeforeCompletionShapeTests.Missing("queue", "queue.CompleteAdding()"));
    }

    [Fact]
    public Task NoDiagnostic_WhenAllNotAwaitedUntilAfterCompletion_AndWhenAnyWithTimeout()
    {
        const string source = """
            class C
            {
                async Task M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumers = new[] { Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } }) };
                    var all = Task.WhenAll(consumers);
                    await Task.WhenAny(all, Task.Delay(100));
                    Task.WaitAny(consumers, 100);
                    queue.CompleteAdding();
                    await all;
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task NoDiagnostic_CompletedOnEveryPathBeforeTheWait()
    {
        const string source = """
            class C
            {
                void M(bool fast)
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } });
                    if (fast)
                    {
                        queue.CompleteAdding();
                    }
                    else
                    {
                        queue.Add(1);
                        queue.CompleteAdding();
                    }

                    consumer.Wait();
                    queue.CompleteAdding();
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task NoDiagnostic_WaitInsideALambda_AndNonConsumingTasks()
    {
        const string source = """
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumers = new[] { Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } }) };
                    var watcher = Task.Run(() => Task.WaitAll(consumers));
                    var compute = Task.Run(() => Console.WriteLine(queue.Count));
                    compute.Wait();
                    Console.WriteLine(consumers.Length);
                    queue.CompleteAdding();
                    watcher.Wait();
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task NoDiagnostic_PollingWithATimeoutInALoop()
    {
        const string source = """
            class C
            {
                void M(Func<bool> done)
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } });
                    while (!consumer.Wait(100))
                    {
                        Console.Write(".");
                        if (done())
                        {
                            queue.CompleteAdding();
                        }
                    }
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task NoDiagnostic_DataflowLinkedBlocks_AndCompleteBeforeCompletion()
    {
        const string source = """
            class C
            {
                async Task M()
                {
                    var first = new TransformBlock<int, int>(i => i * 2);
                    var last = new ActionBlock<int>(i => Console.WriteLine(i));
                    first.LinkTo(last, new DataflowLinkOptions { PropagateCompletion = true });
                    first.Post(1);
                    first.Complete();
                    await last.Completion;
                    last.Complete();
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task NoDiagnostic_AddBeforeCompletion_AfterRenewal_OrOnOnePathOnly()
    {
        const string source = """
            class C
            {
                void M(bool stop)
                {
                    var queue = new BlockingCollection<int>();
                    queue.Add(1);
                    queue.CompleteAdding();
                    queue = new BlockingCollection<int>();
                    queue.Add(2);
                    if (stop)
                    {
                        queue.CompleteAdding();
                    }

                    if (!queue.IsAddingCompleted)
                    {
                        queue.TryAdd(3);
                    }

                    var channel = Channel.CreateUnbounded<int>();
                    channel.Writer.Complete();
                    _ = channel.Writer.WaitToWriteAsync();
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task NoDiagnostic_PoolClosedOrTerminatedBeforeJoin()
    {
        const string source = """
            class C
            {
                void M()
                {
                    var pool = new ThreadWise.WorkerPool(3);
                    pool.Submit(() => { });
                    pool.Close();
                    pool.Join();
                }

                async Task N(ThreadWise.WorkerPool pool)
                {
                    pool.Terminate();
                    await pool.JoinAsync();
                }
            }
            """;
        return WithPool(source);
    }

    [Fact]
    public Task NoDiagnostic_CompletionInALocalFunction_OrAnEventHandler()
    {
        const string source = """
            class C
            {
                event EventHandler Stopped;

                void M()
                {
                    var queue = new BlockingCollection<int>();
                    Stopped += (s, e) => queue.CompleteAdding();
                    var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } });
                    Stop();
                    consumer.Wait();
                    queue.CompleteAdding();

                    void Stop() => queue.CompleteAdding();
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public Task NoDiagnostic_Net80_AndNoCompletableTypes()
    {
        const string source = """
            using System.Threading.Tasks;

            class C
            {
                void M(Task[] tasks)
                {
                    Task.WaitAll(tasks);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, TargetFramework.Net80);
    }

    [Fact]
    public Task Reports_Net80()
    {
        const string source = Usings + """
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } });
                    {|#0:consumer.Wait()|};
                    queue.CompleteAdding();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source, TargetFramework.Net80,
            Verify.Diagnostic().WithLocation(0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(Consumers("queue", "queue.CompleteAdding()", 16)));
    }

    [Fact]
    public Task Reports_WaitAllWithSeveralConsumers_AndAwaitOfWaitAsync()
    {
        const string source = """
            class C
            {
                async Task M(TimeSpan timeout)
                {
                    var queue = new BlockingCollection<int>();
                    var a = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } });
                    var b = new Task(() => { while (true) { Console.WriteLine(queue.Take()); } });
                    b.Start();
                    {|#0:Task.WaitAll(a, b)|};
                    {|#1:await a.WaitAsync(timeout)|};
                    queue.CompleteAdding();
                }
            }
            """;
        return Reports(source,
            Consumers("queue", "queue.CompleteAdding()", 19),
            Consumers("queue", "queue.CompleteAdding()", 19));
    }

    [Fact]
    public Task NoDiagnostic_AsyncBodyOnAThreadOrStartNew_EndsAtItsFirstAwait()
    {
        const string source = """
            class C
            {
                void M(Channel<int> channel)
                {
                    var outer = Task.Factory.StartNew(async () => { await foreach (var x in channel.Reader.ReadAllAsync()) { } });
                    var thread = new Thread(async () => { await foreach (var x in channel.Reader.ReadAllAsync()) { } });
                    thread.Start();
                    outer.Wait();
                    thread.Join();
                    channel.Writer.Complete();
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public void NoException_OnIncompleteCode()
    {
        var fragments = new[]
        {
            "class C { void M() { var q = new BlockingCollection<int>(); var c = Task.Run(() => { foreach (var x in q.GetConsumingEnumerable( }); c.Wait(); q.CompleteAdding(); } }",
            "class C { void M() { var q = new BlockingCollection<int>(); Task.WaitAll(; q.CompleteAdding(",
            "class C { async Task M(Channel<int> ch) { await Task.WhenAll(Task.Run(async () => { await foreach (var x in ch.Reader.ReadAllAsync()) }))); ch.Writer. } }",
            "class C { void M(ActionBlock<int> b) { b.Completion.Wait(); b.Complete(); b.Post( } }",
            "class C { void M() { BlockingCollection<int> q; var t = new Thread(Consume); t.Join(); q.CompleteAdding(); } void Consume( { while (true) q.Take(); } }",
            "var q = new BlockingCollection<int>(); var t = Task.Run(() => { while (!q.IsCompleted) q.Take(); }); await t; q.CompleteAdding(); q.Add(",
        };
        foreach (var fragment in fragments)
        {
            var result = ThreadWise.Analyzers.Tests.Meta.AnalyzerRunner.Run(new[] { ("Fragment.cs", Usings + fragment) });
            Assert.Empty(result.Exceptions);
        }
    }

    // ---- code fixes ------------------------------------------------------------------------------------------------

    private static Task Fix(string source, string fixedSource, OutputKind kind = OutputKind.DynamicallyLinkedLibrary) =>
        VerifyFix.VerifyCodeFixAsync(Usings + source, Usings + fixedSource, TW0007WaitBeforeCompletionCodeFix.CompleteBeforeWaitKey, kind);

    [Fact]
    public Task Fix_MovesCompleteAddingBeforeTheWait_KeepingItsComment()
    {
        const string source = """
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } });
                    queue.Add(1);
                    [|consumer.Wait()|];

                    // no more work
                    queue.CompleteAdding();
                    Console.WriteLine("done");
                }
            }
            """;
        const string fixedSource = """
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } });
                    queue.Add(1);
                    // no more work
                    queue.CompleteAdding();
                    consumer.Wait();

                    Console.WriteLine("done");
                }
            }
            """;
        return Fix(source, fixedSource);
    }

    [Fact]
    public Task Fix_ChannelWriterComplete_BeforeAwaitWhenAll()
    {
        const string source = """
            class C
            {
                async Task M(Channel<int> channel)
                {
                    var reader = Task.Run(async () => { await foreach (var x in channel.Reader.ReadAllAsync()) { } });
                    await channel.Writer.WriteAsync(1);
                    [|await Task.WhenAll(reader)|];
                    channel.Writer.Complete();
                }
            }
            """;
        const string fixedSource = """
            class C
            {
                async Task M(Channel<int> channel)
                {
                    var reader = Task.Run(async () => { await foreach (var x in channel.Reader.ReadAllAsync()) { } });
                    await channel.Writer.WriteAsync(1);
                    channel.Writer.Complete();
                    await Task.WhenAll(reader);
                }
            }
            """;
        return Fix(source, fixedSource);
    }

    [Fact]
    public Task Fix_InsertsBeforeTheIf_WhenTheCompletionIsElsewhere_AndIsRepeatable()
    {
        const string source = """
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumers = new[] { Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } }) };
                    if (![|Task.WaitAll(consumers, 2000)|])
                    {
                        queue.CompleteAdding();
                    }
                }
            }
            """;
        const string fixedSource = """
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumers = new[] { Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } }) };
                    queue.CompleteAdding();
                    if (!Task.WaitAll(consumers, 2000))
                    {
                        queue.CompleteAdding();
                    }
                }
            }
            """;
        return Fix(source, fixedSource);
    }

    [Fact]
    public Task Fix_DataflowBlock_AndTopLevelProgram()
    {
        const string source = """
            var block = new ActionBlock<int>(i => Console.WriteLine(i));
            block.Post(1);
            [|await block.Completion|];
            block.Complete();
            """;
        const string fixedSource = """
            var block = new ActionBlock<int>(i => Console.WriteLine(i));
            block.Post(1);
            block.Complete();
            await block.Completion;

            """;
        return Fix(source, fixedSource, OutputKind.ConsoleApplication);
    }

    [Fact]
    public Task FixAll_TwoMethods_AndTwoWaitsBeforeOneCompletion()
    {
        const string source = """
            class C
            {
                private readonly BlockingCollection<int> _queue = new BlockingCollection<int>();

                void M()
                {
                    var a = Task.Run(() => { foreach (var x in _queue.GetConsumingEnumerable()) { } });
                    var b = Task.Run(() => { foreach (var x in _queue.GetConsumingEnumerable()) { } });
                    [|a.Wait()|];
                    [|b.Wait()|];
                    _queue.CompleteAdding();
                }

                async Task N(ActionBlock<int> block)
                {
                    block.Post(1);
                    [|await block.Completion|];
                    block.Complete();
                }
            }
            """;
        const string fixedSource = """
            class C
            {
                private readonly BlockingCollection<int> _queue = new BlockingCollection<int>();

                void M()
                {
                    var a = Task.Run(() => { foreach (var x in _queue.GetConsumingEnumerable()) { } });
                    var b = Task.Run(() => { foreach (var x in _queue.GetConsumingEnumerable()) { } });
                    _queue.CompleteAdding();
                    a.Wait();
                    b.Wait();
                }

                async Task N(ActionBlock<int> block)
                {
                    block.Post(1);
                    block.Complete();
                    await block.Completion;
                }
            }
            """;
        return Fix(source, fixedSource);
    }

    [Fact]
    public Task NoFix_WaitIsAnEmbeddedStatement_ChannelCompletionNotMovable_OrAddAfterCompletion()
    {
        const string source = Usings + """
            class C
            {
                void M(bool drain, Channel<int> channel, BlockingCollection<int> other)
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { } });
                    if (drain) [|consumer.Wait()|];
                    queue.CompleteAdding();

                    var reader = Task.Run(async () => { await foreach (var x in channel.Reader.ReadAllAsync()) { } });
                    {
                        [|reader.Wait()|];
                    }

                    channel.Writer.Complete();

                    other.CompleteAdding();
                    [|other.Add(1)|];
                }
            }
            """;
        return VerifyFix.VerifyNoCodeFixAsync(source);
    }
}
