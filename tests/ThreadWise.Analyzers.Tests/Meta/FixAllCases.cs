using System.Collections.Generic;

namespace ThreadWise.Analyzers.Tests.Meta;

/// <summary>
/// One document per rule with reports of every fix kind the rule has, and the document after Fix All. The result is the
/// same whatever equivalence key Fix All runs with, except for the keys listed in <see cref="ByKey"/>: a diagnostic gets
/// the requested fix when it offers it and its first fix otherwise.
/// </summary>
public sealed record FixAllCase(string Id, string Source, string Fixed, IReadOnlyDictionary<string, string>? ByKey = null, bool TopLevel = false)
{
    public string Expected(string? key) => key is not null && ByKey is not null && ByKey.TryGetValue(key, out var text) ? text : Fixed;
}

internal static class FixAllCases
{
    public static readonly IReadOnlyDictionary<string, FixAllCase> All = new Dictionary<string, FixAllCase>
    {
        ["TW0001.Mixed"] = new(
            "TW0001",
            """
            using System.Threading.Tasks;

            class Stats
            {
                private static int s_count;
                private static double s_sum;
                private static double s_max;
                private readonly int[] _buckets = new int[8];

                public void Run()
                {
                    Parallel.For(0, 100, i =>
                    {
                        s_count++;
                        // running totals
                        s_sum += 0.5;
                        s_max = s_max + i;

                        Record(i);
                    });
                }

                private void Record(int v) => _buckets[v % _buckets.Length]++;
            }
            """,
            """
            using System.Threading;
            using System.Threading.Tasks;

            class Stats
            {
                private static int s_count;
                private static double s_sum;
                private static double s_max;
                private readonly int[] _buckets = new int[8];
                private static readonly object s_sync = new object();

                public void Run()
                {
                    Parallel.For(0, 100, i =>
                    {
                        Interlocked.Increment(ref s_count);
                        // running totals
                        lock (s_sync)
                        {
                            s_sum += 0.5;
                            s_max = s_max + i;
                        }

                        Record(i);
                    });
                }

                private void Record(int v) => Interlocked.Increment(ref _buckets[v % _buckets.Length]);
            }
            """),
        ["TW0002.BothKinds"] = new(
            "TW0002",
            """
            using System;
            using System.Threading;

            class Counter
            {
                private Thread _thread;

                public void Start()
                {
                    _thread = new Thread(Run);
                    _thread.Start();
                }

                public void Join() => _thread.Join();

                public void Run() => Console.WriteLine(Environment.CurrentManagedThreadId);
            }

            class Program
            {
                static void Work() { }

                static void Main()
                {
                    var c = new Counter();
                    c.Run();
                    var t = new Thread(Work);
                    // run it
                    Work();
                    t.Join();
                    c.Join();
                }
            }
            """,
            """
            using System;
            using System.Threading;

            class Counter
            {
                private Thread _thread;

                public void Start()
                {
                    _thread = new Thread(Run);
                    _thread.Start();
                }

                public void Join() => _thread.Join();

                public void Run() => Console.WriteLine(Environment.CurrentManagedThreadId);
            }

            class Program
            {
                static void Work() { }

                static void Main()
                {
                    var c = new Counter();
                    c.Start();
                    var t = new Thread(Work);
                    // run it
                    t.Start();
                    t.Join();
                    c.Join();
                }
            }
            """),
        ["TW0003.BothKinds"] = new(
            "TW0003",
            """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    var running = Task.Run(() => { });
                    running.Start();
                    var t = new Thread(() => { });
                    t.Start();
                    t.Join();
                    // again
                    t.Start();
                    await running;
                }
            }
            """,
            """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    var running = Task.Run(() => { });
                    var t = new Thread(() => { });
                    t.Start();
                    t.Join();
                    // again
                    t = new Thread(() => { });
                    t.Start();
                    await running;
                }
            }
            """),
        ["TW0004.TwoMethodsAndTwoInstances"] = new(
            "TW0004",
            """
            class Ledger
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Post()
                {
                    lock (_ledger)
                    {
                        lock (_audit)
                        {
                        }
                    }
                }

                public void Reconcile()
                {
                    lock (_audit)
                    {
                        lock (_ledger)
                        {
                        }
                    }
                }
            }

            class Account
            {
                private readonly object _sync = new object();
                private decimal _balance;

                public static void Transfer(Account from, Account to, decimal amount)
                {
                    lock (from._sync)
                    {
                        lock (to._sync)
                        {
                            from._balance -= amount;
                            to._balance += amount;
                        }
                    }
                }
            }
            """,
            """
            using ThreadWise;

            class Ledger
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();

                public void Post()
                {
                    lock (_ledger)
                    {
                        lock (_audit)
                        {
                        }
                    }
                }

                public void Reconcile()
                {
                    lock (_ledger)
                    {
                        lock (_audit)
                        {
                        }
                    }
                }
            }

            class Account
            {
                private readonly object _sync = new object();
                private decimal _balance;

                public static void Transfer(Account from, Account to, decimal amount)
                {
                    using (LockSet.Enter(from._sync, to._sync))
                    {
                        from._balance -= amount;
                        to._balance += amount;
                    }
                }
            }
            """),
        ["TW0005.ThreeKinds"] = new(
            "TW0005",
            """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _sync = new object();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);
                private readonly Mutex _mutex = new Mutex();

                public void A()
                {
                    Monitor.Enter(_sync);
                    Console.WriteLine("a");
                    Monitor.Exit(_sync);
                }

                public async Task B()
                {
                    await _gate.WaitAsync();
                    await Task.Delay(1);
                    _gate.Release();
                }

                public void D()
                {
                    _mutex.WaitOne();
                    Console.WriteLine("d");
                    _mutex.ReleaseMutex();
                }
            }
            """,
            """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using ThreadWise;

            class C
            {
                private readonly object _sync = new object();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);
                private readonly Mutex _mutex = new Mutex();

                public void A()
                {
                    lock (_sync)
                    {
                        Console.WriteLine("a");
                    }
                }

                public async Task B()
                {
                    using (await _gate.EnterAsync())
                    {
                        await Task.Delay(1);
                    }
                }

                public void D()
                {
                    _mutex.WaitOne();
                    try
                    {
                        Console.WriteLine("d");
                    }
                    finally
                    {
                        _mutex.ReleaseMutex();
                    }
                }
            }
            """,
            new Dictionary<string, string>
            {
                ["TW0005.WrapInTryFinally"] = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly object _sync = new object();
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);
                    private readonly Mutex _mutex = new Mutex();

                    public void A()
                    {
                        Monitor.Enter(_sync);
                        try
                        {
                            Console.WriteLine("a");
                        }
                        finally
                        {
                            Monitor.Exit(_sync);
                        }
                    }

                    public async Task B()
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            await Task.Delay(1);
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }

                    public void D()
                    {
                        _mutex.WaitOne();
                        try
                        {
                            Console.WriteLine("d");
                        }
                        finally
                        {
                            _mutex.ReleaseMutex();
                        }
                    }
                }
                """,
            }),
        ["TW0006.BothKinds"] = new(
            "TW0006",
            """
            using System.Threading;

            class C
            {
                void M(Thread given)
                {
                    var worker = new Thread(Work);
                    worker.Start();
                    worker.IsBackground = true;
                    given.Start();
                    given.IsBackground = true;
                }

                static void Work() { }
            }
            """,
            """
            using System.Threading;

            class C
            {
                void M(Thread given)
                {
                    var worker = new Thread(Work) { IsBackground = true };
                    worker.Start();
                    given.IsBackground = true;
                    given.Start();
                }

                static void Work() { }
            }
            """,
            new Dictionary<string, string>
            {
                ["TW0006.MoveBeforeStart"] = """
                using System.Threading;

                class C
                {
                    void M(Thread given)
                    {
                        var worker = new Thread(Work);
                        worker.IsBackground = true;
                        worker.Start();
                        given.IsBackground = true;
                        given.Start();
                    }

                    static void Work() { }
                }
                """,
            }),
        ["TW0007.TwoMethods"] = new(
            "TW0007",
            """
            using System.Collections.Concurrent;
            using System.Threading.Tasks;
            using System.Threading.Tasks.Dataflow;

            class C
            {
                private readonly BlockingCollection<int> _queue = new BlockingCollection<int>();

                void M()
                {
                    var a = Task.Run(() => { foreach (var x in _queue.GetConsumingEnumerable()) { } });
                    _queue.Add(1);

                    a.Wait();
                    // no more items
                    _queue.CompleteAdding();
                }

                async Task N(ActionBlock<int> block)
                {
                    block.Post(1);
                    await block.Completion;

                    block.Complete();
                }
            }
            """,
            """
            using System.Collections.Concurrent;
            using System.Threading.Tasks;
            using System.Threading.Tasks.Dataflow;

            class C
            {
                private readonly BlockingCollection<int> _queue = new BlockingCollection<int>();

                void M()
                {
                    var a = Task.Run(() => { foreach (var x in _queue.GetConsumingEnumerable()) { } });
                    _queue.Add(1);

                    // no more items
                    _queue.CompleteAdding();
                    a.Wait();
                }

                async Task N(ActionBlock<int> block)
                {
                    block.Post(1);
                    block.Complete();
                    await block.Completion;
                }
            }
            """),
    };
}
