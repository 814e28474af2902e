using System;
using System.Runtime.CompilerServices;
using Microsoft.Build.Locator;

namespace ThreadWise.Cli.Loading;

/// <summary>
/// Finds the installed .NET SDK's MSBuild once per process. It must run before any method that touches an MSBuild or
/// MSBuildWorkspace type is compiled, so callers keep those types in other methods (the JIT loads a method's types
/// when it compiles it); a test run that calls the tool many times registers once.
/// </summary>
internal static class MsBuildSetup
{
    private static readonly object Gate = new();

    /// <summary>Registers the SDK's MSBuild; returns an error message when no SDK can be found.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? EnsureRegistered()
    {
        lock (Gate)
        {
            if (MSBuildLocator.IsRegistered)
            {
                return null;
            }

            try
            {
                MSBuildLocator.RegisterDefaults();
                return null;
            }
            catch (InvalidOperationException e)
            {
                return "no .NET SDK found to load projects with (install the .NET SDK, or check DOTNET_ROOT): " + e.Message;
            }
        }
    }
}
