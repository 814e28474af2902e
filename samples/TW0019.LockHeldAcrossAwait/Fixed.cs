using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ThreadWise;

namespace Samples.TW0019;

internal static class Fixed
{
    private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);
    private static readonly SemaphoreSlim CacheGate = new SemaphoreSlim(1, 1);
    private static readonly Dictionary<string, string> Cache = new Dictionary<string, string>();
    private static int s_saved;

    public static void Run()
    {
        Show("SemaphoreSlim + EnterAsync", StartOnOwnThread(SaveAsync), () => Gate.Wait(TimeSpan.FromSeconds(1)), () => Gate.Release());
        Show("SemaphoreSlim + WaitAsync/Release", StartOnOwnThread(() => RefreshAsync("answer")), () => CacheGate.Wait(TimeSpan.FromSeconds(1)), () => CacheGate.Release());
    }

    private static async Task SaveAsync()
    {
        using (await Gate.EnterAsync())
        {
            await Task.Delay(50);
            s_saved++;
        }
    }

    private static async Task RefreshAsync(string key)
    {
        var value = await LoadAsync(key).ConfigureAwait(false);
        await CacheGate.WaitAsync().ConfigureAwait(false);
        try
        {
            Cache[key] = value;
        }
        finally
        {
            CacheGate.Release();
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

    private static void Show(string name, Task task, Func<bool> anotherCallerEnters, Action release)
    {
        Console.WriteLine(task.Wait(TimeSpan.FromSeconds(2)) ? $"  {name}: completed (saved {s_saved}, cached {Cache.Count})" : $"  {name}: still running after 2 s");
        var entered = Task.Run(anotherCallerEnters).Result;
        Console.WriteLine(entered ? $"  {name}: another caller got the lock" : $"  {name}: another caller still waits after 1 s");
        if (entered)
        {
            release();
        }
    }
}
