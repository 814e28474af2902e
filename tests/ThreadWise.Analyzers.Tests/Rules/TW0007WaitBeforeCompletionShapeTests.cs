using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ThreadWise.Analyzers.Tests.Verifiers;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0007WaitBeforeCompletionAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0007 on shapes from code written for other analyzers and real projects: no completion call anywhere, LINQ
/// aggregations as consumers, adds after a try/finally that completes, and a switch's break inside a loop.
/// </summary>
public class TW0007WaitBeforeCompletionShapeTests
{
    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Linq;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        """;

    internal static string Missing(string key, string call) =>
        $"This waits for the consumers of '{key}', but nothing calls '{call}' to tell them that no more work comes: they never finish and the wait hangs; complete it first";

    internal static string MissingCompletion(string key, string call) =>
        $"This waits for '{key}' to complete, but nothing calls '{call}': the wait never ends; complete it first";

    internal static string SwitchBreak(string method, string key, string completion, int line, string consequence) =>
        $"'{method}' on '{key}' can run after '{completion}' (line {line}): the 'break' there leaves only the switch, and the loop comes back to it; {consequence}";

    private static Task Reports(string source, params string[] messages)
    {
        var expected = messages.Select((m, i) => Verify.Diagnostic().WithLocation(i).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(m)).ToArray();
        return Verify.VerifyAnalyzerAsync(Usings + source, expected);
    }

    private static Task Silent(string source) => Verify.VerifyAnalyzerAsync(Usings + source);

    // ---- no completion call anywhere ---------------------------------------------------------------------------

    [Fact]
    public Task Reports_ChannelReadAllAsyncConsumer_NeverCompleted()
    {
        const string source = """
            class Pipeline
            {
                public static async Task RunAsync()
                {
                    var channel = Channel.CreateUnbounded<int>();
                    var consumer = Task.Run(async () =>
                    {
                        await foreach (var item in channel.Reader.ReadAllAsync()) Console.WriteLine(item);
                    });
                    for (var i = 0; i < 10; i++) await channel.Writer.WriteAsync(i);
                    {|#0:await consumer|};
                }
            }
            """;
        return Reports(source, Missing("channel", "channel.Writer.Complete()"));
    }

    [Fact]
    public Task Reports_BlockingCollectionConsumerThread_NeverCompleted()
    {
        const string source = """
            class Pipeline
            {
                public static void Run()
                {
                    var queue = new BlockingCollection<string>();
                    var consumer = new Thread(() =>
                    {
                        foreach (var line in queue.GetConsumingEnumerable()) Console.WriteLine(line);
                    });
                    consumer.Start();
                    queue.Add("a");
                    queue.Add("b");
                    {|#0:consumer.Join()|};
                }
            }
            """;
        return Reports(source, Missing("queue", "queue.CompleteAdding()"));
    }

    [Fact]
    public Task Reports_ConsumerTasksInAnArray_NeverCompleted()
    {
        const string source = """
            class Pipeline
            {
                public static void Run()
                {
                    var queue = new BlockingCollection<int>();
                    var consumers = new Task[3];
                    for (var i = 0; i < consumers.Length; i++)
                    {
                        consumers[i] = Task.Run(() => { foreach (var n in queue.GetConsumingEnumerable()) Console.WriteLine(n); });
                    }

                    for (var i = 0; i < 100; i++) queue.Add(i);
                    {|#0:Task.WaitAll(consumers)|};
                }
            }
            """;
        return Reports(source, Missing("queue", "queue.CompleteAdding()"));
    }

    [Fact]
    public Task Reports_DataflowBlockCompletion_NeverCompleted()
    {
        const string source = """
            class Pipeline
            {
                public static async Task RunAsync()
                {
                    var block = new ActionBlock<int>(n => Console.WriteLine(n));
                    for (var i = 0; i < 10; i++) block.Post(i);
                    {|#0:await block.Completion|};
                }
            }
            """;
        return Reports(source, MissingCompletion("block", "block.Complete()"));
    }

    [Fact]
    public Task NoDiagnostic_CompletedByAnotherBodyOrHandedOn()
    {
        const string source = """
            class Pipeline
            {
                private BlockingCollection<int>? _shared;

                public static async Task ProducerTask()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var n in queue.GetConsumingEnumerable()) Console.WriteLine(n); });
                    var producer = Task.Run(() => { queue.Add(1); queue.CompleteAdding(); });
                    await Task.WhenAll(producer, consumer);
                }

                public static void CancelKey()
                {
                    var queue = new BlockingCollection<int>();
                    Console.CancelKeyPress += (_, _) => queue.CompleteAdding();
                    var consumer = Task.Run(() => { foreach (var n in queue.GetConsumingEnumerable()) Console.WriteLine(n); });
                    consumer.Wait();
                }

                public static void HandedToUnknownCode()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var n in queue.GetConsumingEnumerable()) Console.WriteLine(n); });
                    GC.KeepAlive(queue);
                    consumer.Wait();
                }

                public static void HandedToAProducerThatCompletes()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var n in queue.GetConsumingEnumerable()) Console.WriteLine(n); });
                    Produce(queue);
                    consumer.Wait();
                }

                private static void Produce(BlockingCollection<int> queue)
                {
                    queue.Add(1);
                    queue.CompleteAdding();
                }

                public void StoredInAField()
                {
                    var queue = new BlockingCollection<int>();
                    _shared = queue;
                    var consumer = Task.Run(() => { foreach (var n in queue.GetConsumingEnumerable()) Console.WriteLine(n); });
                    consumer.Wait();
                }

                public static async Task CompletedThroughAnotherName()
                {
                    var channel = Channel.CreateUnbounded<int>();
                    var writer = channel.Writer;
                    var consumer = Task.Run(async () => { await foreach (var n in channel.Reader.ReadAllAsync()) Console.WriteLine(n); });
                    await writer.WriteAsync(1);
                    writer.Complete();
                    await consumer;
                }

                public static void TimedWait()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var n in queue.GetConsumingEnumerable()) Console.WriteLine(n); });
                    if (!consumer.Wait(100)) Console.WriteLine("still running, as expected");
                }

                public static void ConsumerStopsByCount()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { for (var i = 0; i < 3; i++) Console.WriteLine(queue.Take()); });
                    queue.Add(1); queue.Add(2); queue.Add(3);
                    consumer.Wait();
                }

                public static void ConsumerWithToken(CancellationToken token)
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var n in queue.GetConsumingEnumerable(token)) Console.WriteLine(n); });
                    consumer.Wait();
                }
            }
            """;
        return Silent(source);
    }

    [Fact]
    public async Task Live_MissingCompletion_CarriesWhatTheFixInserts()
    {
        const string source = Usings + """
            class Pipeline
            {
                public static async Task RunAsync()
                {
                    var channel = Channel.CreateUnbounded<int>();
                    var consumer = Task.Run(async () => { await foreach (var n in channel.Reader.ReadAllAsync()) Console.WriteLine(n); });
                    await channel.Writer.WriteAsync(1);
                    await consumer;
                }
            }
            """;
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        Assert.Empty(live.Exceptions);
        var diagnostic = Assert.Single(live.Diagnostics, d => d.Id == "TW0007");
        Assert.Equal("await consumer", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Equal("true", diagnostic.Properties["Missing"]);
        Assert.Equal("channel.Writer", diagnostic.Properties["Receiver"]);
        Assert.Equal("Complete", diagnostic.Properties["Method"]);
        Assert.Equal("Wait", diagnostic.Properties["Kind"]);

        // The light bulb inserts the missing completion right before the wait.
        var action = Assert.Single(await EditorHost.LightBulbAsync(live.Document, diagnostic));
        var fixedText = await EditorHost.ApplyAsync(live.Document, action);
        Assert.Contains("""
                    await channel.Writer.WriteAsync(1);
                    channel.Writer.Complete();
                    await consumer;
            """, fixedText, System.StringComparison.Ordinal);
    }

    [Fact]
    public Task Fix_MissingCompletion_InsertedBeforeTheWait_NullKeyFixAll()
    {
        const string source = Usings + """
            class Pipeline
            {
                public static void Run()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var n in queue.GetConsumingEnumerable()) Console.WriteLine(n); });
                    queue.Add(1);

                    // wait for the consumer
                    {|TW0007:consumer.Wait()|};
                }
            }
            """;
        const string fixedSource = Usings + """
            class Pipeline
            {
                public static void Run()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var n in queue.GetConsumingEnumerable()) Console.WriteLine(n); });
                    queue.Add(1);

                    queue.CompleteAdding();
                    // wait for the consumer
                    consumer.Wait();
                }
            }
            """;
        return CSharpCodeFixVerifier<ThreadWise.Analyzers.Rules.TW0007WaitBeforeCompletionAnalyzer, ThreadWise.CodeFixes.Rules.TW0007WaitBeforeCompletionCodeFix>
            .VerifyCodeFixAsync(source, fixedSource);
    }

    // ---- LINQ aggregation as the consumer ----------------------------------------------------------------------

    [Fact]
    public Task Reports_LinqSumConsumer_WaitedThroughResult_BeforeCompleteAdding()
    {
        const string source = """
            class Totals
            {
                public static int Sum()
                {
                    var queue = new BlockingCollection<int>();
                    var sum = Task.Run(() => queue.GetConsumingEnumerable().Sum());
                    for (var i = 0; i < 10; i++) queue.Add(i);
                    var total = {|#0:sum.Result|};
                    queue.CompleteAdding();
                    return total;
                }
            }
            """;
        return Reports(source, TW0007WaitBeforeCompletionTests.Consumers("queue", "queue.CompleteAdding()", 16));
    }

    [Fact]
    public Task Reports_LinqChainConsumer_NeverCompleted()
    {
        const string source = """
            class Totals
            {
                public static int Count()
                {
                    var queue = new BlockingCollection<int>();
                    var count = Task.Run(() => queue.GetConsumingEnumerable().Where(n => n > 0).Select(n => n * 2).Count());
                    queue.Add(1);
                    return {|#0:count.Result|};
                }
            }
            """;
        return Reports(source, Missing("queue", "queue.CompleteAdding()"));
    }

    [Fact]
    public Task NoDiagnostic_LinqThatMayStopEarly_OrCompletedFirst()
    {
        const string source = """
            class Totals
            {
                public static int FirstFive()
                {
                    var queue = new BlockingCollection<int>();
                    var sum = Task.Run(() => queue.GetConsumingEnumerable().Take(5).Sum());
                    for (var i = 0; i < 10; i++) queue.Add(i);
                    return sum.Result;
                }

                public static int First()
                {
                    var queue = new BlockingCollection<int>();
                    var first = Task.Run(() => queue.GetConsumingEnumerable().First());
                    queue.Add(1);
                    return first.Result;
                }

                public static int Completed()
                {
                    var queue = new BlockingCollection<int>();
                    var sum = Task.Run(() => queue.GetConsumingEnumerable().Sum());
                    queue.Add(1);
                    queue.CompleteAdding();
                    return sum.Result;
                }
            }
            """;
        return Silent(source);
    }

    // ---- add after a try/finally that completes ----------------------------------------------------------------

    [Fact]
    public Task Reports_AddAfterTryFinallyThatCompletes()
    {
        const string source = """
            class Pipeline
            {
                public static void Run()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var n in queue.GetConsumingEnumerable()) Console.WriteLine(n); });
                    try
                    {
                        for (var i = 0; i < 10; i++) queue.Add(i);
                    }
                    finally
                    {
                        queue.CompleteAdding();
                    }

                    {|#0:queue.Add(-1)|};
                    consumer.Wait();
                }
            }
            """;
        return Reports(source, TW0007WaitBeforeCompletionTests.Added("Add", "queue", "queue.CompleteAdding()", 20, "it throws InvalidOperationException"));
    }

    [Fact]
    public Task NoDiagnostic_AddAfterTryFinallyThatMayNotComplete()
    {
        const string source = """
            class Pipeline
            {
                public static void Run(bool last)
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var n in queue.GetConsumingEnumerable()) Console.WriteLine(n); });
                    try
                    {
                        queue.Add(1);
                    }
                    finally
                    {
                        if (last) queue.CompleteAdding();
                    }

                    if (!last) queue.Add(-1);
                    queue.CompleteAdding();
                    consumer.Wait();
                }
            }
            """;
        return Silent(source);
    }

    // ---- a switch's break inside a loop ------------------------------------------------------------------------

    [Fact]
    public Task Reports_WriteAfterCompleteInASwitchInsideALoop()
    {
        const string source = """
            class Shell
            {
                public static async Task RunAsync()
                {
                    var channel = Channel.CreateUnbounded<string>();
                    var consumer = Task.Run(async () => { await foreach (var line in channel.Reader.ReadAllAsync()) Console.WriteLine(line); });
                    while (true)
                    {
                        var command = Console.ReadLine();
                        switch (command)
                        {
                            case "quit":
                                channel.Writer.Complete();
                                break;
                            default:
                                await {|#0:channel.Writer.WriteAsync(command ?? "")|};
                                break;
                        }
                    }
                }
            }
            """;
        return Reports(source, SwitchBreak("WriteAsync", "channel", "channel.Writer.Complete()", 20, "it throws ChannelClosedException"));
    }

    [Fact]
    public Task Reports_AddAfterTheSwitchInTheSameLoop()
    {
        const string source = """
            class Shell
            {
                public static void Run(string[] commands)
                {
                    var queue = new BlockingCollection<string>();
                    var consumer = Task.Run(() => { foreach (var line in queue.GetConsumingEnumerable()) Console.WriteLine(line); });
                    foreach (var command in commands)
                    {
                        switch (command)
                        {
                            case "quit":
                                queue.CompleteAdding();
                                break;
                        }

                        {|#0:queue.Add(command)|};
                    }

                    consumer.Wait();
                }
            }
            """;
        return Reports(source, SwitchBreak("Add", "queue", "queue.CompleteAdding()", 19, "it throws InvalidOperationException"));
    }

    [Fact]
    public Task NoDiagnostic_SwitchThatEndsTheLoop()
    {
        const string source = """
            class Shell
            {
                public static async Task FlagAsync()
                {
                    var channel = Channel.CreateUnbounded<string>();
                    var consumer = Task.Run(async () => { await foreach (var line in channel.Reader.ReadAllAsync()) Console.WriteLine(line); });
                    var done = false;
                    while (!done)
                    {
                        switch (Console.ReadLine())
                        {
                            case "quit":
                                channel.Writer.Complete();
                                done = true;
                                break;
                            case var line:
                                await channel.Writer.WriteAsync(line ?? "");
                                break;
                        }
                    }

                    await consumer;
                }

                public static async Task ReturnAsync()
                {
                    var channel = Channel.CreateUnbounded<string>();
                    var consumer = Task.Run(async () => { await foreach (var line in channel.Reader.ReadAllAsync()) Console.WriteLine(line); });
                    while (true)
                    {
                        switch (Console.ReadLine())
                        {
                            case "quit":
                                channel.Writer.Complete();
                                await consumer;
                                return;
                            case var line:
                                await channel.Writer.WriteAsync(line ?? "");
                                break;
                        }
                    }
                }

                public static void Counter()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var n in queue.GetConsumingEnumerable()) Console.WriteLine(n); });
                    for (var i = 0; i < 3; i++)
                    {
                        switch (i)
                        {
                            case 2:
                                queue.CompleteAdding();
                                break;
                            default:
                                queue.Add(i);
                                break;
                        }
                    }

                    consumer.Wait();
                }

                public static void Guarded(string[] commands)
                {
                    var queue = new BlockingCollection<string>();
                    var consumer = Task.Run(() => { foreach (var line in queue.GetConsumingEnumerable()) Console.WriteLine(line); });
                    foreach (var command in commands)
                    {
                        switch (command)
                        {
                            case "quit":
                                queue.CompleteAdding();
                                break;
                        }

                        if (!queue.IsAddingCompleted) queue.Add(command);
                    }

                    queue.CompleteAdding();
                    consumer.Wait();
                }
            }
            """;
        return Silent(source);
    }
}
