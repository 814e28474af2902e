using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Samples.TW0019;

internal static class Buggy
{
    private static readonly object Gate = new object();
    private static readonly ReaderWriterLockSlim CacheLock = new ReaderWriterLockSlim();
    private static readonly Dictionary<string, string> Cache = new Dictionary<string, string>();
    private static int s_saved;

    public static void Run()
    {
        // The caller runs on its own thread: after the await, the method goes on on a pool thread.
        Show("Monitor", StartOnOwnThread(SaveAsync), () => Task.Run(Count).Wait(TimeSpan.FromSeconds(1)));
        Show("ReaderWriterLockSlim", StartOnOwnThread(() => RefreshAsync("answer")), () => CacheLock.TryEnterWriteLock(TimeSpan.FromSeconds(1)));
    }

    private static async Task SaveAsync()
    {
        Monitor.Enter(Gate);
        try
        {
            await Task.Delay(50); // expect: TW0019
            s_saved++;
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    private static void Count()
    {
        Monitor.Enter(Gate);
        s_saved++;
        Monitor.Exit(Gate);
    }

    private static async Task RefreshAsync(string key)
    {
        CacheLock.EnterWriteLock();
        try
        {
            Cache[key] = await LoadAsync(key).ConfigureAwait(false); // expect: TW0019 no-fix
        }
        finally
        {
            CacheLock.ExitWriteLock();
        }
    }

    private static async Task<string> LoadAsync(string key)
    {
        await Task.Delay(50);
        return key.ToUpperInvariant();
    }

    private static Task StartOnOwnThread(Func<Task> work)
    {
        Task? started = null;
        var thread = new Thread(() => started = work());
        thread.Start();
        thread.Join();
        return started!;
    }

    private static void Show(string name, Task task, Func<bool> anotherCallerEnters)
    {
        try
        {
            Console.WriteLine(task.Wait(TimeSpan.FromSeconds(2)) ? $"  {name}: completed" : $"  {name}: still running after 2 s");
        }
        catch (AggregateException e)
        {
            Console.WriteLine($"  {name}: {e.InnerException!.GetType().Name}: {e.InnerException.Message}");
        }

        var entered = Task.Run(anotherCallerEnters).Result;
        Console.WriteLine(entered
            ? $"  {name}: another caller got the lock"
            : $"  {name}: another caller still waits after 1 s: the lock was never released (its owner thread has ended)");
    }
}
