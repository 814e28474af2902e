using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace ThreadWise.Cli.Tests.Infrastructure;

/// <summary>
/// Small solutions written to a temp folder, restored once together (one <c>dotnet restore</c> of a .slnx naming
/// every restorable project): two projects with a reference, an .editorconfig that turns a rule off, a solution with a
/// project whose SDK is missing, a project never restored, an invalid project file, a folder with no project.
/// </summary>
public sealed class Scenarios : IAsyncLifetime
{
    /// <summary>TW0006: configured after Start.</summary>
    public const string ConfiguredAfterStart = """
        using System.Threading;

        public static class Late
        {
            public static void Run()
            {
                var worker = new Thread(() => { });
                worker.Start();
                worker.IsBackground = true;
                worker.Join();
            }
        }
        """;

    /// <summary>TW0003: started twice.</summary>
    public const string StartedTwice = """
        using System.Threading;

        public static class Twice
        {
            public static void Run()
            {
                var worker = new Thread(() => { });
                worker.Start();
                worker.Start();
            }
        }
        """;

    /// <summary>A finding in shared code and one under each framework's <c>#if</c> branch.</summary>
    public const string PerFramework = """
        using System.Threading;

        public static class Both
        {
            public static void Shared()
            {
                var worker = new Thread(() => { });
                worker.Start();
                worker.Start();
            }

            public static void Branches()
            {
                var worker = new Thread(() => { });
                worker.Start();
        #if NET
                worker.Start();
        #else
                worker.IsBackground = true;
        #endif
                worker.Join();
            }
        }
        """;

    public string Root { get; } = Tool.NewTempFolder("scenarios");

    public string TwoProjects => Path.Combine(Root, "two", "Two.slnx");

    public string Configured => Path.Combine(Root, "config");

    public string Broken => Path.Combine(Root, "broken", "Broken.slnx");

    public string NotCompiling => Path.Combine(Root, "nocompile", "NoCompile.csproj");

    public string NotRestored => Path.Combine(Root, "norestore", "NotRestored.csproj");

    public string Invalid => Path.Combine(Root, "invalid", "Invalid.csproj");

    public string Empty => Path.Combine(Root, "empty");

    public string MultiTargeted => Path.Combine(Root, "multi", "Multi.csproj");

    public Task InitializeAsync()
    {
        Project("two/A/A.csproj", ConfiguredAfterStart);
        Project("two/B/B.csproj", StartedTwice, reference: "../A/A.csproj");
        Write("two/Two.slnx", """<Solution><Project Path="A/A.csproj" /><Project Path="B/B.csproj" /></Solution>""");

        Project("config/C.csproj", ConfiguredAfterStart);
        Write("config/Twice.cs", StartedTwice);
        Write("config/.editorconfig", "root = true\n\n[*.cs]\ndotnet_diagnostic.TW0006.severity = none\n");

        Project("broken/Good/Good.csproj", ConfiguredAfterStart);
        Write("broken/Bad/Bad.csproj", """<Project Sdk="Contoso.Missing.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>""");
        Write("broken/Broken.slnx", """<Solution><Project Path="Good/Good.csproj" /><Project Path="Bad/Bad.csproj" /></Solution>""");

        // Never restored: it loads (MSBuild finds the framework without the assets file) but its package is missing.
        // Loads, but does not compile: analyzed all the same.
        Project("nocompile/NoCompile.csproj", StartedTwice);
        Write("nocompile/Broken.cs", "public static class Broken\n{\n    public static int Value => Missing.Value;\n}\n");

        Project("norestore/NotRestored.csproj", StartedTwice);
        Write("norestore/NotRestored.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup><PackageReference Include="System.CommandLine" Version="2.0.15" /></ItemGroup>
            </Project>
            """);
        Write("norestore/UsesPackage.cs", "using System.CommandLine;\n\npublic static class UsesPackage\n{\n    public static RootCommand Create() => new RootCommand();\n}\n");
        Write("multi/Multi.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFrameworks>net10.0;netstandard2.0</TargetFrameworks>
                <LangVersion>latest</LangVersion>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
            </Project>
            """);
        Write("multi/Code.cs", PerFramework);
        Write("invalid/Invalid.csproj", """<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup>""");
        Write("empty/notes.txt", "no project here");

        Write("restore.slnx", """
            <Solution>
              <Project Path="two/A/A.csproj" />
              <Project Path="two/B/B.csproj" />
              <Project Path="config/C.csproj" />
              <Project Path="nocompile/NoCompile.csproj" />
              <Project Path="broken/Good/Good.csproj" />
              <Project Path="multi/Multi.csproj" />
            </Solution>
            """);
        Tool.Restore(Path.Combine(Root, "restore.slnx"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Tool.DeleteTempFolder(Root);
        return Task.CompletedTask;
    }

    /// <summary>A library project: net10.0, no packages, the root's settings kept out (a Directory.Build.props above would leak in).</summary>
    internal static void WriteProject(string path, string? reference = null)
    {
        var item = reference is null ? "" : $"""<ItemGroup><ProjectReference Include="{reference}" /></ItemGroup>""";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              {item}
            </Project>
            """);
    }

    private void Project(string relativePath, string code, string? reference = null)
    {
        var path = Path.Combine(Root, relativePath);
        WriteProject(path, reference);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "Code.cs"), code);
    }

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
