using System.Threading;
using System.Threading.Tasks;

namespace ThreadWise;

internal static class TaskHelpers
{
    // Task.WaitAsync(CancellationToken) exists from .NET 6; this is the netstandard2.0 equivalent.
    public static Task WaitAsync(Task task, CancellationToken cancellationToken)
    {
#if NET6_0_OR_GREATER
        return task.WaitAsync(cancellationToken);
#else
        return WaitCore(task, cancellationToken);

        static async Task WaitCore(Task task, CancellationToken cancellationToken)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(static s => ((TaskCompletionSource<bool>)s!).TrySetCanceled(), cancelled))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            await task.ConfigureAwait(false);
        }
#endif
    }
}
