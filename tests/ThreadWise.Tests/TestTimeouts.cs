using System;
using System.Threading.Tasks;

namespace ThreadWise.Tests;

internal static class TestTimeouts
{
    /// <summary>The bound on every stress test and every wait that should end: a bug fails the test instead of hanging CI.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public static Task Bounded(this Task task) => task.WaitAsync(Bound);

    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(Bound);
}
