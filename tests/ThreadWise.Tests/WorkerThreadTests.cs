using System;
using System.Threading;
using Xunit;

namespace ThreadWise.Tests;

public class WorkerThreadTests
{
    private sealed class Recorder : WorkerThread
    {
        public Recorder()
            : base("recorder")
        {
        }

        public int RanOn { get; private set; } = -1;

        public bool WasBackground { get; private set; }

        public string? ThreadName { get; private set; }

        public ManualResetEventSlim Release { get; } = new(true);

        protected override void Run()
        {
            RanOn = Environment.CurrentManagedThreadId;
            WasBackground = Thread.CurrentThread.IsBackground;
            ThreadName = Thread.CurrentThread.Name;
            Release.Wait(TestTimeouts.Bound);
        }
    }

    private sealed class SelfJoiner : WorkerThread
    {
        public Exception? Caught { get; private set; }

        protected override void Run()
        {
            try
            {
                Join();
            }
            catch (InvalidOperationException ex)
            {
                Caught = ex;
            }
        }
    }

    [Fact]
    public void Start_RunsOnANewThread_WithConfiguration()
    {
        var worker = new Recorder { IsBackground = true };
        Assert.False(worker.IsStarted);
        worker.Start();
        Assert.True(worker.Join(TestTimeouts.Bound));
        Assert.NotEqual(Environment.CurrentManagedThreadId, worker.RanOn);
        Assert.True(worker.WasBackground);
        Assert.Equal("recorder", worker.ThreadName);
        Assert.False(worker.IsAlive);
    }

    [Fact]
    public void Start_Twice_Throws_WithClearMessage()
    {
        var worker = new Recorder();
        worker.Start();
        var ex = Assert.Throws<InvalidOperationException>(() => worker.Start());
        Assert.Contains("only be started once", ex.Message, StringComparison.Ordinal);
        Assert.True(worker.Join(TestTimeouts.Bound));
    }

    [Fact]
    public void Configuration_AfterStart_Throws()
    {
        var worker = new Recorder();
        worker.Release.Reset();
        worker.Start();
        Assert.Throws<InvalidOperationException>(() => worker.IsBackground = true);
        Assert.Throws<InvalidOperationException>(() => worker.Name = "late");
        Assert.True(worker.IsAlive);
        Assert.False(worker.Join(TimeSpan.FromMilliseconds(10)));
        worker.Release.Set();
        Assert.True(worker.Join(TestTimeouts.Bound));
    }

    [Fact]
    public void Join_BeforeStart_And_SelfJoin_Throw()
    {
        var worker = new Recorder();
        Assert.Throws<InvalidOperationException>(() => worker.Join());
        var self = new SelfJoiner();
        self.Start();
        Assert.True(self.Join(TestTimeouts.Bound));
        Assert.IsType<InvalidOperationException>(self.Caught);
    }
}
