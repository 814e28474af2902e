using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ThreadWise;

namespace Samples.Primitives;

/// <summary>
/// Each ThreadWise primitive beside the BCL code it replaces: first the bug (detected with a timeout where it would
/// hang), then the cure. Every step is bounded in time.
/// </summary>
public static class Program
{
    private static readonly TimeSpan HangTimeout = TimeSpan.FromSeconds(2);

    public static async Task<int> Main()
    {
        await AsyncLockScope();
        OrderedLocks();
        LockOrderValidation();
        ConditionWithPredicateLoop();
        await WorkerPoolLifecycle();
        JoinableWorkQueue();
        AtomicCheckThenAct();
        WorkerThreadStartOnce();
        return 0;
    }

    // 1. SemaphoreSlim: a Release in a finally that also covers a cancelled WaitAsync releases a permit never taken.
    private static async Task AsyncLockScope()
    {
        Console.WriteLine("--- 1. async lock scope (SemaphoreSlim.EnterAsync) ---");
        var gate = new SemaphoreSlim(1);
        var held = await gate.EnterAsync();
        using (var cts = new CancellationTokenSource(50))
        {
            try
            {
                await gate.WaitAsync(cts.Token); // expect: TW0010 no-fix (the bug half of this demo, on purpose)
                // ... work ...
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                gate.Release(); // bug: runs although the wait was cancelled
            }
        }

        held.Dispose();
        Console.WriteLine($"bug:   try/finally around WaitAsync -> {gate.CurrentCount} free permits of 1 (a lock two callers can now hold)");

        var cured = new SemaphoreSlim(1);
        var heldAgain = await cured.EnterAsync();
        using (var cts = new CancellationTokenSource(50))
        {
            try
            {
                using (await cured.EnterAsync(cts.Token))
                {
                    // ... work ...
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        heldAgain.Dispose();
        Console.WriteLine($"fixed: using (await gate.EnterAsync(ct)) -> {cured.CurrentCount} free permit of 1");
    }

    // 2. Two threads taking the same two locks in opposite orders deadlock; LockSet takes them in one global order.
    private static void OrderedLocks()
    {
        Console.WriteLine("--- 2. ordered multi-lock (LockSet.Enter) ---");
        object accounts = new(), audit = new();
        using var bothHoldOne = new Barrier(2);
        var deadlocked = 0;
        void Nested(object first, object second)
        {
            lock (first)
            {
                bothHoldOne.SignalAndWait(HangTimeout);
                // Monitor.TryEnter with a timeout stands in for the `lock (second)` that would wait forever.
                if (Monitor.TryEnter(second, HangTimeout))
                {
                    Monitor.Exit(second);
                }
                else
                {
                    Interlocked.Increment(ref deadlocked);
                }
            }
        }

        var t1 = Task.Run(() => Nested(accounts, audit));
        var t2 = Task.Run(() => Nested(audit, accounts));
        Task.WaitAll(t1, t2);
        Console.WriteLine($"bug:   nested locks in opposite orders -> {deadlocked} thread(s) stuck (a deadlock, detected by timeout)");

        var transfers = 0;
        var a = Task.Run(() => { for (var i = 0; i < 10_000; i++) { using (LockSet.Enter(accounts, audit)) { transfers++; } } });
        var b = Task.Run(() => { for (var i = 0; i < 10_000; i++) { using (LockSet.Enter(audit, accounts)) { transfers++; } } });
        var finished = Task.WaitAll(new[] { a, b }, TimeSpan.FromSeconds(20));
        Console.WriteLine($"fixed: LockSet.Enter in either order -> finished: {finished}, {transfers} transfers");
    }

    // 3. The validator reports the inverted order on a run that did not deadlock.
    private static void LockOrderValidation()
    {
        Console.WriteLine("--- 3. lock-order validator (LockOrderValidator) ---");
        object accounts = new(), audit = new();
        LockOrderValidator.SetName(accounts, "accounts");
        LockOrderValidator.SetName(audit, "audit");
        var reports = new List<LockOrderViolation>();
        LockOrderValidator.Enable(v => reports.Add(v));
        try
        {
            // The two orders run one after the other: this run cannot deadlock, the program is still wrong.
            using (LockOrderValidator.Track(accounts))
            {
                lock (accounts)
                {
                    using (LockOrderValidator.Track(audit))
                    {
                        lock (audit)
                        {
                        }
                    }
                }
            }

            using (LockOrderValidator.Track(audit))
            {
                lock (audit)
                {
                    using (LockOrderValidator.Track(accounts))
                    {
                        lock (accounts)
                        {
                        }
                    }
                }
            }
        }
        finally
        {
            LockOrderValidator.Disable();
        }

        Console.WriteLine($"found: {reports.Count} inversion: {reports.FirstOrDefault()?.ToString().Split('\n')[0]}");
    }

    // 4. `if` instead of `while` around Monitor.Wait: a woken consumer acts although another took the item.
    private static void ConditionWithPredicateLoop()
    {
        Console.WriteLine("--- 4. condition with the predicate loop built in (Condition.WaitUntil) ---");
        var gate = new object();
        var items = new Queue<int>();
        var failures = 0;
        void BuggyConsumer()
        {
            lock (gate)
            {
                if (items.Count == 0)
                {
                    Monitor.Wait(gate, HangTimeout); // expect: TW0008 no-fix (the bug half of this demo, on purpose: `if`, not `while`)
                }

                if (!items.TryDequeue(out _))
                {
                    Interlocked.Increment(ref failures); // Dequeue() would throw here
                }
            }
        }

        var consumers = Enumerable.Range(0, 2).Select(_ => Task.Run(BuggyConsumer)).ToArray();
        Thread.Sleep(100);
        lock (gate)
        {
            items.Enqueue(1);
            Monitor.PulseAll(gate);
        }

        Task.WaitAll(consumers);
        Console.WriteLine($"bug:   if + Monitor.Wait, one item, two consumers -> {failures} consumer(s) found the queue empty");

        var condition = new Condition(gate);
        var taken = 0;
        void Consumer()
        {
            lock (gate)
            {
                if (condition.WaitUntil(() => items.Count > 0, HangTimeout))
                {
                    items.Dequeue();
                    taken++;
                }
            }
        }

        consumers = Enumerable.Range(0, 2).Select(_ => Task.Run(Consumer)).ToArray();
        Thread.Sleep(100);
        lock (gate)
        {
            items.Enqueue(1);
            condition.NotifyAll();
        }

        Task.WaitAll(consumers);
        Console.WriteLine($"fixed: Condition.WaitUntil -> {taken} item taken, the other consumer kept waiting (and timed out cleanly)");
    }

    // 5. Waiting for workers before telling them no more work comes hangs; WorkerPool fails fast instead.
    private static async Task WorkerPoolLifecycle()
    {
        Console.WriteLine("--- 5. worker pool lifecycle (WorkerPool) ---");
        using (var work = new System.Collections.Concurrent.BlockingCollection<int>())
        {
            var workers = Enumerable.Range(0, 2).Select(_ => Task.Run(() => { foreach (var _ in work.GetConsumingEnumerable()) { } })).ToArray();
            work.Add(1);
            var joined = Task.WaitAll(workers, HangTimeout); // expect: TW0007 (the bug half of this demo, on purpose: CompleteAdding() not called first)
            Console.WriteLine($"bug:   wait for workers before CompleteAdding -> finished: {joined} (hangs; detected by timeout)");
            work.CompleteAdding();
            Task.WaitAll(workers);
        }

        var pool = new WorkerPool(2);
        var squares = pool.Map(Enumerable.Range(1, 5), x => x * x);
        try
        {
            pool.Join(); // expect: TW0007 (on purpose: shows WorkerPool failing fast instead of hanging)
        }
        catch (InvalidOperationException ex)
        {
            Console.WriteLine($"fail-fast: {ex.Message}");
        }

        pool.Close();
        pool.Join();
        Console.WriteLine($"fixed: Close() then Join() -> results in order: {string.Join(", ", await squares)}");
    }

    // 6. "Queue is empty" is not "work is done": an item taken is still being processed.
    private static void JoinableWorkQueue()
    {
        Console.WriteLine("--- 6. joinable work queue (WorkQueue<T>) ---");
        var processed = 0;
        var queue = new WorkQueue<int>();
        var consumer = Task.Run(() =>
        {
            foreach (var item in queue.GetConsumingEnumerable())
            {
                Thread.Sleep(20);
                Interlocked.Increment(ref processed);
                queue.TaskDone();
            }
        });
        for (var i = 0; i < 5; i++)
        {
            queue.Put(i);
        }

        SpinWait.SpinUntil(() => queue.Count == 0, HangTimeout);
        Console.WriteLine($"bug:   waiting until Count == 0 -> {Volatile.Read(ref processed)} of 5 processed");
        queue.Join(); // waits for TaskDone of every item
        Console.WriteLine($"fixed: queue.Join() -> {Volatile.Read(ref processed)} of 5 processed");
        queue.Complete();
        consumer.Wait();
    }

    // 7. Check-then-act on a shared balance overdraws; the CAS loop makes check and write one step.
    private static void AtomicCheckThenAct()
    {
        Console.WriteLine("--- 7. atomic check-then-act (Atomic.TryUpdate) ---");
        var balance = 1000;
        using (var start = new Barrier(8))
        {
            var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                if (Volatile.Read(ref balance) >= 800) // expect: TW0016
                {
                    Thread.Sleep(10); // widen the window the way a real workload does
                    Interlocked.Add(ref balance, -800); // bug: the check above may be stale
                }
            })).ToArray();
            Task.WaitAll(tasks);
        }

        Console.WriteLine($"bug:   if (balance >= 800) balance -= 800 from 8 threads -> balance {balance}");

        balance = 1000;
        using (var start = new Barrier(8))
        {
            var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                Atomic.TryUpdate(ref balance, b => b >= 800 ? b - 800 : null);
            })).ToArray();
            Task.WaitAll(tasks);
        }

        Console.WriteLine($"fixed: Atomic.TryUpdate(ref balance, b => b >= 800 ? b - 800 : null) -> balance {balance}");
    }

    // 8. A worker with an overridable body: Run is protected (calling it directly does not compile), Start works once.
    private static void WorkerThreadStartOnce()
    {
        Console.WriteLine("--- 8. worker thread base class (WorkerThread) ---");
        var worker = new Greeter { IsBackground = true };
        worker.Start();
        worker.Join(HangTimeout);
        try
        {
            worker.Start();
        }
        catch (InvalidOperationException ex)
        {
            Console.WriteLine($"fail-fast: {ex.Message}");
        }
    }

    private sealed class Greeter : WorkerThread
    {
        public Greeter()
            : base("greeter")
        {
        }

        protected override void Run() => Console.WriteLine($"ran on thread '{Thread.CurrentThread.Name}', not the caller's");
    }
}
