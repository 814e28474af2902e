using System.Threading;

namespace Samples.TW0012;

internal static class Buggy
{
    public static (int[] Taken, int PastTheEnd) Run()
    {
        var taken = new int[8];
        var pastTheEnd = 0;
        var workers = new Thread[taken.Length];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Thread(() =>
            {
                Thread.Sleep(20); // what a worker does first: open a connection, load a file
                if (i < taken.Length) // expect: TW0012
                {
                    Interlocked.Increment(ref taken[i]);
                }
                else
                {
                    Interlocked.Increment(ref pastTheEnd);
                }
            });
            workers[i].Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        return (taken, pastTheEnd);
    }
}
