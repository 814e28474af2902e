using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace Samples.TW0009.Fixed;

internal sealed class Buffer : IBuffer
{
    private readonly object _gate = new object();
    private readonly Queue<int> _items = new Queue<int>();
    private bool _stopped;

    public void Put(int item)
    {
        lock (_gate)
        {
            _items.Enqueue(item);
            Monitor.Pulse(_gate);
        }
    }

    public int? Take(TimeSpan timeout)
    {
        lock (_gate)
        {
            var clock = Stopwatch.StartNew();
            while (_items.Count == 0 && !_stopped)
            {
                var left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                {
                    break;
                }
            }

            return _items.Count > 0 ? _items.Dequeue() : null;
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            WakeAll();
        }
    }

    private void WakeAll()
    {
        Monitor.PulseAll(_gate); // every caller holds _gate
    }
}
