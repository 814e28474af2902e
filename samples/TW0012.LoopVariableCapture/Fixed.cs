using System.Threading;

namespace Samples.TW0012;

internal static class Fixed
{
    public static (int[] Taken, int PastTheEnd) Run()
    {
        var taken = new int[Program.Workers];
        var pastTheEnd = 0;
        var workers = new Thread[Program.Workers];
        for (int i = 0; i < workers.Length; i++)
        {
            var index = i;
            workers[i] = new Thread(() =>
            {
                Program.Prepare();
                Program.Take(taken, index, ref pastTheEnd);
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
