namespace ThreadWise;

/// <summary>Identifies the ThreadWise runtime support library.</summary>
public static class ThreadWiseInfo
{
    /// <summary>The name of the package that ships this library.</summary>
    public const string PackageName = "ThreadWise";
}
