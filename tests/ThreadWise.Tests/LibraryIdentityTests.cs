using Xunit;

namespace ThreadWise.Tests;

public class LibraryIdentityTests
{
    [Fact]
    public void PackageName_IsThreadWise()
    {
        Assert.Equal("ThreadWise", ThreadWiseInfo.PackageName);
        Assert.Equal("ThreadWise", typeof(ThreadWiseInfo).Assembly.GetName().Name);
    }
}
