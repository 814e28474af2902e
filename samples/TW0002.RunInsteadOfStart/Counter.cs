using System;
using System.Threading;

namespace Samples.TW0002;

/// <summary>The C# port of the course's "subclass Thread, override run()": Start() runs Run() on a thread of its own.</summary>
internal sealed class Counter
{
    private readonly string _name;
    private Thread? _thread;

    public Counter(string name) => _name = name;

    public void Start()
    {
        _thread = new Thread(Run) { Name = _name };
        _thread.Start();
    }

    public void Join() => _thread?.Join();

    public void Run()
    {
        for (var i = 0; i < 3; i++)
        {
            Console.WriteLine($"  {_name}: step {i} on thread {Environment.CurrentManagedThreadId}");
            Thread.Sleep(100);
        }
    }
}
