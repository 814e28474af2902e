using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace Samples.TW0008.Buggy;

internal sealed class Buffer : IBuffer
{
    private readonly object _gate = new object();
    private readonly Queue<int> _items = new Queue<int>();
    private int _waiting;

    public void Put(int item)
    {
        lock (_gate)
        {
            _items.Enqueue(item);
            Monitor.PulseAll(_gate);
        }
    }

    public int Take()
    {
        lock (_gate)
        {
            _waiting++;
            Monitor.PulseAll(_gate); // tell the demo another consumer is here

            if (_items.Count == 0)
            {
                Monitor.Wait(_gate); // expect: TW0008
            }

            return _items.Dequeue();
        }
    }

    public void WaitForWaiters(int count, TimeSpan timeout)
    {
        lock (_gate)
        {
            var clock = Stopwatch.StartNew();
            while (_waiting < count && clock.Elapsed < timeout)
            {
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(50));
            }
        }
    }
}
