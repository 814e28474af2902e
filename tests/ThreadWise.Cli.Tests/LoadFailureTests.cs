using ThreadWise.Cli.Loading;
using Xunit;

namespace ThreadWise.Cli.Tests;

/// <summary>The cause a load failure is named with, from the exact messages MSBuildWorkspace gave on real solutions.</summary>
public sealed class LoadFailureTests
{
    [Theory]
    [InlineData("Msbuild failed when processing the file '/r/Bad.csproj' with message: The SDK 'Contoso.Missing.Sdk' specified could not be found.  /r/Bad.csproj",
        "a required SDK or MSBuild import is missing")]
    [InlineData("Msbuild failed when processing the file '/r/B.csproj' with message: The project file could not be loaded. Unexpected end of file has occurred. The following elements are not closed: PropertyGroup, Project. Line 2, position 1.",
        "the project file is not valid")]
    [InlineData("Msbuild failed when processing the file '/r/Npgsql.csproj' with message: Warning As Error: Microsoft.SourceLink.GitHub 10.0.400 depends on System.IO.Hashing (>= 10.0.11) but System.IO.Hashing 10.0.11 was not found. System.IO.Hashing 10.0.12 was resolved instead.",
        "its packages did not restore cleanly (run `dotnet restore` and fix what it reports)")]
    [InlineData("Msbuild failed when processing the file '/r/G.csproj' with message: Unable to find package GeoJSON.Net. No packages exist with this id in source(s): nuget.org",
        "its packages did not restore cleanly (run `dotnet restore` and fix what it reports)")]
    [InlineData("Msbuild failed when processing the file '/r/A.csproj' with message: /usr/share/dotnet/sdk/10.0.401/Sdks/Microsoft.NET.Sdk/targets/Microsoft.PackageDependencyResolution.targets(266,5): error NETSDK1004: Assets file '/r/obj/project.assets.json' not found. Run a NuGet package restore to generate this file.",
        "restore was not run (run `dotnet restore` on it first)")]
    [InlineData("Msbuild failed when processing the file '/r/N.csproj' with message: Unable to locate repository with working directory that contains directory '/r'.",
        "MSBuild reported an error while loading it")]
    public void Classify_NamesTheCause(string message, string reason) => Assert.Equal(reason, ProjectLoader.Classify(message));
}
