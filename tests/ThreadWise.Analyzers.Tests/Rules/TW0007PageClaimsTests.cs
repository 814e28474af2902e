using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0007WaitBeforeCompletionAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>Examples and claims of docs/rules/TW0007.md, as the page writes them.</summary>
public class TW0007PageClaimsTests
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

    [Fact]
    public Task Page_NoncompliantExamples_ReportEachMarkedWait()
    {
        const string source = Usings + """
            class C
            {
                static void Handle(int x) { }

                void WaitAllBeforeComplete()
                {
                    var queue = new BlockingCollection<int>();
                    var consumers = Enumerable.Range(0, 3)
                        .Select(_ => Task.Run(() => { foreach (var item in queue.GetConsumingEnumerable()) Handle(item); }))
                        .ToArray();
                    for (var i = 0; i < 10; i++) queue.Add(i);
                    {|TW0007:Task.WaitAll(consumers)|};
                    queue.CompleteAdding();
                }

                async Task ChannelBeforeComplete(Channel<int> channel)
                {
                    var reader = Task.Run(async () => { await foreach (var x in channel.Reader.ReadAllAsync()) Handle(x); });
                    await channel.Writer.WriteAsync(1);
                    {|TW0007:await reader|};
                    channel.Writer.Complete();
                }

                async Task Block()
                {
                    var block = new ActionBlock<int>(Handle, new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 3 });
                    block.Post(1);
                    {|TW0007:await block.Completion|};
                    block.Complete();
                }

                async Task ChannelNeverCompleted()
                {
                    var channel = Channel.CreateUnbounded<int>();
                    var reader = Task.Run(async () => { await foreach (var x in channel.Reader.ReadAllAsync()) Handle(x); });
                    await channel.Writer.WriteAsync(1);
                    {|TW0007:await reader|};
                }

                void Sum(BlockingCollection<int> queue)
                {
                    var sum = Task.Run(() => queue.GetConsumingEnumerable().Sum());
                    queue.Add(1);
                    Console.WriteLine({|TW0007:sum.Result|});
                    queue.CompleteAdding();
                }

                void AddAfterComplete(BlockingCollection<int> queue)
                {
                    queue.CompleteAdding();
                    {|TW0007:queue.Add(42)|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Page_CompliantExamples_AreSilent()
    {
        const string source = Usings + """
            class C
            {
                static void Handle(int x) { }
                static int[] Source() => new int[0];
                BlockingCollection<int> _queue;

                void CompleteFirst(BlockingCollection<int> queue, Task[] consumers)
                {
                    for (var i = 0; i < 10; i++) queue.Add(i);
                    queue.CompleteAdding();
                    Task.WaitAll(consumers);
                }

                void ProducersFirst(BlockingCollection<int> queue, Task[] producers, Task[] consumers)
                {
                    Task.WaitAll(producers);
                    queue.CompleteAdding();
                    Task.WaitAll(consumers);
                }

                void StopOnTheirOwn(BlockingCollection<int> queue, CancellationToken token)
                {
                    var byCount = Task.Run(() => { for (var i = 0; i < 10; i++) Handle(queue.Take()); });
                    var bySentinel = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { if (x < 0) break; } });
                    var byToken = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable(token)) Handle(x); });
                    Task.WaitAll(byCount, bySentinel, byToken);
                    queue.CompleteAdding();
                }

                void ProducerCompletes()
                {
                    var queue = new BlockingCollection<int>();
                    var consumers = new[] { Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) Handle(x); }) };
                    var producer = Task.Run(() => { foreach (var x in Source()) queue.Add(x); queue.CompleteAdding(); });
                    Task.WaitAll(consumers);
                }

                void HandedOn()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) Handle(x); });
                    _queue = queue;
                    consumer.Wait();
                }

                void EarlyStop(BlockingCollection<int> queue)
                {
                    var firstFive = Task.Run(() => queue.GetConsumingEnumerable().Take(5).Sum());
                    firstFive.Wait();
                    queue.CompleteAdding();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "Post/SendAsync after Complete (the item is silently dropped)": ActionBlock<T>, BufferBlock<T>… declare their
    // own instance Post(item), which hides the DataflowBlock extension and was not recognized.
    [Fact]
    public Task Reports_InstancePost_AfterComplete()
    {
        const string source = Usings + """
            class C
            {
                void Action(ActionBlock<int> block)
                {
                    block.Complete();
                    {|TW0007:block.Post(1)|};
                }

                void Buffer(BufferBlock<int> block)
                {
                    block.Complete();
                    {|TW0007:block.Post(1)|};
                }

                void Interface(ITargetBlock<int> block)
                {
                    block.Complete();
                    {|TW0007:block.Post(1)|};
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task NoDiagnostic_InstancePost_BeforeComplete_OrOnAnotherBlock()
    {
        const string source = Usings + """
            class C
            {
                void M(ActionBlock<int> block, ActionBlock<int> other, bool done)
                {
                    block.Post(1);
                    block.Complete();
                    other.Post(2);
                    if (done)
                    {
                        other.Complete();
                    }

                    other.Post(3);
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "a consumer is a task or thread ... whose method (one call deep, in the same file) contains such a loop": a
    // consumer method that hands each item to a helper of the program (Handle(item)) was taken as possibly completing
    // the collection, so the wait was not reported.
    [Fact]
    public Task Reports_ConsumerMethod_ThatCallsAHelper()
    {
        const string source = Usings + """
            class C
            {
                private int _sum;

                void Handle(int item) => _sum += item;

                void Consume(BlockingCollection<int> q)
                {
                    foreach (var item in q.GetConsumingEnumerable())
                    {
                        Handle(item);
                    }
                }

                void Run(BlockingCollection<int> queue)
                {
                    var consumer = Task.Run(() => Consume(queue));
                    queue.Add(1);
                    {|TW0007:consumer.Wait()|};
                    queue.CompleteAdding();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // The twin: a helper that may complete the collection it is handed (directly, or through other code of the
    // program) keeps it silent.
    [Fact]
    public Task NoDiagnostic_ConsumerMethod_WhoseHelperMayComplete()
    {
        const string source = Usings + """
            class C
            {
                void Handle(BlockingCollection<int> q, int item)
                {
                    if (item < 0) q.CompleteAdding();
                }

                void Forward(int item) => Log(item);

                void Log(int item) { }

                void Consume(BlockingCollection<int> q)
                {
                    foreach (var item in q.GetConsumingEnumerable())
                    {
                        Handle(q, item);
                    }
                }

                void ConsumeAndForward(BlockingCollection<int> q)
                {
                    foreach (var item in q.GetConsumingEnumerable())
                    {
                        Forward(item);
                    }
                }

                void Run(BlockingCollection<int> queue)
                {
                    var consumer = Task.Run(() => Consume(queue));
                    consumer.Wait();
                    queue.CompleteAdding();
                }

                void RunForward(BlockingCollection<int> queue)
                {
                    var consumer = Task.Run(() => ConsumeAndForward(queue));
                    consumer.Wait();
                    queue.CompleteAdding();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
