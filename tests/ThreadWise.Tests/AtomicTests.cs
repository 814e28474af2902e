using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace ThreadWise.Tests;

public class AtomicTests
{
    private int _int;
    private long _long;
    private string _text = "";

    [Fact]
    public void Update_ReturnsStoredValue()
    {
        var x = 5;
        Assert.Equal(10, Atomic.Update(ref x, v => v * 2));
        Assert.Equal(10, x);
        long y = 1;
        Assert.Equal(3L, Atomic.Update(ref y, v => v + 2));
        var s = "a";
        Assert.Equal("ab", Atomic.Update(ref s, v => v + "b"));
    }

    [Fact]
    public void TryUpdate_NullMeansNoWrite()
    {
        var balance = 500;
        Assert.False(Atomic.TryUpdate(ref balance, b => b >= 800 ? b - 800 : null));
        Assert.Equal(500, balance);
        Assert.True(Atomic.TryUpdate(ref balance, b => b >= 200 ? b - 200 : null));
        Assert.Equal(300, balance);
        long big = 10;
        Assert.False(Atomic.TryUpdate(ref big, b => b > 10 ? b : null));
        Assert.True(Atomic.TryUpdate(ref big, b => b + 1));
        Assert.Equal(11, big);
    }

    [Fact]
    public void Misuse_NullFunction_Throws()
    {
        var x = 0;
        long y = 0;
        var s = "";
        Assert.Throws<ArgumentNullException>(() => Atomic.Update(ref x, null!));
        Assert.Throws<ArgumentNullException>(() => Atomic.Update(ref y, null!));
        Assert.Throws<ArgumentNullException>(() => Atomic.Update(ref s, null!));
        Assert.Throws<ArgumentNullException>(() => Atomic.TryUpdate(ref x, null!));
        Assert.Throws<ArgumentNullException>(() => Atomic.TryUpdate(ref y, null!));
    }

    [Fact]
    public async Task Stress_NoLostUpdate_AndCheckThenActNeverOverdraws()
    {
        _int = 0;
        _long = 0;
        _text = "";
        var balance = 10_000;
        var withdrawn = 0;
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 5000; i++)
            {
                Atomic.Update(ref _int, v => v + 1);
                Atomic.Update(ref _long, v => v + 2);
                if (i % 100 == 0)
                {
                    Atomic.Update(ref _text, t => t + "x");
                }

                if (Atomic.TryUpdate(ref balance, b => b >= 3 ? b - 3 : null))
                {
                    System.Threading.Interlocked.Add(ref withdrawn, 3);
                }
            }
        }));
        await Task.WhenAll(tasks).Bounded();
        Assert.Equal(20_000, _int);
        Assert.Equal(40_000L, _long);
        Assert.Equal(200, _text.Length);
        Assert.True(balance >= 0);
        Assert.Equal(10_000, balance + withdrawn);
    }
}
