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
        ["TW0008.IfToWhile"] = new(
            "TW0008",
            """
            using System.Collections.Generic;
            using System.Threading;

            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();
                private bool _open;

                public int Take()
                {
                    lock (_gate)
                    {
                        if (_items.Count == 0)
                        {
                            // wait for Put
                            Monitor.Wait(_gate);
                        }

                        return _items.Dequeue();
                    }
                }

                public void WaitOpen()
                {
                    lock (_gate)
                    {
                        if (!_open)
                            Monitor.Wait(_gate); // until Open
                    }
                }
            }
            """,
            """
            using System.Collections.Generic;
            using System.Threading;

            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();
                private bool _open;

                public int Take()
                {
                    lock (_gate)
                    {
                        while (_items.Count == 0)
                        {
                            // wait for Put
                            Monitor.Wait(_gate);
                        }

                        return _items.Dequeue();
                    }
                }

                public void WaitOpen()
                {
                    lock (_gate)
                    {
                        while (!_open)
                            Monitor.Wait(_gate); // until Open
                    }
                }
            }
            """),
        ["TW0009.PulseOutsideLock"] = new(
            "TW0009",
            """
            using System.Collections.Generic;
            using System.Threading;

            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                public void Put(int item)
                {
                    lock (_gate)
                    {
                        _items.Enqueue(item);
                    }

                    // wake one taker
                    Monitor.Pulse(_gate);
                }

                public void Stop()
                {
                    Monitor.PulseAll(_gate); // everyone
                }
            }
            """,
            """
            using System.Collections.Generic;
            using System.Threading;

            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                public void Put(int item)
                {
                    lock (_gate)
                    {
                        _items.Enqueue(item);
                    }

                    // wake one taker
                    lock (_gate)
                    {
                        Monitor.Pulse(_gate);
                    }
                }

                public void Stop()
                {
                    lock (_gate)
                    {
                        Monitor.PulseAll(_gate); // everyone
                    }
                }
            }
            """),
        ["TW0010.TwoAcquires"] = new(
            "TW0010",
            """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class Store
            {
                private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1);
                private static readonly object Sync = new object();

                public async Task SaveAsync(CancellationToken ct)
                {
                    try
                    {
                        // one saver at a time
                        await Gate.WaitAsync(ct);
                        await Task.Delay(10, ct);
                    }
                    finally
                    {
                        Gate.Release();
                    }
                }

                public void Update()
                {
                    try
                    {
                        Monitor.Enter(Sync);
                        Console.WriteLine("updating");
                    }
                    finally
                    {
                        Monitor.Exit(Sync);
                    }
                }
            }
            """,
            """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class Store
            {
                private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1);
                private static readonly object Sync = new object();

                public async Task SaveAsync(CancellationToken ct)
                {
                    // one saver at a time
                    await Gate.WaitAsync(ct);
                    try
                    {
                        await Task.Delay(10, ct);
                    }
                    finally
                    {
                        Gate.Release();
                    }
                }

                public void Update()
                {
                    Monitor.Enter(Sync);
                    try
                    {
                        Console.WriteLine("updating");
                    }
                    finally
                    {
                        Monitor.Exit(Sync);
                    }
                }
            }
            """),
        ["TW0011.TwoTryAcquires"] = new(
            "TW0011",
            """
            using System;
            using System.Threading;

            class Account
            {
                private static readonly object Sync = new object();
                private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1);
                private int _balance;

                public void Deposit(int amount)
                {
                    Monitor.TryEnter(Sync, 50); // do not wait long
                    try
                    {
                        _balance += amount;
                    }
                    finally
                    {
                        Monitor.Exit(Sync);
                    }
                }

                public void Save()
                {
                    // one saver at a time
                    Gate.Wait(TimeSpan.FromMilliseconds(50));
                    try
                    {
                        Console.WriteLine(_balance);
                    }
                    finally
                    {
                        Gate.Release();
                    }
                }
            }
            """,
            """
            using System;
            using System.Threading;

            class Account
            {
                private static readonly object Sync = new object();
                private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1);
                private int _balance;

                public void Deposit(int amount)
                {
                    if (!Monitor.TryEnter(Sync, 50)) // do not wait long
                    {
                        throw new TimeoutException("'Sync' was not acquired");
                    }

                    try
                    {
                        _balance += amount;
                    }
                    finally
                    {
                        Monitor.Exit(Sync);
                    }
                }

                public void Save()
                {
                    // one saver at a time
                    if (!Gate.Wait(TimeSpan.FromMilliseconds(50)))
                    {
                        throw new TimeoutException("'Gate' was not acquired");
                    }

                    try
                    {
                        Console.WriteLine(_balance);
                    }
                    finally
                    {
                        Gate.Release();
                    }
                }
            }
            """),
        ["TW0012.TwoLoops"] = new(
            "TW0012",
            """
            using System;
            using System.Collections.Generic;
            using System.Threading;

            class Workers
            {
                public static void Run(int[] taken, string[] names)
                {
                    var workers = new Thread[taken.Length];
                    for (int i = 0; i < workers.Length; i++)
                    {
                        // each worker counts its own slot
                        workers[i] = new Thread(() => Interlocked.Increment(ref taken[i]));
                        workers[i].Start();
                    }

                    var greeters = new List<Thread>();
                    for (var n = 0; n < names.Length; n++)
                    {
                        var thread = new Thread(() =>
                        {
                            Console.WriteLine(names[n]); // the name of this worker
                        });
                        thread.Start();
                        greeters.Add(thread);
                    }

                    foreach (var worker in workers)
                    {
                        worker.Join();
                    }

                    greeters.ForEach(g => g.Join());
                }
            }
            """,
            """
            using System;
            using System.Collections.Generic;
            using System.Threading;

            class Workers
            {
                public static void Run(int[] taken, string[] names)
                {
                    var workers = new Thread[taken.Length];
                    for (int i = 0; i < workers.Length; i++)
                    {
                        // each worker counts its own slot
                        var index = i;
                        workers[i] = new Thread(() => Interlocked.Increment(ref taken[index]));
                        workers[i].Start();
                    }

                    var greeters = new List<Thread>();
                    for (var n = 0; n < names.Length; n++)
                    {
                        var currentN = n;
                        var thread = new Thread(() =>
                        {
                            Console.WriteLine(names[currentN]); // the name of this worker
                        });
                        thread.Start();
                        greeters.Add(thread);
                    }

                    foreach (var worker in workers)
                    {
                        worker.Join();
                    }

                    greeters.ForEach(g => g.Join());
                }
            }
            """),
        ["TW0013.BothKinds"] = new(
            "TW0013",
            """
            using System.Diagnostics;

            class Runner
            {
                private static ProcessStartInfo Info(string file) => new(file)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };

                public static string Build()
                {
                    using var child = Process.Start(Info("build"))!;
                    child.WaitForExit();
                    // everything it printed
                    var output = child.StandardOutput.ReadToEnd();
                    return output;
                }

                public static int Test()
                {
                    using var child = Process.Start(Info("test"))!;
                    var output = child.StandardOutput.ReadToEnd();
                    var errors = child.StandardError.ReadToEnd();
                    child.WaitForExit();
                    return output.Length + errors.Length;
                }
            }
            """,
            """
            using System.Diagnostics;

            class Runner
            {
                private static ProcessStartInfo Info(string file) => new(file)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };

                public static string Build()
                {
                    using var child = Process.Start(Info("build"))!;
                    // everything it printed
                    var output = child.StandardOutput.ReadToEnd();
                    child.WaitForExit();
                    return output;
                }

                public static int Test()
                {
                    using var child = Process.Start(Info("test"))!;
                    var outputTask = child.StandardOutput.ReadToEndAsync();
                    var errors = child.StandardError.ReadToEnd();
                    var output = outputTask.GetAwaiter().GetResult();
                    child.WaitForExit();
                    return output.Length + errors.Length;
                }
            }
            """),
        ["TW0014.BothKinds"] = new(
            "TW0014",
            """
            class Counter
            {
                private static long s_visits;
                private static long s_hits;
                private readonly object _gate = new object();

                public void Visit()
                {
                    lock (_gate)
                    {
                        s_visits++;
                    }
                }

                public void Hit()
                {
                    // count it
                    lock (new object())
                    {
                        s_hits++;
                    }
                }
            }
            """,
            """
            class Counter
            {
                private static long s_visits;
                private static long s_hits;
                private readonly object _gate = new object();
                private static readonly object s_sync = new object();

                public void Visit()
                {
                    lock (s_sync)
                    {
                        s_visits++;
                    }
                }

                public void Hit()
                {
                    // count it
                    lock (s_sync)
                    {
                        s_hits++;
                    }
                }
            }
            """),
        ["TW0019.BothKinds"] = new(
            "TW0019",
            """
            using System.Threading;
            using System.Threading.Tasks;

            class Store
            {
                private readonly object _gate = new object();
                private readonly object _cacheGate = new object();
                private int _saved;
                private int _cached;

                public async Task SaveAsync()
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        await Task.Delay(50);
                        _saved++;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }

                public void Count()
                {
                    Monitor.Enter(_gate);
                    _saved++;
                    Monitor.Exit(_gate);
                }

                public async Task CacheAsync()
                {
                    // no try: a throw leaves it held
                    Monitor.Enter(_cacheGate);
                    await Task.Delay(10);
                    _cached++;
                    Monitor.Exit(_cacheGate);
                }
            }
            """,
            """
            using System.Threading;
            using System.Threading.Tasks;
            using ThreadWise;

            class Store
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private readonly SemaphoreSlim _cacheGate = new SemaphoreSlim(1, 1);
                private int _saved;
                private int _cached;

                public async Task SaveAsync()
                {
                    using (await _gate.EnterAsync())
                    {
                        await Task.Delay(50);
                        _saved++;
                    }
                }

                public void Count()
                {
                    _gate.Wait();
                    _saved++;
                    _gate.Release();
                }

                public async Task CacheAsync()
                {
                    // no try: a throw leaves it held
                    await _cacheGate.WaitAsync();
                    await Task.Delay(10);
                    _cached++;
                    _cacheGate.Release();
                }
            }
            """,
            new Dictionary<string, string>
            {
                ["TW0019.UseSemaphoreSlim"] = """
                using System.Threading;
                using System.Threading.Tasks;

                class Store
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private readonly SemaphoreSlim _cacheGate = new SemaphoreSlim(1, 1);
                    private int _saved;
                    private int _cached;

                    public async Task SaveAsync()
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            await Task.Delay(50);
                            _saved++;
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }

                    public void Count()
                    {
                        _gate.Wait();
                        _saved++;
                        _gate.Release();
                    }

                    public async Task CacheAsync()
                    {
                        // no try: a throw leaves it held
                        await _cacheGate.WaitAsync();
                        await Task.Delay(10);
                        _cached++;
                        _cacheGate.Release();
                    }
                }
                """,
            }),
        ["TW0015.BothKinds"] = new(
            "TW0015",
            """
            using System.Collections.Concurrent;

            class Worker
            {
                private readonly BlockingCollection<string> _jobs = new();
                private readonly ConcurrentDictionary<string, int> _counts = new();

                public void Drain()
                {
                    while (_jobs.Count > 0)
                    {
                        var job = _jobs.Take();
                        Handle(job);
                    }
                }

                public void Register(string key, int value)
                {
                    // first writer wins
                    if (!_counts.ContainsKey(key))
                    {
                        _counts[key] = value;
                    }
                }

                private static void Handle(string job) { }
            }
            """,
            """
            using System.Collections.Concurrent;

            class Worker
            {
                private readonly BlockingCollection<string> _jobs = new();
                private readonly ConcurrentDictionary<string, int> _counts = new();

                public void Drain()
                {
                    while (_jobs.TryTake(out var job))
                    {
                        Handle(job);
                    }
                }

                public void Register(string key, int value)
                {
                    // first writer wins
                    _counts.TryAdd(key, value);
                }

                private static void Handle(string job) { }
            }
            """),
        ["TW0016.BothKinds"] = new(
            "TW0016",
            """
            using System;
            using System.Threading.Tasks;

            class Gauge
            {
                private int _max;
                private bool _reported;

                public void Track(int[] samples) => Parallel.ForEach(samples, s =>
                {
                    // keep the largest
                    if (s > _max) _max = s;

                    if (!_reported)
                    {
                        _reported = true;
                        Console.WriteLine("first sample");
                    }
                });
            }
            """,
            """
            using System;
            using System.Threading.Tasks;

            class Gauge
            {
                private int _max;
                private bool _reported;
                private readonly object _sync = new object();

                public void Track(int[] samples) => Parallel.ForEach(samples, s =>
                {
                    // keep the largest
                    lock (_sync)
                    {
                        if (s > _max) _max = s;
                    }

                    lock (_sync)
                    {
                        if (!_reported)
                        {
                            _reported = true;
                            Console.WriteLine("first sample");
                        }
                    }
                });
            }
            """,
            new Dictionary<string, string>
            {
                ["TW0016.UseAtomicTryUpdate"] = """
                using System;
                using System.Threading.Tasks;
                using ThreadWise;

                class Gauge
                {
                    private int _max;
                    private bool _reported;
                    private readonly object _sync = new object();

                    public void Track(int[] samples) => Parallel.ForEach(samples, s =>
                    {
                        // keep the largest
                        Atomic.TryUpdate(ref _max, max => s > max ? s : null);

                        lock (_sync)
                        {
                            if (!_reported)
                            {
                                _reported = true;
                                Console.WriteLine("first sample");
                            }
                        }
                    });
                }
                """,
            }),
        ["TW0016.GuardClauses"] = new(
            "TW0016",
            """
            using System;
            using System.Threading.Tasks;

            class Pool
            {
                private int _free = 10;
                private bool _warned;

                public bool TryRent()
                {
                    // none left: refuse
                    if (_free <= 0) return false;

                    _free--;
                    return true;
                }

                public void Warn()
                {
                    if (_warned) return;
                    _warned = true;
                    Console.WriteLine("pool low");
                }

                public void Run() => Parallel.For(0, 20, _ => { TryRent(); Warn(); });
            }
            """,
            """
            using System;
            using System.Threading.Tasks;

            class Pool
            {
                private int _free = 10;
                private bool _warned;
                private readonly object _sync = new object();

                public bool TryRent()
                {
                    // none left: refuse
                    lock (_sync)
                    {
                        if (_free <= 0) return false;

                        _free--;
                    }
                    return true;
                }

                public void Warn()
                {
                    lock (_sync)
                    {
                        if (_warned) return;
                        _warned = true;
                    }
                    Console.WriteLine("pool low");
                }

                public void Run() => Parallel.For(0, 20, _ => { TryRent(); Warn(); });
            }
            """),
        ["TW0017.BothKinds"] = new(
            "TW0017",
            """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class Indexer
            {
                public List<int> Squares(int[] items)
                {
                    var results = new List<int>();
                    // compute them all
                    Parallel.ForEach(items, item => results.Add(item * item));
                    return results;
                }

                public Dictionary<string, int> Positions(string[] words)
                {
                    var index = new Dictionary<string, int>();
                    Parallel.For(0, words.Length, i => index[words[i]] = i);
                    return index;
                }
            }
            """,
            """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class Indexer
            {
                public List<int> Squares(int[] items)
                {
                    var results = new List<int>();
                    // compute them all
                    Parallel.ForEach(items, item =>
                    {
                        lock (results)
                        {
                            results.Add(item * item);
                        }
                    });
                    return results;
                }

                public Dictionary<string, int> Positions(string[] words)
                {
                    var index = new Dictionary<string, int>();
                    Parallel.For(0, words.Length, i =>
                    {
                        lock (index)
                        {
                            index[words[i]] = i;
                        }
                    });
                    return index;
                }
            }
            """,
            new Dictionary<string, string>
            {
                ["TW0017.UsePlinq"] = """
                using System.Collections.Generic;
                using System.Threading.Tasks;
                using System.Linq;

                class Indexer
                {
                    public List<int> Squares(int[] items)
                    {
                        var results = new List<int>();
                        // compute them all
                        results.AddRange(items.AsParallel().Select(item => item * item));
                        return results;
                    }

                    public Dictionary<string, int> Positions(string[] words)
                    {
                        var index = new Dictionary<string, int>();
                        Parallel.For(0, words.Length, i =>
                        {
                            lock (index)
                            {
                                index[words[i]] = i;
                            }
                        });
                        return index;
                    }
                }
                """,
            }),
        ["TW0018.MoveAfterWait"] = new(
            "TW0018",
            """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class Counter
            {
                private readonly object _gate = new object();
                private int _num;

                public void Run()
                {
                    var p1 = new Thread(() => { lock (_gate) _num++; });
                    var p2 = new Thread(() => { lock (_gate) _num++; });
                    p1.Start();
                    p2.Start();
                    // the course prints it here
                    Console.WriteLine(_num);
                    p1.Join();
                    p2.Join();
                }

                public async Task<int> LoadAsync()
                {
                    var length = 0;
                    var task = Task.Run(() => length = "page".Length);
                    var seen = length; // too early
                    await task;
                    return seen;
                }
            }
            """,
            """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class Counter
            {
                private readonly object _gate = new object();
                private int _num;

                public void Run()
                {
                    var p1 = new Thread(() => { lock (_gate) _num++; });
                    var p2 = new Thread(() => { lock (_gate) _num++; });
                    p1.Start();
                    p2.Start();
                    p1.Join();
                    p2.Join();
                    // the course prints it here
                    Console.WriteLine(_num);
                }

                public async Task<int> LoadAsync()
                {
                    var length = 0;
                    var task = Task.Run(() => length = "page".Length);
                    await task;
                    var seen = length; // too early
                    return seen;
                }
            }
            """),
    };
}
