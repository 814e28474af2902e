using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace ThreadWise.Analyzers.Tests.Meta;

/// <summary>
/// Code as typed in an editor: every analyzer runs on truncated and token-deleted versions of threading code and must
/// never throw (an AD0001 is a defect, whatever the input).
/// </summary>
public class IncompleteCodeTests
{
    private const string Threading = """
        using System;
        using System.Collections.Concurrent;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Account
        {
            private readonly object _sync = new object();
            private static int s_count;
            private int _balance;
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private Thread _worker = new Thread(() => { });

            public void Transfer(Account to, int amount)
            {
                lock (_sync)
                {
                    lock (to._sync)
                    {
                        _balance -= amount;
                        to._balance += amount;
                    }
                }
            }

            public async Task UseAsync()
            {
                await _gate.WaitAsync();
                s_count++;
                _gate.Release();
            }

            public bool TryTake(int amount)
            {
                if (_balance < amount) return false;
                _balance -= amount;
                return true;
            }

            public void Run()
            {
                var t = new Thread(Run);
                t.Start();
                t.IsBackground = true;
                t.Start();
                Monitor.Enter(_sync);
                _balance++;
                Monitor.Exit(_sync);
                Parallel.For(0, 10, i => s_count += i);
                Parallel.For(0, 10, i => TryTake(i));
                var queue = new BlockingCollection<int>();
                var consumer = Task.Run(() => { foreach (var x in queue.GetConsumingEnumerable()) { s_count += x; } });
                consumer.Wait();
                queue.CompleteAdding();
                var channel = Channel.CreateUnbounded<int>();
                _worker.Start();
                _worker.SetApartmentState(ApartmentState.MTA);
            }
        }
        """;

    private const string Locks = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class Locks
        {
            private readonly object _sync = new object();
            private static readonly object s_sync = new object();
            private static int s_total;
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);
            private readonly Mutex _mutex = new Mutex();

            public async Task RunAsync(CancellationToken ct)
            {
                Monitor.TryEnter(_sync, 100);
                try { s_total++; } finally { Monitor.Exit(_sync); }
                if (!_gate.Wait(10)) return;
                try { await Task.Yield(); } finally { _gate.Release(); }
                bool taken = _mutex.WaitOne(50);
                if (taken) { _mutex.ReleaseMutex(); }
                try
                {
                    await _gate.WaitAsync(ct);
                    Monitor.Enter(_sync);
                    s_total++;
                }
                finally
                {
                    Monitor.Exit(_sync);
                    _gate.Release();
                }

                try { _gate.Wait(); } finally { try { _gate.Release(); } catch (ObjectDisposedException) { } }
                var pending = Task.Run(() => s_total++);
                Task.WaitAll(pending);
                lock (new object()) { s_total++; }
                var local = new object();
                lock (local) { s_total--; }
                lock (_sync) { s_total += 2; }
                lock (s_sync) { s_total += 3; }
            }
        }
        """;

    private const string Broken = """
        using System.Threading;
        class C
        {
            Thread t = new Thread(
            void M(
            {
                t.Start()
                t.IsBackground = 
                lock (
                Unknown.Start();
                var x = new Thread(Missing) { IsBackground = };
                x.Start(;
                x.SetApartmentState(
                for (int i = 0; i < ; i++) x.Start();
                Monitor.Enter(this
            }
        """;

    private const string Monitors = """
        using System.Threading;
        using System.Threading.Tasks;

        class Buffer
        {
            private readonly object _gate = new object();
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private int _count;

            public async Task SaveAsync()
            {
                Monitor.Enter(_gate);
                try { await Task.Delay(1); }
                finally { Monitor.Exit(_gate); }
                _rw.EnterWriteLock();
                await foreach (var x in Items()) { _count += x; }
                _rw.ExitWriteLock();
            }

            public void Put()
            {
                lock (_gate)
                {
                    _count++;
                    Monitor.PulseAll(_gate);
                }

                Monitor.Pulse(_gate);
            }

            public void Take()
            {
                lock (_gate)
                {
                    if (_count == 0)
                        Monitor.Wait(_gate);
                    while (_count == 0) Monitor.Wait(_gate, 100);
                    _count--;
                }
            }

            private async System.Collections.Generic.IAsyncEnumerable<int> Items() { await Task.Yield(); yield return 1; }
        }
        """;

    private const string Collections = """
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Shop
        {
            private readonly ConcurrentQueue<string> _queue = new();
            private readonly BlockingCollection<string> _jobs = new();
            private readonly ConcurrentDictionary<string, int> _counts = new();
            private readonly Channel<string> _channel = Channel.CreateUnbounded<string>();
            private readonly List<int> _results = new();
            private readonly Dictionary<int, int> _map = new();
            private readonly object _gate = new();
            private Timer _timer;

            public async Task RunAsync(int[] items)
            {
                if (!_queue.IsEmpty) { _queue.TryDequeue(out var item); System.Console.WriteLine(item); }
                while (_jobs.Count > 0) { var job = _jobs.Take(); }
                if (!_counts.ContainsKey("a")) _counts["a"] = 1;
                if (_channel.Reader.Count > 0) { var read = await _channel.Reader.ReadAsync(); }
                if (_queue.IsEmpty) return;
                _queue.TryDequeue(out var next);
                Parallel.ForEach(items, x => _results.Add(x));
                Parallel.For(0, items.Length, i => { _map[i] = i; lock (_gate) { _results.Add(i); } });
                var local = new List<int>();
                Parallel.For(0, 10, () => new List<int>(), (i, state, mine) => { mine.Add(i); return mine; }, mine => { lock (_gate) local.AddRange(mine); });
                _timer = new Timer(_ => _results.Clear(), null, 0, 100);
                for (int i = 0; i < 4; i++) Task.Run(() => local.Add(i));
            }
        }
        """;

    // Shapes the page audit added: a process re-run after Dispose, an instance Post after Complete, a consumer method
    // that hands each item to a helper.
    private const string Pipelines = """
        using System.Collections.Concurrent;
        using System.Diagnostics;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        class Pipeline
        {
            private int _sum;

            void Handle(int item) => _sum += item;

            void Consume(BlockingCollection<int> q)
            {
                foreach (var item in q.GetConsumingEnumerable()) Handle(item);
            }

            async Task RunAsync(BlockingCollection<int> queue, ActionBlock<int> block, Process p)
            {
                var consumer = Task.Run(() => Consume(queue));
                consumer.Wait();
                queue.CompleteAdding();
                block.Complete();
                block.Post(1);
                await block.Completion;
                p.Start();
                p.Dispose();
                p.Start();
            }
        }
        """;

    public static IEnumerable<object[]> Corpus()
    {
        yield return new object[] { "pipelines", Pipelines };
        yield return new object[] { "threading", Threading };
        yield return new object[] { "monitors", Monitors };
        yield return new object[] { "collections", Collections };
        yield return new object[] { "broken", Broken };
        yield return new object[] { "locks", Locks };
        var samples = RuleCatalog.PathInRepository("samples");
        if (Directory.Exists(samples))
        {
            foreach (var file in Directory.GetFiles(samples, "*.cs", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                         .OrderBy(f => f, StringComparer.Ordinal))
            {
                yield return new object[] { Path.GetRelativePath(samples, file), File.ReadAllText(file) };
            }
        }
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Analyzers_NeverThrow_OnTruncatedCode(string name, string source)
    {
        // About 60 prefixes per file, always including the whole file.
        var step = Math.Max(1, source.Length / 60);
        var failures = new List<string>();
        for (var length = step; length <= source.Length + step - 1; length += step)
        {
            var text = source.Substring(0, Math.Min(length, source.Length));
            var result = AnalyzerRunner.Run(new[] { (name, text) });
            failures.AddRange(result.Exceptions.Select(e => $"prefix {text.Length}: {e}"));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(3)));
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Analyzers_NeverThrow_WhenATokenIsMissing(string name, string source)
    {
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source);
        var tokens = tree.GetRoot().DescendantTokens().Where(t => t.Text is ";" or ")" or "(" or "}" or "{" or "=").ToList();
        var step = Math.Max(1, tokens.Count / 40);
        var failures = new List<string>();
        for (var i = 0; i < tokens.Count; i += step)
        {
            var span = tokens[i].Span;
            var text = source.Remove(span.Start, span.Length);
            var result = AnalyzerRunner.Run(new[] { (name, text) });
            failures.AddRange(result.Exceptions.Select(e => $"without token at {span.Start}: {e}"));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(3)));
    }
}
